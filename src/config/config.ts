// The effective daemon configuration. Key names mirror the TOML file
// (`husk config default` prints it); operators and scripts rely on them.

export type CgroupDriver = 'cgroupfs' | 'systemd';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface RegistryMirror {
  /** Endpoints tried in order before the upstream; `http://` means plain HTTP. */
  endpoints: string[];
}

export interface HuskConfig {
  /** Persistent data: content store, layers, metadata. */
  root: string;
  /** Volatile data: sockets, monitor state, pinned namespaces. */
  state: string;
  socket: string;
  log_level: LogLevel;
  cgroup_driver: CgroupDriver;
  pause_image: string;
  metrics: { address: string };
  streaming: { address: string };
  cni: { conf_dir: string; bin_dirs: string[] };
  registry: {
    /** Registry hosts (host or host:port) spoken to over plain HTTP. */
    insecure: string[];
    /** A pull fails when no bytes arrive for this many seconds. */
    stall_timeout_seconds: number;
    mirrors: Record<string, RegistryMirror>;
  };
}

export function defaultConfig(): HuskConfig {
  return {
    root: '/var/lib/husk',
    state: '/run/husk',
    socket: '/run/husk/husk.sock',
    log_level: 'info',
    cgroup_driver: 'cgroupfs',
    pause_image: 'registry.k8s.io/pause:3.10',
    metrics: { address: '127.0.0.1:9090' },
    streaming: { address: '127.0.0.1:0' },
    cni: { conf_dir: '/etc/cni/net.d', bin_dirs: ['/opt/cni/bin', '/usr/lib/cni'] },
    registry: { insecure: [], stall_timeout_seconds: 60, mirrors: {} },
  };
}
