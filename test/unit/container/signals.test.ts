import { expect } from 'chai';
import { signalNumber, criSignalNumber, criSignalOf } from '../../../src/container/signals.js';
import { Signal } from '../../../src/generated/runtime/v1/Signal.js';

describe('signals', () => {
  it('parses names, short names, numbers and realtime forms', () => {
    expect(signalNumber('SIGTERM')).to.equal(15);
    expect(signalNumber('quit')).to.equal(3);
    expect(signalNumber('9')).to.equal(9);
    expect(signalNumber('SIGRTMIN+3')).to.equal(37);
    expect(signalNumber('RTMAX-1')).to.equal(63);
    expect(signalNumber('SIGPOLL')).to.equal(29);
    expect(signalNumber('SIGNOPE')).to.equal(undefined);
    expect(signalNumber('99')).to.equal(undefined);
  });
  it('maps the CRI Signal enum both ways', () => {
    expect(criSignalNumber(Signal.SIGNAL_SIGTERM)).to.equal(15);
    expect(criSignalNumber(Signal.SIGNAL_SIGKILL)).to.equal(9);
    expect(criSignalNumber(Signal.SIGNAL_SIGRTMINPLUS4)).to.equal(38);
    expect(criSignalNumber(Signal.SIGNAL_RUNTIME_DEFAULT)).to.equal(undefined);
    expect(criSignalOf(15)).to.equal(Signal.SIGNAL_SIGTERM);
    expect(criSignalOf(6)).to.equal(Signal.SIGNAL_SIGABRT);
  });
});
