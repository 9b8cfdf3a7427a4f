import { readdir, readFile, access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../common/errors.js';

export interface CniPluginConf {
  type: string;
  [key: string]: unknown;
}

/** A network configuration list (a `.conf` file is read as a list of one). */
export interface CniNetworkList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConf[];
  file: string;
  disableCheck?: boolean;
}

const CONF_EXTENSIONS = ['.conflist', '.conf', '.json'];

export type NetworkConfigLookup = { list: CniNetworkList } | { list?: undefined; problem: string };

/**
 * The network husk uses: the first file in `confDir`, in name order (as
 * containerd and CRI-O pick), that parses and whose plugins all exist.
 */
export async function findNetworkConfig(confDir: string, binDirs: string[]): Promise<NetworkConfigLookup> {
  let names: string[];
  try {
    names = (await readdir(confDir)).filter((n) => CONF_EXTENSIONS.some((ext) => n.endsWith(ext))).sort();
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    names = [];
  }
  if (names.length === 0) return { problem: `no CNI network config found in ${confDir}` };
  const problems: string[] = [];
  for (const name of names) {
    const file = join(confDir, name);
    const parsed = await parseNetworkFile(file);
    if (typeof parsed === 'string') {
      problems.push(`${name}: ${parsed}`);
      continue;
    }
    const missing = await firstMissingPlugin(parsed.plugins, binDirs);
    if (missing) {
      problems.push(`${name}: plugin "${missing}" not found in ${binDirs.join(', ')}`);
      continue;
    }
    return { list: parsed };
  }
  return { problem: `no usable CNI network config in ${confDir} (${problems.join('; ')})` };
}

/** Parses a conf or conflist file; returns the problem as a string when it is not usable. */
export async function parseNetworkFile(file: string): Promise<CniNetworkList | string> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    return `unreadable: ${(e as Error).message}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'not a JSON object';
  const conf = doc as Record<string, unknown>;
  if (typeof conf.name !== 'string' || !conf.name) return 'no "name"';
  const cniVersion = typeof conf.cniVersion === 'string' && conf.cniVersion ? conf.cniVersion : '0.2.0';
  const isList = file.endsWith('.conflist') || Array.isArray(conf.plugins);
  const plugins = isList ? conf.plugins : [conf];
  if (!Array.isArray(plugins) || plugins.length === 0) return 'no plugins';
  for (const p of plugins as Record<string, unknown>[]) {
    if (typeof p !== 'object' || p === null || typeof p.type !== 'string' || !/^[A-Za-z0-9._-]+$/.test(p.type)) {
      return 'a plugin has no valid "type"';
    }
  }
  return { cniVersion, name: conf.name, plugins: plugins as CniPluginConf[], file, disableCheck: conf.disableCheck === true };
}

async function firstMissingPlugin(plugins: CniPluginConf[], binDirs: string[]): Promise<string | undefined> {
  for (const p of plugins) if (!(await findPlugin(p.type, binDirs))) return p.type;
  return undefined;
}

export async function findPlugin(type: string, binDirs: string[]): Promise<string | undefined> {
  for (const dir of binDirs) {
    const path = join(dir, type);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
