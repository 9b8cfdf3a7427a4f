import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { AuthorityRewriter } from './authority-rewriter.js';
import { FirstRequestSniffer, EARLY_SETTINGS, type Verdict } from './first-request-sniffer.js';
import { log } from '../log/logger.js';

/** How long a connection may stay without a first request before it gets the rewriting path anyway. */
const SNIFF_TIMEOUT_MS = 2000;

/**
 * One old client's connection as grpc-js sees it: reads pass through the
 * AuthorityRewriter, writes go straight to the socket.
 */
class RewritingConnection extends Duplex {
  private readonly rewriter: AuthorityRewriter;

  constructor(
    private readonly socket: Socket,
    verdict: Verdict,
  ) {
    super();
    this.rewriter = new AuthorityRewriter(verdict.ackPending);
    socket.on('data', (chunk: Buffer) => this.fromClient(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
    if (verdict.replay.length) this.fromClient(verdict.replay);
  }

  private fromClient(chunk: Buffer): void {
    let out: Buffer[];
    try {
      out = this.rewriter.push(chunk);
    } catch (err) {
      log.debug({ err }, 'dropping a malformed HTTP/2 connection');
      this.socket.destroy();
      return;
    }
    for (const b of out) if (!this.push(b)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.socket.write(chunk, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy();
    done(err);
  }
}

/**
 * Reads a new connection up to its first request, then hands it to `accept`:
 * the socket itself (nghttp2 reads it natively) or, for an old grpc-go
 * client, a RewritingConnection.
 */
function sniff(socket: Socket, accept: (conn: Duplex) => void): void {
  const sniffer = new FirstRequestSniffer();
  const onData = (chunk: Buffer) => {
    let verdict: Verdict | undefined;
    try {
      verdict = sniffer.push(chunk);
    } catch (err) {
      log.debug({ err }, 'dropping a malformed HTTP/2 connection');
      socket.destroy();
      return;
    }
    if (verdict) handOver(verdict);
  };
  const onGone = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const handOver = (verdict: Verdict) => {
    clearTimeout(timer);
    socket.off('data', onData).off('end', onGone).off('error', onGone).off('close', onGone);
    socket.pause();
    if (verdict.path === 'rewrite') return accept(new RewritingConnection(socket, verdict));
    if (verdict.replay.length) socket.unshift(verdict.replay);
    accept(socket);
  };
  const timer = setTimeout(() => handOver(sniffer.giveUp()), SNIFF_TIMEOUT_MS).unref();
  socket.on('data', onData).on('end', onGone).on('error', onGone).on('close', onGone);
  socket.write(EARLY_SETTINGS);
}

/** Listens on the CRI unix socket and hands each connection to `accept` once its first request shows what it needs. */
export function listenCriSocket(path: string, accept: (conn: Duplex) => void): Promise<Server> {
  const server = createServer((socket) => sniff(socket, accept));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
