import type { ServiceError } from '@grpc/grpc-js';

/** The gRPC error a call fails with; throws if it succeeds. */
export async function rpcError(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}
