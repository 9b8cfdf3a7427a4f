import { findNetworkConfig } from './cni-config.js';

export interface NetworkReadiness {
  ready: boolean;
  reason: string;
  message: string;
  /** The conf file that would be used, when ready. */
  confFile?: string;
}

/** NetworkReady as kubelet reads it: true once a usable CNI network config exists. */
export async function cniReadiness(confDir: string, binDirs: string[]): Promise<NetworkReadiness> {
  const found = await findNetworkConfig(confDir, binDirs);
  if (found.list) return { ready: true, reason: '', message: '', confFile: found.list.file };
  return { ready: false, reason: 'NetworkPluginNotReady', message: found.problem };
}
