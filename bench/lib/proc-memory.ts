// Resident memory of processes, from /proc/<pid>/status.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** VmRSS in kB; NaN when the process is gone. */
export function vmRssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** PIDs whose comm is `comm` (its first 15 bytes) and that `match` accepts. */
export function pidsOf(comm: string, match: (pid: number) => boolean): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm.slice(0, 15)) continue;
      if (match(Number(entry))) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

export interface RssSummary {
  count: number;
  avgKb: number;
  maxKb: number;
  totalKb: number;
}

export function rssOf(pids: number[]): RssSummary {
  const kbs = pids.map(vmRssKb).filter((kb) => Number.isFinite(kb));
  const totalKb = kbs.reduce((a, b) => a + b, 0);
  return { count: kbs.length, avgKb: kbs.length ? totalKb / kbs.length : NaN, maxKb: kbs.length ? Math.max(...kbs) : NaN, totalKb };
}

export function cmdlineIncludes(needle: string): (pid: number) => boolean {
  return (pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(needle);
}

/** husk-monitor runs in its container's (or pod's) state directory. */
export function cwdUnder(dir: string): (pid: number) => boolean {
  return (pid) => readlinkSync(`/proc/${pid}/cwd`).startsWith(dir + '/');
}
