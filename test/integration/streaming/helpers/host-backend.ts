// A StreamingBackend for tests: exec runs a host process, attach runs the
// command registered for a fake container id, portForward dials 127.0.0.1.
// It ignores tty beyond routing stderr into stdout, and records resizes.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { startStreamingServer, type StreamingBackend, type StreamingServer, type StreamIO, type TerminalSize } from '../../../../src/streaming/index.js';

export class HostBackend implements StreamingBackend {
  readonly resizes: TerminalSize[] = [];
  readonly execs: { containerId: string; cmd: string[]; tty: boolean }[] = [];
  readonly forwards: { podSandboxId: string; port: number }[] = [];
  /** Fake containers for attach: container id -> the command "running" in it. */
  readonly attachCommands = new Map<string, string[]>();

  exec(containerId: string, cmd: string[], io: StreamIO): Promise<{ exitCode: number }> {
    this.execs.push({ containerId, cmd, tty: io.tty });
    return this.run(cmd, io);
  }

  async attach(containerId: string, io: StreamIO): Promise<void> {
    const cmd = this.attachCommands.get(containerId);
    if (!cmd) throw new Error(`no container ${containerId}`);
    await this.run(cmd, io);
  }

  portForward(podSandboxId: string, port: number, conn: Duplex): Promise<void> {
    this.forwards.push({ podSandboxId, port });
    return new Promise((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      sock.once('error', reject);
      sock.once('connect', () => {
        conn.pipe(sock);
        sock.pipe(conn);
        sock.once('close', () => resolve());
      });
    });
  }

  private run(cmd: string[], io: StreamIO): Promise<{ exitCode: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      child.once('error', reject);
      const onAbort = () => child.kill('SIGKILL');
      io.signal.addEventListener('abort', onAbort, { once: true });
      if (io.stdin) io.stdin.pipe(child.stdin);
      else child.stdin.end();
      child.stdin.on('error', () => undefined);
      if (io.stdout) child.stdout.pipe(io.stdout, { end: false });
      else child.stdout.resume();
      const errOut = io.tty ? io.stdout : io.stderr;
      if (errOut) child.stderr.pipe(errOut, { end: false });
      else child.stderr.resume();
      if (io.resize) {
        void (async () => {
          for await (const size of io.resize!) this.resizes.push(size);
        })();
      }
      child.once('close', (code, signal) => {
        io.signal.removeEventListener('abort', onAbort);
        io.stdin?.unpipe(child.stdin);
        resolve({ exitCode: code ?? (signal ? 128 : 1) });
      });
    });
  }
}

/** A streaming server on loopback over a fresh HostBackend for each test, closed after it. */
export function useHostStreamingServer(): { readonly server: StreamingServer; readonly backend: HostBackend } {
  let server: StreamingServer | undefined;
  let backend: HostBackend | undefined;
  beforeEach(async () => {
    backend = new HostBackend();
    server = await startStreamingServer({ address: '127.0.0.1:0', backend });
  });
  afterEach(() => server?.close());
  return {
    get server() {
      return server!;
    },
    get backend() {
      return backend!;
    },
  };
}
