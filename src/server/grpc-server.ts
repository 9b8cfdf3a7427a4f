import { chmod, unlink } from 'node:fs/promises';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { criReflectionRoot, criServiceDefinitions } from './proto.js';
import { instrumentService } from './instrument.js';
import { listenCriSocket } from './cri-socket.js';
import { runtimeHandlers } from './runtime/index.js';
import { imageHandlers } from './image/index.js';
import type { Domains } from './domains.js';
import { isErrno } from '../common/errors.js';

const RUNTIME = 'runtime.v1.RuntimeService';
const IMAGE = 'runtime.v1.ImageService';

export interface CriServer {
  /** Stops taking calls, ends open streams, lets in-flight unary calls finish (up to `graceMs`). */
  shutdown(graceMs: number): Promise<void>;
}

/** Serves the CRI services, health and reflection on a unix socket (mode 0660). */
export async function startCriServer(socketPath: string, domains: Domains): Promise<CriServer> {
  const server = new Server({
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
    // channelz bookkeeping costs every call; nothing here serves channelz, and /metrics counts calls.
    'grpc.enable_channelz': 0,
  });
  const openStreams = new Set<AbortController>();
  const defs = criServiceDefinitions();
  server.addService(defs.runtime, instrumentService(RUNTIME, defs.runtime, runtimeHandlers, domains, openStreams));
  server.addService(defs.image, instrumentService(IMAGE, defs.image, imageHandlers, domains, openStreams));

  const health = new HealthImplementation({ '': 'SERVING', [RUNTIME]: 'SERVING', [IMAGE]: 'SERVING' } satisfies Record<string, ServingStatus>);
  health.addToServer(server);
  new ReflectionService(criReflectionRoot()).addToServer(server);

  // husk owns the socket so it can repair old grpc-go clients' :authority (see authority-rewriter.ts).
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  const listener = await listenCriSocket(socketPath, (conn) => injector.injectConnection(conn));
  await chmod(socketPath, 0o660);

  return {
    async shutdown(graceMs) {
      for (const name of ['', RUNTIME, IMAGE]) health.setStatus(name, 'NOT_SERVING');
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      for (const c of openStreams) c.abort();
      const timer = setTimeout(() => server.forceShutdown(), graceMs);
      await drained;
      clearTimeout(timer);
      injector.destroy();
      await closed;
      await unlink(socketPath).catch((e: unknown) => {
        if (!isErrno(e, 'ENOENT')) throw e;
      });
    },
  };
}
