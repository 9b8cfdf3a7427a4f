// Glue between the C layer and JS: husk_error -> JS Error with errno, code,
// step and syscall; argument readers; a promise-returning worker.
#ifndef HUSK_ADDON_JS_H
#define HUSK_ADDON_JS_H

#include <napi.h>

#include <functional>
#include <string>
#include <vector>

#include "error.h"

namespace husk {

Napi::Error MakeError(Napi::Env env, const husk_error &err);

// Readers that throw a TypeError naming the argument when it is wrong.
std::string StringArg(const Napi::CallbackInfo &info, size_t i, const char *name);
int32_t IntArg(const Napi::CallbackInfo &info, size_t i, const char *name);
std::vector<std::string> StringArray(Napi::Env env, Napi::Value v, const char *name);
std::string StringProp(Napi::Object o, const char *key, bool required);
bool BoolProp(Napi::Object o, const char *key);

// Runs work on the libuv pool and settles a promise: rejected with the
// husk_error when work returns < 0, else resolved with result(env).
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<int(husk_error *)>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  static Napi::Promise Run(Napi::Env env, Work work, Result result = nullptr);

 private:
  PromiseWorker(Napi::Env env, Work work, Result result);
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error &e) override;

  Napi::Promise::Deferred deferred_;
  Work work_;
  Result result_;
  husk_error err_;
  bool failed_ = false;
};

// Registration of each area's functions on the module's exports.
void InitNamespaces(Napi::Env env, Napi::Object exports);
void InitMounts(Napi::Env env, Napi::Object exports);
void InitSeccomp(Napi::Env env, Napi::Object exports);
void InitPidfd(Napi::Env env, Napi::Object exports);
void InitFs(Napi::Env env, Napi::Object exports);
void InitDevfilter(Napi::Env env, Napi::Object exports);
void InitSpawn(Napi::Env env, Napi::Object exports);

}  // namespace husk

#endif
