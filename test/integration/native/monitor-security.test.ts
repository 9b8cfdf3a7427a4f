// The process part of the spec applies: dropped capabilities are absent from
// every set, no_new_privs is set, uid/gid/supplementary groups apply, a
// seccomp filter denies a syscall, rlimits and oom_score_adj are in force.
import { expect } from 'chai';
import { join } from 'node:path';
import { addonAvailable } from '../../../src/native/addon.js';
import { parseSeccompProfile, seccompFilterFlags, writeSeccompBpf } from '../../../src/native/index.js';
import { capabilitySets, DEFAULT_CAPABILITIES } from '../../../src/native/spec.js';
import { makeContainerDirs, removeDir, TEST_USER } from '../../helpers/rootfs.js';
import { busyboxSpec, runToExit, busyboxFixture } from './monitor-harness.js';

const CAP_NET_RAW = 13;
const CAP_SYS_ADMIN = 21;
const CAP_CHOWN = 0;

function statusField(lines: string[], name: string): string {
  const line = lines.find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} in ${lines.join('|')}`);
  return line.slice(name.length + 1).trim();
}

function hasCap(hex: string, cap: number): boolean {
  return (BigInt(`0x${hex}`) & (1n << BigInt(cap))) !== 0n;
}

describe('monitor: process security settings', function () {
  const fx = busyboxFixture();

  it('drops capabilities from the bounding and effective sets and sets no_new_privs', async function () {
    const caps = DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_NET_RAW');
    const spec = busyboxSpec(fx.dirs, fx.lower, ['cat', '/proc/self/status'], { process: { capabilities: capabilitySets(caps), noNewPrivileges: true } });
    const { exit, stdout } = await runToExit(spec);
    expect(exit.exitCode).to.equal(0);
    for (const set of ['CapEff', 'CapBnd', 'CapPrm']) {
      const hex = statusField(stdout, set);
      expect(hasCap(hex, CAP_NET_RAW), `${set} ${hex} has NET_RAW`).to.equal(false);
      expect(hasCap(hex, CAP_SYS_ADMIN), `${set} ${hex} has SYS_ADMIN`).to.equal(false);
      expect(hasCap(hex, CAP_CHOWN), `${set} ${hex} lacks CHOWN`).to.equal(true);
    }
    expect(statusField(stdout, 'NoNewPrivs')).to.equal('1');
  });

  it('leaves no_new_privs off when not asked', async function () {
    const { stdout } = await runToExit(busyboxSpec(fx.dirs, fx.lower, ['cat', '/proc/self/status']));
    expect(statusField(stdout, 'NoNewPrivs')).to.equal('0');
  });

  it('runs as the given uid, gid and supplementary groups, without capabilities for a non-root user', async function () {
    const { uid, gid, extraGroup } = TEST_USER;
    const script = 'id; grep -E "^(Uid|Gid|Groups|CapEff):" /proc/self/status; touch /root/x 2>/dev/null || echo denied';
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', script], { process: { user: { uid, gid, additionalGids: [gid, extraGroup.gid] } } });
    const { exit, stdout } = await runToExit(spec);
    expect(exit.exitCode).to.equal(0);
    expect(stdout[0]).to.equal(`uid=${uid}(tester) gid=${gid}(tester) groups=${gid}(tester),${extraGroup.gid}(extra)`);
    expect(statusField(stdout, 'Uid').split(/\s+/)).to.deep.equal([String(uid), String(uid), String(uid), String(uid)]);
    expect(statusField(stdout, 'Groups').split(/\s+/)).to.deep.equal([String(gid), String(extraGroup.gid)]);
    expect(statusField(stdout, 'CapEff')).to.equal('0000000000000000');
    expect(stdout).to.include('denied');
  });

  it('applies rlimits and oom_score_adj', async function () {
    const spec = busyboxSpec(fx.dirs, fx.lower, ['sh', '-c', 'ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj'], {
      process: { rlimits: [{ type: 'RLIMIT_NOFILE', soft: 321, hard: 654 }], oomScoreAdj: 777 },
    });
    const { stdout } = await runToExit(spec);
    expect(stdout).to.deep.equal(['321', '654', '777']);
  });

  it('denies a syscall through a seccomp filter from compileSeccomp', async function () {
    if (!addonAvailable()) {
      console.log('      skipped: needs the native addon (npm run build:native)');
      this.skip();
    }
    const profile = parseSeccompProfile({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    });
    const bpfPath = join(fx.dirs.base, 'seccomp.bpf');
    await writeSeccompBpf(profile, bpfPath);
    for (const noNewPrivileges of [true, false]) {
      const ctr = await makeContainerDirs();
      try {
        const args = ['sh', '-c', 'mkdir /tmp/d 2>&1; echo rc=$?; touch /tmp/f && echo touch-ok'];
        const spec = busyboxSpec(ctr, fx.lower, args, { process: { seccompBpfPath: bpfPath, seccompFlags: seccompFilterFlags(profile), noNewPrivileges } });
        const { stdout } = await runToExit(spec);
        expect(stdout, `noNewPrivileges=${noNewPrivileges}`).to.include('rc=1');
        expect(stdout.join('\n')).to.match(/Operation not permitted/);
        expect(stdout).to.include('touch-ok');
      } finally {
        await removeDir(ctr.base);
      }
    }
  });
});
