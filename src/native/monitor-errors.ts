// Failures reported by husk-monitor: its JSON error line (create, exec) or an
// `error <errno> <message>` reply on the control socket. They are
// NativeErrors, so callers handle them like the addon's (errno, code, step).
import { constants } from 'node:os';
import { NativeError } from './errors.js';

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

export class MonitorError extends NativeError {
  constructor(step: string, errno: number, message: string) {
    const code = errno > 0 ? errnoNames.get(errno) : undefined;
    super(`${step}: ${message}`, { errno, code, step, detail: message });
    this.name = 'MonitorError';
  }
}

export function isMonitorError(e: unknown, code?: string): e is MonitorError {
  return e instanceof MonitorError && (code === undefined || e.code === code);
}

/** The `{"error":{"step","errno","message"}}` object the monitor prints, as a MonitorError. */
export function monitorErrorFromReport(report: { step?: unknown; errno?: unknown; message?: unknown }): MonitorError {
  return new MonitorError(
    typeof report.step === 'string' ? report.step : 'monitor',
    typeof report.errno === 'number' ? report.errno : 0,
    typeof report.message === 'string' ? report.message : 'unknown failure',
  );
}
