// Port-forward over SPDY (portforward.k8s.io): for every forwarded connection
// the client opens a `data` and an `error` stream that share a `requestID`
// header and carry the target `port`.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { HEADER_PORT, HEADER_REQUEST_ID, HEADER_STREAM_TYPE, SPDY_PORT_FORWARD_PROTOCOLS } from './protocols.js';
import { forwardPort, parsePort } from './port-forward.js';
import type { SessionOptions } from './remote-command-spdy.js';
import { SpdyServerConnection, type SpdyStream } from './spdy/connection.js';
import { upgradeToSpdy } from './spdy/upgrade.js';

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

export function servePortForwardSpdy(req: IncomingMessage, socket: Socket, head: Buffer, podSandboxId: string, options: SessionOptions): void {
  if (upgradeToSpdy(req, socket, SPDY_PORT_FORWARD_PROTOCOLS) === undefined) return;
  const log = options.log.child({ podSandboxId, transport: 'spdy' });
  const pairs = new Map<string, StreamPair>();

  const conn = new SpdyServerConnection(
    socket,
    {
      accept(stream) {
        const port = stream.header(HEADER_PORT);
        if (!port) return `"${HEADER_PORT}" header is required`;
        if (parsePort(port) === undefined) return `port "${port}" must be a number in 1-65535`;
        const type = stream.header(HEADER_STREAM_TYPE);
        if (!type) return `"${HEADER_STREAM_TYPE}" header is required`;
        if (type !== 'data' && type !== 'error') return `invalid stream type "${type}"`;
        return undefined;
      },
      onStream(stream) {
        const type = stream.header(HEADER_STREAM_TYPE) as 'data' | 'error';
        const requestId = requestIdOf(stream, type);
        let pair = pairs.get(requestId);
        if (!pair) {
          const timer = setTimeout(() => {
            pairs.delete(requestId);
            pair!.error?.end(`(conn=${socket.remoteAddress}:${socket.remotePort}, request=${requestId}) timed out waiting for streams`);
            pair!.data?.reset();
          }, options.streamCreationTimeoutMs);
          pair = { timer };
          pairs.set(requestId, pair);
        }
        if (pair[type]) {
          const message = `error processing stream for request ${requestId}: ${type} stream already assigned`;
          log.warn({ requestId }, message);
          pair.error?.write(message);
          stream.reset();
          return;
        }
        pair[type] = stream;
        // The client sends nothing on the error stream; drain it anyway.
        if (type === 'error') stream.resume();
        if (pair.data && pair.error) {
          clearTimeout(pair.timer);
          pairs.delete(requestId);
          const port = parsePort(pair.data.header(HEADER_PORT)!)!;
          void forwardPort({ podSandboxId, port }, pair.data, pair.error, options.backend, true, log);
        }
      },
    },
    head,
  );
  socket.setTimeout(options.idleTimeoutMs, () => conn.destroy());
  conn.once('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
}

/** Old clients send no requestID; kubelet pairs their streams by consecutive ids. */
function requestIdOf(stream: SpdyStream, type: 'data' | 'error'): string {
  const id = stream.header(HEADER_REQUEST_ID);
  if (id) return id;
  return String(type === 'error' ? stream.id : stream.id - 2);
}
