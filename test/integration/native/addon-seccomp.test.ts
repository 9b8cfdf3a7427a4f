import { expect } from 'chai';
import { fieldOf } from '../../helpers/invalid-field.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireRoot, requireTools, requireAddon } from '../../helpers/requirements.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';
import {
  compileSeccomp,
  loadLocalhostProfile,
  parseSeccompProfile,
  runtimeDefaultProfile,
  SOCK_FILTER_SIZE,
  writeSeccompBpf,
} from '../../../src/native/index.js';

const HELPER_SOURCE = new URL('../../../native/addon/test/seccomp-exec.c', import.meta.url).pathname;

describe('native addon: seccomp', function () {
  let dir = '';

  before(function () {
    requireAddon(this);
    dir = mkdtempSync('/tmp/husk-addon-seccomp-');
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('compilation', function () {
    it('compiles RuntimeDefault to a BPF program, different with the CAP_SYS_ADMIN-gated rules', function () {
      const plain = compileSeccomp(runtimeDefaultProfile(), { capabilities: ['CHOWN', 'SETUID'] });
      expect(plain.length).to.be.greaterThan(100 * SOCK_FILTER_SIZE);
      expect(plain.length % SOCK_FILTER_SIZE).to.equal(0);
      const admin = compileSeccomp(runtimeDefaultProfile(), { capabilities: ['CAP_SYS_ADMIN'] });
      expect(admin.equals(plain)).to.equal(false);
    });

    it('writes the BPF file atomically and reports its instruction count', async function () {
      const out = join(dir, 'filter.bpf');
      const count = await writeSeccompBpf(runtimeDefaultProfile(), out);
      expect(statSync(out).size).to.equal(count * SOCK_FILTER_SIZE);
      expect(statSync(out).mode & 0o777).to.equal(0o600);
    });

    it('loads a Localhost profile from a file', async function () {
      const path = join(dir, 'local.json');
      writeFileSync(path, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }));
      const profile = await loadLocalhostProfile(path);
      expect(profile.syscalls[0]!.names).to.deep.equal(['mkdir']);
      expect(compileSeccomp(profile).length).to.be.greaterThan(0);
    });
  });

  describe('validation', function () {
    it('rejects an unknown syscall name, naming the field', function () {
      const json = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'not_a_syscall'], action: 'SCMP_ACT_ALLOW' }] };
      expect(fieldOf(() => parseSeccompProfile(json))).to.equal('seccomp.syscalls[0].names[1]');
      expect(parseSeccompProfile(json, { unknownSyscalls: 'ignore' }).syscalls[0]!.names).to.deep.equal(['read']);
    });

    it('rejects an unknown action and an unknown architecture', function () {
      expect(fieldOf(() => parseSeccompProfile({ defaultAction: 'SCMP_ACT_MAYBE' }))).to.equal('seccomp.defaultAction');
      expect(fieldOf(() => parseSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }))).to.equal('seccomp.architectures');
    });

    it('names the file when a Localhost profile is missing or not JSON', async function () {
      const missing = await loadLocalhostProfile(join(dir, 'absent.json')).catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(InvalidArgumentError);
      expect((missing as Error).message).to.contain('absent.json').and.to.contain('ENOENT');
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{ nope');
      const err = await loadLocalhostProfile(bad, { field: 'linux.security_context.seccomp.localhost_ref' }).catch((e: unknown) => e);
      expect((err as InvalidArgumentError).field).to.equal('linux.security_context.seccomp.localhost_ref');
      const rel = await loadLocalhostProfile('relative.json').catch((e: unknown) => e);
      expect((rel as Error).message).to.contain('absolute');
    });
  });

  describe('a process running under the filter', function () {
    let helper = '';

    before(function () {
      requireRoot(this);
      requireTools(this, 'cc', '/bin/mkdir', '/bin/true', 'unshare');
      helper = join(dir, 'seccomp-exec');
      execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', helper, HELPER_SOURCE]);
    });

    async function run(profile: unknown, args: string[], capabilities: string[] = []): Promise<ReturnType<typeof spawnSync>> {
      const bpf = join(dir, `run-${Math.random().toString(16).slice(2)}.bpf`);
      const parsed = typeof profile === 'string' ? runtimeDefaultProfile() : parseSeccompProfile(profile);
      await writeSeccompBpf(parsed, bpf, { capabilities });
      return spawnSync(helper, [bpf, ...args], { encoding: 'utf8' });
    }

    it('denies mkdir with EPERM where the profile says so, and allows it otherwise', async function () {
      const target = join(dir, 'made-by-child');
      const deny = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
      const denied = await run(deny, ['/bin/mkdir', target]);
      expect(denied.status).to.not.equal(0);
      expect(denied.stderr).to.contain('Operation not permitted');
      expect(existsSync(target)).to.equal(false);

      const allowed = await run({ defaultAction: 'SCMP_ACT_ALLOW' }, ['/bin/mkdir', target]);
      expect(allowed.status, String(allowed.stderr)).to.equal(0);
      expect(existsSync(target)).to.equal(true);
    });

    it('runs ordinary programs under RuntimeDefault but refuses new namespaces without CAP_SYS_ADMIN', async function () {
      const ok = await run('RuntimeDefault', ['/bin/true']);
      expect(ok.status, String(ok.stderr)).to.equal(0);
      const ls = await run('RuntimeDefault', ['/bin/ls', '/proc/self/ns']);
      expect(ls.status, String(ls.stderr)).to.equal(0);
      expect(ls.stdout).to.contain('net');

      const unshareBin = execFileSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).trim();
      const unshare = await run('RuntimeDefault', [unshareBin, '--net', '/bin/true']);
      expect(unshare.status).to.not.equal(0);
      expect(unshare.stderr).to.contain('Operation not permitted');

      const admin = await run('RuntimeDefault', [unshareBin, '--net', '/bin/true'], ['CAP_SYS_ADMIN']);
      expect(admin.status, String(admin.stderr)).to.equal(0);
    });
  });
});
