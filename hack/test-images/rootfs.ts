// The base root filesystem of every test image: Debian's busybox-static
// binary with its applet links, a few directories, and passwd/group files
// that the USER variants name.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { TarEntry } from './tar-writer.js';

export const BUSYBOX = '/bin/busybox';

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'www-data:x:33:33:www-data:/var/www:/bin/false',
  'tester:x:1002:1003:tester:/home/tester:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
].join('\n') + '\n';

export const GROUP = ['root:x:0:', 'daemon:x:1:', 'www-data:x:33:', 'grp:x:1003:tester', 'nogroup:x:65534:'].join('\n') + '\n';

/** Where Debian's busybox-static installs its applet links (`bin/ls`, `usr/bin/top`, ...). */
export function appletPaths(): string[] {
  const out = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' });
  return out.split('\n').filter((p) => p !== '' && p !== 'bin/busybox');
}

export function busyboxRootfs(): TarEntry[] {
  const dirs: TarEntry[] = [
    { name: 'bin/', type: 'dir' },
    { name: 'dev/', type: 'dir' },
    { name: 'etc/', type: 'dir' },
    { name: 'home/', type: 'dir' },
    { name: 'home/tester/', type: 'dir', uid: 1002, gid: 1003, mode: 0o750 },
    { name: 'proc/', type: 'dir', mode: 0o555 },
    { name: 'root/', type: 'dir', mode: 0o700 },
    { name: 'sbin/', type: 'dir' },
    { name: 'sys/', type: 'dir', mode: 0o555 },
    { name: 'tmp/', type: 'dir', mode: 0o1777 },
    { name: 'usr/', type: 'dir' },
    { name: 'usr/bin/', type: 'dir' },
    { name: 'usr/sbin/', type: 'dir' },
    { name: 'var/', type: 'dir' },
    { name: 'var/www/', type: 'dir', uid: 33, gid: 33 },
  ];
  const files: TarEntry[] = [
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(BUSYBOX) },
    { name: 'etc/passwd', type: 'file', data: PASSWD },
    { name: 'etc/group', type: 'file', data: GROUP },
    { name: 'etc/hostname', type: 'file', data: 'husk-test\n' },
  ];
  const links: TarEntry[] = appletPaths().map((p) => ({
    name: p,
    type: 'symlink',
    linkname: posix.relative(posix.dirname(p), 'bin/busybox'),
  }));
  return [...dirs, ...files, ...links];
}
