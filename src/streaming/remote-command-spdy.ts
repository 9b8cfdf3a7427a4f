// Exec and attach over SPDY, as kubelet's remotecommand server speaks it: the
// client opens one stream per channel, each tagged with a `streamtype` header,
// and the session starts once all the expected streams are there (error,
// plus each of stdin/stdout/stderr asked for, plus resize for a tty on v3+).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import type { StreamingBackend } from './backend.js';
import { HEADER_STREAM_TYPE, REMOTE_COMMAND_V1, REMOTE_COMMAND_V2, REMOTE_COMMAND_V4, REMOTE_COMMAND_V5, SPDY_REMOTE_COMMAND_PROTOCOLS } from './protocols.js';
import { runRemoteCommand, type RemoteCommand } from './remote-command.js';
import { SpdyServerConnection, type SpdyStream } from './spdy/connection.js';
import { upgradeToSpdy } from './spdy/upgrade.js';
import { encodeStatus } from './status.js';

export interface StdioRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface SessionOptions {
  backend: StreamingBackend;
  log: Logger;
  streamCreationTimeoutMs: number;
  idleTimeoutMs: number;
}

type ChannelName = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';
const CHANNELS: ReadonlySet<string> = new Set<ChannelName>(['error', 'stdin', 'stdout', 'stderr', 'resize']);

export function serveRemoteCommandSpdy(req: IncomingMessage, socket: Socket, head: Buffer, command: RemoteCommand, stdio: StdioRequest, options: SessionOptions): void {
  const protocol = upgradeToSpdy(req, socket, SPDY_REMOTE_COMMAND_PROTOCOLS);
  if (protocol === undefined) return;
  const log = options.log.child({ protocol, transport: 'spdy' });
  const jsonStatus = protocol === REMOTE_COMMAND_V4 || protocol === REMOTE_COMMAND_V5;
  const resizable = protocol !== REMOTE_COMMAND_V1 && protocol !== REMOTE_COMMAND_V2;
  const expected = 1 + Number(stdio.stdin) + Number(stdio.stdout) + Number(stdio.stderr) + Number(stdio.tty && resizable);

  const streams = new Map<ChannelName, SpdyStream>();
  let received = 0;
  let started = false;
  const aborted = new AbortController();

  const conn = new SpdyServerConnection(
    socket,
    {
      onStream(stream) {
        const type = stream.header(HEADER_STREAM_TYPE) ?? '';
        if (!CHANNELS.has(type) || started) {
          log.warn({ streamType: type }, 'unexpected stream type');
          stream.resume();
          return;
        }
        streams.set(type as ChannelName, stream);
        if (++received === expected) start();
      },
    },
    head,
  );
  socket.setTimeout(options.idleTimeoutMs, () => conn.destroy());
  const creationTimer = setTimeout(() => {
    log.warn({ received, expected }, 'timed out waiting for client to create streams');
    conn.destroy();
  }, options.streamCreationTimeoutMs);
  conn.once('close', () => {
    clearTimeout(creationTimer);
    aborted.abort();
  });

  function start(): void {
    started = true;
    clearTimeout(creationTimer);
    const error = streams.get('error');
    const stdin = streams.get('stdin');
    // The server only reads stdin and resize; drain whatever else a client sends.
    for (const name of ['error', 'stdout', 'stderr'] as const) streams.get(name)?.resume();
    // Old kubelets half-close stdin's server side at once on channel.k8s.io.
    if (protocol === REMOTE_COMMAND_V1) stdin?.end();
    void runRemoteCommand(
      command,
      {
        stdin: stdio.stdin ? stdin : undefined,
        stdout: stdio.stdout ? streams.get('stdout') : undefined,
        stderr: stdio.stderr ? streams.get('stderr') : undefined,
        resize: streams.get('resize'),
        signal: aborted.signal,
        async writeStatus(status) {
          if (!error) return;
          const bytes = encodeStatus(status, jsonStatus);
          await new Promise<void>((resolve) => (bytes ? error.end(bytes, resolve) : error.end(resolve)));
        },
        close: () => conn.close(),
      },
      options.backend,
      log,
    ).catch((err: unknown) => {
      log.error({ err }, 'remote command session failed');
      conn.destroy();
    });
  }
}
