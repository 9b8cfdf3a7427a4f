// Brings husk up in order (dirs, locks, domains, gRPC, metrics) and down in
// reverse. Holds no container as a child: stopping it leaves them running.
import { mkdir, lstat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HuskConfig } from '../config/config.js';
import { log, setLogLevel } from '../log/logger.js';
import { isErrno } from '../common/errors.js';
import { packageVersion } from '../common/package-info.js';
import { acquireLock, type HeldLock } from './lock.js';
import { openDomains } from './domains.js';
import { startStreamingServer } from '../streaming/index.js';
import { ContainerStreaming } from '../container/container-streaming.js';
import type { Domains } from '../server/domains.js';
import { startCriServer, type CriServer } from '../server/grpc-server.js';
import { startMetricsServer, type MetricsServer } from '../metrics/http-server.js';

export interface RunningDaemon {
  metricsAddress?: string;
  /** Graceful stop: in-flight calls finish (up to `graceMs`), then everything is released. */
  stop(graceMs?: number): Promise<void>;
}

/** How long a graceful stop waits for background teardowns. */
const TEARDOWN_GRACE_MS = 5000;

export async function startDaemon(config: HuskConfig): Promise<RunningDaemon> {
  setLogLevel(config.log_level);
  const undo: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const step of undo.reverse()) await step().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
  };
  try {
    await mkdir(config.root, { recursive: true, mode: 0o711 });
    await mkdir(config.state, { recursive: true, mode: 0o711 });
    await mkdir(dirname(config.socket), { recursive: true, mode: 0o755 });

    const locks: HeldLock[] = [
      await acquireLock(join(config.root, 'husk.lock'), `root ${config.root}`),
      await acquireLock(`${config.socket}.lock`, `socket ${config.socket}`),
    ];
    undo.push(async () => {
      for (const l of locks) await l.release();
    });
    await removeStaleSocket(config.socket);

    const core = await openDomains(config);
    // A teardown that hangs must not hold the stop: its tombstone is finished at the next start.
    undo.push(async () => {
      const settled = await Promise.race([core.settleTeardowns().then(() => true), sleep(TEARDOWN_GRACE_MS, false, { ref: false })]);
      if (!settled) log.warn({ graceMs: TEARDOWN_GRACE_MS }, 'background teardowns still running at stop; the next start finishes them');
    });
    undo.push(async () => core.events.close());
    const streaming = await startStreamingServer({ address: config.streaming.address, backend: new ContainerStreaming(core.pods, core.containers) });
    undo.push(() => streaming.close());
    const domains: Domains = { ...core, streaming };

    const cri: CriServer = await startCriServer(config.socket, domains);
    let graceMs = 10_000;
    undo.push(() => cri.shutdown(graceMs));

    let metrics: MetricsServer | undefined;
    if (config.metrics.address) {
      metrics = await startMetricsServer(config.metrics.address);
      undo.push(() => metrics!.close());
    }

    log.info({ version: packageVersion, socket: config.socket, metrics: metrics?.address ?? 'off', streaming: streaming.baseUrl, root: config.root, state: config.state }, 'husk serving');
    return {
      metricsAddress: metrics?.address,
      async stop(grace = 10_000) {
        graceMs = grace;
        log.info('husk stopping');
        await unwind();
        log.info('husk stopped');
      },
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

/** Called with the socket lock held, so a socket file left there is from a dead husk. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const st = await lstat(path);
    if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
    await unlink(path);
    log.info({ socket: path }, 'removed stale socket');
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
  }
}
