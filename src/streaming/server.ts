// husk's streaming server: Exec, Attach and PortForward RPCs get a URL here
// (prepare*), and the client (kubelet, crictl) then opens it with a SPDY/3.1
// or WebSocket upgrade. Tokens are single-use and expire, as in kubelet.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Counter, Gauge } from 'prom-client';
import { InvalidArgumentError } from '../common/errors.js';
import { parseHostPort } from '../config/validate.js';
import type { AttachRequest } from '../generated/runtime/v1/AttachRequest.js';
import type { ExecRequest } from '../generated/runtime/v1/ExecRequest.js';
import type { PortForwardRequest } from '../generated/runtime/v1/PortForwardRequest.js';
import { log as rootLog } from '../log/logger.js';
import { metricsRegistry } from '../metrics/registry.js';
import type { StreamingBackend } from './backend.js';
import { writeHttpError } from './http-response.js';
import { servePortForwardSpdy } from './port-forward-spdy.js';
import { servePortForwardWebSocket } from './port-forward-ws.js';
import { serveRemoteCommandSpdy, type SessionOptions, type StdioRequest } from './remote-command-spdy.js';
import { serveRemoteCommandWebSocket } from './remote-command-ws.js';
import type { RemoteCommand } from './remote-command.js';
import { RequestCache } from './request-cache.js';
import { validateAttachRequest, validateExecRequest, validatePortForwardRequest } from './validate.js';
import { isWebSocketUpgrade } from './websocket-upgrade.js';

export interface StreamingServerOptions {
  /** host:port to listen on; port 0 picks a free one. */
  address: string;
  backend: StreamingBackend;
  /** Token lifetime (default 1 minute, like kubelet). */
  tokenTtlMs?: number;
  /** Most prepared-but-unused requests held at once (default 1000). */
  maxInFlight?: number;
  /** How long a SPDY client has to open its streams (default 30 s). */
  streamCreationTimeoutMs?: number;
  /** A session with no traffic for this long is closed (default 4 h). */
  idleTimeoutMs?: number;
  now?: () => number;
}

export interface StreamingServer {
  /** The bound address, host:port. */
  readonly address: string;
  /** e.g. http://127.0.0.1:41234/ */
  readonly baseUrl: string;
  /** Validates the request and returns the URL for ExecResponse.url. */
  prepareExec(req: ExecRequest): string;
  prepareAttach(req: AttachRequest): string;
  preparePortForward(req: PortForwardRequest): string;
  /** Stops listening and ends every open session. */
  close(): Promise<void>;
}

type Prepared =
  | { kind: 'exec'; req: ExecRequest }
  | { kind: 'attach'; req: AttachRequest }
  | { kind: 'portforward'; req: PortForwardRequest };

const ROUTE = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]+)$/;

const sessionsTotal = new Counter({
  name: 'husk_streaming_sessions_total',
  help: 'Streaming sessions opened, by kind (exec, attach, portforward) and transport (spdy, websocket).',
  labelNames: ['kind', 'transport'] as const,
  registers: [metricsRegistry],
});
const activeConnections = new Gauge({
  name: 'husk_streaming_connections',
  help: 'Open connections to the streaming server.',
  registers: [metricsRegistry],
});

export async function startStreamingServer(options: StreamingServerOptions): Promise<StreamingServer> {
  const hostPort = parseHostPort(options.address);
  if (!hostPort) throw new InvalidArgumentError('streaming.address', `must be "host:port", got "${options.address}"`);
  const log = rootLog.child({ component: 'streaming' });
  const cache = new RequestCache<Prepared>({ ttlMs: options.tokenTtlMs, maxInFlight: options.maxInFlight, now: options.now });
  const session: SessionOptions = {
    backend: options.backend,
    log,
    streamCreationTimeoutMs: options.streamCreationTimeoutMs ?? 30_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 4 * 60 * 60_000,
  };
  const sockets = new Set<Socket>();

  const lookup = (req: IncomingMessage): Prepared | undefined => {
    if (req.method !== 'GET' && req.method !== 'POST') return undefined;
    const m = ROUTE.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!m) return undefined;
    const prepared = cache.consume(m[2]!);
    return prepared?.kind === m[1] ? prepared : undefined;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // No upgrade asked for: kubelet answers like a failed upgrade, and the token is spent.
    if (!lookup(req)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('unable to upgrade: missing upgrade headers in request\n');
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const prepared = lookup(req);
    if (!prepared) {
      writeHttpError(socket, 404, '404 page not found');
      return;
    }
    const websocket = isWebSocketUpgrade(req);
    sessionsTotal.inc({ kind: prepared.kind, transport: websocket ? 'websocket' : 'spdy' });
    serve(prepared, req, socket as Socket, head, websocket).catch((err: unknown) => {
      log.error({ err }, 'streaming session failed');
      socket.destroy();
    });
  });

  async function serve(prepared: Prepared, req: IncomingMessage, socket: Socket, head: Buffer, websocket: boolean): Promise<void> {
    if (prepared.kind === 'portforward') {
      const podSandboxId = prepared.req.pod_sandbox_id!;
      if (websocket) return servePortForwardWebSocket(req, socket, head, podSandboxId, prepared.req.port ?? [], session);
      return servePortForwardSpdy(req, socket, head, podSandboxId, session);
    }
    const r = prepared.req;
    const stdio: StdioRequest = { stdin: !!r.stdin, stdout: !!r.stdout, stderr: !!r.stderr, tty: !!r.tty };
    const command: RemoteCommand =
      prepared.kind === 'exec'
        ? { kind: 'exec', containerId: r.container_id!, cmd: prepared.req.cmd ?? [], tty: stdio.tty }
        : { kind: 'attach', containerId: r.container_id!, tty: stdio.tty };
    if (websocket) return serveRemoteCommandWebSocket(req, socket, head, command, stdio, session);
    return serveRemoteCommandSpdy(req, socket, head, command, stdio, session);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    activeConnections.inc();
    socket.once('close', () => {
      sockets.delete(socket);
      activeConnections.dec();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(hostPort.port, hostPort.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  const baseUrl = `http://${urlHost(bound)}:${bound.port}/`;
  log.info({ address, baseUrl }, 'streaming server listening');

  return {
    address,
    baseUrl,
    prepareExec(req) {
      validateExecRequest(req);
      return `${baseUrl}exec/${cache.insert({ kind: 'exec', req })}`;
    },
    prepareAttach(req) {
      validateAttachRequest(req);
      return `${baseUrl}attach/${cache.insert({ kind: 'attach', req })}`;
    },
    preparePortForward(req) {
      validatePortForwardRequest(req);
      return `${baseUrl}portforward/${cache.insert({ kind: 'portforward', req })}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * The host to put in URLs. A wildcard bind is reachable on loopback, and the
 * URL's consumer (kubelet, crictl) runs on this node.
 */
function urlHost(bound: AddressInfo): string {
  if (bound.address === '0.0.0.0') return '127.0.0.1';
  if (bound.address === '::') return '[::1]';
  return bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
}
