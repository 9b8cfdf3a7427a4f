// The foundation, end to end over the real unix socket: a real `husk serve`
// in a child process, a grpc-js client built from the same proto.
import { expect } from 'chai';
import { statSync, existsSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, status as Code } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { startHusk, spawnHusk, type HuskUnderTest } from '../helpers/husk-daemon.js';
import { unary } from '../../src/client/cri-client.js';
import { requireTools } from '../helpers/requirements.js';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { packageVersion, packageRoot } from '../../src/common/package-info.js';
import { rpcError } from '../helpers/rpc-error.js';
import { eventually } from '../helpers/eventually.js';

async function metricsText(h: HuskUnderTest): Promise<string> {
  const res = await fetch(`http://${h.metricsAddress}/metrics`);
  expect(res.status).to.equal(200);
  return res.text();
}

function counterValue(text: string, method: string, code: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`husk_grpc_requests_total{method="${method}",code="${code}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function waitExit(proc: ReturnType<typeof spawnHusk>): Promise<{ code: number | null; out: string }> {
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out })));
}

describe('husk serve (gRPC on a unix socket)', function () {
  this.timeout(60_000);
  let husk: HuskUnderTest;

  before(async () => {
    husk = await startHusk();
  });
  after(async () => {
    if (husk) {
      await husk.stop();
      husk.cleanup();
    }
  });

  it('answers Version with husk, its package version and API v1', async () => {
    const v = await unary(husk.cri.runtime, 'Version', {});
    expect(v).to.include({ runtime_name: 'husk', runtime_version: packageVersion, runtime_api_version: 'v1', version: '0.1.0' });
  });

  it('creates the socket with mode 0660', () => {
    expect(statSync(husk.socket).mode & 0o777).to.equal(0o660);
  });

  it('reports RuntimeReady, and NetworkReady false with a reason while no CNI config exists', async () => {
    const s = await unary(husk.cri.runtime, 'Status', {});
    const byType = Object.fromEntries(s.status!.conditions.map((c) => [c.type, c]));
    expect(byType.RuntimeReady).to.include({ status: true });
    expect(byType.NetworkReady).to.include({ status: false, reason: 'NetworkPluginNotReady' });
    expect(byType.NetworkReady!.message).to.contain('no CNI network config');
    expect(s.info).to.deep.equal({});
  });

  it('reports NetworkReady once a conf list names plugins that exist', async () => {
    const cniDir = join(husk.dir, 'cni');
    const binDir = join(husk.dir, 'cni-bin');
    mkdirSync(cniDir, { recursive: true });
    mkdirSync(binDir, { recursive: true });
    writeFileSync(join(cniDir, '10-test.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'test', plugins: [{ type: 'husk-test-plugin' }] }));
    const missing = await unary(husk.cri.runtime, 'Status', {});
    const notReady = missing.status!.conditions.find((c) => c.type === 'NetworkReady')!;
    expect(notReady.status).to.equal(false);
    expect(notReady.message).to.contain('plugin "husk-test-plugin" not found');
    writeFileSync(join(binDir, 'husk-test-plugin'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(binDir, 'husk-test-plugin'), 0o755);
    const ready = await unary(husk.cri.runtime, 'Status', {});
    expect(ready.status!.conditions.find((c) => c.type === 'NetworkReady')).to.include({ status: true, reason: '' });
  });

  it('returns the effective config in the verbose info map', async () => {
    const s = await unary(husk.cri.runtime, 'Status', { verbose: true });
    const config = JSON.parse(s.info.config!) as { root: string; socket: string };
    expect(config.root).to.equal(husk.root);
    expect(config.socket).to.equal(husk.socket);
  });

  it('reports the cgroup driver in RuntimeConfig', async () => {
    const r = await unary(husk.cri.runtime, 'RuntimeConfig', {});
    expect(r.linux!.cgroup_driver).to.equal(1); // CGROUPFS
  });

  it('keeps the pod CIDR from UpdateRuntimeConfig and rejects a bad one naming the field', async () => {
    await unary(husk.cri.runtime, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.88.0.0/16,fd00:88::/64' } } });
    await unary(husk.cri.runtime, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '' } } });
    const s = await unary(husk.cri.runtime, 'Status', { verbose: true });
    expect(s.info.podCIDR).to.equal('10.88.0.0/16,fd00:88::/64');
    const err = await rpcError(unary(husk.cri.runtime, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.0.0.0/33' } } }));
    expect(err.code).to.equal(Code.INVALID_ARGUMENT);
    expect(err.details).to.contain('runtime_config.network_config.pod_cidr');
  });

  it('answers UNIMPLEMENTED, naming the method, for RPCs not built yet', async () => {
    const err = await rpcError(unary(husk.cri.runtime, 'CheckpointPod', { pod_sandbox_id: 'x' }));
    expect(err.code).to.equal(Code.UNIMPLEMENTED);
    expect(err.details).to.contain('runtime.v1.RuntimeService/CheckpointPod');
  });

  it('counts requests by method and code in /metrics', async () => {
    const before = await metricsText(husk);
    await unary(husk.cri.runtime, 'Version', {});
    await unary(husk.cri.runtime, 'Version', {});
    await rpcError(unary(husk.cri.runtime, 'CheckpointPod', {}));
    const after = await metricsText(husk);
    expect(counterValue(after, 'Version', 'OK') - counterValue(before, 'Version', 'OK')).to.equal(2);
    expect(counterValue(after, 'CheckpointPod', 'UNIMPLEMENTED') - counterValue(before, 'CheckpointPod', 'UNIMPLEMENTED')).to.equal(1);
    expect(after).to.contain('husk_grpc_request_duration_seconds_bucket{le="0.005",method="Version",code="OK"}');
    expect(after).to.contain('process_resident_memory_bytes');
  });

  it('logs one JSON line per RPC with method, code, duration and request ID', async () => {
    await unary(husk.cri.runtime, 'Version', {});
    // written just after the reply
    const v = await eventually(
      () =>
        husk
          .output()
          .split('\n')
          .filter((l) => l.includes('"msg":"rpc"'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.method === 'Version'),
      'the Version rpc line',
    );
    expect(v).to.include({ code: 'OK' });
    expect(v.duration_ms).to.be.a('number');
    expect(v.req_id).to.match(/^[0-9a-f-]{36}$/);
  });

  it('serves gRPC health checking: SERVING for the server and both CRI services', async () => {
    const def = loadSync(healthProtoPath, { keepCase: true, enums: String });
    const Health = (loadPackageDefinition(def) as any).grpc.health.v1.Health; // eslint-disable-line @typescript-eslint/no-explicit-any
    const client = new Health(`unix://${husk.socket}`, credentials.createInsecure());
    for (const service of ['', 'runtime.v1.RuntimeService', 'runtime.v1.ImageService']) {
      const res = await unary<any, 'Check', { status: string }>(client, 'Check', { service }); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(res.status, service).to.equal('SERVING');
    }
    client.close();
  });

  it('serves gRPC reflection listing both CRI services', async () => {
    const reflectionProto = join(packageRoot, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    const def = loadSync(reflectionProto, { keepCase: true });
    const Reflection = (loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection; // eslint-disable-line @typescript-eslint/no-explicit-any
    const client = new Reflection(`unix://${husk.socket}`, credentials.createInsecure());
    const call = client.ServerReflectionInfo();
    const reply = new Promise<{ list_services_response: { service: { name: string }[] } }>((resolve, reject) => {
      call.on('data', resolve);
      call.on('error', reject);
    });
    call.write({ list_services: '' });
    const names = (await reply).list_services_response.service.map((s) => s.name);
    const symbolReply = new Promise<{ file_descriptor_response?: { file_descriptor_proto: Buffer[] } }>((resolve, reject) => {
      call.once('data', resolve);
      call.on('error', reject);
    });
    call.write({ file_containing_symbol: 'runtime.v1.PodSandboxConfig' });
    const files = (await symbolReply).file_descriptor_response?.file_descriptor_proto ?? [];
    call.end();
    client.close();
    expect(names).to.include.members(['runtime.v1.RuntimeService', 'runtime.v1.ImageService']);
    expect(files.map((f) => f.toString('latin1')).join('')).to.include('PodSandboxConfig');
  });

  /** Version over a raw HTTP/2 session, after `idleMs` of silence; the grpc-status it ends with. */
  async function rawVersion(authority: string, idleMs = 0): Promise<string | string[] | undefined> {
    const session = http2.connect('http://localhost', { createConnection: () => connect(husk.socket) });
    try {
      await new Promise((r) => setTimeout(r, idleMs));
      const req = session.request({
        ':method': 'POST',
        ':path': '/runtime.v1.RuntimeService/Version',
        ':authority': authority,
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      req.end(Buffer.alloc(5)); // one uncompressed, empty VersionRequest
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        req.on('trailers', resolve);
        req.on('error', reject);
        req.resume();
      });
      return trailers['grpc-status'];
    } finally {
      session.close();
    }
  }

  it('accepts a request whose :authority is the socket path, as grpc-go before 1.52 sends it', async () => {
    expect(await rawVersion(husk.socket)).to.equal('0');
  });

  it('serves a connection whose first request comes late (it gets the rewriting path)', async function () {
    this.timeout(10_000);
    expect(await rawVersion('localhost', 2500)).to.equal('0');
    expect(await rawVersion(husk.socket, 2500)).to.equal('0');
  });

  it('works with crictl (version, info)', function () {
    requireTools(this, 'crictl');
    const run = (...args: string[]) => execFileSync('crictl', ['--runtime-endpoint', `unix://${husk.socket}`, ...args], { encoding: 'utf8', timeout: 20_000 });
    expect(run('version')).to.match(/RuntimeName:\s+husk/);
    const info = JSON.parse(run('info')) as { status: { conditions: { type: string }[] }; config: { root: string } };
    expect(info.status.conditions.map((c) => c.type)).to.deep.equal(['RuntimeReady', 'NetworkReady']);
    expect(info.config.root).to.equal(husk.root);
  });

  it('refuses a second husk on the same root and socket with a clear message', async () => {
    const second = await waitExit(spawnHusk(['serve', '--config', husk.configFile]));
    expect(second.code).to.equal(1);
    expect(second.out).to.match(/another husk \(pid \d+\) is already using root/);
    expect(existsSync(husk.socket), 'the first daemon keeps its socket').to.equal(true);
  });
});

