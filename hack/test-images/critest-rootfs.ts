// The root filesystem of the critest stand-in images: Debian's busybox-static
// with every applet as a hard link (critest masks /bin/ls; masking a symlink
// would mask busybox itself), the accounts of a stock busybox image, and
// scripts for the two tools critest runs that busybox-static lacks.
import { readFileSync } from 'node:fs';
import { BUSYBOX, appletPaths } from './rootfs.js';
import type { TarEntry } from './tar-writer.js';

export interface Accounts {
  passwd: string;
  group: string;
}

const lines = (...l: string[]) => l.join('\n') + '\n';

export const BUSYBOX_ACCOUNTS: Accounts = {
  passwd: lines(
    'root:x:0:0:root:/root:/bin/sh',
    'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
    'bin:x:2:2:bin:/bin:/bin/false',
    'sys:x:3:3:sys:/dev:/bin/false',
    'www-data:x:33:33:www-data:/var/www:/bin/false',
    'nobody:x:65534:65534:nobody:/home:/bin/false',
  ),
  group: lines(
    'root:x:0:',
    'daemon:x:1:',
    'bin:x:2:',
    'sys:x:3:',
    'adm:x:4:',
    'tty:x:5:',
    'wheel:x:10:root',
    'www-data:x:33:',
    'users:x:100:',
    'nogroup:x:65534:',
  ),
};

/** `pgrep PATTERN`: the PIDs of the other processes whose name contains PATTERN. */
const PGREP = lines(
  '#!/bin/sh',
  '# pgrep PATTERN: prints the PID of every other process whose name contains',
  '# PATTERN and exits 1 when there is none.',
  "if [ $# -ne 1 ]; then echo 'usage: pgrep PATTERN' >&2; exit 2; fi",
  'found=1',
  'for dir in /proc/[0-9]*; do',
  '  pid=${dir#/proc/}',
  '  [ "$pid" = "$$" ] && continue',
  '  name=',
  '  read -r name 2>/dev/null < "$dir/comm" || continue',
  '  case $name in *"$1"*) echo "$pid"; found=0 ;; esac',
  'done',
  'exit $found',
);

/** `ipcs [-m]`: this IPC namespace's shared memory segments, from /proc/sysvipc/shm. */
const IPCS = lines(
  '#!/bin/sh',
  "# ipcs [-m]: lists this IPC namespace's System V shared memory segments.",
  'echo',
  "echo '------ Shared Memory Segments --------'",
  "printf '%-10s %-10s %-10s %-10s %-10s %-10s\\n' key shmid owner perms bytes nattch",
  '{',
  '  read -r _header',
  '  while read -r key shmid perms size _cpid _lpid nattch uid _rest; do',
  "    printf '0x%08x %-10s %-10s %-10s %-10s %-10s\\n' \"$key\" \"$shmid\" \"$uid\" \"$perms\" \"$size\" \"$nattch\"",
  '  done',
  '} < /proc/sysvipc/shm',
  'echo',
);

export function dir(name: string, mode?: number): TarEntry {
  return { name: name.endsWith('/') ? name : `${name}/`, type: 'dir', ...(mode !== undefined ? { mode } : {}) };
}

export function file(name: string, data: string | Buffer, mode = 0o644): TarEntry {
  return { name, type: 'file', data, mode };
}

export function script(name: string, text: string): TarEntry {
  return file(name, text, 0o755);
}

export function critestRootfs(accounts: Accounts = BUSYBOX_ACCOUNTS): TarEntry[] {
  const dirs = [
    dir('bin'),
    dir('dev'),
    dir('etc'),
    dir('home'),
    dir('proc', 0o555),
    dir('root', 0o700),
    dir('sbin'),
    dir('sys', 0o555),
    dir('tmp', 0o1777),
    dir('usr'),
    dir('usr/bin'),
    dir('usr/sbin'),
    dir('var'),
    dir('var/spool'),
    dir('var/spool/mail'),
    dir('var/www'),
  ];
  const links: TarEntry[] = appletPaths().map((p) => ({ name: p, type: 'hardlink', linkname: 'bin/busybox', mode: 0o755 }));
  return [
    ...dirs,
    file('bin/busybox', readFileSync(BUSYBOX), 0o755),
    ...links,
    script('usr/bin/pgrep', PGREP),
    script('usr/bin/ipcs', IPCS),
    file('etc/passwd', accounts.passwd),
    file('etc/group', accounts.group),
    file('etc/hostname', 'critest\n'),
  ];
}
