import { readFile } from 'node:fs/promises';
import { parse as parseToml, TomlError } from 'smol-toml';
import { defaultConfig, type HuskConfig } from './config.js';
import { configSchema } from './schema.js';
import { ConfigError, validate } from './validate.js';
import { isErrno } from '../common/errors.js';

export const DEFAULT_CONFIG_PATH = '/etc/husk/husk.toml';

/** Which file to read: `--config`, then `HUSK_CONFIG`, then the default path. */
export function configPath(flag?: string, env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  if (flag) return { path: flag, explicit: true };
  if (env.HUSK_CONFIG) return { path: env.HUSK_CONFIG, explicit: true };
  return { path: DEFAULT_CONFIG_PATH, explicit: false };
}

export function parseConfig(text: string, file?: string): HuskConfig {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(`line ${e.line}`, e.message.split('\n')[0] ?? 'invalid TOML', file);
    throw e;
  }
  try {
    return validate(configSchema, doc, defaultConfig(), '') as HuskConfig;
  } catch (e) {
    if (e instanceof ConfigError && file) throw new ConfigError(e.key, e.message.slice(e.key.length + 2), file);
    throw e;
  }
}

/**
 * Loads the effective configuration. A missing file means all defaults, but
 * only for the default path: a file the operator named must exist.
 */
export async function loadConfig(path: string, explicit: boolean): Promise<HuskConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (!explicit && isErrno(e, 'ENOENT')) return defaultConfig();
    throw new ConfigError('file', `cannot read: ${(e as Error).message}`, path);
  }
  return parseConfig(text, path);
}
