// Platform matching for image indexes and manifest lists, with containerd's
// compatibility order: an arm64 host also runs arm v8..v5, an amd64 host
// runs 386, an arm v7 host runs v6 and v5.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, Platform> = {
  x86_64: { os: '', architecture: 'amd64' },
  x86: { os: '', architecture: '386' },
  i386: { os: '', architecture: '386' },
  aarch64: { os: '', architecture: 'arm64' },
  armhf: { os: '', architecture: 'arm', variant: 'v7' },
  armel: { os: '', architecture: 'arm', variant: 'v6' },
};

/** Canonical form: aliases resolved, arm64 "v8" and amd64 "v1" dropped, plain arm is v7. */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant ?? '';
  const alias = ARCH_ALIASES[architecture];
  if (alias) {
    architecture = alias.architecture;
    if (alias.variant && !variant) variant = alias.variant;
  }
  if (architecture === 'arm64' && (variant === 'v8' || variant === '8')) variant = '';
  if (architecture === 'amd64' && variant === 'v1') variant = '';
  if (architecture === 'arm') {
    if (!variant) variant = 'v7';
    else if (/^[0-9]+$/.test(variant)) variant = `v${variant}`;
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The platforms a host runs, best first. */
export function compatiblePlatforms(host: Platform): Platform[] {
  const p = normalizePlatform(host);
  const out: Platform[] = [p];
  const level = (v: string | undefined) => Number.parseInt((v ?? '').replace(/^v/, ''), 10);
  switch (p.architecture) {
    case 'amd64': {
      for (let v = level(p.variant) - 1; v >= 1; v--) out.push(v === 1 ? { os: p.os, architecture: 'amd64' } : { os: p.os, architecture: 'amd64', variant: `v${v}` });
      out.push({ os: p.os, architecture: '386' });
      break;
    }
    case 'arm': {
      for (let v = level(p.variant) - 1; v >= 5; v--) out.push({ os: p.os, architecture: 'arm', variant: `v${v}` });
      break;
    }
    case 'arm64': {
      for (let v = 8; v >= 5; v--) out.push({ os: p.os, architecture: 'arm', variant: `v${v}` });
      break;
    }
  }
  return out;
}

/** The host platform as OCI names it (`process.arch` speaks Node's names). */
export function hostPlatform(): Platform {
  const archByNode: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips64el: 'mips64le', loong64: 'loong64' };
  const architecture = archByNode[process.arch] ?? process.arch;
  if (architecture === 'arm') {
    const armVersion = (process.config.variables as Record<string, unknown>)['arm_version'];
    return normalizePlatform({ os: 'linux', architecture, variant: armVersion ? `v${String(armVersion)}` : undefined });
  }
  return { os: 'linux', architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * Index of the entry to pull for `host`, or -1 when none fits. Entries earlier
 * in the compatibility order win; among equals, the first listed. An entry
 * without a platform is a last resort.
 */
export function selectPlatform(entries: ReadonlyArray<{ platform?: Platform }>, host: Platform): number {
  const wanted = compatiblePlatforms(host);
  let best = -1;
  let bestRank = Number.POSITIVE_INFINITY;
  entries.forEach((entry, i) => {
    let rank: number;
    if (!entry.platform || !entry.platform.os || !entry.platform.architecture) {
      rank = wanted.length;
    } else {
      const p = normalizePlatform(entry.platform);
      rank = wanted.findIndex((w) => w.os === p.os && w.architecture === p.architecture && (w.variant ?? '') === (p.variant ?? ''));
      if (rank < 0) return;
    }
    if (rank < bestRank) {
      best = i;
      bestRank = rank;
    }
  });
  return best;
}
