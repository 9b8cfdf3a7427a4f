import { configPath, loadConfig } from '../config/load.js';
import { startDaemon } from '../daemon/daemon.js';
import { log } from '../log/logger.js';
import type { LogLevel } from '../config/config.js';

/** `husk serve`: runs until SIGTERM or SIGINT, then stops gracefully and exits 0. */
export async function serve(opts: { config?: string; logLevel?: LogLevel }): Promise<void> {
  const { path, explicit } = configPath(opts.config);
  const config = await loadConfig(path, explicit);
  if (opts.logLevel) config.log_level = opts.logLevel;
  const daemon = await startDaemon(config);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'signal received');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
