// Every RPC passes through here: request ID, one log line, metrics and the
// error-to-status mapping live in this one wrapper, never in handlers.
import { randomUUID } from 'node:crypto';
import {
  status as Code,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type StatusObject,
} from '@grpc/grpc-js';
import { log, type Logger } from '../log/logger.js';
import { rpcRequests, rpcDuration, rpcInFlight } from '../metrics/rpc-metrics.js';
import { toGrpcStatus, codeName } from './grpc-status.js';
import { STREAMING_RPCS, type CallContext, type UnaryHandler, type StreamHandler } from './rpc-types.js';
import type { Domains } from './domains.js';

/** RPCs kubelet polls constantly; their log lines go to debug so info stays readable. */
const READ_ONLY = /^(Version|Status|RuntimeConfig|List\w+|\w*Status|\w*Stats|Stream\w+|ImageFsInfo|GetContainerEvents)$/;

// Handler tables are typed per RPC; here they are only called, with what grpc-js decoded.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = UnaryHandler<any, unknown> | StreamHandler<any, unknown>;


export function instrumentService(
  serviceName: string,
  definition: ServiceDefinition,
  handlers: { [rpc: string]: AnyHandler | undefined },
  domains: Domains,
  openStreams: Set<AbortController>,
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const rpc of Object.keys(definition)) {
    const method = `${serviceName}/${rpc}`;
    const handler = handlers[rpc] ?? unimplemented(method);
    impl[rpc] = STREAMING_RPCS.has(rpc)
      ? serverStream(method, rpc, handler as StreamHandler<unknown, unknown>, domains, openStreams)
      : unary(method, rpc, handler as UnaryHandler<unknown, unknown>, domains);
  }
  return impl;
}

function unimplemented(method: string): AnyHandler {
  return () => {
    throw Object.assign(new Error(`${method} is not implemented by husk yet`), { grpcCode: Code.UNIMPLEMENTED });
  };
}

function begin(method: string, rpc: string, domains: Domains, registry?: Set<AbortController>) {
  const requestId = randomUUID();
  const controller = new AbortController();
  registry?.add(controller);
  const fields = { req_id: requestId, method: rpc };
  let child: Logger | undefined;
  const ctx: CallContext = {
    // Most calls log only their one 'rpc' line: the child logger is made on first use.
    get log() {
      return (child ??= log.child(fields));
    },
    requestId,
    method,
    signal: controller.signal,
    domains,
  };
  const started = process.hrtime.bigint();
  rpcInFlight.inc({ method: rpc });
  let done = false;
  // grpc-js reports every unary call as cancelled once its stream closes; only an unfinished one is.
  const cancel = () => {
    if (!done) controller.abort();
  };
  const record = (st: StatusObject | undefined, seconds: number, err: unknown) => {
    rpcInFlight.dec({ method: rpc });
    const code = codeName(st?.code ?? Code.OK);
    rpcRequests.inc({ method: rpc, code });
    rpcDuration.observe({ method: rpc, code }, seconds);
    const line = { ...fields, code, duration_ms: Math.round(seconds * 1e6) / 1e3, ...(st ? { error: st.details } : {}) };
    if (st?.code === Code.INTERNAL || st?.code === Code.UNKNOWN) log.error({ ...line, err }, 'rpc failed');
    else if (READ_ONLY.test(rpc) && !st) log.debug(line, 'rpc');
    else log.info(line, 'rpc');
  };
  const finish = (err: unknown): StatusObject | undefined => {
    done = true;
    registry?.delete(controller);
    const st = err === undefined ? undefined : statusOf(err);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // After the reply's first bytes are written (grpc-js sends them from a native immediate): the client does not wait for bookkeeping.
    setImmediate(record, st, seconds, err);
    return st;
  };
  return { ctx, controller, cancel, finish };
}

function statusOf(err: unknown): StatusObject {
  const st = toGrpcStatus(err);
  const explicit = (err as { grpcCode?: Code } | undefined)?.grpcCode;
  return explicit === undefined ? st : { ...st, code: explicit };
}

function unary(method: string, rpc: string, handler: UnaryHandler<unknown, unknown>, domains: Domains) {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const { ctx, cancel, finish } = begin(method, rpc, domains);
    call.on('cancelled', cancel);
    new Promise((resolve) => resolve(handler(call.request, ctx))).then(
      (reply) => {
        finish(undefined);
        callback(null, reply);
      },
      (err: unknown) => callback(finish(err) ?? null),
    );
  };
}

/** Open streams register in `openStreams` so shutdown can end them. */
function serverStream(method: string, rpc: string, handler: StreamHandler<unknown, unknown>, domains: Domains, openStreams: Set<AbortController>) {
  return (call: ServerWritableStream<unknown, unknown>) => {
    const { ctx, controller, cancel, finish } = begin(method, rpc, domains, openStreams);
    call.on('cancelled', cancel);
    (async () => {
      for await (const item of handler(call.request, ctx)) {
        if (controller.signal.aborted) break;
        if (!call.write(item)) await waitDrain(call, controller.signal);
      }
    })().then(
      () => {
        finish(undefined);
        call.end();
      },
      (err: unknown) => {
        const st = finish(err);
        if (st) call.destroy(Object.assign(new Error(st.details), st));
      },
    );
  };
}

function waitDrain(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done);
  });
}
