// TCP connections made from inside a network namespace (port-forward): the
// addon connects on a throw-away thread that joined the namespace, and the
// connected fd becomes an ordinary net.Socket in the daemon.
import { Socket } from 'node:net';
import { closeSync } from 'node:fs';
import { addon } from './addon.js';
import { isNativeError } from './errors.js';

export interface NetnsConnectOptions {
  /** Default 5000. */
  timeoutMs?: number;
}

/** Addresses to try for a host: IP literals as given, 'localhost' as IPv4 then IPv6. */
function candidates(host: string): string[] {
  if (host === 'localhost' || host === '') return ['127.0.0.1', '::1'];
  return [host.replace(/^\[(.*)\]$/, '$1')];
}

/** Connects to host:port inside the netns pinned at nsPath; returns the raw fd (caller owns it). */
export async function connectTcpFdInNetns(nsPath: string, host: string, port: number, options: NetnsConnectOptions = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const addrs = candidates(host);
  for (let i = 0; ; i++) {
    try {
      return await addon().netnsConnectTcp(nsPath, addrs[i]!, port, timeoutMs);
    } catch (e) {
      const last = i === addrs.length - 1;
      if (last || !(isNativeError(e, 'ECONNREFUSED') || isNativeError(e, 'EADDRNOTAVAIL') || isNativeError(e, 'ENETUNREACH'))) throw e;
    }
  }
}

/** Connects to host:port inside the netns pinned at nsPath and returns it as a net.Socket. */
export async function openTcpSocketInNetns(nsPath: string, host: string, port: number, options: NetnsConnectOptions = {}): Promise<Socket> {
  const fd = await connectTcpFdInNetns(nsPath, host, port, options);
  try {
    return new Socket({ fd, readable: true, writable: true });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
