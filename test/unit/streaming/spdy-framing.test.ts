import { expect } from 'chai';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../../src/streaming/spdy/dictionary.js';
import {
  FrameParser,
  SpdyProtocolError,
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
} from '../../../src/streaming/spdy/frames.js';
import { HeaderCompression, decodeHeaderBlock, encodeHeaderBlock } from '../../../src/streaming/spdy/header-block.js';

describe('SPDY/3 framing', () => {
  it('uses the same zlib dictionary as an independent SPDY implementation', () => {
    const theirs = createRequire(import.meta.url)('spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js')[3] as Buffer;
    expect(SPDY3_DICTIONARY.equals(theirs)).to.equal(true);
  });

  it('parses frames however the bytes are cut', () => {
    const wire = Buffer.concat([
      encodeSynStream(1, Buffer.from('hdr')),
      encodeData(1, Buffer.from('hello'), false),
      encodeData(1, Buffer.alloc(0), true),
      encodeSynReply(2, Buffer.from('r')),
      encodeRstStream(3, 5),
      encodePing(7),
      encodeWindowUpdate(0, 65536),
      encodeGoAway(3, 0),
    ]);
    const parser = new FrameParser();
    const frames = [];
    for (let i = 0; i < wire.length; i += 3) frames.push(...parser.push(wire.subarray(i, i + 3)));
    expect(frames.map((f) => f.type)).to.deep.equal(['syn_stream', 'data', 'data', 'syn_reply', 'rst_stream', 'ping', 'window_update', 'goaway']);
    expect(frames[0]).to.include({ streamId: 1, fin: false });
    expect((frames[0] as { headerBlock: Buffer }).headerBlock.toString()).to.equal('hdr');
    expect(frames[1]).to.deep.include({ streamId: 1, fin: false, data: Buffer.from('hello') });
    expect(frames[2]).to.include({ fin: true });
    expect(frames[4]).to.include({ streamId: 3, status: 5 });
    expect(frames[5]).to.include({ id: 7 });
    expect(frames[6]).to.include({ streamId: 0, delta: 65536 });
    expect(frames[7]).to.include({ lastGoodStreamId: 3, status: 0 });
  });

  it('refuses control frames of another SPDY version', () => {
    const frame = encodePing(1);
    frame.writeUInt16BE(0x8002, 0);
    expect(() => new FrameParser().push(frame)).to.throw(SpdyProtocolError);
  });

  it('round-trips header blocks with lower-cased names and NUL-joined values', () => {
    const headers = decodeHeaderBlock(encodeHeaderBlock({ StreamType: 'stdin', multi: ['a', 'b'] }));
    expect([...headers]).to.deep.equal([
      ['streamtype', ['stdin']],
      ['multi', ['a', 'b']],
    ]);
  });

  it('decompresses blocks compressed by plain zlib from the SPDY dictionary, across several blocks', async () => {
    const peer = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
    const chunks: Buffer[] = [];
    peer.on('data', (c: Buffer) => chunks.push(c));
    const compress = (b: Buffer) => new Promise<Buffer>((resolve) => {
      peer.write(b);
      peer.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(chunks.splice(0))));
    });
    const ours = new HeaderCompression();
    const first = await ours.decompress(await compress(encodeHeaderBlock({ streamtype: 'error' })));
    const second = await ours.decompress(await compress(encodeHeaderBlock({ streamtype: 'stdout', port: '80' })));
    expect(first.get('streamtype')).to.deep.equal(['error']);
    expect(second.get('port')).to.deep.equal(['80']);
    ours.close();
    peer.destroy();
  });
});
