// The part of spdy-transport (indutny) the tests drive: a SPDY/3.1 client
// session over an upgraded socket. It ships no types.
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';
  import type { EventEmitter } from 'node:events';

  export interface SpdyClientStream extends Duplex {
    id: number;
    on(event: 'response', listener: (status: number, headers: Record<string, string>) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    once(event: 'response', listener: (status: number, headers: Record<string, string>) => void): this;
    once(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  export interface SpdyClientConnection extends EventEmitter {
    start(version: number): void;
    request(uri: { method: string; path: string; headers?: Record<string, string> }, callback?: (err: Error | null, stream: SpdyClientStream) => void): SpdyClientStream;
    end(callback?: () => void): void;
  }

  const transport: {
    connection: {
      create(socket: Duplex, options: { protocol: 'spdy' | 'http2'; isServer: boolean; headerCompression?: boolean }): SpdyClientConnection;
    };
  };
  export default transport;
}
