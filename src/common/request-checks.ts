// Field checks shared by the pod and container request parsers. Each throws
// InvalidArgumentError naming the field, so a bad request changes nothing.
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { InvalidArgumentError } from './errors.js';

/** A name that becomes part of paths and reserved names: printable, no '/', bounded. */
export function checkName(value: string | undefined | null, field: string, required = true): string {
  if (!value) {
    if (required) throw new InvalidArgumentError(field, 'is required');
    return '';
  }
  if (value.length > 253) throw new InvalidArgumentError(field, 'is longer than 253 characters');
  if (/[/\0\s]/.test(value) || value === '.' || value === '..') throw new InvalidArgumentError(field, `"${value}" is not a valid name`);
  return value;
}

/** An absolute path without '..' components (the kernel resolves nothing for us here). */
export function checkAbsolutePath(value: string, field: string): string {
  if (!value.startsWith('/')) throw new InvalidArgumentError(field, `"${value}" must be an absolute path`);
  if (value.includes('\0')) throw new InvalidArgumentError(field, 'contains a NUL byte');
  if (value.split('/').includes('..')) throw new InvalidArgumentError(field, `"${value}" must not contain ".."`);
  return posix.normalize(value);
}

/** A relative path that stays below its base directory. */
export function checkRelativePath(value: string, field: string): string {
  if (value.startsWith('/')) throw new InvalidArgumentError(field, `"${value}" must be relative`);
  if (value.includes('\0')) throw new InvalidArgumentError(field, 'contains a NUL byte');
  const normal = posix.normalize(value);
  if (normal === '..' || normal.startsWith('../') || value.split('/').includes('..')) throw new InvalidArgumentError(field, `"${value}" must not contain ".."`);
  return normal;
}

export function checkPort(value: number, field: string, allowZero: boolean): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > 65535) throw new InvalidArgumentError(field, `${value} is not a port`);
  return value;
}

export function checkIp(value: string, field: string): string {
  if (value && isIP(value) === 0) throw new InvalidArgumentError(field, `"${value}" is not an IP address`);
  return value;
}

export function checkHostname(value: string, field: string): string {
  if (value.length > 64 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(value)) throw new InvalidArgumentError(field, `"${value}" is not a valid hostname`);
  return value;
}
