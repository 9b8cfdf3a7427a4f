// Crafted layers that try to write outside their layer directory. Each one
// must make an unpack (and so a pull) fail with an error naming `badEntry`.
// Escaping names all contain "husk-slip-" so tests can look for leftovers.
import type { TarEntry } from './tar-writer.js';

export interface MaliciousLayer {
  /** Tag under `husk-test/slip`. */
  name: string;
  description: string;
  entries: TarEntry[];
  /** The entry the unpacker must name in its error. */
  badEntry: string;
}

const payload = 'if you can read this outside the layer dir, the unpacker is broken\n';

export const MALICIOUS_LAYERS: MaliciousLayer[] = [
  {
    name: 'dotdot',
    description: 'a file whose name climbs out with ../',
    entries: [
      { name: 'ok.txt', type: 'file', data: 'fine\n' },
      { name: '../husk-slip-dotdot', type: 'file', data: payload },
    ],
    badEntry: '../husk-slip-dotdot',
  },
  {
    name: 'dotdot-deep',
    description: 'a file that climbs out through a subdirectory (a/../../)',
    entries: [
      { name: 'a/', type: 'dir' },
      { name: 'a/../../husk-slip-dotdot-deep', type: 'file', data: payload },
    ],
    badEntry: 'a/../../husk-slip-dotdot-deep',
  },
  {
    name: 'absolute',
    description: 'an absolute name that climbs above the root (/../../)',
    entries: [{ name: '/../../husk-slip-absolute', type: 'file', data: payload }],
    badEntry: '/../../husk-slip-absolute',
  },
  {
    name: 'symlink-root',
    description: 'a symlink to / and a file written through it',
    entries: [
      { name: 'rootlink', type: 'symlink', linkname: '/' },
      { name: 'rootlink/tmp/husk-slip-symlink-root', type: 'file', data: payload },
    ],
    badEntry: 'rootlink/tmp/husk-slip-symlink-root',
  },
  {
    name: 'symlink-dotdot',
    description: 'a symlink to ../.. and a file written through it',
    entries: [
      { name: 'up', type: 'symlink', linkname: '../..' },
      { name: 'up/husk-slip-symlink-dotdot', type: 'file', data: payload },
    ],
    badEntry: 'up/husk-slip-symlink-dotdot',
  },
  {
    name: 'symlink-chain',
    description: 'chained symlinks, each harmless looking, that end outside',
    entries: [
      { name: 'd/', type: 'dir' },
      { name: 'd/one', type: 'symlink', linkname: '../two' },
      { name: 'two', type: 'symlink', linkname: 'three/..' },
      { name: 'three', type: 'symlink', linkname: '../..' },
      { name: 'd/one/husk-slip-symlink-chain', type: 'file', data: payload },
    ],
    badEntry: 'd/one/husk-slip-symlink-chain',
  },
  {
    name: 'symlink-dir-then-dir',
    description: 'a directory entry created through a symlink pointing outside',
    entries: [
      { name: 'escape', type: 'symlink', linkname: '/tmp' },
      { name: 'escape/husk-slip-symlink-dir/', type: 'dir' },
    ],
    badEntry: 'escape/husk-slip-symlink-dir/',
  },
  {
    name: 'hardlink',
    description: 'a hardlink to a path outside the layer (../)',
    entries: [{ name: 'husk-slip-hardlink', type: 'hardlink', linkname: '../../../../../../etc/hostname' }],
    badEntry: 'husk-slip-hardlink',
  },
  {
    name: 'hardlink-symlink',
    description: 'a hardlink whose target goes through a symlink to /',
    entries: [
      { name: 'etc-out', type: 'symlink', linkname: '/etc' },
      { name: 'husk-slip-hardlink-symlink', type: 'hardlink', linkname: 'etc-out/hostname' },
    ],
    badEntry: 'husk-slip-hardlink-symlink',
  },
];
