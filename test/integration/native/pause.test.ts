// husk-pause: a static binary that reaps the zombies it inherits and exits
// 0 on SIGTERM or SIGINT.
import { expect } from 'chai';
import { spawn, execFileSync } from 'node:child_process';
import { pauseBinaryPath } from '../../../src/native/monitor.js';
import { requireFile, requireTools } from '../../helpers/requirements.js';
import { processState } from './monitor-harness.js';

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('husk-pause', function () {
  before(function () {
    requireFile(this, pauseBinaryPath(), 'npm run build:native');
  });

  it('is statically linked', function () {
    requireTools(this, 'file');
    expect(execFileSync('file', [pauseBinaryPath()], { encoding: 'utf8' })).to.match(/statically linked|static-pie/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`exits 0 on ${signal}`, async function () {
      const child = spawn(pauseBinaryPath(), [], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 50));
      const exited = exitOf(child);
      child.kill(signal);
      expect(await exited).to.deep.equal({ code: 0, signal: null });
    });
  }

  it('reaps orphans that are reparented to it', async function () {
    // a shell under pause forks a short sleep and exits at once, so the sleep's
    // parent becomes pause (a child subreaper) and it must be reaped there
    const child = spawn('unshare', ['--fork', '--pid', '--kill-child', pauseBinaryPath()], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const pausePid = Number(execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim());
      expect(processState(pausePid)).to.be.oneOf(['S', 'R']);
      // join its pid namespace and leave an orphan behind
      execFileSync('nsenter', ['-t', String(pausePid), '-p', '--', 'sh', '-c', '(sleep 0.1 &) ; true']);
      await new Promise((r) => setTimeout(r, 400));
      const children = execFileSync('sh', ['-c', `pgrep -P ${pausePid} || true`], { encoding: 'utf8' }).trim();
      const zombies = children ? children.split('\n').filter((p) => processState(Number(p)) === 'Z') : [];
      expect(zombies).to.deep.equal([]);
    } finally {
      const exited = exitOf(child);
      child.kill('SIGTERM');
      await exited;
    }
  });
});