describe('husk serve lifecycle', function () {
  this.timeout(60_000);

  it('exits 0 on SIGTERM and removes its socket', async () => {
    const h = await startHusk();
    const { code } = await h.stop('SIGTERM');
    expect(code).to.equal(0);
    expect(existsSync(h.socket)).to.equal(false);
    expect(h.output()).to.contain('husk stopped');
    h.cleanup();
  });

  it('exits 0 on SIGINT too', async () => {
    const h = await startHusk();
    expect((await h.stop('SIGINT')).code).to.equal(0);
    h.cleanup();
  });

  it('starts after kill -9, replacing the stale socket and lock, and keeps the pod CIDR', async () => {
    const h = await startHusk();
    await unary(h.cri.runtime, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: '10.99.0.0/24' } } });
    await h.stop('SIGKILL');
    expect(existsSync(h.socket), 'kill -9 leaves the socket behind').to.equal(true);
    const again = await startHusk('', { dir: h.dir });
    const s = await unary(again.cri.runtime, 'Status', { verbose: true });
    expect(s.info.podCIDR).to.equal('10.99.0.0/24');
    expect((await again.stop()).code).to.equal(0);
    h.cleanup();
    again.cleanup();
  });

  it('fails to start on a bad config file, naming the key', async () => {
    const h = await startHusk();
    await h.stop();
    writeFileSync(h.configFile, 'cgroup_driver = "cgroupsfs"\n');
    const { code, out } = await waitExit(spawnHusk(['serve', '--config', h.configFile]));
    expect(code).to.equal(1);
    expect(out).to.contain('cgroup_driver: must be one of "cgroupfs", "systemd", got "cgroupsfs"');
    writeFileSync(h.configFile, '[metrics]\nadress = "127.0.0.1:1"\n');
    const second = await waitExit(spawnHusk(['serve'], { HUSK_CONFIG: h.configFile }));
    expect(second.code).to.equal(1);
    expect(second.out).to.contain('metrics.adress: unknown key');
    h.cleanup();
  });
});
