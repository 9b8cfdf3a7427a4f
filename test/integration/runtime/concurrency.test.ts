// Per-object locking under load: many pods and containers created at once all
// come up, and a Stop racing a Start ends in a consistent state.
import { expect } from 'chai';
import { unary } from '../../../src/client/cri-client.js';
import { useRuntimeEnv } from './cri-fixtures.js';

describe('concurrent pod and container operations', function () {
  this.timeout(180_000);
  const fx = useRuntimeEnv();
  const rt = () => fx.env.husk.cri.runtime;


  it('brings up 20 pods with 2 containers each, all created in parallel', async () => {
    const pods = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const pod = await fx.env.pod(`par-${i}`);
        const ctrs = await Promise.all(['a', 'b'].map((n) => fx.env.container(pod, n, ['/bin/sleep', '3600'])));
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
    const pod = await fx.env.pod('race');
    for (let i = 0; i < 5; i++) {
      const c = await fx.env.container(pod, `r${i}`, ['/bin/sleep', '3600']);
      await Promise.allSettled([unary(rt(), 'StartContainer', { container_id: c }), unary(rt(), 'StopContainer', { container_id: c, timeout: 0 })]);
      const st = (await unary(rt(), 'ContainerStatus', { container_id: c })).status!;
      expect(st.state, `attempt ${i}`).to.equal(2);
      const again = await unary(rt(), 'StopContainer', { container_id: c, timeout: 0 }).then(() => 'ok');
      expect(again).to.equal('ok');
    }
  });
});
