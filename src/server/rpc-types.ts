// Types that tie a handler to its RPC: a handler for `Version` takes the
// generated VersionRequest__Output and returns a VersionResponse.
import type { MethodDefinition } from '@grpc/proto-loader';
import type { Logger } from '../log/logger.js';
import type { RuntimeServiceDefinition } from '../generated/runtime/v1/RuntimeService.js';
import type { ImageServiceDefinition } from '../generated/runtime/v1/ImageService.js';
import type { Domains } from './domains.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- MethodDefinition is invariant in its parameters */
type RequestOf<D> = D extends MethodDefinition<any, any, infer ReqOut, any> ? ReqOut : never;
type ResponseOf<D> = D extends MethodDefinition<any, infer Res, any, any> ? Res : never;

export interface CallContext {
  /** Child logger carrying the request ID and method. */
  log: Logger;
  requestId: string;
  /** `runtime.v1.RuntimeService/Version` */
  method: string;
  /** Aborted when the client cancels or the server shuts down. */
  signal: AbortSignal;
  domains: Domains;
}

export type UnaryHandler<Req, Res> = (req: Req, ctx: CallContext) => Promise<Res>;
export type StreamHandler<Req, Res> = (req: Req, ctx: CallContext) => AsyncIterable<Res>;

/** Server-streaming RPCs (the generated definitions type `responseStream` only as boolean). */
export const STREAMING_RPCS = new Set([
  'StreamPodSandboxes',
  'StreamContainers',
  'StreamContainerStats',
  'StreamPodSandboxStats',
  'StreamPodSandboxMetrics',
  'GetContainerEvents',
  'StreamImages',
]);
type StreamingRpc = 'StreamPodSandboxes' | 'StreamContainers' | 'StreamContainerStats' | 'StreamPodSandboxStats' | 'StreamPodSandboxMetrics' | 'GetContainerEvents' | 'StreamImages';

type HandlerFor<M, D> = M extends StreamingRpc ? StreamHandler<RequestOf<D>, ResponseOf<D>> : UnaryHandler<RequestOf<D>, ResponseOf<D>>;

/** The RPC names of a generated service definition (its keys minus the index signature). */
type MethodNames<S> = keyof { [K in keyof S as string extends K ? never : K]: S[K] } & string;

export type RuntimeRpc = MethodNames<RuntimeServiceDefinition>;
export type ImageRpc = MethodNames<ImageServiceDefinition>;
export type RuntimeHandler<M extends RuntimeRpc> = HandlerFor<M, RuntimeServiceDefinition[M]>;
export type ImageHandler<M extends ImageRpc> = HandlerFor<M, ImageServiceDefinition[M]>;

/** Built RPCs of a service; the rest answer UNIMPLEMENTED. */
export type RuntimeHandlers = { [M in RuntimeRpc]?: RuntimeHandler<M> };
export type ImageHandlers = { [M in ImageRpc]?: ImageHandler<M> };
