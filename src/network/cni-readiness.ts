import { readdir, readFile, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../common/errors.js';

export interface NetworkReadiness {
  ready: boolean;
  reason: string;
  message: string;
  /** The conf file that would be used, when ready. */
  confFile?: string;
}

const CONF_EXTENSIONS = ['.conflist', '.conf', '.json'];

/**
 * NetworkReady as kubelet reads it: true when the first usable CNI config in
 * `confDir` (name order, as containerd and CRI-O pick) names plugins that all
 * exist in `binDirs`.
 */
export async function cniReadiness(confDir: string, binDirs: string[]): Promise<NetworkReadiness> {
  let names: string[];
  try {
    names = (await readdir(confDir)).filter((n) => CONF_EXTENSIONS.some((ext) => n.endsWith(ext))).sort();
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    names = [];
  }
  const problems: string[] = [];
  for (const name of names) {
    const file = join(confDir, name);
    const problem = await checkConf(file, binDirs);
    if (!problem) return { ready: true, reason: '', message: '', confFile: file };
    problems.push(`${name}: ${problem}`);
  }
  const message = names.length === 0 ? `no CNI network config found in ${confDir}` : `no usable CNI network config in ${confDir} (${problems.join('; ')})`;
  return { ready: false, reason: 'NetworkPluginNotReady', message };
}

async function checkConf(file: string, binDirs: string[]): Promise<string | undefined> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    return `unreadable: ${(e as Error).message}`;
  }
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const conf = doc as { name?: unknown; cniVersion?: unknown; plugins?: unknown; type?: unknown };
  if (typeof conf.name !== 'string' || !conf.name) return 'no "name"';
  const plugins = Array.isArray(conf.plugins) ? conf.plugins : file.endsWith('.conflist') ? [] : [conf];
  if (plugins.length === 0) return 'no plugins';
  for (const p of plugins as { type?: unknown }[]) {
    if (typeof p?.type !== 'string' || !p.type || p.type.includes('/')) return 'a plugin has no valid "type"';
    if (!(await findPlugin(p.type, binDirs))) return `plugin "${p.type}" not found in ${binDirs.join(', ')}`;
  }
  return undefined;
}

export async function findPlugin(type: string, binDirs: string[]): Promise<string | undefined> {
  for (const dir of binDirs) {
    const path = join(dir, type);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // try the next directory
    }
  }
  return undefined;
}
