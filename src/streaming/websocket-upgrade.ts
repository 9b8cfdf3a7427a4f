// WebSocket upgrades with the channel subprotocols kubelet accepts: the
// client's first supported subprotocol wins; none offered means plain binary
// channels; only unsupported ones get 403, as golang.org/x/net/websocket does.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { writeHttpError } from './http-response.js';
import { WS_NO_SUBPROTOCOL, splitHeaderList, type WebSocketProtocol } from './protocols.js';

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  return connection.includes('upgrade') && upgrade === 'websocket';
}

export function chooseWebSocketProtocol(req: IncomingMessage, supported: WebSocketProtocol[]): WebSocketProtocol | undefined {
  const offered = splitHeaderList(req.headers['sec-websocket-protocol']);
  if (offered.length === 0) return WS_NO_SUBPROTOCOL;
  for (const name of offered) {
    const p = supported.find((s) => s.name === name);
    if (p) return p;
  }
  return undefined;
}

// The subprotocol chosen for a request, for the handshake to echo back.
const chosen = new WeakMap<IncomingMessage, string>();

// One shared, server-less instance: it only performs handshakes and frames.
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (_offered: Set<string>, req: IncomingMessage) => chosen.get(req) || false,
});

/** Completes the handshake with the negotiated subprotocol, or answers 403 and returns undefined. */
export async function upgradeToWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  supported: WebSocketProtocol[],
): Promise<{ ws: WebSocket; protocol: WebSocketProtocol } | undefined> {
  const protocol = chooseWebSocketProtocol(req, supported);
  if (!protocol) {
    writeHttpError(socket, 403, `requested protocol(s) are not supported: ${req.headers['sec-websocket-protocol'] ?? ''}; supports ${supported.map((p) => p.name).join(', ')}`);
    return undefined;
  }
  chosen.set(req, protocol.name);
  return new Promise((resolve) => {
    wss.handleUpgrade(req, socket, head, (ws) => resolve({ ws, protocol }));
    // handleUpgrade answers bad handshakes itself and never calls back then.
    socket.once('close', () => resolve(undefined));
  });
}
