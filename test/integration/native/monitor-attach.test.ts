// Attach through the monitor's socket: stdin in, stdout/stderr out, stdinOnce
// closing stdin, terminal resize by frame and by command, the exit frame.
import { expect } from 'chai';
import type { Readable } from 'node:stream';
import { attach, createContainer, isMonitorError, monitorState, resizeTerminal, startContainer } from '../../../src/native/monitor.js';
import { busyboxSpec, waitForExit, busyboxFixture } from './monitor-harness.js';

function collect(stream: Readable): { text: () => string; waitFor: (re: RegExp, ms?: number) => Promise<void> } {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => (text += d));
  return {
    text: () => text,
    waitFor: async (re, ms = 5000) => {
      const deadline = Date.now() + ms;
      while (!re.test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} in ${JSON.stringify(text)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('monitor: attach', function () {
  const fx = busyboxFixture();

  it('relays stdin and both output streams; stdinOnce closes stdin when the session ends it', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'read line; echo got:$line; echo oops >&2; cat; echo done'], { process: { stdin: true, stdinOnce: true } });
    await createContainer(spec);
    const session = await attach(spec.stateDir);
    const out = collect(session.stdout);
    const err = collect(session.stderr);
    expect(await monitorState(spec.stateDir)).to.include({ status: 'created' });
    await startContainer(spec.stateDir);
    session.stdin.write('hello\n');
    await out.waitFor(/got:hello\n/);
    await err.waitFor(/oops\n/);
    session.stdin.write('more\n');
    await out.waitFor(/more\n/);
    session.stdin.end();
    const exit = await session.exited;
    expect(exit).to.include({ exitCode: 0 });
    expect(out.text()).to.equal('got:hello\nmore\ndone\n');
    expect((await waitForExit(spec.stateDir)).exitCode).to.equal(0);
  });

  it('resizes the terminal by frame and by command', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'read a; stty size; read b; stty size'], { process: { terminal: true, stdin: true } });
    await createContainer(spec);
    const session = await attach(spec.stateDir);
    const out = collect(session.stdout);
    await startContainer(spec.stateDir);
    session.resize(40, 120);
    await new Promise((r) => setTimeout(r, 50));
    session.stdin.write('a\n');
    await out.waitFor(/40 120/);
    await resizeTerminal(spec.stateDir, 50, 132);
    session.stdin.write('b\n');
    await out.waitFor(/50 132/);
    expect((await session.exited)?.exitCode).to.equal(0);
  });

  it('refuses resize without a terminal and a second start', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sleep', '0.3']);
    await createContainer(spec);
    await startContainer(spec.stateDir);
    for (const attempt of [() => resizeTerminal(spec.stateDir, 1, 1), () => startContainer(spec.stateDir)]) {
      try {
        await attempt();
        expect.fail('should have failed');
      } catch (e) {
        expect(isMonitorError(e) && ['ENOTTY', 'EALREADY'].includes(e.code ?? '')).to.equal(true, String(e));
      }
    }
    await waitForExit(spec.stateDir);
  });
});
