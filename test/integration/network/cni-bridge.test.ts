// Pod networking through Debian's real CNI plugins (bridge, host-local,
// portmap) into network namespaces this test creates.
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CniNetwork, type PodNetworkRequest } from '../../../src/network/cni-network.js';
import { defaultConfig, type HuskConfig } from '../../../src/config/config.js';
import { newId } from '../../../src/common/ids.js';
import { requireRoot, requireTools, requireFile } from '../../helpers/requirements.js';

const PLUGINS = '/usr/lib/cni';

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

function readFromPort(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const s = connect(port, host);
    s.setTimeout(5000, () => s.destroy(new Error('timed out')));
    s.on('data', (d: Buffer) => (data += d.toString()));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
}

describe('CNI pod networking (bridge + host-local + portmap)', function () {
  this.timeout(60_000);
  const tag = randomBytes(3).toString('hex');
  const bridge = `husk-t-${tag}`;
  const subnetByte = 200 + (parseInt(tag.slice(0, 2), 16) % 50);
  const netnsNames: string[] = [];
  const servers: ChildProcess[] = [];
  let dir: string;
  let config: HuskConfig;
  let cni: CniNetwork;

  function netns(): string {
    const name = `husk-test-${tag}-${netnsNames.length}`;
    sh('ip', ['netns', 'add', name]);
    netnsNames.push(name);
    return name;
  }

  function podRequest(ns: string, ports: PodNetworkRequest['portMappings'] = []): PodNetworkRequest {
    return { podSandboxId: newId(), netnsPath: `/run/netns/${ns}`, podName: `p-${ns}`, podNamespace: 'default', podUid: newId().slice(0, 32), portMappings: ports };
  }

  before(function () {
    requireRoot(this);
    requireTools(this, 'ip', 'iptables');
    requireFile(this, join(PLUGINS, 'bridge'), 'Debian containernetworking-plugins');
    requireFile(this, '/bin/busybox', 'Debian busybox-static');
    dir = mkdtempSync(join(tmpdir(), 'husk-cni-'));
    mkdirSync(join(dir, 'net.d'));
    writeFileSync(
      join(dir, 'net.d', '10-husk-test.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'husk-test',
        plugins: [
          {
            type: 'bridge',
            bridge,
            isGateway: true,
            hairpinMode: true,
            ipam: { type: 'host-local', ranges: [[{ subnet: `10.${subnetByte}.7.0/24` }]], dataDir: join(dir, 'ipam') },
          },
          { type: 'portmap', capabilities: { portMappings: true }, snat: true },
        ],
      }),
    );
    const defaults = defaultConfig();
    config = { ...defaults, root: join(dir, 'root'), cni: { conf_dir: join(dir, 'net.d'), bin_dirs: [PLUGINS] } };
    cni = new CniNetwork(config);
    return cni.init();
  });

  after(() => {
    for (const s of servers) s.kill('SIGKILL');
    for (const ns of netnsNames) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    if (dir) {
      try {
        execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
      } catch {
        // never created
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives two pods addresses on the bridge, and they reach each other', async () => {
    const a = netns();
    const b = netns();
    const netA = await cni.setUp(podRequest(a));
    const netB = await cni.setUp(podRequest(b));
    expect(netA.ips[0]).to.match(new RegExp(`^10\\.${subnetByte}\\.7\\.\\d+$`));
    expect(netB.ips[0]).to.not.equal(netA.ips[0]);
    expect(sh('ip', ['-n', a, 'addr', 'show', 'eth0'])).to.contain(netA.ips[0]);
    const ping = sh('ip', ['netns', 'exec', a, '/bin/busybox', 'ping', '-c', '1', '-W', '3', netB.ips[0]!]);
    expect(ping).to.contain('1 packets received');
  });

  it('maps a hostPort to the pod, reachable on 127.0.0.1', async () => {
    const ns = netns();
    const hostPort = 20000 + (parseInt(tag.slice(2, 6), 16) % 20000);
    await cni.setUp(podRequest(ns, [{ hostPort, containerPort: 8080, protocol: 'tcp' }]));
    const server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', "require('net').createServer((s) => s.end('hello from the pod')).listen(8080, () => console.log('up'))"], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    servers.push(server);
    await new Promise((resolve) => server.stdout!.once('data', resolve));
    expect(await readFromPort('127.0.0.1', hostPort)).to.equal('hello from the pod');
  });

  it('tears down with DEL, releasing the address, and a second DEL is fine', async () => {
    const ns = netns();
    const req = podRequest(ns);
    const net = await cni.setUp(req);
    const ipamDir = join(dir, 'ipam', 'husk-test');
    expect(readdirSync(ipamDir)).to.include(net.ips[0]);
    await cni.tearDown(req.podSandboxId);
    expect(readdirSync(ipamDir)).to.not.include(net.ips[0]);
    expect(sh('ip', ['-n', ns, 'link'])).to.not.contain('eth0');
    await cni.tearDown(req.podSandboxId);
    expect(await cni.status(req.podSandboxId)).to.equal(undefined);
  });

  it('reports the cached attachment as the pod status', async () => {
    const ns = netns();
    const req = podRequest(ns);
    const net = await cni.setUp(req);
    const again = new CniNetwork(config); // as after a daemon restart
    expect(await again.status(req.podSandboxId)).to.deep.equal(net);
    await again.tearDown(req.podSandboxId);
  });

  it('undoes a half-made attachment when a later plugin fails, and says which failed', async () => {
    const ns = netns();
    const broken = join(dir, 'net.d', '00-broken.conflist');
    writeFileSync(
      broken,
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'husk-test',
        plugins: [
          { type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: `10.${subnetByte}.7.0/24` }]], dataDir: join(dir, 'ipam') } },
          { type: 'tuning', sysctl: { 'net.no.such.key': '1' } },
        ],
      }),
    );
    const before = readdirSync(join(dir, 'ipam', 'husk-test')).length;
    let err: Error | undefined;
    try {
      await cni.setUp(podRequest(ns));
    } catch (e) {
      err = e as Error;
    } finally {
      rmSync(broken);
    }
    expect(err?.message).to.match(/^CNI plugin tuning ADD failed/);
    expect(readdirSync(join(dir, 'ipam', 'husk-test')).length).to.equal(before);
    expect(existsSync(join(config.root, 'cni', 'results'))).to.equal(true);
  });
});
