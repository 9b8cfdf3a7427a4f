// The streaming server's view of pods and containers: exec and attach go to
// the container service, port-forward dials inside the pod's network namespace.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { StreamingBackend, StreamIO } from '../streaming/index.js';
import { openTcpSocketInNetns } from '../native/index.js';
import { FailedPreconditionError } from '../common/errors.js';
import type { ContainerService } from './container-service.js';
import type { PodService } from '../pod/pod-service.js';

export class ContainerStreaming implements StreamingBackend {
  constructor(
    private readonly pods: PodService,
    private readonly containers: ContainerService,
  ) {}

  exec(containerId: string, cmd: string[], io: StreamIO): Promise<{ exitCode: number }> {
    return this.containers.exec(containerId, cmd, io);
  }

  attach(containerId: string, io: StreamIO): Promise<void> {
    return this.containers.attach(containerId, io);
  }

  async portForward(podSandboxId: string, port: number, conn: Duplex): Promise<void> {
    const pod = this.pods.get(podSandboxId);
    let socket: Socket;
    if (pod.spec.namespaces.network === 'node') {
      // a host-network pod's ports are the host's
      socket = await connectOnHost('127.0.0.1', port);
    } else {
      const netns = pod.handles?.netnsPath;
      if (!netns) throw new FailedPreconditionError(`pod ${pod.id} has no network namespace of its own`);
      socket = await openTcpSocketInNetns(netns, '127.0.0.1', port);
    }
    await new Promise<void>((resolve) => {
      let open = 2;
      const done = () => --open === 0 && resolve();
      conn.pipe(socket).on('finish', done);
      socket.pipe(conn).on('finish', done);
      socket.once('error', () => resolve());
      conn.once('error', () => socket.destroy());
    });
  }
}

/** A TCP connection on the host's loopback; rejects on a connect error (once rejects on 'error'). */
async function connectOnHost(host: string, port: number): Promise<Socket> {
  const socket = connect({ host, port });
  await once(socket, 'connect');
  return socket;
}
