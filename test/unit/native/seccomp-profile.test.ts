import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import {
  libseccompArchName,
  normalizeCapability,
  resolveSeccompProfile,
  seccompFilterFlags,
  validateSeccompProfile,
  type SeccompProfile,
} from '../../../src/native/seccomp-profile.js';

function fieldOf(json: unknown): string {
  try {
    validateSeccompProfile(json);
  } catch (e) {
    if (e instanceof InvalidArgumentError) return e.field;
    throw e;
  }
  return 'no error';
}

const RUNTIME_DEFAULT = new URL('../../../config/seccomp/runtime-default.json', import.meta.url);

describe('seccomp profiles: validation', function () {
  it('accepts the OCI shape and fills defaults', function () {
    const p = validateSeccompProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64'],
      flags: ['SECCOMP_FILTER_FLAG_LOG'],
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }],
    });
    expect(p.syscalls[0]!.args[0]).to.deep.equal({ index: 0, value: 8n, valueTwo: 0n, op: 'SCMP_CMP_EQ' });
    expect(p.syscalls[0]!.includes).to.deep.equal({ caps: [], arches: [] });
    expect(seccompFilterFlags(p)).to.equal(2);
  });

  it('names the offending field for every kind of mistake', function () {
    const ok = { names: ['read'], action: 'SCMP_ACT_ALLOW' };
    expect(fieldOf(null)).to.equal('seccomp');
    expect(fieldOf({})).to.equal('seccomp.defaultAction');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_NOTIFY' })).to.equal('seccomp.defaultAction');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: -1 })).to.equal('seccomp.defaultErrnoRet');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['x86_64'] })).to.equal('seccomp.architectures[0]');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NEW_LISTENER'] })).to.equal('seccomp.flags[0]');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/agent.sock' })).to.equal('seccomp.listenerPath');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: {} })).to.equal('seccomp.syscalls');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [ok, { names: [], action: 'SCMP_ACT_ALLOW' }] })).to.equal('seccomp.syscalls[1].names');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['Read!'], action: 'SCMP_ACT_ALLOW' }] })).to.equal('seccomp.syscalls[0].names[0]');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'ALLOW' }] })).to.equal('seccomp.syscalls[0].action');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, errnoRet: 'EPERM' }] })).to.equal('seccomp.syscalls[0].errnoRet');
    // A misspelt key would silently widen a rule, so it is refused.
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, arg: [] }] })).to.equal('seccomp.syscalls[0].arg');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] })).to.equal('seccomp.syscalls[0].args[0].index');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, args: [{ index: 0, value: 0, op: 'EQ' }] }] })).to.equal('seccomp.syscalls[0].args[0].op');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, args: [{ index: 0, op: 'SCMP_CMP_EQ' }] }] })).to.equal('seccomp.syscalls[0].args[0].value');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] })).to.equal('seccomp.syscalls[0].args[0].value');
    expect(fieldOf({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ ...ok, includes: { minKernel: 'five' } }] })).to.equal('seccomp.syscalls[0].includes.minKernel');
  });

  it('takes 64-bit argument values given as strings', function () {
    const p = validateSeccompProfile({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: '0xffffffffffffffff', valueTwo: '18446744073709551615', op: 'SCMP_CMP_MASKED_EQ' }] }],
    });
    expect(p.syscalls[0]!.args[0]!.value).to.equal(2n ** 64n - 1n);
    expect(p.syscalls[0]!.args[0]!.valueTwo).to.equal(2n ** 64n - 1n);
  });

  it('uses the caller-given field prefix and syscall check', function () {
    const known = (n: string): boolean => n !== 'bogus';
    expect(() => validateSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['bogus'], action: 'SCMP_ACT_ALLOW' }] }, { field: 'f', isKnownSyscall: known }))
      .to.throw(InvalidArgumentError, 'f.syscalls[0].names[0]: unknown syscall "bogus"');
    const p = validateSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['bogus'], action: 'SCMP_ACT_ALLOW' }] }, { isKnownSyscall: known, unknownSyscalls: 'ignore' });
    expect(p.syscalls).to.deep.equal([]);
  });

  it('accepts Docker\'s single "name" spelling', function () {
    expect(validateSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'read', action: 'SCMP_ACT_ERRNO' }] }).syscalls[0]!.names).to.deep.equal(['read']);
  });
});

