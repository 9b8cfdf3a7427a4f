// JS bindings: seccomp profile compilation to BPF.
#include <seccomp.h>

#include <cerrno>
#include <cstring>

#include "js.h"
#include "seccomp.h"

namespace husk {
namespace {

uint32_t Action(Napi::Env env, const std::string &name, Napi::Value errnoRet, const std::string &field) {
  uint32_t ret = errnoRet.IsNumber() ? errnoRet.As<Napi::Number>().Uint32Value() : EPERM;
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
  throw Napi::TypeError::New(env, field + ": unknown action " + name);
}

int Op(Napi::Env env, const std::string &name, const std::string &field) {
  if (name == "SCMP_CMP_NE") return SCMP_CMP_NE;
  if (name == "SCMP_CMP_LT") return SCMP_CMP_LT;
  if (name == "SCMP_CMP_LE") return SCMP_CMP_LE;
  if (name == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
  if (name == "SCMP_CMP_GE") return SCMP_CMP_GE;
  if (name == "SCMP_CMP_GT") return SCMP_CMP_GT;
  if (name == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
  throw Napi::TypeError::New(env, field + ": unknown operator " + name);
}

uint64_t U64(Napi::Env env, Napi::Value v, const std::string &field) {
  if (v.IsUndefined()) return 0;
  if (v.IsBigInt()) {
    bool lossless = false;
    uint64_t out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(env, field + " does not fit in 64 bits");
    return out;
  }
  if (v.IsNumber()) return (uint64_t)v.As<Napi::Number>().Int64Value();
  throw Napi::TypeError::New(env, field + " must be a bigint or number");
}

// compileSeccomp(profile): Buffer of struct sock_filter
Napi::Value CompileSeccomp(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "profile must be an object");
  Napi::Object profile = info[0].As<Napi::Object>();

  // Everything the C layer points at lives in these vectors until compile.
  std::vector<std::string> arches = StringArray(env, profile.Get("architectures"), "architectures");
  std::vector<const char *> archp;
  for (const std::string &a : arches) archp.push_back(a.c_str());

  Napi::Value syscallsValue = profile.Get("syscalls");
  if (!syscallsValue.IsArray()) throw Napi::TypeError::New(env, "syscalls must be an array");
  Napi::Array syscalls = syscallsValue.As<Napi::Array>();
  size_t n = syscalls.Length();
  std::vector<std::vector<std::string>> names(n);
  std::vector<std::vector<const char *>> namep(n);
  std::vector<std::vector<husk_seccomp_arg>> args(n);
  std::vector<husk_seccomp_rule> rules(n);
  for (size_t i = 0; i < n; i++) {
    std::string field = "syscalls[" + std::to_string(i) + "]";
    Napi::Value v = syscalls.Get((uint32_t)i);
    if (!v.IsObject()) throw Napi::TypeError::New(env, field + " must be an object");
    Napi::Object s = v.As<Napi::Object>();
    names[i] = StringArray(env, s.Get("names"), (field + ".names").c_str());
    for (const std::string &name : names[i]) namep[i].push_back(name.c_str());
    Napi::Value argsValue = s.Get("args");
    if (argsValue.IsArray()) {
      Napi::Array a = argsValue.As<Napi::Array>();
      for (uint32_t j = 0; j < a.Length(); j++) {
        std::string af = field + ".args[" + std::to_string(j) + "]";
        Napi::Value av = a.Get(j);
        if (!av.IsObject()) throw Napi::TypeError::New(env, af + " must be an object");
        Napi::Object ao = av.As<Napi::Object>();
        husk_seccomp_arg arg;
        Napi::Value index = ao.Get("index");
        if (!index.IsNumber() || index.As<Napi::Number>().Uint32Value() > 5) throw Napi::RangeError::New(env, af + ".index must be 0-5");
        arg.index = index.As<Napi::Number>().Uint32Value();
        arg.value = U64(env, ao.Get("value"), af + ".value");
        arg.value_two = U64(env, ao.Get("valueTwo"), af + ".valueTwo");
        arg.op = Op(env, StringProp(ao, "op", true), af + ".op");
        args[i].push_back(arg);
      }
    }
    rules[i].names = namep[i].data();
    rules[i].nnames = namep[i].size();
    rules[i].action = Action(env, StringProp(s, "action", true), s.Get("errnoRet"), field + ".action");
    rules[i].args = args[i].data();
    rules[i].nargs = args[i].size();
  }

  husk_seccomp_profile p;
  std::memset(&p, 0, sizeof p);
  p.default_action = Action(env, StringProp(profile, "defaultAction", true), profile.Get("defaultErrnoRet"), "defaultAction");
  p.arches = archp.data();
  p.narches = archp.size();
  p.rules = rules.data();
  p.nrules = rules.size();

  void *bpf = nullptr;
  size_t len = 0;
  husk_error err;
  if (husk_seccomp_compile(&p, &bpf, &len, &err) < 0) throw MakeError(env, err);
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, static_cast<uint8_t *>(bpf), len);
  free(bpf);
  return out;
}

Napi::Value KnownSyscall(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), husk_seccomp_known_syscall(StringArg(info, 0, "name").c_str()));
}

Napi::Value KnownArch(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), husk_seccomp_known_arch(StringArg(info, 0, "name").c_str()));
}

}  // namespace

void InitSeccomp(Napi::Env env, Napi::Object exports) {
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp, "compileSeccomp"));
  exports.Set("seccompKnownSyscall", Napi::Function::New(env, KnownSyscall, "seccompKnownSyscall"));
  exports.Set("seccompKnownArch", Napi::Function::New(env, KnownArch, "seccompKnownArch"));
}

}  // namespace husk
