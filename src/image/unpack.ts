// Unpacks one layer blob into an empty directory through native/out/husk-unpack,
// which decompresses, hashes the tar (the diffId) and refuses any entry that
// would leave the directory. The blob comes from a file or is streamed in, so
// a download can be unpacked while it arrives.
import { join } from 'node:path';
import { InternalError, isErrno } from '../common/errors.js';
import { packageRoot } from '../common/package-info.js';
import { spawnChild, type SpawnedChild } from '../native/index.js';
import { isDigest, type Digest } from './digest.js';
import { layerCompression } from './media-types.js';
import { LayerUnpackError, type UnpackFailure } from './unpack-error.js';

export { LayerUnpackError, type UnpackFailure } from './unpack-error.js';

export const UNPACK_BINARY = join(packageRoot, 'native/out/husk-unpack');

export interface UnpackLayerOptions {
  /** A blob file path, or the blob's bytes as a stream. */
  source: string | NodeJS.ReadableStream;
  mediaType: string;
  /** An existing, empty directory; on failure the caller removes it. */
  dest: string;
  signal?: AbortSignal;
  /** Flush the filesystem (syncfs) before reporting success. */
  sync?: boolean;
  /** Overrides the husk-unpack path (tests). */
  binary?: string;
}

export interface UnpackedLayerResult {
  /** sha256 of the uncompressed tar stream. */
  diffId: Digest;
  /** Bytes of the uncompressed tar stream. */
  size: number;
  entries: number;
}

interface ToolSuccess {
  diffId: string;
  size: number;
  entries: number;
}

interface ToolFailure {
  error: { kind: string; entry: string; message: string; errno: number };
}

function parseToolOutput(stdout: string): ToolSuccess | ToolFailure | undefined {
  const line = stdout.trim().split('\n').pop();
  if (!line) return undefined;
  try {
    return JSON.parse(line) as ToolSuccess | ToolFailure;
  } catch {
    return undefined;
  }
}

function failureReason(kind: string): UnpackFailure {
  return kind === 'escape' || kind === 'invalid' ? kind : 'system';
}

export async function unpackLayer(opts: UnpackLayerOptions): Promise<UnpackedLayerResult> {
  const compression = layerCompression(opts.mediaType);
  if (compression === undefined) {
    throw new LayerUnpackError('unsupported', '', `unsupported layer media type "${opts.mediaType}"`);
  }
  opts.signal?.throwIfAborted();
  const binary = opts.binary ?? UNPACK_BINARY;
  const args = ['--compression', compression];
  if (typeof opts.source === 'string') args.push('--input', opts.source);
  if (opts.sync) args.push('--sync');
  args.push('--', opts.dest);

  let child: SpawnedChild;
  try {
    child = await spawnChild(binary, args, { stdio: [typeof opts.source === 'string' ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new InternalError(`${binary} not found: build it with \`make -C native\``, err);
    throw new InternalError(`running ${binary}: ${(err as Error).message}`, err);
  }
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 4096)));
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    child.kill('SIGTERM');
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  // Feeding stdin: a source failure (network, a digest check upstream) kills
  // the tool. The tool exiting early (a bad layer) only unpipes: the source is
  // the caller's (possibly a tee branch) and is never destroyed here.
  let sourceError: unknown;
  let stopFeeding = () => {};
  if (typeof opts.source !== 'string') {
    const source = opts.source;
    const stdin = child.stdin!;
    stdin.on('error', () => {}); // EPIPE after an early exit; the tool's report says why
    const onSourceError = (err: unknown) => {
      sourceError ??= err;
      source.unpipe(stdin);
      child.kill('SIGKILL');
    };
    source.once('error', onSourceError);
    stopFeeding = () => {
      source.unpipe(stdin);
      source.removeListener('error', onSourceError);
    };
    source.pipe(stdin);
  }

  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await child.exited;
  } finally {
    stopFeeding();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (aborted) opts.signal!.throwIfAborted();
  if (sourceError !== undefined) throw sourceError;

  const out = parseToolOutput(stdout);
  if (result.code === 0 && out && 'diffId' in out && isDigest(out.diffId)) {
    return { diffId: out.diffId, size: out.size, entries: out.entries };
  }
  if (out && 'error' in out) {
    throw new LayerUnpackError(failureReason(out.error.kind), out.error.entry, out.error.message, out.error.errno);
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  throw new InternalError(`husk-unpack ${how}: ${(stderr || stdout).trim().slice(0, 1000)}`);
}
