import type { RuntimeHandler } from '../rpc-types.js';

export const Version: RuntimeHandler<'Version'> = async (_req, { domains }) => domains.runtime.version();
