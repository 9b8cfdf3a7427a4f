import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { packageRoot } from '../../src/common/package-info.js';

function husk(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(packageRoot, 'src/cli/main.ts'), ...args], { input, encoding: 'utf8', cwd: packageRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('husk CLI', function () {
  this.timeout(30_000);

  it('`config default` prints a commented config that `config check` accepts', () => {
    const printed = husk(['config', 'default']);
    expect(printed.code).to.equal(0);
    expect(printed.stdout).to.contain('# husk configuration');
    expect(printed.stdout).to.contain('socket = "/run/husk/husk.sock"');
    expect(printed.stdout).to.contain('[registry.mirrors."docker.io"]');
    const checked = husk(['config', 'check', '-'], printed.stdout);
    expect(checked.code).to.equal(0);
    expect(checked.stdout).to.equal('-: ok\n');
  });

  it('`config check` fails naming the bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'husk-cli-'));
    try {
      const file = join(dir, 'bad.toml');
      writeFileSync(file, '[streaming]\naddress = "localhost"\n');
      const r = husk(['config', 'check', file]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`${file}: streaming.address: must be "host:port"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`--version` prints the package version', () => {
    const r = husk(['--version']);
    expect(r.code).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
  });
});
