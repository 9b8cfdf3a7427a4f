// kill -9 of the daemon: containers keep running, exits that happen while it
// is down are recorded by their monitors, and the next daemon finds every pod
// and container in its true state, with networks intact.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unary } from '../../../src/client/cri-client.js';
import { useRuntimeEnv, eventually, logText } from './cri-fixtures.js';

describe('restart recovery after kill -9', function () {
  this.timeout(180_000);
  const fx = useRuntimeEnv();


  it('finds 5 pods as they are, records exits that happened while down, starts nothing twice', async () => {
    const rt = () => fx.env.husk.cri.runtime;
    const pods: string[] = [];
    const runners: string[] = [];
    const quitters: string[] = [];
    for (let i = 0; i < 5; i++) {
      const pod = await fx.env.pod(`r${i}`);
      pods.push(pod);
      const runner = await fx.env.container(pod, 'runner', ['/bin/sh', '-c', 'echo started; exec sleep 3600']);
      const quitter = await fx.env.container(pod, 'quitter', ['/bin/sh', '-c', 'echo started; exec sleep 3600']);
      for (const c of [runner, quitter]) await unary(rt(), 'StartContainer', { container_id: c });
      runners.push(runner);
      quitters.push(quitter);
    }
    const before = await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: pods[0]!, verbose: true });
    const netns = JSON.parse(before.info.info!).namespaces.netnsPath as string;

    await fx.env.crashAndRestart(async () => {
      // While husk is down, every quitter's process dies; only its monitor sees it.
      for (const q of quitters) {
        const pid = Number(readFileSync(join(fx.env.husk.state, 'containers', q, 'container.pid'), 'utf8').trim());
        process.kill(pid, 'SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 500));
    });

    const listed = await unary(rt(), 'ListPodSandbox', {});
    expect(listed.items.map((p) => p.id).sort()).to.deep.equal([...pods].sort());
    expect(listed.items.every((p) => p.state === 0)).to.equal(true);
    for (const r of runners) expect((await unary(rt(), 'ContainerStatus', { container_id: r })).status!.state).to.equal(1);
    for (const q of quitters) {
      const st = (await unary(rt(), 'ContainerStatus', { container_id: q })).status!;
      expect(st).to.deep.include({ state: 2, exit_code: 137, reason: 'Error' });
      expect(Number(st.finished_at)).to.be.greaterThan(Number(st.started_at));
    }
    expect(existsSync(netns)).to.equal(true);
    // Nothing started twice: each runner logged "started" once.
    for (const r of runners) {
      const st = (await unary(rt(), 'ContainerStatus', { container_id: r })).status!;
      expect(logText(st.log_path).match(/started/g)).to.have.length(1);
    }
    // And the recovered daemon still tracks exits it did not see begin.
    await unary(rt(), 'StopContainer', { container_id: runners[0]!, timeout: 1 });
    await eventually(async () => ((await unary(rt(), 'ContainerStatus', { container_id: runners[0]! })).status!.state === 2 ? true : undefined), 'runner to stop');
  });
});
