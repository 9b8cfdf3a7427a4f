import { existsSync, readdirSync, rmdirSync } from 'node:fs';

/** Removes a test's cgroup directory tree, children first (cgroupfs directories hold only virtual files). */
export function rmCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmCgroupTree(`${dir}/${e.name}`);
  rmdirSync(dir);
}
