// Locating files shipped with husk (the built addon, config/) from wherever
// this module runs: src/ under tsx or dist/src/ after a build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The nearest ancestor's `relative` that exists; else the path under the source tree's root. */
export function findProjectFile(relative: string): string {
  let dir = here;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(here, '..', '..', relative);
    dir = parent;
  }
}
