// Per-object locking under load: many pods and containers created at once all
// come up, and a Stop racing a Start ends in a consistent state.
import { expect } from 'chai';
import { unary } from '../../../src/client/cri-client.js';
import { requireImageEnv, sharedRegistry, stopRegistries } from '../image/image-env.js';
import { requireTools, requireFile } from '../../helpers/requirements.js';
import { runtimeEnv, type RuntimeEnv } from './cri-fixtures.js';

describe('concurrent pod and container operations', function () {
  this.timeout(180_000);
  let env: RuntimeEnv;
  const rt = () => env.husk.cri.runtime;

  before(async function () {
    requireImageEnv(this);
    requireTools(this, 'ip', 'iptables');
    requireFile(this, '/usr/lib/cni/bridge', "Debian's containernetworking-plugins");
    requireFile(this, 'native/out/husk-monitor', 'the monitor; build it with `make -C native`');
    const reg = await sharedRegistry();
    env = await runtimeEnv(`${reg.registry.host}/husk-test/busybox:latest`);
  });
  after(async () => {
    await env?.cleanup();
    await stopRegistries();
  });

  it('brings up 20 pods with 2 containers each, all created in parallel', async () => {
    const pods = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const pod = await env.pod(`par-${i}`);
        const ctrs = await Promise.all(['a', 'b'].map((n) => env.container(pod, n, ['/bin/sleep', '3600'])));
        await Promise.all(ctrs.map((c) => unary(rt(), 'StartContainer', { container_id: c })));
        return pod;
      }),
    );
    const listed = await unary(rt(), 'ListPodSandbox', { filter: { state: { state: 0 } } });
    expect(listed.items.filter((p) => pods.includes(p.id))).to.have.length(20);
    const running = await unary(rt(), 'ListContainers', { filter: { state: { state: 1 } } });
    expect(running.containers.filter((c) => pods.includes(c.pod_sandbox_id))).to.have.length(40);
    const ips = await Promise.all(pods.map(async (p) => (await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: p })).status!.network!.ip));
    expect(new Set(ips).size).to.equal(20);
    await Promise.all(pods.map((p) => unary(rt(), 'RemovePodSandbox', { pod_sandbox_id: p })));
    expect((await unary(rt(), 'ListContainers', {})).containers.filter((c) => pods.includes(c.pod_sandbox_id))).to.deep.equal([]);
  });

  it('a Stop racing a Start leaves the container exited, never half-running', async () => {
    const pod = await env.pod('race');
    for (let i = 0; i < 5; i++) {
      const c = await env.container(pod, `r${i}`, ['/bin/sleep', '3600']);
      await Promise.allSettled([unary(rt(), 'StartContainer', { container_id: c }), unary(rt(), 'StopContainer', { container_id: c, timeout: 0 })]);
      const st = (await unary(rt(), 'ContainerStatus', { container_id: c })).status!;
      expect(st.state, `attempt ${i}`).to.equal(2);
      const again = await unary(rt(), 'StopContainer', { container_id: c, timeout: 0 }).then(() => 'ok');
      expect(again).to.equal('ok');
    }
  });
});
