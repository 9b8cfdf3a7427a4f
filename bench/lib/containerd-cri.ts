// Debian's containerd (1.6) with its CRI plugin, for comparison runs: its own
// root, state, sockets, CNI conf dir and bridge under one temp dir, the
// loopback registry as a plain-HTTP mirror of itself, a pause image from it.
// containerd 1.6 puts shim sockets under the hard-coded /run/containerd/s and
// go-cni caches results in /var/lib/cni, so it runs in a private mount
// namespace with tmpfs over /run and /var/lib: the host's stay untouched, and
// every mount it makes (snapshots, netns, shm) dies with that namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectCri, unary, type CriClients } from '../../src/client/cri-client.js';
import { writeBridgeConflist, type BridgeNetwork } from './bridge-network.js';
import { pidsOf } from './proc-memory.js';

export interface ContainerdCri {
  dir: string;
  pid: number;
  socket: string;
  network: BridgeNetwork;
  cri: CriClients;
  /** PIDs of the shims this containerd started (same mount namespace). */
  shimPids(): number[];
  output(): string;
  /** Stops containerd and every process left in its mount namespace, by PID; removes its dir and bridge. */
  stop(): Promise<void>;
}

export function containerdInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v containerd && command -v containerd-shim-runc-v2 && command -v runc && command -v unshare'], { stdio: 'ignore' }).status === 0;
}

function runcPath(): string {
  if (process.env.HUSK_BENCH_RUNC) return process.env.HUSK_BENCH_RUNC;
  return spawnSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).stdout.trim();
}

function configToml(dir: string, socket: string, registryHost: string, pauseImage: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = "${join(dir, 'root')}"`,
    `state = "${join(dir, 'state')}"`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '[grpc]',
    `  address = "${socket}"`,
    '[ttrpc]',
    `  address = "${socket}.ttrpc"`,
    '[debug]',
    '  level = "warn"',
    '[metrics]',
    '  address = ""',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${join(dir, 'opt')}"`,
    `[${cri}]`,
    `  sandbox_image = "${pauseImage}"`,
    '  disable_tcp_service = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    '  disable_apparmor = true',
    '  enable_selinux = false',
    // without CAP_SYS_RESOURCE (as in a container) runc may not lower oom_score_adj to the pause's -998
    '  restrict_oom_score_adj = true',
    `[${cri}.cni]`,
    '  bin_dir = "/usr/lib/cni"',
    `  conf_dir = "${join(dir, 'cni')}"`,
    '  max_conf_num = 1',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    `  BinaryName = "${runcPath()}"`,
    '  SystemdCgroup = false',
    `[${cri}.registry.mirrors."${registryHost}"]`,
    `  endpoint = ["http://${registryHost}"]`,
    '',
  ].join('\n');
}

function mountNs(pid: number): string {
  return readlinkSync(`/proc/${pid}/ns/mnt`);
}

export async function startContainerdCri(dir: string, registryHost: string, pauseImage: string): Promise<ContainerdCri> {
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'containerd.sock');
  const network = writeBridgeConflist(join(dir, 'cni'), join(dir, 'ipam'), 'husk-bc');
  const config = join(dir, 'config.toml');
  writeFileSync(config, configToml(dir, socket, registryHost, pauseImage));
  // unshare and sh exec in place, so the child's PID ends up being containerd's
  const proc: ChildProcess = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount -t tmpfs husk-bench-run /run && mount -t tmpfs husk-bench-varlib /var/lib && exec containerd --config "$0"', config],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const hostNs = mountNs(process.pid);
  const ns = (): string | undefined => {
    try {
      return mountNs(proc.pid!);
    } catch {
      return undefined;
    }
  };
  const inOurNs = (pid: number): boolean => {
    try {
      return mountNs(pid) === ns() && ns() !== hostNs;
    } catch {
      return false;
    }
  };
  const stop = async (): Promise<void> => {
    const nsId = ns();
    const stragglers = () => (nsId && nsId !== hostNs ? allPids().filter((p) => p !== proc.pid && safeNs(p) === nsId) : []);
    if (proc.exitCode === null && proc.signalCode === null) {
      process.kill(proc.pid!, 'SIGTERM');
      const timer = setTimeout(() => proc.exitCode === null && process.kill(proc.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // shims outlive containerd by design; they and their containers are ours
    for (let round = 0; round < 50; round++) {
      const left = stragglers();
      if (left.length === 0) break;
      for (const p of left) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    network.remove();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`containerd did not start: ${err.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cri = connectCri(socket);
  for (;;) {
    try {
      await unary(cri.runtime, 'Version', {}, 2000);
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        cri.close();
        await stop();
        throw new Error(`containerd's CRI did not answer: ${(e as Error).message}\n${err.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    dir,
    pid: proc.pid!,
    socket,
    network,
    cri,
    shimPids: () => pidsOf('containerd-shim-runc-v2', inOurNs),
    output: () => err,
    async stop() {
      cri.close();
      await stop();
    },
  };
}

function allPids(): number[] {
  return spawnSync('ls', ['/proc'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

function safeNs(pid: number): string | undefined {
  try {
    return mountNs(pid);
  } catch {
    return undefined;
  }
}
