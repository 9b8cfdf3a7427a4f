// husk.node: the module's entry point; each area registers its functions.
#include "js.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  husk::InitNamespaces(env, exports);
  husk::InitMounts(env, exports);
  husk::InitSeccomp(env, exports);
  husk::InitPidfd(env, exports);
  husk::InitFs(env, exports);
  husk::InitDevfilter(env, exports);
  husk::InitSpawn(env, exports);
  exports.Set("abiVersion", Napi::Number::New(env, 3));
  return exports;
}

}  // namespace

NODE_API_MODULE(husk, Init)
