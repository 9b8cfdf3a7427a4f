#include "js.h"

#include <cstring>

namespace husk {

Napi::Error MakeError(Napi::Env env, const husk_error &err) {
  std::string message = err.step;
  if (err.message[0] != '\0') message += std::string(": ") + err.message;
  if (err.errnum != 0) message += std::string(": ") + strerror(err.errnum);
  Napi::Error e = Napi::Error::New(env, message);
  const char *code = err.errnum != 0 ? strerrorname_np(err.errnum) : nullptr;
  e.Set("errno", Napi::Number::New(env, err.errnum));
  e.Set("code", code ? Napi::Value(Napi::String::New(env, code)) : env.Undefined());
  e.Set("step", Napi::String::New(env, err.step));
  e.Set("syscall", err.syscall[0] ? Napi::Value(Napi::String::New(env, err.syscall)) : env.Undefined());
  e.Set("detail", Napi::String::New(env, err.message));
  return e;
}

std::string StringArg(const Napi::CallbackInfo &info, size_t i, const char *name) {
  if (info.Length() <= i || !info[i].IsString())
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a string");
  std::string s = info[i].As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos) throw Napi::TypeError::New(info.Env(), std::string(name) + " must not contain NUL");
  return s;
}

int32_t IntArg(const Napi::CallbackInfo &info, size_t i, const char *name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  return info[i].As<Napi::Number>().Int32Value();
}

std::vector<std::string> StringArray(Napi::Env env, Napi::Value v, const char *name) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(name) + " must be an array of strings");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value item = a.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(env, std::string(name) + "[" + std::to_string(i) + "] must be a string");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

std::string StringProp(Napi::Object o, const char *key, bool required) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) {
    if (required) throw Napi::TypeError::New(o.Env(), std::string(key) + " is required");
    return "";
  }
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

bool BoolProp(Napi::Object o, const char *key) { return o.Get(key).ToBoolean().Value(); }

PromiseWorker::PromiseWorker(Napi::Env env, Work work, Result result)
    : Napi::AsyncWorker(env, "husk"), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)), result_(std::move(result)) {
  std::memset(&err_, 0, sizeof err_);
}

Napi::Promise PromiseWorker::Run(Napi::Env env, Work work, Result result) {
  auto *w = new PromiseWorker(env, std::move(work), std::move(result));
  Napi::Promise p = w->deferred_.Promise();
  w->Queue();  // the worker deletes itself once settled
  return p;
}

void PromiseWorker::Execute() { failed_ = work_(&err_) < 0; }

void PromiseWorker::OnOK() {
  if (failed_) {
    deferred_.Reject(MakeError(Env(), err_).Value());
    return;
  }
  deferred_.Resolve(result_ ? result_(Env()) : Env().Undefined());
}

void PromiseWorker::OnError(const Napi::Error &e) { deferred_.Reject(e.Value()); }

}  // namespace husk
