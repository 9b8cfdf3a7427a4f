import { constants } from 'node:os';
import { Signal, type Signal__Output } from '../generated/runtime/v1/Signal.js';

const SIGRTMIN = 34;
const SIGRTMAX = 64;
const ALIASES: Record<string, string> = { SIGCLD: 'SIGCHLD', SIGPOLL: 'SIGIO', SIGIOT: 'SIGABRT' };

/** "SIGTERM", "TERM", "15", "SIGRTMIN+3", "RTMAX-1" → a signal number; undefined when it is none. */
export function signalNumber(name: string): number | undefined {
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n >= 1 && n <= SIGRTMAX ? n : undefined;
  }
  let s = name.toUpperCase();
  if (!s.startsWith('SIG')) s = `SIG${s}`;
  s = ALIASES[s] ?? s;
  const rt = /^SIGRT(MIN|MAX)(?:([+-])(\d+))?$/.exec(s);
  if (rt) {
    const base = rt[1] === 'MIN' ? SIGRTMIN : SIGRTMAX;
    const n = base + (rt[2] === '-' ? -1 : 1) * Number(rt[3] ?? 0);
    return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
  }
  return (constants.signals as Record<string, number>)[s];
}

/** A CRI Signal enum value → its number; undefined for SIGNAL_RUNTIME_DEFAULT. */
export function criSignalNumber(value: number): number | undefined {
  if (value === Signal.SIGNAL_RUNTIME_DEFAULT) return undefined;
  const name = Object.entries(Signal).find(([, v]) => v === value)?.[0];
  return name ? signalNumber(name.replace(/^SIGNAL_/, '').replace('PLUS', '+').replace('MINUS', '-')) : undefined;
}

/** CRI name of a signal number, for ContainerStatus.stop_signal. */
export function criSignalOf(signal: number): Signal__Output {
  for (const [name, value] of Object.entries(Signal)) {
    if (value !== Signal.SIGNAL_RUNTIME_DEFAULT && criSignalNumber(value) === signal && !/SIGCLD|SIGPOLL|SIGIOT/.test(name)) return value as Signal__Output;
  }
  return Signal.SIGNAL_RUNTIME_DEFAULT;
}
