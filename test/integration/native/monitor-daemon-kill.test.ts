// kill -9 of the Node process that created and started a container leaves
// the container running under its monitor, and the exit is still recorded.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../../src/common/package-info.js';
import { busyboxSpec, processState, waitForExit, busyboxFixture } from './monitor-harness.js';

function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('monitor: the daemon dies, the container lives on', function () {
  const fx = busyboxFixture();

  it('keeps running after kill -9 of its creator and records the exit', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'sleep 1; exit 7']);
    const script = join(fx.dirs.base, 'creator.mts');
    const monitorModule = pathToFileURL(join(packageRoot, 'src', 'native', 'monitor.ts')).href;
    await writeFile(
      script,
      `import { createContainer, startContainer } from ${JSON.stringify(monitorModule)};
const spec = JSON.parse(process.argv[2]);
const created = await createContainer(spec);
await startContainer(spec.stateDir);
console.log(JSON.stringify(created));
setInterval(() => undefined, 1000);
`,
    );
    const creator = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      creator.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      creator.once('exit', (code) => reject(new Error(`creator exited ${code} before reporting`)));
    });
    const { pid, monitorPid } = JSON.parse(line) as { pid: number; monitorPid: number };
    expect(parentPid(monitorPid)).to.not.equal(creator.pid);
    const gone = new Promise((r) => creator.once('exit', r));
    process.kill(creator.pid!, 'SIGKILL');
    await gone;
    expect(processState(pid), 'container after the kill').to.be.oneOf(['S', 'R']);
    expect(processState(monitorPid), 'monitor after the kill').to.be.oneOf(['S', 'R']);
    const exit = await waitForExit(spec.stateDir);
    expect(exit).to.include({ exitCode: 7, signal: 0, oomKilled: false });
  });
});
