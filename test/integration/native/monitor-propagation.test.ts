// Mount propagation modes behave: with rslave the container sees a host
// mount made after it started; with rprivate it does not; with rshared
// (Kubernetes Bidirectional) a mount made inside shows up on the host, and
// nothing else the container mounts does. Bind mounts can be read-only.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainer, execInContainerCapture, signalContainer, startContainer } from '../../../src/native/monitor.js';
import { mountsUnder } from '../../../src/native/mountinfo.js';
import type { ContainerSpec } from '../../../src/native/spec.js';
import { buildBusyboxRootfs, makeTempDir, removeDir, type ContainerDirs } from '../../helpers/rootfs.js';
import { requireTools } from '../../helpers/requirements.js';
import { busyboxFixture, busyboxSpec, logLines, readLog, requireMonitor, runToExit, waitForExit } from './monitor-harness.js';

describe('monitor: mount propagation and read-only binds', function () {
  const hostMounts: string[] = [];
  // registered before the fixture's hooks: the mounts go before their directories
  before(function () {
    requireTools(this, 'mount', 'umount');
  });
  afterEach(() => {
    for (const m of hostMounts.reverse()) execFileSync('umount', ['-l', m]);
    hostMounts.length = 0;
  });
  const fx = busyboxFixture();

  it('rslave sees a host mount made after start, rprivate does not', async function () {
    const shared = join(fx.dirs.base, 'shared');
    await mkdir(join(shared, 'sub'), { recursive: true });
    // the source must be a shared mount on the host for anything to propagate
    execFileSync('mount', ['--bind', shared, shared]);
    hostMounts.push(shared);
    execFileSync('mount', ['--make-shared', shared]);
    const script = 'i=0; while [ ! -e /mnt/slave/sub/marker ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; echo slave:$(ls /mnt/slave/sub); echo private:$(ls /mnt/private/sub)';
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script], {
      mounts: [
        { destination: '/mnt/slave', type: 'bind', source: shared, options: ['rbind', 'rslave'] },
        { destination: '/mnt/private', type: 'bind', source: shared, options: ['rbind', 'rprivate'] },
      ],
    });
    await createContainer(spec);
    await startContainer(spec.stateDir);
    const sub = join(shared, 'sub');
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', sub]);
    hostMounts.push(sub);
    await writeFile(join(sub, 'marker'), '');
    const exit = await waitForExit(spec.stateDir);
    expect(exit.exitCode).to.equal(0);
    const out = logLines(await readLog(spec.logPath!), 'stdout');
    expect(out).to.deep.equal(['slave:marker', 'private:']);
  });

  it('makes ro binds read-only and leaves rw binds writable', async function () {
    const data = join(fx.dirs.base, 'data');
    await mkdir(data);
    const script = 'touch /ro/x 2>/dev/null && echo ro-writable || echo ro-denied; touch /rw/y && echo rw-ok';
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script], {
      mounts: [
        { destination: '/ro', type: 'bind', source: data, options: ['rbind', 'ro', 'nosuid', 'nodev'] },
        { destination: '/rw', type: 'bind', source: data, options: ['rbind', 'rw'] },
      ],
    });
    const { stdout } = await runToExit(spec);
    expect(stdout).to.deep.equal(['ro-denied', 'rw-ok']);
  });
});

