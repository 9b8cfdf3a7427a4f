// The files a sandbox gets under /etc: resolv.conf from the CRI DNSConfig
// (or the host's when kubelet sends none), hostname, and a default hosts.

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export function resolvConf(dns: DnsConfig | null | undefined, hostResolvConf: string): string {
  if (!dns || (dns.servers.length === 0 && dns.searches.length === 0 && dns.options.length === 0)) return hostResolvConf;
  const lines: string[] = [];
  if (dns.searches.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

export function hostsFile(hostname: string, ips: string[]): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters'];
  for (const ip of ips) lines.push(`${ip}\t${hostname}`);
  return lines.join('\n') + '\n';
}
