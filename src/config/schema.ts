// Declarative rules for every config key. One validator walks them, so an
// unknown key or a bad value is always reported with its full dotted name.

export type Rule =
  | { kind: 'path' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'string'; pattern?: RegExp; hint?: string }
  | { kind: 'address' }
  | { kind: 'list'; item: Rule }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'table'; fields: Record<string, Rule> }
  | { kind: 'map'; value: Rule };

const path: Rule = { kind: 'path' };
const address: Rule = { kind: 'address' };
const registryHost: Rule = { kind: 'string', pattern: /^[A-Za-z0-9.\-[\]:]+$/, hint: 'a registry host such as "registry.local:5000"' };
const endpoint: Rule = { kind: 'string', pattern: /^https?:\/\/[^\s/]+(\/\S*)?$/, hint: 'an http:// or https:// URL' };

export const configSchema: Rule = {
  kind: 'table',
  fields: {
    root: path,
    state: path,
    socket: path,
    log_level: { kind: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
    cgroup_driver: { kind: 'enum', values: ['cgroupfs', 'systemd'] },
    pause_image: { kind: 'string', pattern: /^\S+$/, hint: 'an image reference' },
    metrics: { kind: 'table', fields: { address } },
    streaming: { kind: 'table', fields: { address } },
    cni: { kind: 'table', fields: { conf_dir: path, bin_dirs: { kind: 'list', item: path } } },
    registry: {
      kind: 'table',
      fields: {
        insecure: { kind: 'list', item: registryHost },
        stall_timeout_seconds: { kind: 'int', min: 1, max: 3600 },
        mirrors: { kind: 'map', value: { kind: 'table', fields: { endpoints: { kind: 'list', item: endpoint } } } },
      },
    },
  },
};
