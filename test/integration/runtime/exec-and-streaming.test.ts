// ExecSync over gRPC, and Exec/Attach/PortForward through the streaming
// server as crictl drives them (SPDY), against real containers.
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { status as Code, type ServiceError } from '@grpc/grpc-js';
import { unary } from '../../../src/client/cri-client.js';
import { requireTools } from '../../helpers/requirements.js';
import { freePort } from '../../helpers/free-port.js';
import { useRuntimeEnv, eventually, bodyWhenServing } from './cri-fixtures.js';

describe('exec, attach and port-forward', function () {
  this.timeout(120_000);
  const fx = useRuntimeEnv();
  let pod: string;
  let ctr: string;
  const rt = () => fx.env.husk.cri.runtime;
  const crictl = (...args: string[]) =>
    execFileSync('crictl', ['--runtime-endpoint', `unix://${fx.env.husk.socket}`, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });

  before(async function () {
    pod = await fx.env.pod('exec');
    ctr = await fx.env.container(pod, 'main', ['/bin/sh', '-c', 'mkdir -p /tmp/www && echo forwarded > /tmp/www/i.html && httpd -p 8080 -h /tmp/www && exec sleep 3600'], {
      linux: { security_context: { run_as_user: { value: 1002 } } },
    });
    await unary(rt(), 'StartContainer', { container_id: ctr });
  });

  it('ExecSync returns stdout, stderr and the exit code, as the container user', async () => {
    const res = await unary(rt(), 'ExecSync', { container_id: ctr, cmd: ['/bin/sh', '-c', 'id -u; echo oops >&2; exit 5'], timeout: 10 });
    expect(res.stdout.toString()).to.equal('1002\n');
    expect(res.stderr.toString()).to.equal('oops\n');
    expect(res.exit_code).to.equal(5);
  });

  it('ExecSync never loses the output of a command that exits at once', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await unary(rt(), 'ExecSync', { container_id: ctr, cmd: ['/bin/sh', '-c', 'echo x; echo y >&2'], timeout: 10 });
      expect([res.stdout.toString(), res.stderr.toString()], `run ${i}`).to.deep.equal(['x\n', 'y\n']);
    }
  });

  it('ExecSync kills the command at its timeout and answers DEADLINE_EXCEEDED', async () => {
    const started = Date.now();
    const err = (await unary(rt(), 'ExecSync', { container_id: ctr, cmd: ['sleep', '4321'], timeout: 1 }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).to.equal(Code.DEADLINE_EXCEEDED);
    expect(Date.now() - started).to.be.lessThan(15_000);
    // gone at once, not even a zombie waiting for some far-away reaper (critest checks right away)
    const ps = await unary(rt(), 'ExecSync', { container_id: ctr, cmd: ['ps', '-o', 'pid,stat,args'], timeout: 10 });
    const sleepers = ps.stdout.toString().split('\n').filter((l) => /sleep 4321|\bZ\b/.test(l));
    expect(sleepers).to.deep.equal([]);
  });

  it('ExecSync on a container that is not running is FAILED_PRECONDITION', async () => {
    const idle = await fx.env.container(pod, 'idle', ['/bin/true']);
    const err = (await unary(rt(), 'ExecSync', { container_id: idle, cmd: ['true'], timeout: 5 }).catch((e: unknown) => e)) as ServiceError;
    expect(err.code).to.equal(Code.FAILED_PRECONDITION);
  });

  it('Exec hands out a streaming URL that crictl exec uses, stdin and exit code included', function () {
    requireTools(this, 'crictl');
    expect(execFileSync('crictl', ['--runtime-endpoint', `unix://${fx.env.husk.socket}`, 'exec', '-i', ctr, 'sh', '-c', 'cat; echo done'], { input: 'typed\n', encoding: 'utf8', timeout: 20_000 })).to.equal('typed\ndone\n');
    for (let i = 0; i < 5; i++) expect(crictl('exec', ctr, 'sh', '-c', 'echo fast')).to.equal('fast\n');
    let failure: { status: number; stderr: string } | undefined;
    try {
      crictl('exec', ctr, 'sh', '-c', 'exit 6');
    } catch (e) {
      failure = e as { status: number; stderr: string };
    }
    expect(failure?.status).to.equal(1);
    expect(failure?.stderr).to.contain('command terminated with exit code 6');
  });

  it('Exec with a tty gets the client terminal size', function () {
    requireTools(this, 'crictl', 'script');
    const cmd = `stty rows 45 cols 123; crictl --runtime-endpoint unix://${fx.env.husk.socket} exec -it ${ctr} sh -c 'sleep 0.5; stty size'`;
    const out = execFileSync('script', ['-qc', cmd, '/dev/null'], { encoding: 'utf8', timeout: 20_000 });
    expect(out).to.contain('45 123');
  });

  it('PortForward reaches a port inside the pod network namespace', async function () {
    requireTools(this, 'crictl');
    const local = await freePort();
    const pf = spawn('crictl', ['--runtime-endpoint', `unix://${fx.env.husk.socket}`, 'port-forward', pod, `${local}:8080`], { stdio: 'ignore' });
    try {
      const body = await bodyWhenServing(`http://127.0.0.1:${local}/i.html`, 'port-forward to answer');
      expect(body).to.equal('forwarded\n');
    } finally {
      pf.kill();
    }
  });

  it('PortForward to a host-network pod reaches the port on the host', async function () {
    requireTools(this, 'crictl');
    const hostPort = await freePort();
    const server = createServer((c) => c.end('HTTP/1.0 200 OK\r\ncontent-length: 5\r\n\r\nhost\n')).listen(hostPort, '127.0.0.1');
    const hostPod = await fx.env.pod('hostnet', { linux: { security_context: { namespace_options: { network: 2 } } } });
    const local = await freePort();
    const pf = spawn('crictl', ['--runtime-endpoint', `unix://${fx.env.husk.socket}`, 'port-forward', hostPod, `${local}:${hostPort}`], { stdio: 'ignore' });
    try {
      expect(await bodyWhenServing(`http://127.0.0.1:${local}/`, 'port-forward to the host to answer')).to.equal('host\n');
    } finally {
      pf.kill();
      server.close();
    }
  });

  it('Attach streams the main process stdio', async function () {
    requireTools(this, 'crictl');
    const echo = await fx.env.container(pod, 'echo', ['/bin/sh', '-c', 'read line; echo got:$line'], { stdin: true, stdin_once: true });
    await unary(rt(), 'StartContainer', { container_id: echo });
    const out = execFileSync('crictl', ['--runtime-endpoint', `unix://${fx.env.husk.socket}`, 'attach', '-i', echo], { input: 'hello\n', encoding: 'utf8', timeout: 20_000 });
    expect(out).to.contain('got:hello');
  });

  it('ReopenContainerLog makes the monitor write to a fresh file after rotation', async () => {
    const talker = await fx.env.container(pod, 'talker', ['/bin/sh', '-c', 'while true; do echo tick; sleep 0.1; done']);
    await unary(rt(), 'StartContainer', { container_id: talker });
    const logPath = (await unary(rt(), 'ContainerStatus', { container_id: talker })).status!.log_path;
    await eventually(() => (readFileSync(logPath, 'utf8').includes('tick') ? true : undefined), 'first ticks');
    execFileSync('mv', [logPath, `${logPath}.1`]);
    await unary(rt(), 'ReopenContainerLog', { container_id: talker });
    await eventually(() => {
      try {
        return readFileSync(logPath, 'utf8').includes('tick') ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'ticks in the reopened log');
    expect(readFileSync(join(`${logPath}.1`), 'utf8')).to.match(/stdout F tick/);
  });

  it('reports container and pod stats from the cgroup and the writable layer', async () => {
    await unary(rt(), 'ExecSync', { container_id: ctr, cmd: ['sh', '-c', 'dd if=/dev/zero of=/tmp/blob bs=1M count=3 2>/dev/null'], timeout: 10 });
    const first = (await unary(rt(), 'ContainerStats', { container_id: ctr })).stats!;
    expect(Number(first.cpu!.usage_core_nano_seconds!.value)).to.be.greaterThan(0);
    expect(Number(first.memory!.working_set_bytes!.value)).to.be.greaterThan(0);
    expect(Number(first.writable_layer!.used_bytes!.value)).to.be.at.least(3 * 1024 * 1024);
    const listed = await unary(rt(), 'ListContainerStats', { filter: { pod_sandbox_id: pod } });
    expect(listed.stats.map((s) => s.attributes!.id)).to.include(ctr);
    const second = (await unary(rt(), 'ContainerStats', { container_id: ctr })).stats!;
    expect(second.cpu!.usage_nano_cores).to.not.equal(null); // a rate once there are two samples
    const podStats = (await unary(rt(), 'PodSandboxStats', { pod_sandbox_id: pod })).stats!;
    expect(Number(podStats.linux!.process!.process_count!.value)).to.be.greaterThan(0);
    expect(podStats.linux!.containers.map((c) => c.attributes!.id)).to.include(ctr);
  });

  it('UpdateContainerResources changes the running container cgroup', async () => {
    await unary(rt(), 'UpdateContainerResources', { container_id: ctr, linux: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_shares: 512 } });
    const st = await unary(rt(), 'ContainerStatus', { container_id: ctr });
    expect(Number(st.status!.resources!.linux!.memory_limit_in_bytes)).to.equal(64 * 1024 * 1024);
    const { cgroupPath } = JSON.parse((await unary(rt(), 'ContainerStatus', { container_id: ctr, verbose: true })).info.info!) as { cgroupPath: string };
    const v1 = `/sys/fs/cgroup/memory${cgroupPath}/memory.limit_in_bytes`;
    const limit = readFileSync(existsSync(v1) ? v1 : `/sys/fs/cgroup${cgroupPath}/memory.max`, 'utf8').trim();
    expect(limit).to.equal(String(64 * 1024 * 1024));
  });
});
