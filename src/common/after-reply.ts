/**
 * Resolves once the reply to the current request has left, for work the
 * request sets off in the background: grpc-js writes a unary reply's
 * trailers only when the message write completes, one event loop turn after
 * the handler returns; two check phases later both are out.
 */
export function afterReply(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
