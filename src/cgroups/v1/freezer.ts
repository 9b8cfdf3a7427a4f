import { setTimeout as sleep } from 'node:timers/promises';
import { readOptional, type CgroupFs } from '../fs-ops.js';

const STATE = 'freezer.state';

/**
 * Freezes the cgroup so no member can fork while we kill them. Waits briefly
 * for FROZEN; a cgroup stuck in FREEZING (a task in uninterruptible sleep) is
 * left as is, the kill still goes out. Returns false when there is no freezer.
 */
export async function freeze(fs: CgroupFs, dir: string, waitMs = 1000): Promise<boolean> {
  if ((await readOptional(fs, `${dir}/${STATE}`)) === undefined) return false;
  await fs.writeFile(`${dir}/${STATE}`, 'FROZEN');
  const deadline = Date.now() + waitMs;
  while ((await fs.readFile(`${dir}/${STATE}`)).trim() !== 'FROZEN' && Date.now() < deadline) await sleep(5);
  return true;
}

/** SIGKILL is only acted on once the task runs again. */
export async function thaw(fs: CgroupFs, dir: string): Promise<void> {
  await fs.writeFile(`${dir}/${STATE}`, 'THAWED');
}
