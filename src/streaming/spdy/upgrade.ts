// The HTTP/1.1 -> SPDY/3.1 upgrade of apimachinery's httpstream/spdy, with its
// X-Stream-Protocol-Version negotiation.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { writeHttpError, writeSwitchingProtocols } from '../http-response.js';
import { HEADER_ACCEPTED_PROTOCOL_VERSIONS, HEADER_PROTOCOL_VERSION, negotiate, splitHeaderList } from '../protocols.js';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  return connection.includes('upgrade') && upgrade.includes('spdy/3.1');
}

/**
 * Negotiates the protocol and answers 101; on failure answers the error
 * kubelet gives and returns undefined. The socket then speaks SPDY.
 */
export function upgradeToSpdy(req: IncomingMessage, socket: Socket, serverProtocols: string[]): string | undefined {
  const clientProtocols = splitHeaderList(req.headers[HEADER_PROTOCOL_VERSION]);
  if (clientProtocols.length === 0) {
    writeHttpError(socket, 400, 'unable to upgrade: X-Stream-Protocol-Version is required');
    return undefined;
  }
  const protocol = negotiate(clientProtocols, serverProtocols);
  if (protocol === undefined) {
    writeHttpError(
      socket,
      403,
      `unable to upgrade: unable to negotiate protocol: client supports [${clientProtocols.join(' ')}], server accepts [${serverProtocols.join(' ')}]`,
      serverProtocols.map((p) => [HEADER_ACCEPTED_PROTOCOL_VERSIONS, p]),
    );
    return undefined;
  }
  if (!isSpdyUpgrade(req)) {
    writeHttpError(socket, 400, 'unable to upgrade: missing upgrade headers in request');
    return undefined;
  }
  writeSwitchingProtocols(socket, [
    ['Connection', 'Upgrade'],
    ['Upgrade', 'SPDY/3.1'],
    ['X-Stream-Protocol-Version', protocol],
  ]);
  return protocol;
}
