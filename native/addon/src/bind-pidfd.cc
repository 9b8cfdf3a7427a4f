// JS bindings: pidfds, and a watcher that settles a promise when a process
// exits without reaping it. One epoll thread per JS environment watches
// every pending pidfd, so waiting costs no libuv pool thread.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "js.h"
#include "pidfd.h"

namespace husk {
namespace {

class Watcher;
void DeliverExit(Napi::Env env, Napi::Function, Watcher *watcher, uint32_t *id);
using WatchTsfn = Napi::TypedThreadSafeFunction<Watcher, uint32_t, DeliverExit>;

class Watcher {
 public:
  // Everything but the epoll thread runs on the JS thread.
  static Watcher *Create(Napi::Env env, husk_error *err) {
    auto *w = new Watcher();
    w->epfd_ = epoll_create1(EPOLL_CLOEXEC);
    w->wakefd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->epfd_ < 0 || w->wakefd_ < 0) {
      husk_fail(err, errno, "start pidfd watcher", "epoll_create1", "%s", "");
      delete w;
      return nullptr;
    }
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;
    if (epoll_ctl(w->epfd_, EPOLL_CTL_ADD, w->wakefd_, &ev) < 0) {
      husk_fail(err, errno, "start pidfd watcher", "epoll_ctl", "%s", "eventfd");
      delete w;
      return nullptr;
    }
    // The tsfn holds the event loop only while a wait is pending.
    w->tsfn_ = WatchTsfn::New(env, "husk-pidfd-watch", 0, 1, w, [](Napi::Env, Watcher *, Watcher *self) { delete self; }, w);
    w->tsfn_.Unref(env);
    w->thread_ = std::thread([w] { w->Loop(); });
    return w;
  }

  ~Watcher() {
    if (thread_.joinable()) {
      uint64_t one = 1;
      stopping_ = true;
      if (write(wakefd_, &one, sizeof one) < 0) { /* the thread also checks stopping_ */ }
      thread_.join();
    }
    for (auto &entry : fds_) close(entry.second);
    if (epfd_ >= 0) close(epfd_);
    if (wakefd_ >= 0) close(wakefd_);
  }

  // Returns the wait id, or 0 with err filled.
  uint32_t Add(Napi::Env env, int pidfd, Napi::Promise::Deferred deferred, husk_error *err) {
    int fd = fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
      husk_fail(err, errno, "watch pidfd", "fcntl", "F_DUPFD_CLOEXEC pidfd %d", pidfd);
      return 0;
    }
    uint32_t id = next_id_++;
    {
      std::lock_guard<std::mutex> lock(mu_);
      struct epoll_event ev = {};
      ev.events = EPOLLIN;
      ev.data.u64 = id;
      if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
        husk_fail(err, errno, "watch pidfd", "epoll_ctl", "pidfd %d", pidfd);
        close(fd);
        return 0;
      }
      fds_[id] = fd;
    }
    if (deferreds_.empty()) tsfn_.Ref(env);
    deferreds_.emplace(id, deferred);
    return id;
  }

  // Stops watching; the promise resolves false. Unknown ids are ignored.
  void Cancel(Napi::Env env, uint32_t id) {
    Forget(id);
    Settle(env, id, false);
  }

  // On the JS thread, from the epoll thread's report.
  void Settle(Napi::Env env, uint32_t id, bool exited) {
    auto it = deferreds_.find(id);
    if (it == deferreds_.end()) return;
    Napi::Promise::Deferred deferred = it->second;
    deferreds_.erase(it);
    if (deferreds_.empty()) tsfn_.Unref(env);
    deferred.Resolve(Napi::Boolean::New(env, exited));
  }

 private:
  void Forget(uint32_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = fds_.find(id);
    if (it == fds_.end()) return;
    epoll_ctl(epfd_, EPOLL_CTL_DEL, it->second, nullptr);
    close(it->second);
    fds_.erase(it);
  }

  void Loop() {
    struct epoll_event events[32];
    while (!stopping_) {
      int n = epoll_wait(epfd_, events, 32, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      for (int i = 0; i < n; i++) {
        uint32_t id = (uint32_t)events[i].data.u64;
        if (id == 0) continue;  // wake-up: re-check stopping_
        Forget(id);
        if (tsfn_.BlockingCall(new uint32_t(id)) != napi_ok) return;  // the environment is closing
      }
    }
  }

  int epfd_ = -1;
  int wakefd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::unordered_map<uint32_t, int> fds_;  // guarded by mu_
  std::unordered_map<uint32_t, Napi::Promise::Deferred> deferreds_;  // JS thread only
  uint32_t next_id_ = 1;
  WatchTsfn tsfn_;
};

