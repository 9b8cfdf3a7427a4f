import { expect } from 'chai';
import hpack from 'hpack.js';
import { AuthorityRewriter, hpackInteger } from '../../../src/server/authority-rewriter.js';
import { PREFACE, frame, encode, requestHeaders, serverView } from '../../helpers/http2-client-bytes.js';

describe('AuthorityRewriter', () => {
  it('replaces a socket-path :authority with localhost and keeps every other field', () => {
    const c = hpack.compressor.create({ table: { size: 4096 } });
    const input = Buffer.concat([PREFACE, frame(4, 0, 0, Buffer.alloc(0)), frame(1, 0x4, 1, encode(c, '/run/husk/husk.sock')), frame(0, 0x1, 1, Buffer.from('data'))]);
    const out = Buffer.concat(new AuthorityRewriter().push(input));
    const frames = serverView(out);
    expect(frames.map((f) => f.type)).to.deep.equal([4, 1, 0]);
    expect(frames[1]!.headers).to.deep.equal({
      ':method': 'POST',
      ':scheme': 'http',
      ':path': '/runtime.v1.RuntimeService/Version',
      ':authority': 'localhost',
      'content-type': 'application/grpc',
      'user-agent': 'grpc-go/1.51.0',
      te: 'trailers',
    });
    expect(frames[1]!.flags & 0x4).to.equal(0x4);
    expect(frames[2]!.payload.toString()).to.equal('data');
    expect(frames[2]!.flags).to.equal(0x1);
  });

  it('follows the client dynamic table across requests and keeps valid authorities', () => {
    const c = hpack.compressor.create({ table: { size: 4096 } });
    const first = frame(1, 0x5, 1, encode(c, '/tmp/a.sock'));
    const second = frame(1, 0x5, 3, encode(c, '/tmp/a.sock')); // now mostly indexed references
    const third = frame(1, 0x5, 5, encode(c, 'localhost:10250'));
    expect(second.length).to.be.lessThan(first.length);
    const frames = serverView(Buffer.concat(new AuthorityRewriter().push(Buffer.concat([PREFACE, first, second, third]))));
    expect(frames.map((f) => f.headers![':authority'])).to.deep.equal(['localhost', 'localhost', 'localhost:10250']);
    expect(frames.every((f) => f.headers![':path'] === '/runtime.v1.RuntimeService/Version')).to.equal(true);
    expect(frames.map((f) => f.flags)).to.deep.equal([0x5, 0x5, 0x5]);
  });

  it('handles bytes split anywhere, CONTINUATION frames, padding and priority', () => {
    const c = hpack.compressor.create({ table: { size: 4096 } });
    const block = encode(c, '/x.sock');
    const half = Math.floor(block.length / 2);
    const padded = Buffer.concat([Buffer.of(3), Buffer.alloc(5, 0), block.subarray(0, half), Buffer.alloc(3)]); // pad length, priority, fragment, padding
    const input = Buffer.concat([PREFACE, frame(1, 0x8 | 0x20 | 0x1, 7, padded), frame(9, 0x4, 7, block.subarray(half))]);
    const rewriter = new AuthorityRewriter();
    const out: Buffer[] = [];
    for (let i = 0; i < input.length; i += 5) out.push(...rewriter.push(input.subarray(i, i + 5)));
    const frames = serverView(Buffer.concat(out));
    expect(frames).to.have.length(1);
    expect(frames[0]!.headers![':authority']).to.equal('localhost');
    expect(frames[0]!.flags).to.equal(0x1 | 0x4 | 0x20);
    expect(frames[0]!.streamId).to.equal(7);
  });

  it('splits a header block larger than one frame into CONTINUATION frames', () => {
    const c = hpack.compressor.create({ table: { size: 4096 } });
    c.write([...requestHeaders('/y.sock'), { name: 'x-big', value: 'v'.repeat(40000), huffman: false }]);
    const frames = serverView(Buffer.concat(new AuthorityRewriter().push(Buffer.concat([PREFACE, frame(1, 0x4, 1, c.read()!)])))).filter((f) => f.type === 1 || f.type === 9);
    expect(frames.length).to.be.greaterThan(2);
    expect(frames.every((f) => f.payload.length <= 16384)).to.equal(true);
    expect(frames.at(-1)!.headers!['x-big']).to.have.length(40000);
  });

  it('drops the first SETTINGS ACK when told the client still owes one for husk\'s early SETTINGS', () => {
    const ack = frame(4, 0x1, 0, Buffer.alloc(0));
    const out = Buffer.concat(new AuthorityRewriter(true).push(Buffer.concat([PREFACE, frame(4, 0, 0, Buffer.alloc(0)), ack, ack])));
    expect(serverView(out).map((f) => [f.type, f.flags])).to.deep.equal([[4, 0], [4, 0x1]]);
  });

  it('refuses a stream that is not HTTP/2', () => {
    expect(() => new AuthorityRewriter().push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).to.throw(/preface/);
  });

  it('encodes HPACK integers with a prefix (RFC 7541 C.1)', () => {
    expect(hpackInteger(10, 5, 0)).to.deep.equal(Buffer.of(10));
    expect(hpackInteger(1337, 5, 0)).to.deep.equal(Buffer.of(31, 154, 10));
    expect(hpackInteger(127, 7, 0x80)).to.deep.equal(Buffer.of(0xff, 0));
  });
});
