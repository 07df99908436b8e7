import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger';

const PINO_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const satisfies Record<LogLevel, string>;

export interface RuntimeOptions {
  /** False when the caller orders its own shutdown on SIGINT/SIGTERM. */
  handleSignals?: boolean;
  /** `host:port` where the SDK serves the worker's metrics (its own and portflow's) at `/metrics`. */
  metricsAddress?: string;
}

/**
 * Routes the Temporal SDK's own log lines (worker, activities, workflow.log) to pino, and
 * serves the worker's Prometheus metrics when given an address.
 */
export function installTemporalRuntime(
  logger: Logger,
  { handleSignals = true, metricsAddress }: RuntimeOptions = {},
): void {
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
    ...(handleSignals ? {} : { shutdownSignals: [] }),
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }
      : {}),
  });
}