describe('seccomp profiles: resolution for a container', function () {
  const profile: SeccompProfile = validateSeccompProfile({
    defaultAction: 'SCMP_ACT_ERRNO',
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['bpf'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_BPF', 'CAP_PERFMON'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['cachestat'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.5' } },
    ],
  });
  const names = (caps: string[], arch = 'x64', kernelRelease = '6.18.0'): string[] =>
    resolveSeccompProfile(profile, { capabilities: caps, arch, kernelRelease }).syscalls.flatMap((s) => s.names);

  it('keeps capability-gated rules only for containers holding every listed capability', function () {
    expect(names([])).to.deep.equal(['read', 'clone3', 'arch_prctl', 'cachestat']);
    expect(names(['sys_admin'])).to.deep.equal(['read', 'mount', 'arch_prctl', 'cachestat']);
    expect(names(['CAP_BPF'])).to.not.include('bpf');
    expect(names(['CAP_BPF', 'PERFMON'])).to.include('bpf');
  });

  it('picks architectures from archMap and gates rules by arch and kernel', function () {
    expect(resolveSeccompProfile(profile, { capabilities: [], arch: 'x64' }).architectures).to.deep.equal(['x86_64', 'x86', 'x32']);
    expect(resolveSeccompProfile(profile, { capabilities: [], arch: 'arm64' }).architectures).to.deep.equal(['aarch64', 'arm']);
    expect(names([], 'arm64')).to.not.include('arch_prctl');
    expect(names([], 'x64', '5.15.0-91-generic')).to.not.include('cachestat');
  });

  it('carries errno values through', function () {
    const clone3 = resolveSeccompProfile(profile, { capabilities: [] }).syscalls.find((s) => s.names.includes('clone3'));
    expect(clone3).to.include({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });

  it('spells capabilities and architectures the way the kernel and libseccomp do', function () {
    expect(normalizeCapability('net_admin')).to.equal('CAP_NET_ADMIN');
    expect(normalizeCapability('CAP_CHOWN')).to.equal('CAP_CHOWN');
    expect(libseccompArchName('SCMP_ARCH_X86_64')).to.equal('x86_64');
    expect(libseccompArchName('SCMP_ARCH_PPC64LE')).to.equal('ppc64le');
  });
});

describe('seccomp profiles: husk RuntimeDefault', function () {
  const profile = validateSeccompProfile(JSON.parse(readFileSync(RUNTIME_DEFAULT, 'utf8')) as unknown, { field: 'RuntimeDefault' });
  const allowed = (caps: string[]): Set<string> =>
    new Set(
      resolveSeccompProfile(profile, { capabilities: caps, arch: 'x64' })
        .syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW')
        .flatMap((s) => s.names),
    );

  it('denies by default with EPERM', function () {
    expect(profile.defaultAction).to.equal('SCMP_ACT_ERRNO');
    expect(profile.defaultErrnoRet).to.equal(1);
  });

  it('allows what ordinary programs need', function () {
    const plain = allowed([]);
    for (const name of ['read', 'write', 'openat', 'execve', 'clone', 'futex', 'mmap', 'socket', 'epoll_wait', 'exit_group', 'rt_sigreturn', 'getrandom', 'statx'])
      expect(plain.has(name), name).to.equal(true);
  });

  it('never allows kexec, keyrings or io_uring, whatever the capabilities', function () {
    const all = allowed(['CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_MODULE', 'CAP_SYS_PTRACE', 'CAP_BPF', 'CAP_PERFMON']);
    for (const name of ['kexec_load', 'kexec_file_load', 'keyctl', 'add_key', 'request_key', 'io_uring_setup', 'modify_ldt', 'uselib', 'vm86'])
      expect(all.has(name), name).to.equal(false);
  });

  it('gates mounts, namespaces, modules, bpf and perf on the capability the kernel would demand', function () {
    const plain = allowed([]);
    for (const name of ['mount', 'umount2', 'unshare', 'setns', 'pivot_root', 'init_module', 'bpf', 'perf_event_open', 'open_by_handle_at', 'userfaultfd', 'reboot', 'settimeofday'])
      expect(plain.has(name), name).to.equal(false);
    expect(allowed(['CAP_SYS_ADMIN']).has('mount')).to.equal(true);
    expect(allowed(['CAP_BPF']).has('bpf')).to.equal(true);
    expect(allowed(['CAP_PERFMON']).has('perf_event_open')).to.equal(true);
    expect(allowed(['CAP_SYS_MODULE']).has('finit_module')).to.equal(true);
  });

  it('restricts clone to no new namespaces and answers ENOSYS to clone3 without CAP_SYS_ADMIN', function () {
    const rules = resolveSeccompProfile(profile, { capabilities: [] }).syscalls;
    const clone = rules.find((s) => s.names.includes('clone'))!;
    expect(clone.args).to.deep.equal([{ index: 0, value: 0x7e020000n, valueTwo: 0n, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(rules.find((s) => s.names.includes('clone3'))).to.include({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    const admin = resolveSeccompProfile(profile, { capabilities: ['CAP_SYS_ADMIN'] }).syscalls;
    expect(admin.filter((s) => s.names.includes('clone')).every((s) => s.args.length === 0)).to.equal(true);
  });
});
