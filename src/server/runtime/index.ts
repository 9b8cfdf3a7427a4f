// RuntimeService RPCs husk has built. Every other RPC answers UNIMPLEMENTED.
import type { RuntimeHandlers } from '../rpc-types.js';
import { Version } from './version.js';
import { Status } from './status.js';
import { RuntimeConfig, UpdateRuntimeConfig } from './runtime-config.js';

export const runtimeHandlers: RuntimeHandlers = {
  Version,
  Status,
  RuntimeConfig,
  UpdateRuntimeConfig,
};
