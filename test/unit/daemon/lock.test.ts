import { expect } from 'chai';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { acquireLock, LockHeldError, processStartTime } from '../../../src/daemon/lock.js';

describe('lock file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'husk-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken, refused while its owner lives, and removed on release', async () => {
    const path = join(dir, 'husk.lock');
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(path, `${sleeper.pid} ${processStartTime(sleeper.pid!)}\n`);
      let err: unknown;
      await acquireLock(path, 'root /x').catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(LockHeldError);
      expect((err as Error).message).to.contain(`pid ${sleeper.pid}`);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose owner is gone or whose PID was reused', async () => {
    const path = join(dir, 'husk.lock');
    writeFileSync(path, `${process.pid} 1\n`); // our PID, but another start time: a reused PID
    const lock = await acquireLock(path, 'root /x');
    expect(readFileSync(path, 'utf8')).to.equal(`${process.pid} ${processStartTime(process.pid)}\n`);
    await lock.release();
    expect(existsSync(path)).to.equal(false);
  });
});
