// JS bindings: mounts.
#include <sys/mount.h>

#include <cstring>

#include "js.h"
#include "mounts.h"

namespace husk {
namespace {

struct FlagName {
  const char *name;
  unsigned long value;
};

const FlagName kMountFlags[] = {
    {"ro", MS_RDONLY},         {"rw", 0},
    {"nosuid", MS_NOSUID},     {"nodev", MS_NODEV},
    {"noexec", MS_NOEXEC},     {"sync", MS_SYNCHRONOUS},
    {"remount", MS_REMOUNT},   {"dirsync", MS_DIRSYNC},
    {"noatime", MS_NOATIME},   {"nodiratime", MS_NODIRATIME},
    {"bind", MS_BIND},         {"move", MS_MOVE},
    {"rec", MS_REC},           {"silent", MS_SILENT},
    {"private", MS_PRIVATE},   {"slave", MS_SLAVE},
    {"shared", MS_SHARED},     {"unbindable", MS_UNBINDABLE},
    {"relatime", MS_RELATIME}, {"strictatime", MS_STRICTATIME},
    {"lazytime", MS_LAZYTIME},
};

const FlagName kUnmountFlags[] = {
    {"force", MNT_FORCE},
    {"detach", MNT_DETACH},
    {"expire", MNT_EXPIRE},
    {"nofollow", UMOUNT_NOFOLLOW},
};

template <size_t N>
unsigned long Flags(Napi::Env env, Napi::Value v, const FlagName (&table)[N], const char *what) {
  unsigned long flags = 0;
  for (const std::string &name : StringArray(env, v, what)) {
    bool found = false;
    for (const FlagName &f : table) {
      if (name == f.name) {
        flags |= f.value;
        found = true;
        break;
      }
    }
    if (!found) throw Napi::TypeError::New(env, std::string("unknown ") + what + ": " + name);
  }
  return flags;
}

husk_propagation Propagation(Napi::Env env, const std::string &mode) {
  if (mode.empty()) return HUSK_PROP_KEEP;
  if (mode == "private") return HUSK_PROP_PRIVATE;
  if (mode == "slave") return HUSK_PROP_SLAVE;
  if (mode == "shared") return HUSK_PROP_SHARED;
  if (mode == "unbindable") return HUSK_PROP_UNBINDABLE;
  throw Napi::TypeError::New(env, "unknown propagation: " + mode);
}

const char *OrNull(const std::string &s) { return s.empty() ? nullptr : s.c_str(); }

std::string OptionalString(const Napi::CallbackInfo &info, size_t i, const char *name) {
  if (info.Length() <= i || info[i].IsNull() || info[i].IsUndefined()) return "";
  return StringArg(info, i, name);
}

// mount(source|null, target, fstype|null, flags[], data|null): void
Napi::Value Mount(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string source = OptionalString(info, 0, "source");
  std::string target = StringArg(info, 1, "target");
  std::string fstype = OptionalString(info, 2, "fstype");
  unsigned long flags = Flags(env, info[3], kMountFlags, "mount flag");
  std::string data = OptionalString(info, 4, "data");
  husk_error err;
  if (husk_mount(OrNull(source), target.c_str(), OrNull(fstype), flags, OrNull(data), &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// unmount(target, flags[]): void
Napi::Value Unmount(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string target = StringArg(info, 0, "target");
  int flags = (int)Flags(env, info[1], kUnmountFlags, "unmount flag");
  husk_error err;
  if (husk_unmount(target.c_str(), flags, &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// bindMount(source, target, recursive, readOnly, propagation|''): void
Napi::Value BindMount(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string source = StringArg(info, 0, "source");
  std::string target = StringArg(info, 1, "target");
  bool recursive = info[2].ToBoolean().Value();
  bool readonly = info[3].ToBoolean().Value();
  husk_propagation prop = Propagation(env, OptionalString(info, 4, "propagation"));
  husk_error err;
  if (husk_bind_mount(source.c_str(), target.c_str(), recursive, readonly, prop, &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// setPropagation(target, mode, recursive): void
Napi::Value SetPropagation(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string target = StringArg(info, 0, "target");
  husk_propagation prop = Propagation(env, StringArg(info, 1, "mode"));
  husk_error err;
  if (husk_set_propagation(target.c_str(), prop, info[2].ToBoolean().Value(), &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// remountReadOnly(target, recursive): void
Napi::Value RemountReadOnly(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string target = StringArg(info, 0, "target");
  husk_error err;
  if (husk_remount_readonly(target.c_str(), info[1].ToBoolean().Value(), &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// mountOverlay({target, lower[], upper?, work?, options[], readOnly, method}): Promise<void>
Napi::Value MountOverlay(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "overlay spec must be an object");
  Napi::Object spec = info[0].As<Napi::Object>();
  struct Owned {
    std::string target, upper, work;
    std::vector<std::string> lower, extra;
    std::vector<const char *> lowerp, extrap;
    bool readonly;
    husk_overlay_method method;
  };
  auto o = std::make_shared<Owned>();
  o->target = StringProp(spec, "target", true);
  o->upper = StringProp(spec, "upper", false);
  o->work = StringProp(spec, "work", false);
  o->lower = StringArray(env, spec.Get("lower"), "lower");
  Napi::Value options = spec.Get("options");
  if (!options.IsUndefined()) o->extra = StringArray(env, options, "options");
  o->readonly = BoolProp(spec, "readOnly");
  std::string method = StringProp(spec, "method", false);
  if (method.empty() || method == "auto") o->method = HUSK_OVERLAY_AUTO;
  else if (method == "fsconfig") o->method = HUSK_OVERLAY_FSCONFIG;
  else if (method == "legacy") o->method = HUSK_OVERLAY_LEGACY;
  else throw Napi::TypeError::New(env, "unknown overlay method: " + method);
  for (const std::string &s : o->lower) o->lowerp.push_back(s.c_str());
  for (const std::string &s : o->extra) o->extrap.push_back(s.c_str());
  return PromiseWorker::Run(env, [o](husk_error *err) {
    husk_overlay ov;
    std::memset(&ov, 0, sizeof ov);
    ov.target = o->target.c_str();
    ov.lower = o->lowerp.data();
    ov.nlower = o->lowerp.size();
    ov.upper = OrNull(o->upper);
    ov.work = OrNull(o->work);
    ov.extra = o->extrap.data();
    ov.nextra = o->extrap.size();
    ov.readonly = o->readonly;
    ov.method = o->method;
    return husk_mount_overlay(&ov, err);
  });
}

// isMountpoint(path): boolean
Napi::Value IsMountpoint(const Napi::CallbackInfo &info) {
  std::string path = StringArg(info, 0, "path");
  husk_error err;
  int rc = husk_is_mountpoint(path.c_str(), &err);
  if (rc < 0) throw MakeError(info.Env(), err);
  return Napi::Boolean::New(info.Env(), rc == 1);
}

}  // namespace

void InitMounts(Napi::Env env, Napi::Object exports) {
  exports.Set("mount", Napi::Function::New(env, Mount, "mount"));
  exports.Set("unmount", Napi::Function::New(env, Unmount, "unmount"));
  exports.Set("bindMount", Napi::Function::New(env, BindMount, "bindMount"));
  exports.Set("setPropagation", Napi::Function::New(env, SetPropagation, "setPropagation"));
  exports.Set("remountReadOnly", Napi::Function::New(env, RemountReadOnly, "remountReadOnly"));
  exports.Set("mountOverlay", Napi::Function::New(env, MountOverlay, "mountOverlay"));
  exports.Set("isMountpoint", Napi::Function::New(env, IsMountpoint, "isMountpoint"));
}

}  // namespace husk