void DeliverExit(Napi::Env env, Napi::Function, Watcher *watcher, uint32_t *id) {
  if (env != nullptr && watcher != nullptr) watcher->Settle(env, *id, true);
  delete id;
}

// The watcher lives as long as the environment: created on first use, its
// tsfn's finalizer deletes it at teardown.
struct WatcherSlot {
  Watcher *watcher = nullptr;
};

Watcher *GetWatcher(Napi::Env env) {
  WatcherSlot *slot = env.GetInstanceData<WatcherSlot>();
  if (slot->watcher == nullptr) {
    husk_error err;
    slot->watcher = Watcher::Create(env, &err);
    if (slot->watcher == nullptr) throw MakeError(env, err);
  }
  return slot->watcher;
}

// pidfdOpen(pid): fd
Napi::Value PidfdOpen(const Napi::CallbackInfo &info) {
  husk_error err;
  int fd = husk_pidfd_open(IntArg(info, 0, "pid"), &err);
  if (fd < 0) throw MakeError(info.Env(), err);
  return Napi::Number::New(info.Env(), fd);
}

// pidfdSendSignal(fd, signal): void
Napi::Value PidfdSendSignal(const Napi::CallbackInfo &info) {
  husk_error err;
  if (husk_pidfd_send_signal(IntArg(info, 0, "fd"), IntArg(info, 1, "signal"), &err) < 0) throw MakeError(info.Env(), err);
  return info.Env().Undefined();
}

// pidfdExited(fd): boolean, without blocking
Napi::Value PidfdExited(const Napi::CallbackInfo &info) {
  husk_error err;
  int rc = husk_pidfd_exited(IntArg(info, 0, "fd"), &err);
  if (rc < 0) throw MakeError(info.Env(), err);
  return Napi::Boolean::New(info.Env(), rc == 1);
}

// pidfdWatch(fd): { id, promise: Promise<boolean> } (true: exited, false: cancelled)
Napi::Value PidfdWatch(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fd = IntArg(info, 0, "fd");
  Watcher *w = GetWatcher(env);
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  husk_error err;
  uint32_t id = w->Add(env, fd, deferred, &err);
  if (id == 0) throw MakeError(env, err);
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", Napi::Number::New(env, id));
  out.Set("promise", deferred.Promise());
  return out;
}

// pidfdUnwatch(id): void
Napi::Value PidfdUnwatch(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint32_t id = (uint32_t)IntArg(info, 0, "id");
  WatcherSlot *slot = env.GetInstanceData<WatcherSlot>();
  if (slot->watcher != nullptr) slot->watcher->Cancel(env, id);
  return env.Undefined();
}

}  // namespace

void InitPidfd(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new WatcherSlot());
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen, "pidfdOpen"));
  exports.Set("pidfdSendSignal", Napi::Function::New(env, PidfdSendSignal, "pidfdSendSignal"));
  exports.Set("pidfdExited", Napi::Function::New(env, PidfdExited, "pidfdExited"));
  exports.Set("pidfdWatch", Napi::Function::New(env, PidfdWatch, "pidfdWatch"));
  exports.Set("pidfdUnwatch", Napi::Function::New(env, PidfdUnwatch, "pidfdUnwatch"));
}

}  // namespace husk
