// One exec or attach session, whatever the transport: hand the client's
// streams to the backend, and when it is done flush the output, report the
// result on the error channel and close, the order client-go relies on.
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../log/logger.js';
import type { StreamingBackend, StreamIO } from './backend.js';
import { resizeEvents } from './resize.js';
import { internalErrorStatus, nonZeroExitStatus, successStatus, type Status } from './status.js';

/** The client's channels once a transport has set them up. */
export interface RemoteCommandChannels {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: Readable;
  /** Puts the final status on the error channel (in the negotiated encoding) and ends it. */
  writeStatus(status: Status): Promise<void>;
  /** Ends the session after everything queued is sent. */
  close(): Promise<void>;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

export type RemoteCommand = { kind: 'exec'; containerId: string; cmd: string[]; tty: boolean } | { kind: 'attach'; containerId: string; tty: boolean };

export async function runRemoteCommand(command: RemoteCommand, channels: RemoteCommandChannels, backend: StreamingBackend, log: Logger): Promise<void> {
  const resize = command.tty && channels.resize ? resizeEvents(channels.resize) : undefined;
  if (!resize) channels.resize?.resume();
  const io: StreamIO = {
    stdin: channels.stdin,
    stdout: channels.stdout,
    stderr: command.tty ? undefined : channels.stderr,
    tty: command.tty,
    resize,
    signal: channels.signal,
  };
  let status: Status;
  try {
    if (command.kind === 'exec') {
      const { exitCode } = await backend.exec(command.containerId, command.cmd, io);
      status = exitCode === 0 ? successStatus() : nonZeroExitStatus(command.cmd, exitCode);
    } else {
      await backend.attach(command.containerId, io);
      status = successStatus();
    }
  } catch (err) {
    log.warn({ err, containerId: command.containerId }, `${command.kind} failed`);
    status = internalErrorStatus(command.kind === 'exec' ? 'error executing command in container' : 'error attaching to container', err);
  } finally {
    resize?.end();
  }
  if (!channels.signal.aborted) {
    await Promise.all([endAndFlush(channels.stdout), endAndFlush(channels.stderr)]);
    await channels.writeStatus(status).catch(() => undefined);
  }
  await channels.close();
}

async function endAndFlush(out: Writable | undefined): Promise<void> {
  if (!out) return;
  if (!out.writableEnded) out.end();
  await finished(out, { readable: false }).catch(() => undefined);
}
