import { setTimeout as sleep } from 'node:timers/promises';
import { readOptional, type CgroupFs } from '../fs-ops.js';
import { sigkill, treePids } from '../teardown.js';

/**
 * SIGKILLs every process in the tree. cgroup.kill (Linux 5.14) does it in one
 * atomic write, forks included; older kernels freeze, kill, thaw.
 */
export async function killTree(fs: CgroupFs, dir: string): Promise<void> {
  if (await fs.exists(`${dir}/cgroup.kill`)) {
    await fs.writeFile(`${dir}/cgroup.kill`, '1');
    return;
  }
  const canFreeze = await fs.exists(`${dir}/cgroup.freeze`);
  if (canFreeze) {
    await fs.writeFile(`${dir}/cgroup.freeze`, '1');
    const deadline = Date.now() + 1000;
    while (!/frozen 1/.test((await readOptional(fs, `${dir}/cgroup.events`)) ?? 'frozen 1') && Date.now() < deadline) await sleep(5);
  }
  try {
    sigkill(await treePids(fs, [dir]));
  } finally {
    if (canFreeze) await fs.writeFile(`${dir}/cgroup.freeze`, '0');
  }
}
