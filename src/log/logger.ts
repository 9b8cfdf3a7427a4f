import { pino, type Logger } from 'pino';

export type { Logger };

/** The process-wide structured JSON logger (pino). Children carry object IDs. */
export let log: Logger = pino({
  base: { svc: 'husk' },
  level: process.env.HUSK_LOG_LEVEL ?? 'info',
  timestamp: pino.stdTimeFunctions.isoTime,
});

export function setLogLevel(level: string): void {
  log.level = level;
}

/** Replaces the root logger (the daemon points it at its destination). */
export function setLogger(logger: Logger): void {
  log = logger;
}
