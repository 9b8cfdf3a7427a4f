// The domain services the handlers call. Handlers reach them through
// CallContext.domains; a domain that is not built yet is absent, and the
// RPCs that need it answer UNIMPLEMENTED.
import type { RuntimeInfo } from '../runtime/runtime-info.js';

export interface Domains {
  runtime: RuntimeInfo;
}
