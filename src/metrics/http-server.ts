import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './registry.js';
import { parseHostPort } from '../config/validate.js';

export interface MetricsServer {
  address: string;
  close(): Promise<void>;
}

/** Prometheus text exposition on GET /metrics. */
export async function startMetricsServer(address: string): Promise<MetricsServer> {
  const { host, port } = parseHostPort(address)!;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('husk serves only /metrics here\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
