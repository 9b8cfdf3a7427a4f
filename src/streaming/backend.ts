// What the streaming server needs from the pod/container domain. The server
// speaks the wire protocols; a backend only moves bytes in and out of a
// container or a pod's network namespace.
import type { Duplex, Readable, Writable } from 'node:stream';

/** Terminal size in character cells, as kubectl/crictl send it on the resize channel. */
export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The client's side of one exec or attach session.
 *
 * - `stdin` is present when the request asked for stdin; it ends when the
 *   client half-closes (crictl on EOF of its own stdin). The backend should
 *   close the process's stdin then.
 * - `stdout`/`stderr` are present when asked for. The backend writes to them
 *   and should not end them: the server ends them once the returned promise
 *   settles, after everything already written has been sent. Resolve only
 *   after the process's output has been fully written (e.g. after the child's
 *   'close', not 'exit').
 * - With `tty`, there is no stderr (its output goes to stdout) and `resize`
 *   yields each terminal size the client sends, ending with the session.
 * - `signal` aborts when the client goes away; an exec backend may kill the
 *   process, an attach backend must detach (never kill the container).
 */
export interface StreamIO {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  resize?: AsyncIterable<TerminalSize>;
  signal: AbortSignal;
}

export interface StreamingBackend {
  /**
   * Runs `cmd` in the container and resolves with its exit code once it has
   * exited and its output is written. Rejects for a failure to run it at all
   * (reported to the client as an internal error, like kubelet does).
   */
  exec(containerId: string, cmd: string[], io: StreamIO): Promise<{ exitCode: number }>;
  /** Attaches to the container's main process stdio; resolves when the session ends (process exit, or client gone). */
  attach(containerId: string, io: StreamIO): Promise<void>;
  /**
   * Connects to `port` on localhost inside the pod's network namespace and
   * pipes `conn` both ways. `conn` ends its readable side when the client
   * stops sending; the backend should then half-close its TCP side, and end
   * `conn` when the pod side is done. Resolves when both directions are done;
   * a rejection is reported to the client on the error stream.
   */
  portForward(podSandboxId: string, port: number, conn: Duplex): Promise<void>;
}
