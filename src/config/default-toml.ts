import { defaultConfig } from './config.js';

/** The full default configuration as commented TOML (`husk config default`). */
export function defaultConfigToml(): string {
  const d = defaultConfig();
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `# husk configuration. Every key is shown with its default value.
# Default location: /etc/husk/husk.toml (override: husk serve --config FILE, or HUSK_CONFIG).

# Persistent data: image content, unpacked layers, pod and container metadata.
root = ${JSON.stringify(d.root)}

# Volatile data: sockets, monitor state, pinned namespaces. Lost on reboot.
state = ${JSON.stringify(d.state)}

# The CRI gRPC socket. kubelet: --container-runtime-endpoint=unix://<socket>
socket = ${JSON.stringify(d.socket)}

# trace, debug, info, warn, error or fatal. debug adds request IDs and read-only RPCs.
log_level = ${JSON.stringify(d.log_level)}

# "cgroupfs" or "systemd"; must match kubelet's --cgroup-driver.
cgroup_driver = ${JSON.stringify(d.cgroup_driver)}

# Reported to kubelet as the sandbox image; pinned so image GC never removes it.
# Pods run husk's built-in pause process and never pull it.
pause_image = ${JSON.stringify(d.pause_image)}

[metrics]
# Prometheus text exposition on http://<address>/metrics. "" disables it.
address = ${JSON.stringify(d.metrics.address)}

[streaming]
# Exec, attach and port-forward server. Port 0 picks a free port.
address = ${JSON.stringify(d.streaming.address)}

[cni]
# Network configuration lists (*.conflist, *.conf, *.json); the first in name order is used.
conf_dir = ${JSON.stringify(d.cni.conf_dir)}
# Where CNI plugin executables are looked up, in order.
bin_dirs = ${list(d.cni.bin_dirs)}

[registry]
# Registry hosts spoken to over plain HTTP. Loopback registries always are.
insecure = ${list(d.registry.insecure)}
# A pull fails when no bytes arrive for this many seconds.
stall_timeout_seconds = ${d.registry.stall_timeout_seconds}

# Mirrors, tried in order before the registry itself; an http:// endpoint means plain HTTP.
# Images pulled through a mirror keep their upstream name.
# [registry.mirrors."docker.io"]
# endpoints = ["https://mirror.example.com", "http://10.0.0.5:5000"]
`;
}
