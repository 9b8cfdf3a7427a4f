// The monitor writes the CRI log format kubelet reads: RFC3339Nano time,
// stream, P/F tag, text; lines over 16 KiB split into P partials ending in F;
// and it reopens the file on request (log rotation).
import { expect } from 'chai';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainer, reopenLog, startContainer } from '../../../src/native/monitor.js';
import { busyboxSpec, logLines, readLog, runToExit, waitForExit, busyboxFixture } from './monitor-harness.js';

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

describe('monitor: CRI log file', function () {
  const fx = busyboxFixture();

  it('tags each line with time, stream and F', async function () {
    await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'echo out-1; echo err-1 >&2; echo; echo out-2']));
    const records = await readLog(fx.dirs.log);
    for (const r of records) expect(r.time).to.match(RFC3339_NANO);
    expect(records.filter((r) => r.stream === 'stdout').map((r) => [r.tag, r.text])).to.deep.equal([
      ['F', 'out-1'],
      ['F', ''],
      ['F', 'out-2'],
    ]);
    expect(records.filter((r) => r.stream === 'stderr').map((r) => [r.tag, r.text])).to.deep.equal([['F', 'err-1']]);
  });

  it('splits lines over 16 KiB into P partials and ends an unterminated last line with F', async function () {
    // 40000 'a's and a newline, then 'tail' without one
    const script = "head -c 40000 /dev/zero | tr '\\0' a; echo; printf tail";
    await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script]));
    const records = (await readLog(fx.dirs.log)).filter((r) => r.stream === 'stdout');
    expect(records.map((r) => [r.tag, r.text.length])).to.deep.equal([
      ['P', 16384],
      ['P', 16384],
      ['F', 40000 - 2 * 16384],
      ['F', 4],
    ]);
    expect(logLines(records)).to.deep.equal(['a'.repeat(40000), 'tail']);
  });

  it('reopens the log file on request', async function () {
    const trigger = join(fx.dirs.base, 'trigger');
    await mkdir(trigger);
    const script = 'echo before; while [ ! -e /trigger/go ]; do sleep 0.02; done; echo after';
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script], { mounts: [{ destination: '/trigger', type: 'bind', source: trigger, options: ['rbind'] }] });
    await createContainer(spec);
    await startContainer(spec.stateDir);
    const deadline = Date.now() + 5000;
    while ((await readLog(fx.dirs.log)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await rename(fx.dirs.log, `${fx.dirs.log}.1`);
    await reopenLog(spec.stateDir);
    await writeFile(join(trigger, 'go'), '');
    await waitForExit(spec.stateDir);
    expect(logLines(await readLog(`${fx.dirs.log}.1`))).to.deep.equal(['before']);
    expect(logLines(await readLog(fx.dirs.log))).to.deep.equal(['after']);
  });

  it('logs a terminal session as stdout', async function () {
    const { stdout } = await runToExit(busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'echo to-err >&2; [ -t 1 ] && echo tty; stty size'], { process: { terminal: true, consoleSize: { rows: 33, cols: 101 } } }));
    expect(stdout.map((l) => l.replace(/\r$/, ''))).to.deep.equal(['to-err', 'tty', '33 101']);
  });
});
