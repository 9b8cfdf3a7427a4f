// A busybox-static root filesystem for container tests: /bin/busybox with
// every applet linked, /etc/passwd and /etc/group with a test user, and the
// usual empty mount points. Built once per test file into a temp dir.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

/** The test user and groups written to /etc/passwd and /etc/group. */
export const TEST_USER = { name: 'tester', uid: 1000, gid: 1000, extraGroup: { name: 'extra', gid: 2000 } } as const;

export async function makeTempDir(prefix = 'husk-mon-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Fills dir with a busybox root: bin/<applets>, etc, tmp, proc, sys, dev, root, home. */
export async function buildBusyboxRootfs(dir: string): Promise<string> {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'root', 'tmp', 'mnt', `home/${TEST_USER.name}`]) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await chmod(join(dir, 'tmp'), 0o1777);
  await copyFile(BUSYBOX, join(dir, 'bin', 'busybox'));
  await chmod(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const applet of applets) await symlink('busybox', join(dir, 'bin', applet));
  const { name, uid, gid, extraGroup } = TEST_USER;
  await writeFile(join(dir, 'etc', 'passwd'), `root:x:0:0:root:/root:/bin/sh\n${name}:x:${uid}:${gid}:test user:/home/${name}:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n`);
  await writeFile(join(dir, 'etc', 'group'), `root:x:0:\n${name}:x:${gid}:\n${extraGroup.name}:x:${extraGroup.gid}:${name}\nnogroup:x:65534:\n`);
  await writeFile(join(dir, 'etc', 'hostname'), 'busybox\n');
  return dir;
}

export interface ContainerDirs {
  base: string;
  upper: string;
  work: string;
  rootfs: string;
  state: string;
  log: string;
}

/** upper/work/rootfs/state directories for one container under a fresh temp dir. */
export async function makeContainerDirs(prefix = 'husk-mon-ctr-'): Promise<ContainerDirs> {
  const base = await makeTempDir(prefix);
  const dirs = { base, upper: join(base, 'upper'), work: join(base, 'work'), rootfs: join(base, 'rootfs'), state: join(base, 'state'), log: join(base, 'logs', 'ctr.log') };
  for (const d of [dirs.upper, dirs.work, dirs.rootfs, dirs.state]) await mkdir(d, { recursive: true });
  return dirs;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
