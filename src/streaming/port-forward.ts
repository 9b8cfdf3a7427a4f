// One forwarded connection, whatever the transport: the backend pipes the
// data channel to the pod's port; a failure is reported on the error channel.
import type { Duplex, Writable } from 'node:stream';
import { isErrno } from '../common/errors.js';
import type { Logger } from '../log/logger.js';
import type { StreamingBackend } from './backend.js';

export interface ForwardTarget {
  podSandboxId: string;
  port: number;
}

/**
 * Runs one forward and ends both channels after it. `jsonErrors` selects
 * kubelet's SPDY error shape ({"closeConnection","message"} JSON) over the
 * plain text its WebSocket handler writes.
 */
export async function forwardPort(target: ForwardTarget, data: Duplex, error: Writable, backend: StreamingBackend, jsonErrors: boolean, log: Logger): Promise<void> {
  try {
    await backend.portForward(target.podSandboxId, target.port, data);
  } catch (err) {
    const message = `error forwarding port ${target.port} to pod ${target.podSandboxId}, uid : ${err instanceof Error ? err.message : String(err)}`;
    log.warn({ err, port: target.port, podSandboxId: target.podSandboxId }, 'port forward failed');
    // A reset or broken pipe ends this connection only; anything else ends the session.
    const closeConnection = !(isErrno(err, 'EPIPE') || isErrno(err, 'ECONNRESET'));
    const body = jsonErrors ? `${JSON.stringify(closeConnection ? { closeConnection, message } : { message })}\n` : message;
    if (!error.writableEnded) error.write(body);
  } finally {
    if (!data.writableEnded) data.end();
    if (!error.writableEnded) error.end();
  }
}

/** Parses a port the way kubelet does (an unsigned 16-bit number, not 0); undefined if bad. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}
