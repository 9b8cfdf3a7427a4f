import { isIP } from 'node:net';
import type { Rule } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly key: string, problem: string, readonly file?: string) {
    super(`${file ? `${file}: ` : ''}${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Checks `value` against `rule` and returns it merged over `base` (the
 * defaults): keys absent from the file keep their default.
 */
export function validate(rule: Rule, value: unknown, base: unknown, key: string): unknown {
  switch (rule.kind) {
    case 'table': {
      if (!isPlainObject(value)) throw new ConfigError(key, `must be a table, got ${describe(value)}`);
      const baseObj = isPlainObject(base) ? base : {};
      const out: Record<string, unknown> = { ...baseObj };
      for (const [k, v] of Object.entries(value)) {
        const sub = rule.fields[k];
        const name = key ? `${key}.${k}` : k;
        if (!sub) throw new ConfigError(name, 'unknown key');
        out[k] = validate(sub, v, baseObj[k], name);
      }
      return out;
    }
    case 'map': {
      if (!isPlainObject(value)) throw new ConfigError(key, `must be a table, got ${describe(value)}`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = validate(rule.value, v, undefined, `${key}."${k}"`);
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new ConfigError(key, `must be a list, got ${describe(value)}`);
      return value.map((v, i) => validate(rule.item, v, undefined, `${key}[${i}]`));
    }
    case 'path':
      if (typeof value !== 'string' || !value.startsWith('/')) throw new ConfigError(key, `must be an absolute path, got ${describe(value)}`);
      if (value.split('/').includes('..')) throw new ConfigError(key, `must not contain "..", got "${value}"`);
      return value;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        throw new ConfigError(key, `must be one of ${rule.values.map((v) => `"${v}"`).join(', ')}, got ${describe(value)}`);
      }
      return value;
    case 'string':
      if (typeof value !== 'string' || (rule.pattern && !rule.pattern.test(value))) {
        throw new ConfigError(key, `must be ${rule.hint ?? 'a string'}, got ${describe(value)}`);
      }
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
        throw new ConfigError(key, `must be a whole number from ${rule.min} to ${rule.max}, got ${describe(value)}`);
      }
      return value;
    case 'address':
      if (typeof value !== 'string' || (value !== '' && !parseHostPort(value))) {
        throw new ConfigError(key, `must be "host:port" (or "" to disable), got ${describe(value)}`);
      }
      return value;
  }
}

/** Splits "127.0.0.1:9090" or "[::1]:9090" into host and port; undefined when malformed. */
export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host, port };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (isPlainObject(v)) return 'a table';
  return String(v);
}
