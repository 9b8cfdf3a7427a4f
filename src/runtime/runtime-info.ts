// Runtime-wide facts and settings: what Version, Status, RuntimeConfig and
// UpdateRuntimeConfig report.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HuskConfig } from '../config/config.js';
import { packageVersion } from '../common/package-info.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import { isErrno } from '../common/errors.js';
import { cniReadiness } from '../network/cni-readiness.js';
import { log } from '../log/logger.js';

export interface Condition {
  type: 'RuntimeReady' | 'NetworkReady';
  status: boolean;
  reason: string;
  message: string;
}

interface PersistedSettings {
  podCidr: string;
}

export class RuntimeInfo {
  private settings: PersistedSettings = { podCidr: '' };

  constructor(readonly config: HuskConfig) {}

  private get settingsPath(): string {
    return join(this.config.root, 'runtime-config.json');
  }

  /** Re-reads settings kept across restarts (the pod CIDR kubelet sent). */
  async load(): Promise<void> {
    try {
      this.settings = { ...this.settings, ...(JSON.parse(await readFile(this.settingsPath, 'utf8')) as Partial<PersistedSettings>) };
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) log.warn({ err: e, file: this.settingsPath }, 'ignoring unreadable runtime settings');
    }
  }

  version() {
    return { version: '0.1.0', runtime_name: 'husk', runtime_version: packageVersion, runtime_api_version: 'v1' };
  }

  async conditions(): Promise<Condition[]> {
    const net = await cniReadiness(this.config.cni.conf_dir, this.config.cni.bin_dirs);
    return [
      { type: 'RuntimeReady', status: true, reason: '', message: '' },
      { type: 'NetworkReady', status: net.ready, reason: net.reason, message: net.message },
    ];
  }

  /** Extra facts for `crictl info` (Status with verbose). */
  verboseInfo(): Record<string, string> {
    return {
      config: JSON.stringify(this.config),
      podCIDR: this.settings.podCidr,
    };
  }

  get podCidr(): string {
    return this.settings.podCidr;
  }

  async setPodCidr(cidr: string): Promise<void> {
    if (cidr === this.settings.podCidr) return;
    this.settings = { ...this.settings, podCidr: cidr };
    await writeFileAtomic(this.settingsPath, JSON.stringify(this.settings) + '\n');
    log.info({ pod_cidr: cidr }, 'pod CIDR updated');
  }

  get cgroupDriver(): HuskConfig['cgroup_driver'] {
    return this.config.cgroup_driver;
  }
}
