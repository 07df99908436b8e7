import pino, { type Logger, type LoggerOptions } from 'pino';

/** Paths that must never reach a log line: customer carrier secrets and credentials. */
export const REDACTED_PATHS = [
  'pin',
  'accountNumber',
  '*.pin',
  '*.accountNumber',
  '*.*.pin',
  '*.*.accountNumber',
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
  'headers["x-auth-token"]',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  };
  if (process.stdout.isTTY) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(config);
}

export type { Logger };
