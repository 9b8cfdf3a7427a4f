// A SPDY/3.1 client that behaves like client-go's remotecommand and
// portforward (the code crictl and kubelet run), built on spdy-transport, an
// implementation independent of husk's: the same upgrade request, streams
// opened one at a time (each waits for its reply) with `streamtype` headers,
// stdin half-closed after it is sent.
import { request } from 'node:http';
import type { Socket } from 'node:net';
import transport, { type SpdyClientConnection, type SpdyClientStream } from 'spdy-transport';

export interface SpdySession {
  conn: SpdyClientConnection;
  protocol: string | undefined;
  socket: Socket;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}: ${body.trim()}`);
  }
}

export function spdyUpgrade(url: string, protocols: string[]): Promise<SpdySession> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('end', () => reject(new HttpStatusError(res.statusCode ?? 0, body)));
    });
    req.once('upgrade', (res, socket: Socket, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false });
      conn.on('error', () => undefined);
      conn.start(3.1);
      resolve({ conn, protocol: res.headers['x-stream-protocol-version'] as string | undefined, socket });
    });
    req.end();
  });
}

/** Opens a stream and waits for the server's reply, like spdystream's CreateStream + Wait. */
export function openStream(conn: SpdyClientConnection, headers: Record<string, string>): Promise<SpdyClientStream> {
  return new Promise((resolve, reject) => {
    const stream = conn.request({ method: 'POST', path: '/', headers });
    stream.once('response', () => resolve(stream));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error(`stream ${JSON.stringify(headers)} closed before its reply`)));
  });
}

/** Everything the stream carries until the server half-closes it (or the session ends). */
export function readAll(stream: SpdyClientStream): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const done = () => resolve(Buffer.concat(chunks));
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

export interface ExecOptions {
  protocols?: string[];
  stdin?: string;
  stdout?: boolean;
  stderr?: boolean;
  tty?: boolean;
  resize?: { Width: number; Height: number }[];
}

export interface ExecResult {
  protocol: string | undefined;
  stdout: string;
  stderr: string;
  /** The raw error stream: a JSON metav1.Status on v4/v5. */
  error: string;
}

/** exec/attach over SPDY, the way client-go's streamProtocolV4 runs it. */
export async function spdyRemoteCommand(url: string, opts: ExecOptions): Promise<ExecResult> {
  const session = await spdyUpgrade(url, opts.protocols ?? ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
  const { conn, protocol } = session;
  const error = await openStream(conn, { streamtype: 'error' });
  const stdin = opts.stdin !== undefined ? await openStream(conn, { streamtype: 'stdin' }) : undefined;
  const stdout = opts.stdout ? await openStream(conn, { streamtype: 'stdout' }) : undefined;
  const stderr = opts.stderr && !opts.tty ? await openStream(conn, { streamtype: 'stderr' }) : undefined;
  const resize = opts.tty ? await openStream(conn, { streamtype: 'resize' }) : undefined;

  const errorText = readAll(error);
  const out = stdout ? readAll(stdout) : Promise.resolve(Buffer.alloc(0));
  const err = stderr ? readAll(stderr) : Promise.resolve(Buffer.alloc(0));
  for (const size of opts.resize ?? []) resize?.write(`${JSON.stringify(size)}\n`);
  if (stdin) stdin.end(opts.stdin);

  const [o, e, s] = await Promise.all([out, err, errorText]);
  // client-go closes the connection once its streams are done.
  session.socket.destroy();
  return { protocol, stdout: o.toString(), stderr: e.toString(), error: s.toString() };
}

/** One forwarded connection over a port-forward session, as client-go's handleConnection. */
export async function spdyForwardOnce(conn: SpdyClientConnection, port: number, requestId: number, payload: string): Promise<{ echoed: string; error: string }> {
  const headers = { streamtype: 'error', port: String(port), requestid: String(requestId) };
  const errorStream = await openStream(conn, headers);
  errorStream.end(); // client-go: "we're not writing to this stream"
  const errorText = readAll(errorStream);
  const data = await openStream(conn, { ...headers, streamtype: 'data' });
  const echoed = readAll(data);
  data.end(payload);
  const [e, s] = await Promise.all([echoed, errorText]);
  return { echoed: e.toString(), error: s.toString() };
}
