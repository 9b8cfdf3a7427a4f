// WebSocket clients for the channel protocols, written the way client-go's
// WebSocket executor and kubelet's channel layout expect them to behave.
import WebSocket from 'ws';
import { HttpStatusError } from './spdy-client.js';

export function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

export interface WsSession {
  ws: WebSocket;
  protocol: string;
  /** Payloads per channel, in arrival order (channel byte stripped, base64 decoded). */
  received: Map<number, Buffer[]>;
  closed: Promise<void>;
}

export function wsConnect(url: string, protocols: string[]): Promise<WsSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(url), protocols);
    const received = new Map<number, Buffer[]>();
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let channel = data[0]!;
      let payload = data.subarray(1);
      if (!isBinary) {
        channel -= 0x30;
        payload = Buffer.from(payload.toString('latin1'), 'base64');
      }
      received.set(channel, [...(received.get(channel) ?? []), payload]);
    });
    ws.once('open', () => resolve({ ws, protocol: ws.protocol, received, closed }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('end', () => reject(new HttpStatusError(res.statusCode ?? 0, body)));
    });
    ws.once('error', reject);
  });
}

export function channelText(session: WsSession, channel: number): string {
  return Buffer.concat(session.received.get(channel) ?? []).toString();
}

export function sendOnChannel(session: WsSession, channel: number, data: string | Buffer, base64 = false): void {
  const bytes = Buffer.from(data);
  if (base64) session.ws.send(String.fromCharCode(0x30 + channel) + bytes.toString('base64'));
  else session.ws.send(Buffer.concat([Buffer.of(channel), bytes]));
}

/** v5: tell the server that the client is done with `channel` (stdin). */
export function sendCloseSignal(session: WsSession, channel: number): void {
  session.ws.send(Buffer.of(255, channel));
}
