import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

/**
 * Routes the Temporal SDK's own log lines (worker, activities, workflow.log) to pino.
 * `handleSignals: false` when the caller orders its own shutdown on SIGINT/SIGTERM.
 */
export function installTemporalRuntime(logger: Logger, options = { handleSignals: true }): void {
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    sdkLogger[PINO_LEVEL[level]](meta ?? {}, message);
  Runtime.install({
    logger: {
      log,
      trace: (message, meta) => log('TRACE', message, meta),
      debug: (message, meta) => log('DEBUG', message, meta),
      info: (message, meta) => log('INFO', message, meta),
      warn: (message, meta) => log('WARN', message, meta),
      error: (message, meta) => log('ERROR', message, meta),
    },
    ...(options.handleSignals ? {} : { shutdownSignals: [] }),
  });
}
