// A CRI client over the unix socket, for the husk CLI and the tests.
import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadCriProto } from '../server/proto.js';
import type { RuntimeServiceClient } from '../generated/runtime/v1/RuntimeService.js';
import type { ImageServiceClient } from '../generated/runtime/v1/ImageService.js';

export interface CriClients {
  runtime: RuntimeServiceClient;
  image: ImageServiceClient;
  close(): void;
}

export function connectCri(socketPath: string): CriClients {
  const { grpc } = loadCriProto();
  const target = `unix://${socketPath}`;
  // No channelz bookkeeping per call (grpc-go, kubelet's client, has none unless asked).
  const options = { 'grpc.enable_channelz': 0 };
  const runtime = new grpc.runtime.v1.RuntimeService(target, credentials.createInsecure(), options);
  const image = new grpc.runtime.v1.ImageService(target, credentials.createInsecure(), options);
  return {
    runtime,
    image,
    close() {
      runtime.close();
      image.close();
    },
  };
}

type Callback<Res> = (err: ServiceError | null, res?: Res) => void;

/**
 * Promise form of a unary call: `await unary(clients.runtime, 'Version', {})`.
 * Rejects with the grpc ServiceError (it has `.code` and `.details`).
 */
export function unary<C extends Client, M extends keyof C & string, Res = CallbackResult<C[M]>>(
  client: C,
  method: M,
  request: object,
  timeoutMs = 60_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (req: object, opts: { deadline: Date }, cb: Callback<Res>) => void;
    fn.call(client, request, { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** The response type from the last overload of a generated unary method (`(argument, callback)`). */
type CallbackResult<F> = F extends (argument: never, callback: (err: ServiceError | null, value?: infer R) => void) => unknown ? R : unknown;
