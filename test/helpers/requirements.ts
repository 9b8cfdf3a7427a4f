// Integration tests skip, with a printed reason, when the machine lacks what
// they need. Use inside `before()` / `it()` with a function (not arrow) so
// `this` is the mocha context.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { addonAvailable } from '../../src/native/index.js';
import { detectCgroupLayout } from '../../src/cgroups/index.js';

function skip(ctx: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

export function requireRoot(ctx: Mocha.Context): void {
  if (process.getuid?.() !== 0) skip(ctx, 'needs root');
}

/** Skips unless every named executable is on PATH (or is an absolute path that exists). */
export function requireTools(ctx: Mocha.Context, ...tools: string[]): void {
  for (const tool of tools) {
    if (tool.startsWith('/')) {
      if (!existsSync(tool)) skip(ctx, `needs ${tool}`);
      continue;
    }
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      skip(ctx, `needs ${tool} on PATH`);
    }
  }
}

export function requireFile(ctx: Mocha.Context, path: string, why: string): void {
  if (!existsSync(path)) skip(ctx, `needs ${path} (${why})`);
}

/** Skips unless the native addon is built (and, with `root`, unless running as root). */
export function requireAddon(ctx: Mocha.Context, { root = false } = {}): void {
  if (root) requireRoot(ctx);
  if (!addonAvailable()) skip(ctx, 'native addon not built (npm run build:native)');
}

/** The host's cgroup2 mount (on a hybrid host, the unified hierarchy); skips without one. */
export async function requireCgroup2Mount(ctx: Mocha.Context): Promise<string> {
  const mount = (await detectCgroupLayout()).v2Mount;
  if (!mount) skip(ctx, 'no cgroup2 mount');
  return mount;
}
