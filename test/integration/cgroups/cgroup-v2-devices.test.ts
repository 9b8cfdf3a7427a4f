// Device access on a real cgroup2 mount: the v2 driver's eBPF device program
// lets a member open only the allowed devices, an update swaps the program
// without leaving the cgroup unfiltered, and removal frees the program.
// Works on a hybrid host too: device programs need no v2 controller.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireAddon, requireCgroup2Mount } from '../../helpers/requirements.js';
import { rmCgroupTree } from '../../helpers/cgroup-dirs.js';
import { V2CgroupManager, type DeviceRule } from '../../../src/cgroups/index.js';
import { deviceRules } from '../../../src/container/device-rules.js';
import { attachedDeviceFilters, bpfProgramLoaded, setDeviceFilter } from '../../../src/native/index.js';

const NULL_DEV: DeviceRule = { type: 'c', major: 1, minor: 3, access: 'rwm' };
const ZERO_DEV: DeviceRule = { type: 'c', major: 1, minor: 5, access: 'rwm' };

// A node process that opens a device per request line ("r /dev/zero",
// "w /dev/null") and answers "ok" or the error code. Node needs no device
// after start-up, so it keeps working when it joins a cgroup that denies most.
const PROBE = `
const fs = require('fs');
require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const [mode, dev] = line.split(' ');
  try {
    const fd = fs.openSync(dev, mode);
    if (mode === 'w') fs.writeSync(fd, 'x');
    else fs.readSync(fd, Buffer.alloc(1));
    fs.closeSync(fd);
    console.log('ok');
  } catch (e) {
    console.log(e.code);
  }
});
console.log('ready');
`;

class Probe {
  readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;

  constructor() {
    this.child = spawn(process.execPath, ['-e', PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('probe exited');
    return value;
  }

  async open(mode: 'r' | 'w', dev: string): Promise<string> {
    this.child.stdin!.write(`${mode} ${dev}\n`);
    return this.next();
  }
}

// A cgroup's programs are released by a kernel worker after rmdir, not by rmdir itself.
async function waitUnloaded(id: number): Promise<boolean> {
  for (let i = 0; i < 200 && bpfProgramLoaded(id); i++) await sleep(25);
  return !bpfProgramLoaded(id);
}

describe('cgroup v2 device access (eBPF) on a real cgroup2 mount', function () {
  const parent = `/husk-test-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/husk-dev`;
  let mount: string | undefined;
  let manager: V2CgroupManager;
  let probe: Probe | undefined;
  let programIds: number[] = [];

  before(async function () {
    requireAddon(this, { root: true });
    mount = await requireCgroup2Mount(this);
    manager = new V2CgroupManager(mount, 'cgroupfs');
  });

  after(function () {
    const pid = probe?.child.pid;
    if (pid && probe!.child.exitCode === null && probe!.child.signalCode === null) process.kill(pid, 'SIGKILL');
    if (mount) rmCgroupTree(`${mount}${parent}`);
  });

  it('a member may use /dev/null but opening /dev/zero is EPERM', async function () {
    await manager.create(path, { devices: [NULL_DEV] });
    programIds = attachedDeviceFilters(`${mount}${path}`);
    expect(programIds).to.have.length(1);

    probe = new Probe();
    expect(await probe.next()).to.equal('ready');
    await manager.addProcess(path, probe.child.pid!);
    expect(await manager.pids(path)).to.deep.equal([probe.child.pid]);
    expect(await probe.open('w', '/dev/null')).to.equal('ok');
    expect(await probe.open('r', '/dev/zero')).to.equal('EPERM');
  });

  it('an update allowing /dev/zero takes effect and replaces the old program', async function () {
    if (!probe) this.skip();
    await manager.update(path, { devices: [NULL_DEV, ZERO_DEV] });
    expect(await probe!.open('r', '/dev/zero')).to.equal('ok');
    expect(await probe!.open('w', '/dev/null')).to.equal('ok');
    const now = attachedDeviceFilters(`${mount}${path}`);
    expect(now).to.have.length(1);
    expect(now[0]).to.not.equal(programIds[0]);
    expect(bpfProgramLoaded(programIds[0]!)).to.equal(false);
    programIds = now;
  });

  it('the kernel verifier accepts every shape of rule list', async function () {
    const dir = `${mount}${parent}/husk-shapes`;
    await manager.create(`${parent}/husk-shapes`, {});
    const shapes: DeviceRule[][] = [
      [],
      deviceRules([], false),
      deviceRules([], true),
      [{ type: 'a', major: '*', minor: '*', access: 'rwm' }, NULL_DEV],
      [{ type: 'c', major: '*', minor: '*', access: 'm' }, { type: 'b', major: 8, minor: '*', access: 'r' }, { type: 'c', major: 136, minor: '*', access: '' }],
    ];
    let id = 0;
    for (const rules of shapes) {
      id = await setDeviceFilter(dir, rules);
      expect(attachedDeviceFilters(dir), JSON.stringify(rules)).to.deep.equal([id]);
    }
    programIds.push(id);
  });

  it('removing the cgroup leaves no directory and no program behind', async function () {
    if (!probe) this.skip();
    const exited = new Promise<void>((resolve) => {
      if (probe!.child.exitCode !== null || probe!.child.signalCode !== null) resolve();
      else probe!.child.once('exit', () => resolve());
    });
    await manager.remove(parent);
    await exited;
    expect(existsSync(`${mount}${parent}`)).to.equal(false);
    for (const id of programIds) expect(await waitUnloaded(id), `program ${id}`).to.equal(true);
  });
});
