// JS bindings: cgroup v2 device filters (eBPF device programs).
#include <cstring>
#include <memory>

#include "devfilter.h"
#include "js.h"

namespace husk {
namespace {

// A rule whose strings outlive the JS call, for work on the pool.
struct OwnedRule {
  char type;
  int64_t major;
  int64_t minor;
  std::string access;
};

// rules: [{ type: 'a'|'b'|'c', major: number (-1 any), minor: number (-1 any), access: string }]
std::vector<OwnedRule> RulesArg(const Napi::CallbackInfo &info, size_t i) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsArray()) throw Napi::TypeError::New(env, "rules must be an array");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<OwnedRule> out;
  for (uint32_t j = 0; j < a.Length(); j++) {
    std::string field = "rules[" + std::to_string(j) + "]";
    Napi::Value v = a.Get(j);
    if (!v.IsObject()) throw Napi::TypeError::New(env, field + " must be an object");
    Napi::Object o = v.As<Napi::Object>();
    std::string type = StringProp(o, "type", true);
    if (type.size() != 1) throw Napi::TypeError::New(env, field + ".type must be 'a', 'b' or 'c'");
    Napi::Value major = o.Get("major");
    Napi::Value minor = o.Get("minor");
    if (!major.IsNumber() || !minor.IsNumber()) throw Napi::TypeError::New(env, field + ".major and .minor must be numbers");
    out.push_back({type[0], major.As<Napi::Number>().Int64Value(), minor.As<Napi::Number>().Int64Value(), StringProp(o, "access", true)});
  }
  return out;
}

std::vector<husk_dev_rule> View(const std::vector<OwnedRule> &rules) {
  std::vector<husk_dev_rule> out;
  for (const OwnedRule &r : rules) out.push_back({r.type, r.major, r.minor, r.access.c_str()});
  return out;
}

// compileDeviceFilter(rules): Buffer of struct bpf_insn
Napi::Value CompileDeviceFilter(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::vector<OwnedRule> owned = RulesArg(info, 0);
  std::vector<husk_dev_rule> rules = View(owned);
  struct bpf_insn *insns = nullptr;
  size_t count = 0;
  husk_error err;
  if (husk_devfilter_compile(rules.data(), rules.size(), &insns, &count, &err) < 0) throw MakeError(env, err);
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t *>(insns), count * sizeof *insns);
  free(insns);
  return out;
}

// setDeviceFilter(cgroupDir, rules): Promise<number> (the new program's id)
Napi::Value SetDeviceFilter(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = StringArg(info, 0, "cgroupDir");
  auto owned = std::make_shared<std::vector<OwnedRule>>(RulesArg(info, 1));
  auto id = std::make_shared<uint32_t>(0);
  return PromiseWorker::Run(
      env,
      [dir, owned, id](husk_error *err) {
        std::vector<husk_dev_rule> rules = View(*owned);
        return husk_devfilter_set(dir.c_str(), rules.data(), rules.size(), id.get(), err);
      },
      [id](Napi::Env env) { return Napi::Number::New(env, *id); });
}

// attachedDeviceFilters(cgroupDir): number[] (ids of husk programs attached there)
Napi::Value AttachedDeviceFilters(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = StringArg(info, 0, "cgroupDir");
  uint32_t *ids = nullptr;
  size_t count = 0;
  husk_error err;
  if (husk_devfilter_attached(dir.c_str(), &ids, &count, &err) < 0) throw MakeError(env, err);
  Napi::Array out = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; i++) out.Set((uint32_t)i, Napi::Number::New(env, ids[i]));
  free(ids);
  return out;
}

// bpfProgramLoaded(id): boolean
Napi::Value BpfProgramLoaded(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "id must be a number");
  husk_error err;
  int rc = husk_bpf_prog_loaded(info[0].As<Napi::Number>().Uint32Value(), &err);
  if (rc < 0) throw MakeError(env, err);
  return Napi::Boolean::New(env, rc == 1);
}

}  // namespace

void InitDevfilter(Napi::Env env, Napi::Object exports) {
  exports.Set("compileDeviceFilter", Napi::Function::New(env, CompileDeviceFilter, "compileDeviceFilter"));
  exports.Set("setDeviceFilter", Napi::Function::New(env, SetDeviceFilter, "setDeviceFilter"));
  exports.Set("attachedDeviceFilters", Napi::Function::New(env, AttachedDeviceFilters, "attachedDeviceFilters"));
  exports.Set("bpfProgramLoaded", Napi::Function::New(env, BpfProgramLoaded, "bpfProgramLoaded"));
}

}  // namespace husk
