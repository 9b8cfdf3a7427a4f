import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { requireTools, requireAddon } from '../../helpers/requirements.js';
import {
  createPinnedNamespaces,
  ensurePrivateMount,
  interfacesInNetns,
  isMountpoint,
  makeTmpfs,
  mountsUnder,
  namespaceInode,
  NativeError,
  pinProcessNamespace,
  setHostnameInNamespace,
  setPropagation,
  unmount,
  unpinNamespaces,
  writeSysctl,
  type PinnedNamespaces,
} from '../../../src/native/index.js';

describe('native addon: pinned namespaces', function () {
  let dir = '';

  before(function () {
    requireAddon(this, { root: true });
    dir = mkdtempSync('/tmp/husk-addon-ns-');
  });

  after(async function () {
    if (!dir) return;
    await unpinNamespaces(readdirSync(dir).map((name) => join(dir, name)));
    expect(mountsUnder(dir)).to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins a new net namespace with its own inode, and a thread that joins it sees only lo', async function () {
    const pins = await createPinnedNamespaces(dir, ['net']);
    expect(pins.net).to.equal(join(dir, 'net'));
    expect(isMountpoint(pins.net!)).to.equal(true);
    expect(namespaceInode(pins.net!)).to.not.equal(namespaceInode('/proc/self/ns/net'));
    expect(await interfacesInNetns(pins.net!)).to.deep.equal(['lo']);
    // The daemon's own threads never moved.
    expect(namespaceInode('/proc/thread-self/ns/net')).to.equal(namespaceInode('/proc/self/ns/net'));
    await unpinNamespaces([pins.net!]);
    expect(existsSync(pins.net!)).to.equal(false);
  });

  it('pins ipc, uts, mnt and cgroup namespaces, each distinct from the host, and unpins them all', async function () {
    const pins = await createPinnedNamespaces(dir, ['ipc', 'uts', 'mnt', 'cgroup']);
    for (const [kind, path] of Object.entries(pins)) {
      expect(namespaceInode(path), kind).to.not.equal(namespaceInode(`/proc/self/ns/${kind}`));
    }
    await unpinNamespaces(pins);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('pins the pid namespace of a live process, and refuses to create an empty one', async function () {
    const err = await createPinnedNamespaces(dir, ['pid' as 'net']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError);
    expect((err as NativeError).code).to.equal('EINVAL');
    expect(readdirSync(dir)).to.deep.equal([]);

    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const target = join(dir, 'pid');
      pinProcessNamespace(child.pid!, 'pid', target);
      expect(statSync(target).ino).to.equal(namespaceInode(`/proc/${child.pid}/ns/pid`));
      await unpinNamespaces([target]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('fails with errno, code, step and syscall, leaving nothing behind', async function () {
    const err = await createPinnedNamespaces(join(dir, 'missing'), ['net', 'uts']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NativeError);
    const e = err as NativeError;
    expect(e.errno).to.equal(2);
    expect(e.code).to.equal('ENOENT');
    expect(e.step).to.equal('create namespace pin file');
    expect(e.syscall).to.equal('open');
    expect(e.message).to.contain(join(dir, 'missing'));
    expect(e.kind).to.equal('Internal');
    expect(mountsUnder(dir)).to.deep.equal([]);
  });

  it('pins a mount namespace only where the pin cannot propagate, and says so', async function () {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    makeTmpfs(shared);
    try {
      setPropagation(shared, 'shared');
      const podDir = join(shared, 'pod');
      mkdirSync(podDir);
      const err = await createPinnedNamespaces(podDir, ['net', 'mnt']).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(NativeError);
      expect((err as NativeError).message).to.contain('private propagation');
      expect(readdirSync(podDir)).to.deep.equal([]);

      expect(ensurePrivateMount(podDir)).to.equal(true);
      const pins = await createPinnedNamespaces(podDir, ['net', 'mnt']);
      expect(namespaceInode(pins.mnt!)).to.not.equal(namespaceInode('/proc/self/ns/mnt'));
      await unpinNamespaces(pins);
      unmount(podDir);
    } finally {
      unmount(shared, { detach: true });
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('refuses to pin over an existing file and keeps the pins it already made undone', async function () {
    await createPinnedNamespaces(dir, ['uts']);
    const err = await createPinnedNamespaces(dir, ['net', 'uts']).catch((e: unknown) => e);
    expect((err as NativeError).code).to.equal('EEXIST');
    expect(readdirSync(dir)).to.deep.equal(['uts']);
    await unpinNamespaces([join(dir, 'uts')]);
    await unpinNamespaces([join(dir, 'uts')]); // idempotent
  });
});

describe('native addon: sysctls and hostname in pinned namespaces', function () {
  let dir = '';
  let pins: PinnedNamespaces = {};

  before(async function () {
    requireAddon(this, { root: true });
    requireTools(this, 'nsenter');
    dir = mkdtempSync('/tmp/husk-addon-sysctl-');
    pins = await createPinnedNamespaces(dir, ['net', 'ipc', 'uts']);
  });

  after(async function () {
    if (!dir) return;
    await unpinNamespaces(pins);
    expect(mountsUnder(dir)).to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  function readInside(flags: string[], file: string): string {
    return execFileSync('nsenter', [...flags, 'cat', file], { encoding: 'utf8' }).trim();
  }

  it('sets the hostname of the pod\'s uts namespace only', async function () {
    const host = hostname();
    await setHostnameInNamespace(pins.uts!, 'husk-test-pod');
    expect(readInside([`--uts=${pins.uts}`], '/proc/sys/kernel/hostname')).to.equal('husk-test-pod');
    expect(hostname()).to.equal(host);
  });

  it('writes net and ipc sysctls inside the pod, leaving the host alone', async function () {
    const hostRange = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    await writeSysctl(pins, 'net.ipv4.ip_local_port_range', '40000 41000');
    expect(readInside([`--net=${pins.net}`], '/proc/sys/net/ipv4/ip_local_port_range').split(/\s+/)).to.deep.equal(['40000', '41000']);
    expect(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).to.equal(hostRange);

    const hostShm = readFileSync('/proc/sys/kernel/shm_rmid_forced', 'utf8').trim();
    const want = hostShm === '1' ? '0' : '1';
    await writeSysctl(pins, 'kernel.shm_rmid_forced', want);
    expect(readInside([`--ipc=${pins.ipc}`], '/proc/sys/kernel/shm_rmid_forced')).to.equal(want);
    expect(readFileSync('/proc/sys/kernel/shm_rmid_forced', 'utf8').trim()).to.equal(hostShm);
  });

  it('refuses host-wide sysctls and reports kernel errors with the step', async function () {
    const hostWide = await writeSysctl(pins, 'vm.swappiness', '0').catch((e: unknown) => e);
    expect((hostWide as Error).message).to.contain('not namespaced');
    const missing = await writeSysctl(pins, 'net.ipv4.no_such_knob', '1').catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(NativeError);
    expect(missing).to.include({ code: 'ENOENT', step: 'open sysctl' });
  });
});
