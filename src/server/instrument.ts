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
import { afterReply } from '../common/after-reply.js';
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
/** The in-flight gauge of one method, bound once. */
type InFlight = ReturnType<typeof rpcInFlight.labels>;


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

function begin(method: string, rpc: string, domains: Domains, inFlight: InFlight, streams?: Set<AbortController>) {
  const requestId = randomUUID();
  // Unary handlers rarely look at their signal (PullImage does): its controller is made on first use.
  let controller: AbortController | undefined;
  if (streams) streams.add((controller = new AbortController()));
  let cancelled = false;
  const fields = { req_id: requestId, method: rpc };
  let child: Logger | undefined;
  const ctx: CallContext = {
    // Most calls log only their one 'rpc' line: the child logger is made on first use.
    get log() {
      return (child ??= log.child(fields));
    },
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (cancelled) controller.abort();
      }
      return controller.signal;
    },
    requestId,
    method,
    domains,
  };
  const started = process.hrtime.bigint();
  inFlight.inc();
  let done = false;
  // grpc-js reports every unary call as cancelled once its stream closes; only an unfinished one is.
  const cancel = () => {
    if (done) return;
    cancelled = true;
    controller?.abort();
  };
  const record = (st: StatusObject | undefined, seconds: number, err: unknown) => {
    inFlight.dec();
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
    if (controller) streams?.delete(controller);
    const st = err === undefined ? undefined : statusOf(err);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The client does not wait for bookkeeping: it runs once the reply and its trailers are written.
    void afterReply().then(() => record(st, seconds, err));
    return st;
  };
  return { ctx, cancel, finish };
}

function statusOf(err: unknown): StatusObject {
  const st = toGrpcStatus(err);
  const explicit = (err as { grpcCode?: Code } | undefined)?.grpcCode;
  return explicit === undefined ? st : { ...st, code: explicit };
}

function unary(method: string, rpc: string, handler: UnaryHandler<unknown, unknown>, domains: Domains) {
  const inFlight = rpcInFlight.labels({ method: rpc });
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    const { ctx, cancel, finish } = begin(method, rpc, domains, inFlight);
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
  const inFlight = rpcInFlight.labels({ method: rpc });
  return (call: ServerWritableStream<unknown, unknown>) => {
    const { ctx, cancel, finish } = begin(method, rpc, domains, inFlight, openStreams);
    call.on('cancelled', cancel);
    (async () => {
      for await (const item of handler(call.request, ctx)) {
        if (ctx.signal.aborted) break;
        if (!call.write(item)) await waitDrain(call, ctx.signal);
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
