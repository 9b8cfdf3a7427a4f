// Decides, per connection, whether nghttp2 can read the client's bytes
// directly (the fast path: a native socket) or whether they must go through
// the AuthorityRewriter (grpc-go before 1.52 sends the socket path as
// `:authority`). The first request's headers tell, but a gRPC client sends
// no request before it has the server's SETTINGS; so husk sends an empty
// SETTINGS frame of its own at once (sendFirst), reads up to the first
// header block, and drops the client's ACK of that frame: nghttp2, which
// sends its own SETTINGS once it takes over, must not see an ACK it never
// asked for. Every other byte is replayed to the chosen path.
import {
  afterPreface,
  splitFrames,
  headersFragment,
  headerDecoder,
  decodeHeaderBlock,
  isValidAuthority,
  HEADERS,
  CONTINUATION,
  SETTINGS,
  ACK,
  END_HEADERS,
} from './http2-frames.js';

export type ConnectionPath = 'native' | 'rewrite';

export interface Verdict {
  path: ConnectionPath;
  /** The client's bytes so far, minus the ACK of husk's SETTINGS, to replay in order. */
  replay: Buffer;
  /** The ACK has not come yet (only when giving up): the rewriting path must drop it. */
  ackPending: boolean;
}

/** An empty SETTINGS frame: "the defaults", which nghttp2's own SETTINGS then refines. */
export const EARLY_SETTINGS = Buffer.from([0, 0, 0, SETTINGS, 0, 0, 0, 0, 0]);

export class FirstRequestSniffer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly kept: Buffer[] = [];
  private sawPreface = false;
  private sawAck = false;
  private fragments: Buffer[] | undefined;
  private authority: string | undefined | null = null;

  /** Feeds client bytes; the verdict once the first header block and the ACK are in. Throws on a malformed stream. */
  push(chunk: Buffer): Verdict | undefined {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.sawPreface) {
      const rest = afterPreface(this.pending);
      if (!rest) return undefined;
      this.kept.push(this.pending.subarray(0, this.pending.length - rest.length));
      this.pending = rest;
      this.sawPreface = true;
    }
    const { frames, rest } = splitFrames(this.pending);
    this.pending = rest;
    for (const frame of frames) {
      if (frame.type === SETTINGS && frame.flags & ACK && !this.sawAck) {
        this.sawAck = true;
        continue;
      }
      this.kept.push(frame.bytes);
      if (this.authority !== null) continue;
      if (frame.type === HEADERS && !this.fragments) this.fragments = [headersFragment(frame).fragment];
      else if (frame.type === CONTINUATION && this.fragments) this.fragments.push(frame.payload);
      else continue;
      if (frame.flags & END_HEADERS) {
        const fields = decodeHeaderBlock(headerDecoder(), Buffer.concat(this.fragments));
        this.authority = fields.find((f) => f.name === ':authority')?.value;
      }
    }
    if (!this.sawAck || this.authority === null) return undefined;
    const path = this.authority === undefined || isValidAuthority(this.authority) ? 'native' : 'rewrite';
    return { path, replay: this.replay(), ackPending: false };
  }

  /** The verdict for a client slow to send its first request: the rewriting path handles any client. */
  giveUp(): Verdict {
    return { path: 'rewrite', replay: this.replay(), ackPending: !this.sawAck };
  }

  private replay(): Buffer {
    return Buffer.concat([...this.kept, this.pending]);
  }
}
