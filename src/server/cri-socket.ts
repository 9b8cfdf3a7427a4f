import { createServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { AuthorityRewriter } from './authority-rewriter.js';
import { log } from '../log/logger.js';

/**
 * One client connection as grpc-js sees it: reads pass through the
 * AuthorityRewriter, writes go straight to the socket.
 */
class RewritingConnection extends Duplex {
  private readonly rewriter = new AuthorityRewriter();

  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', (chunk: Buffer) => {
      let out: Buffer[];
      try {
        out = this.rewriter.push(chunk);
      } catch (err) {
        log.debug({ err }, 'dropping a malformed HTTP/2 connection');
        socket.destroy();
        return;
      }
      for (const b of out) if (!this.push(b)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
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

/** Listens on the CRI unix socket and hands each connection (rewritten) to `accept`. */
export function listenCriSocket(path: string, accept: (conn: Duplex) => void): Promise<Server> {
  const server = createServer((socket) => accept(new RewritingConnection(socket)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
