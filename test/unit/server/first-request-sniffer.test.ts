import { expect } from 'chai';
import hpack from 'hpack.js';
import { FirstRequestSniffer, EARLY_SETTINGS } from '../../../src/server/first-request-sniffer.js';
import { PREFACE, frame, encode, serverView } from '../../helpers/http2-client-bytes.js';

const SETTINGS = 4;
const ACK = 1;
const clientSettings = frame(SETTINGS, 0, 0, Buffer.from([0, 4, 0, 0, 0x40, 0])); // INITIAL_WINDOW_SIZE
const settingsAck = frame(SETTINGS, ACK, 0, Buffer.alloc(0));
const windowUpdate = frame(8, 0, 0, Buffer.from([0, 0, 0x10, 0]));
const request = (authority: string) => frame(1, 0x4, 1, encode(hpack.compressor.create({ table: { size: 4096 } }), authority));
const data = frame(0, 0x1, 1, Buffer.alloc(5));

describe('FirstRequestSniffer', () => {
  it('sends an empty SETTINGS frame of its own', () => {
    expect([...EARLY_SETTINGS]).to.deep.equal([0, 0, 0, SETTINGS, 0, 0, 0, 0, 0]);
  });

  it('gives a client with a valid :authority the native path and replays all but the ACK of husk\'s SETTINGS', () => {
    const sniffer = new FirstRequestSniffer();
    expect(sniffer.push(Buffer.concat([PREFACE, clientSettings, windowUpdate, settingsAck]))).to.equal(undefined);
    const verdict = sniffer.push(Buffer.concat([request('localhost'), data]));
    expect(verdict?.path).to.equal('native');
    expect(verdict?.ackPending).to.equal(false);
    expect(verdict!.replay.equals(Buffer.concat([PREFACE, clientSettings, windowUpdate, request('localhost'), data]))).to.equal(true);
  });

  it('sends a socket-path :authority (grpc-go before 1.52) to the rewriting path', () => {
    const sniffer = new FirstRequestSniffer();
    const verdict = sniffer.push(Buffer.concat([PREFACE, clientSettings, settingsAck, request('/run/husk/husk.sock')]));
    expect(verdict?.path).to.equal('rewrite');
    expect(serverView(verdict!.replay).map((f) => f.headers?.[':authority'])).to.deep.equal([undefined, '/run/husk/husk.sock']);
  });

  it('waits for the ACK when the request comes first, and for CONTINUATION frames, with bytes split anywhere', () => {
    const block = encode(hpack.compressor.create({ table: { size: 4096 } }), 'localhost');
    const half = Math.floor(block.length / 2);
    const input = Buffer.concat([PREFACE, clientSettings, frame(1, 0, 1, block.subarray(0, half)), frame(9, 0x4, 1, block.subarray(half)), settingsAck]);
    const sniffer = new FirstRequestSniffer();
    const verdicts = [];
    for (let i = 0; i < input.length; i += 7) verdicts.push(sniffer.push(input.subarray(i, i + 7)));
    expect(verdicts.slice(0, -1).every((v) => v === undefined)).to.equal(true);
    expect(verdicts.at(-1)?.path).to.equal('native');
    expect(verdicts.at(-1)!.replay.length).to.equal(input.length - settingsAck.length);
  });

  it('gives up to the rewriting path, saying whether the ACK is still due', () => {
    const early = new FirstRequestSniffer();
    early.push(Buffer.concat([PREFACE, clientSettings]));
    expect(early.giveUp()).to.deep.include({ path: 'rewrite', ackPending: true });
    const acked = new FirstRequestSniffer();
    acked.push(Buffer.concat([PREFACE, clientSettings, settingsAck]));
    expect(acked.giveUp()).to.deep.include({ path: 'rewrite', ackPending: false });
  });

  it('refuses a stream that is not HTTP/2', () => {
    expect(() => new FirstRequestSniffer().push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).to.throw(/preface/);
  });
});