describe('monitor: bidirectional (rshared) mount propagation', function () {
  let lowerBase: string;
  let lower: string;
  // /tmp/prop-*: a shared mount of its own holding the container dirs, so the
  // rootfs sits on a mount that is a peer of the host's
  let base: string;
  // base/volume: a shared mount of its own, the source of the binds
  let volume: string;
  let dirs: ContainerDirs | undefined;
  let pid = 0;
  const baseMounts: string[] = [];
  const testMounts: string[] = [];

  /** Binds dir onto itself as a shared mount in a peer group of its own (a bind inside a shared mount starts out as its peer). */
  function makeShared(dir: string, into: string[]): void {
    execFileSync('mount', ['--bind', dir, dir]);
    into.push(dir);
    execFileSync('mount', ['--make-private', dir]);
    execFileSync('mount', ['--make-shared', dir]);
  }

  before(async function () {
    requireMonitor(this);
    requireTools(this, 'mount', 'umount');
    lowerBase = await makeTempDir('prop-lower-');
    lower = await buildBusyboxRootfs(join(lowerBase, 'layer'));
    base = await makeTempDir('prop-');
    makeShared(base, baseMounts);
    volume = join(base, 'volume');
    await mkdir(volume);
    makeShared(volume, baseMounts);
  });
  after(async () => {
    for (const m of baseMounts.reverse()) execFileSync('umount', ['-l', m]);
    if (base) await removeDir(base);
    if (lowerBase) await removeDir(lowerBase);
  });
  beforeEach(async () => {
    const ctr = await mkdtemp(join(base, 'ctr-'));
    dirs = { base: ctr, upper: join(ctr, 'upper'), work: join(ctr, 'work'), rootfs: join(ctr, 'rootfs'), state: join(ctr, 'state'), log: join(ctr, 'logs', 'ctr.log') };
    for (const d of [dirs.upper, dirs.work, dirs.rootfs, dirs.state]) await mkdir(d, { recursive: true });
  });
  afterEach(async () => {
    if (pid) await stopContainer();
    for (const m of testMounts.reverse()) execFileSync('umount', ['-l', m]);
    testMounts.length = 0;
    if (dirs) await removeDir(dirs.base);
    dirs = undefined;
  });

  async function startSleeper(mounts: ContainerSpec['mounts']): Promise<void> {
    const spec = busyboxSpec(dirs!, lower, ['sleep', '600'], { rootfs: { path: dirs!.rootfs, propagation: 'rshared' }, mounts });
    ({ pid } = await createContainer(spec));
    await startContainer(spec.stateDir);
  }

  async function stopContainer(): Promise<void> {
    await signalContainer(dirs!.state, 'SIGKILL');
    await waitForExit(dirs!.state);
    pid = 0;
  }

  /** Runs a shell script in the container as root with all capabilities (like a privileged pod); its stdout. */
  async function shell(script: string): Promise<string> {
    const r = await execInContainerCapture({ pid, process: { args: ['sh', '-c', script], env: ['PATH=/bin'], cwd: '/' } });
    expect(r.exitCode, r.stderr.toString()).to.equal(0);
    return r.stdout.toString().trim();
  }

  /** Mount points on the host under the container dirs and the volume, the volume itself and our own test mounts left out. */
  function strayHostMounts(): string[] {
    const ours = new Set([volume, ...testMounts]);
    return [...mountsUnder(dirs!.base), ...mountsUnder(volume)].map((m) => m.mountPoint).filter((p) => !ours.has(p));
  }

  it('shows a mount made in the container on the host and removes it on unmount', async function () {
    await startSleeper([{ destination: '/mnt/bidi', type: 'bind', source: volume, options: ['rbind', 'rshared', 'rw'] }]);
    expect(strayHostMounts(), 'container mounts on the host after start').to.deep.equal([]);

    await shell('mkdir -p /mnt/bidi/inner && mount -t tmpfs -o size=1m from-container /mnt/bidi/inner && touch /mnt/bidi/inner/marker');
    const inner = join(volume, 'inner');
    expect(mountsUnder(inner).map((m) => m.source)).to.deep.equal(['from-container']);
    expect(existsSync(join(inner, 'marker'))).to.equal(true);

    await shell('umount /mnt/bidi/inner');
    expect(mountsUnder(inner)).to.deep.equal([]);

    // and the other way, as for rslave
    const fromHost = join(volume, 'from-host');
    await mkdir(fromHost);
    execFileSync('mount', ['-t', 'tmpfs', 'from-host', fromHost]);
    testMounts.push(fromHost);
    await writeFile(join(fromHost, 'marker'), '');
    expect(await shell('ls /mnt/bidi/from-host')).to.equal('marker');

    // a mount outside the bidirectional bind stays inside
    await shell('mkdir -p /outside && mount -t tmpfs tmpfs /outside');
    expect(strayHostMounts(), 'container mounts on the host while running').to.deep.equal([]);
    await stopContainer();
    expect(strayHostMounts(), 'container mounts on the host after exit').to.deep.equal([]);
  });

  it('keeps rslave, rprivate and option-less binds from sending mounts out under a shared root', async function () {
    const bind = (name: string, ...propagation: string[]) => ({ destination: `/mnt/${name}`, type: 'bind', source: volume, options: ['rbind', ...propagation] });
    await startSleeper([bind('bidi', 'rshared'), bind('slave', 'rslave'), bind('private', 'rprivate'), bind('plain')]);

    for (const name of ['slave', 'private', 'plain']) await shell(`mkdir -p /mnt/${name}/c-${name} && mount -t tmpfs c-${name} /mnt/${name}/c-${name}`);
    expect(strayHostMounts(), 'container mounts on the host').to.deep.equal([]);

    const fromHost = join(volume, 'from-host');
    await mkdir(fromHost, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'from-host', fromHost]);
    testMounts.push(fromHost);
    await writeFile(join(fromHost, 'marker'), '');
    expect(await shell('echo slave:$(ls /mnt/slave/from-host) private:$(ls /mnt/private/from-host)')).to.equal('slave:marker private:');

    await stopContainer();
    expect(strayHostMounts(), 'container mounts on the host after exit').to.deep.equal([]);
  });
});
