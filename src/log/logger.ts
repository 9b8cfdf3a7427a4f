import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The process-wide structured JSON logger (pino). Children carry object IDs.
 * Lines go to stdout with a plain write(2) each, as Go runtimes log: pino's
 * default asynchronous writes cost a pool-thread round trip per line.
 */
export let log: Logger = pino(
  {
    base: { svc: 'husk' },
    level: process.env.HUSK_LOG_LEVEL ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination({ dest: 1, sync: true }),
);

export function setLogLevel(level: string): void {
  log.level = level;
}

/** Replaces the root logger (the daemon points it at its destination). */
export function setLogger(logger: Logger): void {
  log = logger;
}
