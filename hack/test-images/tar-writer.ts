// A small tar writer for test layers: ustar headers, with PAX extended headers
// for long names, large ids and xattrs (SCHILY.xattr.*). Names are written
// exactly as given (no cleaning), so malicious entries can be built too.

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  /** Permission bits (and setuid/setgid/sticky); defaults: 0o644 files, 0o755 dirs, 0o777 links. */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch. */
  mtime?: number;
  data?: Uint8Array | string;
  /** Symlink target or hardlink target (an entry name). */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Uint8Array | string>;
}

/** A fixed mtime so the same inputs always give the same bytes (and digests). */
export const DEFAULT_MTIME = 1704067200; // 2024-01-01T00:00:00Z

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the trailing NUL
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function fitsOctal(value: number, width: number): boolean {
  return value >= 0 && value < 8 ** (width - 1);
}

function writeString(buf: Buffer, offset: number, width: number, s: string): void {
  const bytes = Buffer.from(s, 'utf8');
  bytes.copy(buf, offset, 0, Math.min(bytes.length, width));
}

/** One PAX record: "<len> <key>=<value>\n", where len counts the whole record. */
function paxRecord(key: string, value: Uint8Array | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), Buffer.from(value), Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len), 'utf8'), body]);
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

interface HeaderFields {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

function header(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, f.name);
  writeString(h, 100, 8, octal(f.mode & 0o7777, 8));
  writeString(h, 108, 8, octal(fitsOctal(f.uid, 8) ? f.uid : 0, 8));
  writeString(h, 116, 8, octal(fitsOctal(f.gid, 8) ? f.gid : 0, 8));
  writeString(h, 124, 12, octal(f.size, 12));
  writeString(h, 136, 12, octal(f.mtime, 12));
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, f.typeflag);
  writeString(h, 157, 100, f.linkname);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, f.uname);
  writeString(h, 297, 32, f.gname);
  writeString(h, 329, 8, octal(f.devmajor, 8));
  writeString(h, 337, 8, octal(f.devminor, 8));
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

function entryBlocks(e: TarEntry): Buffer[] {
  const data = e.type === 'file' && e.data !== undefined ? Buffer.from(e.data) : Buffer.alloc(0);
  const mode = e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' || e.type === 'hardlink' ? 0o777 : 0o644);
  const uid = e.uid ?? 0;
  const gid = e.gid ?? 0;
  const linkname = e.linkname ?? '';
  const pax: Buffer[] = [];
  if (Buffer.byteLength(e.name) > 100) pax.push(paxRecord('path', e.name));
  if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
  if (!fitsOctal(uid, 8)) pax.push(paxRecord('uid', String(uid)));
  if (!fitsOctal(gid, 8)) pax.push(paxRecord('gid', String(gid)));
  for (const [key, value] of Object.entries(e.xattrs ?? {})) pax.push(paxRecord(`SCHILY.xattr.${key}`, value));

  const out: Buffer[] = [];
  if (pax.length > 0) {
    const body = Buffer.concat(pax);
    const paxName = `PaxHeaders/${e.name.replace(/^\/+/, '')}`.slice(0, 99);
    out.push(
      header({ name: paxName, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: e.mtime ?? DEFAULT_MTIME, typeflag: 'x', linkname: '', uname: '', gname: '', devmajor: 0, devminor: 0 }),
      padded(body),
    );
  }
  out.push(
    header({
      name: e.name,
      mode,
      uid,
      gid,
      size: data.length,
      mtime: e.mtime ?? DEFAULT_MTIME,
      typeflag: TYPEFLAG[e.type],
      linkname,
      uname: e.uname ?? '',
      gname: e.gname ?? '',
      devmajor: e.devmajor ?? 0,
      devminor: e.devminor ?? 0,
    }),
  );
  if (data.length > 0) out.push(padded(data));
  return out;
}

/** The whole tar stream, ending with the two zero blocks. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(...entryBlocks(e));
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
