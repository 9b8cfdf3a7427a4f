// JS bindings: file-system calls Node lacks.
#include <sys/xattr.h>

#include "fsutil.h"
#include "js.h"

namespace husk {
namespace {

// mknod(path, kind 'c'|'b'|'p', mode, major, minor): void
Napi::Value Mknod(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  std::string kind = StringArg(info, 1, "kind");
  if (kind.size() != 1) throw Napi::TypeError::New(env, "kind must be 'c', 'b' or 'p'");
  husk_error err;
  if (husk_mknod(path.c_str(), kind[0], (mode_t)IntArg(info, 2, "mode"), (unsigned)IntArg(info, 3, "major"), (unsigned)IntArg(info, 4, "minor"), &err) < 0)
    throw MakeError(env, err);
  return env.Undefined();
}

// mkdirExact(path, mode): void
Napi::Value MkdirExact(const Napi::CallbackInfo &info) {
  std::string path = StringArg(info, 0, "path");
  husk_error err;
  if (husk_mkdir_exact(path.c_str(), (mode_t)IntArg(info, 1, "mode"), &err) < 0) throw MakeError(info.Env(), err);
  return info.Env().Undefined();
}

// lsetxattr(path, name, value: Buffer, flags 'create'|'replace'|''): void
Napi::Value Lsetxattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  std::string name = StringArg(info, 1, "name");
  if (info.Length() < 3 || !info[2].IsBuffer()) throw Napi::TypeError::New(env, "value must be a Buffer");
  Napi::Buffer<uint8_t> value = info[2].As<Napi::Buffer<uint8_t>>();
  std::string mode = info.Length() > 3 && info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "";
  int flags = mode == "create" ? XATTR_CREATE : mode == "replace" ? XATTR_REPLACE : 0;
  husk_error err;
  if (husk_lsetxattr(path.c_str(), name.c_str(), value.Data(), value.Length(), flags, &err) < 0) throw MakeError(env, err);
  return env.Undefined();
}

// lgetxattr(path, name): Buffer | null
Napi::Value Lgetxattr(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  std::string name = StringArg(info, 1, "name");
  void *value = nullptr;
  husk_error err;
  ssize_t len = husk_lgetxattr(path.c_str(), name.c_str(), &value, &err);
  if (len < 0) throw MakeError(env, err);
  if (value == nullptr) return env.Null();
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, static_cast<uint8_t *>(value), (size_t)len);
  free(value);
  return out;
}

// statfs(path): { type, bsize, blocks, ... } with bigint counts
Napi::Value Statfs(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  husk_statfs_result st;
  husk_error err;
  if (husk_statfs(path.c_str(), &st, &err) < 0) throw MakeError(env, err);
  Napi::Object out = Napi::Object::New(env);
  out.Set("type", Napi::Number::New(env, (double)st.type));
  out.Set("bsize", Napi::Number::New(env, (double)st.bsize));
  out.Set("frsize", Napi::Number::New(env, (double)st.frsize));
  out.Set("blocks", Napi::BigInt::New(env, st.blocks));
  out.Set("bfree", Napi::BigInt::New(env, st.bfree));
  out.Set("bavail", Napi::BigInt::New(env, st.bavail));
  out.Set("files", Napi::BigInt::New(env, st.files));
  out.Set("ffree", Napi::BigInt::New(env, st.ffree));
  out.Set("namelen", Napi::Number::New(env, (double)st.namelen));
  out.Set("flags", Napi::Number::New(env, (double)st.flags));
  return out;
}

}  // namespace

void InitFs(Napi::Env env, Napi::Object exports) {
  exports.Set("mknod", Napi::Function::New(env, Mknod, "mknod"));
  exports.Set("mkdirExact", Napi::Function::New(env, MkdirExact, "mkdirExact"));
  exports.Set("lsetxattr", Napi::Function::New(env, Lsetxattr, "lsetxattr"));
  exports.Set("lgetxattr", Napi::Function::New(env, Lgetxattr, "lgetxattr"));
  exports.Set("statfs", Napi::Function::New(env, Statfs, "statfs"));
}

}  // namespace husk
