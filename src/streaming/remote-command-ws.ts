// Exec and attach over WebSocket: channels 0 stdin, 1 stdout, 2 stderr,
// 3 error, 4 resize, as kubelet's remotecommand server lays them out.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SessionOptions, StdioRequest } from './remote-command-spdy.js';
import { WS_REMOTE_COMMAND_PROTOCOLS } from './protocols.js';
import { runRemoteCommand, type RemoteCommand } from './remote-command.js';
import { encodeStatus } from './status.js';
import { upgradeToWebSocket } from './websocket-upgrade.js';
import { WsChannels } from './ws-channels.js';

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;

export async function serveRemoteCommandWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  command: RemoteCommand,
  stdio: StdioRequest,
  options: SessionOptions,
): Promise<void> {
  const upgraded = await upgradeToWebSocket(req, socket, head, WS_REMOTE_COMMAND_PROTOCOLS);
  if (!upgraded) return;
  const { ws, protocol } = upgraded;
  const log = options.log.child({ protocol: protocol.name || '(none)', transport: 'websocket' });
  const mux = new WsChannels(ws, protocol, [
    { read: stdio.stdin, write: false },
    { read: false, write: stdio.stdout },
    { read: false, write: stdio.stderr },
    { read: false, write: true },
    { read: true, write: false },
  ]);
  const ch = mux.channels;
  const aborted = new AbortController();
  ws.once('close', () => aborted.abort());
  if ('setTimeout' in socket && typeof socket.setTimeout === 'function') socket.setTimeout(options.idleTimeoutMs, () => ws.terminate());

  // An empty message on the lowest writable channel tells the client the session is up.
  ch[stdio.stdout ? STDOUT : stdio.stderr ? STDERR : ERROR]!.write(Buffer.alloc(0));

  await runRemoteCommand(
    command,
    {
      stdin: stdio.stdin ? ch[STDIN] : undefined,
      stdout: stdio.stdout ? ch[STDOUT] : undefined,
      stderr: stdio.stderr ? ch[STDERR] : undefined,
      resize: ch[RESIZE],
      signal: aborted.signal,
      async writeStatus(status) {
        const bytes = encodeStatus(status, protocol.jsonStatus);
        if (bytes) await new Promise<void>((resolve) => ch[ERROR]!.write(bytes, () => resolve()));
      },
      close: () => mux.close(),
    },
    options.backend,
    log,
  ).catch((err: unknown) => {
    log.error({ err }, 'remote command session failed');
    ws.terminate();
  });
}
