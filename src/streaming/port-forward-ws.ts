// Port-forward over WebSocket, as kubelet's websocket handler: one data and
// one error channel per port (2n and 2n+1), each opened by the server with the
// port as a 2-byte little-endian prefix. One connection per port per session.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeHttpError } from './http-response.js';
import { forwardPort, parsePort } from './port-forward.js';
import { WS_PORT_FORWARD_PROTOCOLS } from './protocols.js';
import type { SessionOptions } from './remote-command-spdy.js';
import { upgradeToWebSocket } from './websocket-upgrade.js';
import { WsChannels } from './ws-channels.js';

/** The request's ports, else the `port` query parameters (each may list several, comma-separated). */
export function portsForWebSocket(requestPorts: number[], url: URL): number[] | string {
  if (requestPorts.length > 0) return requestPorts;
  const values = url.searchParams.getAll('port');
  if (values.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return 'query parameter "port" cannot be empty';
    for (const p of value.split(',')) {
      const port = parsePort(p);
      if (port === undefined) return `unable to parse "${value}" as a port`;
      ports.push(port);
    }
  }
  return ports;
}

export async function servePortForwardWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  podSandboxId: string,
  requestPorts: number[],
  options: SessionOptions,
): Promise<void> {
  const ports = portsForWebSocket(requestPorts, new URL(req.url ?? '/', 'http://localhost'));
  if (typeof ports === 'string') {
    writeHttpError(socket, 400, ports);
    return;
  }
  const upgraded = await upgradeToWebSocket(req, socket, head, WS_PORT_FORWARD_PROTOCOLS);
  if (!upgraded) return;
  const { ws, protocol } = upgraded;
  const log = options.log.child({ podSandboxId, protocol: protocol.name || '(none)', transport: 'websocket' });
  const mux = new WsChannels(
    ws,
    protocol,
    ports.flatMap(() => [
      { read: true, write: true },
      { read: false, write: true },
    ]),
  );
  if ('setTimeout' in socket && typeof socket.setTimeout === 'function') socket.setTimeout(options.idleTimeoutMs, () => ws.terminate());
  const forwards = ports.map((port, i) => {
    const data = mux.channels[2 * i]!;
    const error = mux.channels[2 * i + 1]!;
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    data.write(prefix);
    error.write(prefix);
    return forwardPort({ podSandboxId, port }, data, error, options.backend, false, log);
  });
  await Promise.all(forwards);
  await mux.close();
}
