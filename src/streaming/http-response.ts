// Plain HTTP answers written straight to a socket that asked to upgrade (the
// 'upgrade' event hands us the raw socket, not a ServerResponse).
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function writeHttpError(socket: Duplex, status: number, message: string, headers: [string, string][] = []): void {
  const body = Buffer.from(`${message}\n`);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: text/plain; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    `Content-Length: ${body.length}`,
    'Connection: close',
    ...headers.map(([k, v]) => `${k}: ${v}`),
  ];
  if (!socket.writable) return;
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]));
}

export function writeSwitchingProtocols(socket: Duplex, headers: [string, string][]): void {
  const lines = ['HTTP/1.1 101 Switching Protocols', ...headers.map(([k, v]) => `${k}: ${v}`)];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
}
