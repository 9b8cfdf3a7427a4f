// JS bindings: pinned namespaces and work inside a network namespace.
#include <cerrno>
#include <memory>

#include "js.h"
#include "namespaces.h"
#include "netns.h"

namespace husk {
namespace {

// pinNamespaces(dir, kinds[]): Promise<void>
Napi::Value PinNamespaces(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = StringArg(info, 0, "dir");
  int flags = 0;
  for (const std::string &kind : StringArray(env, info[1], "kinds")) {
    const husk_ns_kind *k = husk_ns_kind_by_name(kind.c_str());
    if (k == nullptr) throw Napi::TypeError::New(env, "unknown namespace kind: " + kind);
    flags |= k->flag;
  }
  if (flags == 0) throw Napi::TypeError::New(env, "kinds must name at least one namespace");
  return PromiseWorker::Run(env, [dir, flags](husk_error *err) { return husk_pin_namespaces(dir.c_str(), flags, err); });
}

// unpinNamespaces(paths[]): Promise<void>. Off the JS thread: each unmount
// waits out an RCU grace period in the kernel. All are attempted; the first
// failure rejects.
Napi::Value UnpinNamespaces(const Napi::CallbackInfo &info) {
  std::vector<std::string> paths = StringArray(info.Env(), info[0], "paths");
  return PromiseWorker::Run(info.Env(), [paths](husk_error *err) {
    int rc = 0;
    husk_error each;
    for (const std::string &path : paths) {
      if (husk_unpin_namespace(path.c_str(), &each) < 0 && rc == 0) {
        *err = each;
        rc = -1;
      }
    }
    return rc;
  });
}

// pinProcessNamespace(pid, kind, target): void
Napi::Value PinProcessNamespace(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int pid = IntArg(info, 0, "pid");
  std::string kind = StringArg(info, 1, "kind");
  std::string target = StringArg(info, 2, "target");
  const husk_ns_kind *k = husk_ns_kind_by_name(kind.c_str());
  if (k == nullptr) throw Napi::TypeError::New(env, "unknown namespace kind: " + kind);
  husk_error err;
  if (husk_pin_process_namespace(pid, k, target.c_str(), &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// writeSysctlInNamespaces({net?, ipc?, uts?}, path, value): Promise<void>
Napi::Value WriteSysctlInNamespaces(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "namespaces must be an object");
  Napi::Object ns = info[0].As<Napi::Object>();
  std::string net = StringProp(ns, "net", false);
  std::string ipc = StringProp(ns, "ipc", false);
  std::string uts = StringProp(ns, "uts", false);
  std::string path = StringArg(info, 1, "path");
  std::string value = StringArg(info, 2, "value");
  return PromiseWorker::Run(env, [net, ipc, uts, path, value](husk_error *err) {
    auto opt = [](const std::string &s) { return s.empty() ? nullptr : s.c_str(); };
    return husk_write_sysctl_in_namespaces(opt(net), opt(ipc), opt(uts), path.c_str(), value.c_str(), err);
  });
}

// netnsConnectTcp(nsPath, host, port, timeoutMs): Promise<fd>
Napi::Value NetnsConnectTcp(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string ns = StringArg(info, 0, "nsPath");
  std::string host = StringArg(info, 1, "host");
  int port = IntArg(info, 2, "port");
  int timeout = IntArg(info, 3, "timeoutMs");
  if (port < 1 || port > 65535) throw Napi::RangeError::New(env, "port must be 1-65535");
  auto fd = std::make_shared<int>(-1);
  return PromiseWorker::Run(
      env,
      [ns, host, port, timeout, fd](husk_error *err) {
        *fd = husk_netns_tcp_connect(ns.c_str(), host.c_str(), port, timeout, err);
        return *fd < 0 ? -1 : 0;
      },
      [fd](Napi::Env e) { return Napi::Number::New(e, *fd); });
}

// netnsLoopbackUp(nsPath): Promise<void>
Napi::Value NetnsLoopbackUp(const Napi::CallbackInfo &info) {
  std::string ns = StringArg(info, 0, "nsPath");
  return PromiseWorker::Run(info.Env(), [ns](husk_error *err) { return husk_netns_loopback_up(ns.c_str(), err); });
}

// netnsInterfaces(nsPath): Promise<string[]>
Napi::Value NetnsInterfaces(const Napi::CallbackInfo &info) {
  std::string ns = StringArg(info, 0, "nsPath");
  struct Names {
    char buf[16384];
    int count = 0;
  };
  auto names = std::make_shared<Names>();
  return PromiseWorker::Run(
      info.Env(),
      [ns, names](husk_error *err) {
        names->count = husk_netns_interfaces(ns.c_str(), names->buf, sizeof names->buf, err);
        return names->count < 0 ? -1 : 0;
      },
      [names](Napi::Env e) {
        Napi::Array out = Napi::Array::New(e, names->count);
        const char *p = names->buf;
        for (int i = 0; i < names->count; i++) {
          out.Set(i, Napi::String::New(e, p));
          p += strlen(p) + 1;
        }
        return out;
      });
}

}  // namespace

void InitNamespaces(Napi::Env env, Napi::Object exports) {
  exports.Set("pinNamespaces", Napi::Function::New(env, PinNamespaces, "pinNamespaces"));
  exports.Set("pinProcessNamespace", Napi::Function::New(env, PinProcessNamespace, "pinProcessNamespace"));
  exports.Set("unpinNamespaces", Napi::Function::New(env, UnpinNamespaces, "unpinNamespaces"));
  exports.Set("writeSysctlInNamespaces", Napi::Function::New(env, WriteSysctlInNamespaces, "writeSysctlInNamespaces"));
  exports.Set("netnsConnectTcp", Napi::Function::New(env, NetnsConnectTcp, "netnsConnectTcp"));
  exports.Set("netnsLoopbackUp", Napi::Function::New(env, NetnsLoopbackUp, "netnsLoopbackUp"));
  exports.Set("netnsInterfaces", Napi::Function::New(env, NetnsInterfaces, "netnsInterfaces"));
}

}  // namespace husk
