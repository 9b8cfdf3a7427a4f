// A gRPC client's side of an HTTP/2 connection as raw bytes, for the tests of
// what husk reads before (or instead of) nghttp2.
import { expect } from 'chai';
import hpack from 'hpack.js';
import { PREFACE } from '../../src/server/http2-frames.js';

export { PREFACE };

export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(streamId, 5);
  return Buffer.concat([h, payload]);
}

/** Splits a byte stream back into frames and decodes every header block (as the server would). */
export function serverView(bytes: Buffer) {
  expect(bytes.subarray(0, 24).equals(PREFACE)).to.equal(true);
  const decoder = hpack.decompressor.create({ table: { size: 4096 } });
  const frames: { type: number; flags: number; streamId: number; headers?: Record<string, string>; payload: Buffer }[] = [];
  let rest = bytes.subarray(24);
  let block: Buffer[] = [];
  while (rest.length) {
    const len = rest.readUIntBE(0, 3);
    const f = { type: rest[3]!, flags: rest[4]!, streamId: rest.readUInt32BE(5), payload: rest.subarray(9, 9 + len) };
    rest = rest.subarray(9 + len);
    if (f.type === 1 || f.type === 9) {
      block.push(f.type === 1 && f.flags & 0x20 ? f.payload.subarray(5) : f.payload);
      if (f.flags & 0x4) {
        decoder.write(Buffer.concat(block));
        decoder.execute();
        const headers: Record<string, string> = {};
        for (let h = decoder.read(); h; h = decoder.read()) headers[h.name] = h.value;
        frames.push({ ...f, headers });
        block = [];
      } else frames.push(f);
    } else frames.push(f);
  }
  return frames;
}

export function requestHeaders(authority: string) {
  return [
    { name: ':method', value: 'POST' },
    { name: ':scheme', value: 'http' },
    { name: ':path', value: '/runtime.v1.RuntimeService/Version' },
    { name: ':authority', value: authority },
    { name: 'content-type', value: 'application/grpc' },
    { name: 'user-agent', value: 'grpc-go/1.51.0' },
    { name: 'te', value: 'trailers' },
  ].map((h) => ({ ...h, huffman: true }));
}

export function encode(compressor: ReturnType<typeof hpack.compressor.create>, authority: string): Buffer {
  compressor.write(requestHeaders(authority));
  return compressor.read()!;
}

