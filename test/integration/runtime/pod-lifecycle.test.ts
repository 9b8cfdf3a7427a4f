// The RuntimeService lifecycle through a real `husk serve`: pods on a CNI
// bridge, containers from the test registry's busybox image, observed from
// inside the containers and from the host.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as Code } from '@grpc/grpc-js';
import { unary } from '../../../src/client/cri-client.js';
import { freePort } from '../../helpers/free-port.js';
import { useRuntimeEnv, eventually, logText, bodyWhenServing } from './cri-fixtures.js';
import { rpcError } from '../../helpers/rpc-error.js';

function procCmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

describe('pods and containers over gRPC (real namespaces, CNI, monitor)', function () {
  this.timeout(120_000);
  const fx = useRuntimeEnv();

  const rt = () => fx.env.husk.cri.runtime;
  const status = async (id: string) => (await unary(rt(), 'ContainerStatus', { container_id: id })).status!;
  const exited = (id: string) => eventually(async () => ((await status(id)).state === 2 ? status(id) : undefined), `container ${id} to exit`);

  it('runs a pod with an IP on the bridge and a container whose output lands in its CRI log', async () => {
    const pod = await fx.env.pod('hello');
    const podStatus = (await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: pod })).status!;
    expect(podStatus.state).to.equal(0);
    expect(podStatus.network!.ip).to.match(new RegExp(`^${fx.env.subnet.replace(/\./g, '\\.')}\\.\\d+$`));
    const ctr = await fx.env.container(pod, 'main', ['/bin/sh', '-c', 'echo hello from $(hostname); echo to-stderr >&2; exit 3']);
    expect((await status(ctr)).state).to.equal(0); // CREATED
    await unary(rt(), 'StartContainer', { container_id: ctr });
    const st = await exited(ctr);
    expect(st).to.deep.include({ exit_code: 3, reason: 'Error' });
    expect(Number(st.finished_at)).to.be.greaterThan(Number(st.started_at));
    expect(st.log_path).to.equal(join(fx.env.logDir, 'hello', 'main.log'));
    const log = logText(st.log_path);
    expect(log).to.contain('hello from hello\n');
    expect(log).to.contain('to-stderr\n');
  });

  it('lets pods reach each other over their IPs, and a hostPort on 127.0.0.1', async () => {
    const hostPort = await freePort();
    const server = await fx.env.pod('server', { port_mappings: [{ protocol: 0, container_port: 8080, host_port: hostPort }] });
    const serverIp = (await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: server })).status!.network!.ip;
    const httpd = await fx.env.container(server, 'httpd', ['/bin/sh', '-c', 'mkdir -p /www && echo served-by-husk > /www/index.html && exec httpd -f -p 8080 -h /www']);
    await unary(rt(), 'StartContainer', { container_id: httpd });
    const body = await bodyWhenServing(`http://127.0.0.1:${hostPort}/index.html`, 'the hostPort to answer');
    expect(body).to.equal('served-by-husk\n');

    const client = await fx.env.pod('client');
    const wget = await fx.env.container(client, 'wget', ['/bin/sh', '-c', `wget -q -O - http://${serverIp}:8080/index.html`]);
    await unary(rt(), 'StartContainer', { container_id: wget });
    const st = await exited(wget);
    expect(st.exit_code).to.equal(0);
    expect(logText(st.log_path)).to.equal('served-by-husk\n');
  });

  it('applies the security context, as seen from inside the container', async () => {
    const pod = await fx.env.pod('secure');
    const probe = 'id; grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; touch /rootfs-write 2>&1 || echo ro-rootfs; echo pid1=$(cat /proc/1/comm)';
    const ctr = await fx.env.container(pod, 'probe', ['/bin/sh', '-c', probe], {
      linux: {
        security_context: {
          run_as_user: { value: 1002 },
          run_as_group: { value: 1003 },
          supplemental_groups: [2000],
          readonly_rootfs: true,
          no_new_privs: true,
          capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['NET_BIND_SERVICE'] },
        },
      },
    });
    await unary(rt(), 'StartContainer', { container_id: ctr });
    const st = await exited(ctr);
    const out = logText(st.log_path);
    expect(out).to.match(/uid=1002\(tester\) gid=1003\(grp\) groups=.*2000/);
    expect(out).to.match(/CapBnd:\s+0000000000000400/); // only CAP_NET_BIND_SERVICE (bit 10)
    expect(out).to.match(/CapEff:\s+0000000000000000/); // a non-root user keeps none effective
    expect(out).to.match(/NoNewPrivs:\s+1/);
    expect(out).to.contain('ro-rootfs');
    expect(out).to.contain('pid1=pause'); // the pod shares one PID namespace, whose init is husk-pause
    expect((await status(ctr)).user!.linux).to.deep.include({ uid: '1002', gid: '1003' });
  });

  it('applies seccomp (Localhost and RuntimeDefault), masked paths and privileged, as seen from inside', async () => {
    const profile = join(fx.env.husk.dir, 'deny-mkdir.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const pod = await fx.env.pod('seccomp');
    const run = async (name: string, script: string, sc: Record<string, unknown>) => {
      const c = await fx.env.container(pod, name, ['/bin/sh', '-c', script], { linux: { security_context: sc } });
      await unary(rt(), 'StartContainer', { container_id: c });
      return logText((await exited(c)).log_path);
    };
    expect(await run('localhost', 'mkdir /tmp/x 2>&1 || echo denied', { seccomp: { profile_type: 2, localhost_ref: profile } })).to.match(/denied/);
    expect(await run('default', 'grep Seccomp: /proc/self/status; mkdir /tmp/y && echo made', { seccomp: { profile_type: 0 } })).to.equal('Seccomp:\t2\nmade\n');
    expect(await run('unconfined', 'grep Seccomp: /proc/self/status', {})).to.equal('Seccomp:\t0\n');
    expect(await run('masked', 'wc -c < /proc/timer_list', {})).to.equal('0\n'); // the host's is not empty
    const privileged = await run('privileged', 'grep CapEff /proc/self/status; grep Seccomp: /proc/self/status', { privileged: true, seccomp: { profile_type: 0 } });
    expect(privileged).to.match(/CapEff:\s+000001ff/).and.contain('Seccomp:\t0');
  });

  it('denies devices outside the standard set, even to root with CAP_MKNOD (v1 devices cgroup, or v2 eBPF)', async function () {
    const pod = await fx.env.pod('devices');
    const ctr = await fx.env.container(pod, 'probe', ['/bin/sh', '-c', 'mknod /tmp/mem c 1 1 && echo made; head -c1 /tmp/mem >/dev/null 2>&1 || echo denied; echo ok > /dev/null && echo null-works']);
    await unary(rt(), 'StartContainer', { container_id: ctr });
    const out = logText((await exited(ctr)).log_path);
    expect(out).to.equal('made\ndenied\nnull-works\n');
  });

  it('stops with the stop signal, then SIGKILL after the timeout', async () => {
    const pod = await fx.env.pod('stopper');
    const polite = await fx.env.container(pod, 'polite', ['/bin/sh', '-c', 'trap "echo got-term; exit 0" TERM; while true; do sleep 0.1; done']);
    const stubborn = await fx.env.container(pod, 'stubborn', ['/bin/sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    for (const c of [polite, stubborn]) await unary(rt(), 'StartContainer', { container_id: c });
    await new Promise((r) => setTimeout(r, 300));
    await unary(rt(), 'StopContainer', { container_id: polite, timeout: 10 });
    expect(await status(polite)).to.deep.include({ state: 2, exit_code: 0, reason: 'Completed' });
    expect(logText((await status(polite)).log_path)).to.contain('got-term');
    await unary(rt(), 'StopContainer', { container_id: stubborn, timeout: 1 });
    expect(await status(stubborn)).to.deep.include({ state: 2, exit_code: 137 });
    await unary(rt(), 'StopContainer', { container_id: stubborn, timeout: 1 }); // idempotent
  });

  it('leaves nothing of an exited container running in the pod\'s shared PID namespace', async () => {
    const marker = String(7000 + Math.floor(Math.random() * 999));
    const running = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && procCmdline(p) === `sleep\0${marker}\0`);
    const pod = await fx.env.pod('leftovers');
    const ctr = await fx.env.container(pod, 'forker', ['/bin/sh', '-c', `sleep ${marker} & sleep 0.3; exit 0`]);
    await unary(rt(), 'StartContainer', { container_id: ctr });
    await eventually(() => (running().length ? true : undefined), 'the background sleep to run');
    expect(await exited(ctr)).to.deep.include({ exit_code: 0 });
    expect(running(), 'the background process outlived its container').to.deep.equal([]);
  });

  it('runs a pid TARGET container in the PID namespace of another running container of the pod', async () => {
    const pod = await fx.env.pod('debugged', { linux: { security_context: { namespace_options: { pid: 1 } } } });
    const app = await fx.env.container(pod, 'app', ['/bin/sleep', '3601']);
    const target = { linux: { security_context: { namespace_options: { pid: 3, target_id: app.slice(0, 12) } } } };
    expect((await rpcError(fx.env.container(pod, 'early', ['/bin/sleep', '1'], target))).code).to.equal(Code.FAILED_PRECONDITION); // app not running yet
    await unary(rt(), 'StartContainer', { container_id: app });
    const debug = await fx.env.container(pod, 'debug', ['/bin/sleep', '3600'], target);
    await unary(rt(), 'StartContainer', { container_id: debug });
    const out = await unary(rt(), 'ExecSync', { container_id: debug, cmd: ['/bin/sh', '-c', 'tr "\\0" " " < /proc/1/cmdline'], timeout: 10 });
    expect(out.stdout.toString().trim()).to.equal('/bin/sleep 3601');
    const unknown = { linux: { security_context: { namespace_options: { pid: 3, target_id: 'ffffffffffff' } } } };
    const missing = await rpcError(fx.env.container(pod, 'lost', ['/bin/true'], unknown));
    expect(missing.code).to.equal(Code.NOT_FOUND);
    expect(missing.details).to.contain('ffffffffffff');
  });

  it('reports lifecycle events on GetContainerEvents', async () => {
    const call = rt().GetContainerEvents({});
    const seen: { id: string; type: number }[] = [];
    call.on('data', (e: { container_id: string; container_event_type: number }) => seen.push({ id: e.container_id, type: e.container_event_type }));
    call.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const pod = await fx.env.pod('evented');
    const ctr = await fx.env.container(pod, 'short', ['/bin/true']);
    await unary(rt(), 'StartContainer', { container_id: ctr });
    await exited(ctr);
    await unary(rt(), 'RemoveContainer', { container_id: ctr });
    await eventually(() => (seen.filter((e) => e.id === ctr).length >= 4 ? true : undefined), 'four container events');
    call.cancel();
    expect(seen.filter((e) => e.id === ctr).map((e) => e.type)).to.deep.equal([0, 1, 2, 3]);
    expect(seen.filter((e) => e.id === pod).map((e) => e.type)).to.deep.equal([0, 1]);
  });

  it('answers ALREADY_EXISTS for a pod name still reserved, NOT_FOUND for unknown IDs', async () => {
    await fx.env.pod('twice');
    const dup = await rpcError(fx.env.pod('twice'));
    expect(dup.code).to.equal(Code.ALREADY_EXISTS);
    expect((await rpcError(unary(rt(), 'ContainerStatus', { container_id: 'ffffffffffff' }))).code).to.equal(Code.NOT_FOUND);
    expect((await rpcError(fx.env.container('ffffffffffff', 'x', ['/bin/true']))).code).to.equal(Code.NOT_FOUND);
    await unary(rt(), 'RemovePodSandbox', { pod_sandbox_id: 'ffffffffffff' }); // unknown is fine
  });

  it('rejects bad requests naming the field and leaves nothing behind', async () => {
    const pod = await fx.env.pod('strict');
    const ourMounts = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(fx.env.husk.dir)).length;
    const before = { containers: readdirSync(join(fx.env.husk.state, 'containers')).length, mounts: ourMounts() };
    const cases: [Record<string, unknown>, string][] = [
      [{ log_path: '../../../etc/evil.log' }, 'config.log_path'],
      [{ mounts: [{ container_path: '/data', host_path: 'relative/path' }] }, 'config.mounts[0].host_path'],
      [{ mounts: [{ container_path: '/data', host_path: '/no/such/dir/husk' }] }, 'config.mounts[0].host_path'],
      [{ working_dir: '../x' }, 'config.working_dir'],
    ];
    for (const [extra, field] of cases) {
      const err = await rpcError(fx.env.container(pod, 'bad', ['/bin/true'], extra));
      expect(err.code, field).to.equal(Code.INVALID_ARGUMENT);
      expect(err.details).to.match(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: `));
    }
    const noMeta = await rpcError(unary(rt(), 'RunPodSandbox', { config: { metadata: null } }));
    expect(noMeta).to.deep.include({ code: Code.INVALID_ARGUMENT });
    expect(noMeta.details).to.match(/^config\.metadata: /);
    expect(readdirSync(join(fx.env.husk.state, 'containers')).length).to.equal(before.containers);
    // As with containerd, the process (and so its binary) is only looked for at start.
    const nobin = await fx.env.container(pod, 'nobin', ['/no/such/binary']);
    const missingBinary = await rpcError(unary(rt(), 'StartContainer', { container_id: nobin }));
    expect(missingBinary.details).to.contain('/no/such/binary');
    expect(await status(nobin)).to.deep.include({ state: 2, reason: 'StartError' });
    await unary(rt(), 'RemoveContainer', { container_id: nobin });
    expect(ourMounts()).to.equal(before.mounts);
    expect(existsSync('/etc/evil.log')).to.equal(false);
  });

  it('stops and removes a pod with its containers and network, idempotently', async () => {
    const pod = await fx.env.pod('goner');
    const ctr = await fx.env.container(pod, 'sleeper', ['/bin/sleep', '3600']);
    await unary(rt(), 'StartContainer', { container_id: ctr });
    const netns = JSON.parse((await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: pod, verbose: true })).info.info!).namespaces.netnsPath as string;
    expect(existsSync(netns)).to.equal(true);
    await unary(rt(), 'StopPodSandbox', { pod_sandbox_id: pod });
    expect((await status(ctr)).state).to.equal(2);
    expect((await unary(rt(), 'PodSandboxStatus', { pod_sandbox_id: pod })).status!.state).to.equal(1);
    await unary(rt(), 'StopPodSandbox', { pod_sandbox_id: pod });
    await unary(rt(), 'RemovePodSandbox', { pod_sandbox_id: pod });
    await unary(rt(), 'RemovePodSandbox', { pod_sandbox_id: pod });
    expect((await unary(rt(), 'ListPodSandbox', { filter: { id: pod } })).items).to.deep.equal([]);
    await eventually(() => (existsSync(netns) ? undefined : true), 'the pinned netns to be freed in the background');
    expect((await unary(rt(), 'ListContainers', { filter: { pod_sandbox_id: pod } })).containers).to.deep.equal([]);
  });
});
