import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { requireAddon } from '../../helpers/requirements.js';
import { closePidfd, NativeError, pidfdHasExited, pidfdOpen, pidfdSendSignal, waitForPidfdExit } from '../../../src/native/index.js';

describe('native addon: pidfds', function () {
  before(function () {
    requireAddon(this, { root: true });
  });

  it('signals a process through its pidfd and resolves when it exits, without reaping it', async function () {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const childExit = once(child, 'exit');
    const fd = pidfdOpen(child.pid!);
    try {
      expect(pidfdHasExited(fd)).to.equal(false);
      const exited = waitForPidfdExit(fd);
      pidfdSendSignal(fd, 'SIGTERM');
      await exited;
      expect(pidfdHasExited(fd)).to.equal(true);
      // Node, the parent, still gets the exit status: the wait did not reap.
      const [code, signal] = (await childExit) as [number | null, string | null];
      expect(code).to.equal(null);
      expect(signal).to.equal('SIGTERM');
    } finally {
      closePidfd(fd);
    }
  });

  it('stops waiting when aborted', async function () {
    const fd = pidfdOpen(process.pid);
    try {
      const ac = new AbortController();
      const waiting = waitForPidfdExit(fd, { signal: ac.signal });
      ac.abort(new Error('stop waiting'));
      const err = await waiting.catch((e: unknown) => e);
      expect((err as Error).message).to.equal('stop waiting');
    } finally {
      closePidfd(fd);
    }
  });

  it('watches many processes at once', async function () {
    const children = Array.from({ length: 20 }, () => spawn('sleep', ['30'], { stdio: 'ignore' }));
    const fds = children.map((c) => pidfdOpen(c.pid!));
    try {
      const waits = fds.map((fd) => waitForPidfdExit(fd));
      for (const fd of fds) pidfdSendSignal(fd, 9);
      await Promise.all(waits);
      expect(fds.every((fd) => pidfdHasExited(fd))).to.equal(true);
    } finally {
      fds.forEach(closePidfd);
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
    }
  });

  it('fails for a process that does not exist, with errno and step', function () {
    // PIDs above pid_max never exist.
    expect(() => pidfdOpen(2 ** 22 + 1)).to.throw(NativeError).that.includes({ code: 'ESRCH', step: 'open pidfd', syscall: 'pidfd_open' });
  });
});
