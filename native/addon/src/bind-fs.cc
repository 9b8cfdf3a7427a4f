// JS bindings: file-system calls Node lacks.
#include <sys/xattr.h>

#include <memory>

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

// writeFileAtomic(dir, name, data: Buffer, mode, sync: boolean): Promise<void>
Napi::Value WriteFileAtomic(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::string dir = StringArg(info, 0, "dir");
  std::string name = StringArg(info, 1, "name");
  if (info.Length() < 3 || !info[2].IsBuffer()) throw Napi::TypeError::New(env, "data must be a Buffer");
  Napi::Buffer<uint8_t> buf = info[2].As<Napi::Buffer<uint8_t>>();
  std::string data(reinterpret_cast<const char *>(buf.Data()), buf.Length());
  mode_t mode = (mode_t)IntArg(info, 3, "mode");
  int sync = info.Length() > 4 && info[4].ToBoolean().Value() ? 1 : 0;
  return PromiseWorker::Run(env, [dir, name, data, mode, sync](husk_error *err) {
    return husk_write_file_atomic(dir.c_str(), name.c_str(), data.data(), data.size(), mode, sync, err);
  });
}

// syncFiles(dir, names[]): Promise<void>
Napi::Value SyncFiles(const Napi::CallbackInfo &info) {
  std::string dir = StringArg(info, 0, "dir");
  std::vector<std::string> names = StringArray(info.Env(), info[1], "names");
  return PromiseWorker::Run(info.Env(), [dir, names](husk_error *err) {
    std::vector<const char *> raw;
    for (const std::string &n : names) raw.push_back(n.c_str());
    return husk_sync_files(dir.c_str(), raw.data(), raw.size(), err);
  });
}

// mkdirAll(paths[], modes[]): Promise<void>, each mkdir -p in order
Napi::Value MkdirAll(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  std::vector<std::string> paths = StringArray(env, info[0], "paths");
  if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(env, "modes must be an array");
  Napi::Array modesArg = info[1].As<Napi::Array>();
  if (modesArg.Length() != paths.size()) throw Napi::TypeError::New(env, "modes must have one entry per path");
  std::vector<mode_t> modes;
  for (uint32_t i = 0; i < modesArg.Length(); i++) modes.push_back((mode_t)modesArg.Get(i).As<Napi::Number>().Uint32Value());
  return PromiseWorker::Run(env, [paths, modes](husk_error *err) {
    for (size_t i = 0; i < paths.size(); i++)
      if (husk_mkdir_all(paths[i].c_str(), modes[i], err) < 0) return -1;
    return 0;
  });
}

// removeTree(path): Promise<void>
Napi::Value RemoveTree(const Napi::CallbackInfo &info) {
  std::string path = StringArg(info, 0, "path");
  return PromiseWorker::Run(info.Env(), [path](husk_error *err) { return husk_remove_tree(path.c_str(), err); });
}

// rmdirTrees(paths[]): Promise<boolean> (false: a directory in one is in use; the trees after it are left)
Napi::Value RmdirTrees(const Napi::CallbackInfo &info) {
  std::vector<std::string> paths = StringArray(info.Env(), info[0], "paths");
  auto busy = std::make_shared<int>(0);
  return PromiseWorker::Run(
      info.Env(),
      [paths, busy](husk_error *err) {
        for (const std::string &path : paths)
          if (husk_rmdir_tree(path.c_str(), busy.get(), err) < 0 || *busy) return *busy ? 0 : -1;
        return 0;
      },
      [busy](Napi::Env env) { return Napi::Boolean::New(env, *busy == 0); });
}

}  // namespace

void InitFs(Napi::Env env, Napi::Object exports) {
  exports.Set("mknod", Napi::Function::New(env, Mknod, "mknod"));
  exports.Set("mkdirExact", Napi::Function::New(env, MkdirExact, "mkdirExact"));
  exports.Set("lsetxattr", Napi::Function::New(env, Lsetxattr, "lsetxattr"));
  exports.Set("lgetxattr", Napi::Function::New(env, Lgetxattr, "lgetxattr"));
  exports.Set("statfs", Napi::Function::New(env, Statfs, "statfs"));
  exports.Set("writeFileAtomic", Napi::Function::New(env, WriteFileAtomic, "writeFileAtomic"));
  exports.Set("syncFiles", Napi::Function::New(env, SyncFiles, "syncFiles"));
  exports.Set("removeTree", Napi::Function::New(env, RemoveTree, "removeTree"));
  exports.Set("mkdirAll", Napi::Function::New(env, MkdirAll, "mkdirAll"));
  exports.Set("rmdirTrees", Napi::Function::New(env, RmdirTrees, "rmdirTrees"));
}

}  // namespace husk
