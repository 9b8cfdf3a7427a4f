// A loopback HTTP proxy for image tests: forwards to a registry and records
// every request, or lets a test answer some requests itself (token service,
// redirects, failures). Listens on 127.0.0.1 only; closed by the test.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface TestProxy {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Return true when the request was answered; otherwise it is forwarded. */
export type Intercept = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface ProxyOptions {
  intercept?: Intercept;
  /** Rewrites the forwarded path (e.g. to serve another repository under this name). */
  rewritePath?: (path: string) => string;
}

export async function startProxy(targetUrl: string | undefined, opts: ProxyOptions = {}): Promise<TestProxy> {
  const { intercept, rewritePath } = opts;
  const target = targetUrl ? new URL(targetUrl) : undefined;
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    void (async () => {
      if (intercept && (await intercept(req, res))) return;
      if (!target) {
        res.writeHead(404).end();
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: rewritePath ? rewritePath(req.url ?? '/') : req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    })().catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Blob GETs the proxy saw, by digest. */
export function blobGets(seen: SeenRequest[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of seen) {
    const m = r.method === 'GET' ? /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(r.path) : null;
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  }
  return out;
}
