// Request checks shared by handlers. Each failure names the request field.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../common/errors.js';

/** Proto3 messages arrive as null when absent; this makes "required" explicit. */
export function requireMessage<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new InvalidArgumentError(field, 'is required');
  return value;
}

export function requireString(value: string | null | undefined, field: string): string {
  if (!value) throw new InvalidArgumentError(field, 'is required');
  return value;
}

/** One CIDR or a comma-separated dual-stack pair, as kubelet sends the pod CIDR. */
export function checkCidrList(value: string, field: string): string {
  for (const part of value.split(',')) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(part.trim());
    const family = m ? isIP(m[1]!) : 0;
    if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) {
      throw new InvalidArgumentError(field, `"${part}" is not a CIDR`);
    }
  }
  return value;
}
