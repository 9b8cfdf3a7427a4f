// JS bindings: start a child with posix_spawn (no fork of the daemon) and
// reap it through its pidfd.
#include <memory>
#include <string>
#include <vector>

#include "js.h"
#include "spawn.h"

namespace husk {
namespace {

std::vector<std::string> StringList(Napi::Env env, Napi::Value v, const char *name) {
  std::vector<std::string> out = StringArray(env, v, name);
  for (const std::string &s : out)
    if (s.find('\0') != std::string::npos) throw Napi::TypeError::New(env, std::string(name) + " must not contain NUL");
  return out;
}

// execve's argv/envp: pointers into strings, NULL-terminated.
std::vector<char *> Pointers(std::vector<std::string> &strings) {
  std::vector<char *> out;
  out.reserve(strings.size() + 1);
  for (std::string &s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<husk_stdio> StdioList(Napi::Env env, Napi::Value v) {
  const std::string bad = "stdio must be an array of 3 to " + std::to_string(HUSK_SPAWN_MAX_SLOTS) + " slots";
  if (!v.IsArray()) throw Napi::TypeError::New(env, bad);
  Napi::Array a = v.As<Napi::Array>();
  if (a.Length() < 3 || a.Length() > HUSK_SPAWN_MAX_SLOTS) throw Napi::TypeError::New(env, bad);
  std::vector<husk_stdio> out;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value item = a.Get(i);
    std::string kind = item.IsString() ? item.As<Napi::String>().Utf8Value() : "";
    if (item.IsNumber() && item.As<Napi::Number>().Int32Value() >= 0)
      out.push_back({HUSK_STDIO_FD, item.As<Napi::Number>().Int32Value()});
    else if (kind == "pipe")
      out.push_back({HUSK_STDIO_PIPE, -1});
    else if (kind == "ignore")
      out.push_back({HUSK_STDIO_IGNORE, -1});
    else
      throw Napi::TypeError::New(env, "stdio[" + std::to_string(i) + "] must be 'pipe', 'ignore' or an fd");
  }
  return out;
}

// spawnProcess(file, args, env, stdio): Promise<{ pid, pidfd, fds: (number | null)[] }>.
// On a pool thread: posix_spawn holds its caller until the child has exec'd.
Napi::Value SpawnProcess(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string file = StringArg(info, 0, "file");
  std::vector<std::string> argv = StringList(env, info[1], "args");
  argv.insert(argv.begin(), file);
  std::vector<std::string> envs = StringList(env, info[2], "env");
  std::vector<husk_stdio> stdio = StdioList(env, info[3]);
  auto spawned = std::make_shared<husk_spawned>();
  return PromiseWorker::Run(
      env,
      [file, argv, envs, stdio, spawned](husk_error *err) mutable {
        std::vector<char *> argvp = Pointers(argv);
        std::vector<char *> envp = Pointers(envs);
        return husk_spawn(file.c_str(), argvp.data(), envp.data(), stdio.data(), (int)stdio.size(), spawned.get(), err);
      },
      [spawned, slots = stdio.size()](Napi::Env env) -> Napi::Value {
        Napi::Array fds = Napi::Array::New(env, slots);
        for (uint32_t i = 0; i < slots; i++)
          fds.Set(i, spawned->fds[i] >= 0 ? Napi::Value(Napi::Number::New(env, spawned->fds[i])) : env.Null());
        Napi::Object out = Napi::Object::New(env);
        out.Set("pid", Napi::Number::New(env, spawned->pid));
        out.Set("pidfd", Napi::Number::New(env, spawned->pidfd));
        out.Set("fds", fds);
        return out;
      });
}

// reapPidfd(pidfd): { code, signal } once exited (code -1 when a signal ended
// it, signal 0 otherwise); null while it still runs. Never blocks.
Napi::Value ReapPidfd(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  husk_exit status;
  husk_error err;
  int rc = husk_reap_pidfd(IntArg(info, 0, "pidfd"), &status, &err);
  if (rc < 0) throw MakeError(env, err);
  if (rc == 0) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("code", Napi::Number::New(env, status.code));
  out.Set("signal", Napi::Number::New(env, status.signal));
  return out;
}

}  // namespace

void InitSpawn(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnProcess", Napi::Function::New(env, SpawnProcess, "spawnProcess"));
  exports.Set("reapPidfd", Napi::Function::New(env, ReapPidfd, "reapPidfd"));
}

}  // namespace husk
