import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { CUSTOMER_SECRET_FIELDS, REDACTED } from './domain/secrets';

/** Keys whose values never reach a log line: customer carrier secrets and credentials. */
const SECRET_KEYS = [
  ...CUSTOMER_SECRET_FIELDS,
  'token',
  'authToken',
  'password',
  'wirelessAccountNumber',
  'wirelessPin',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'x-auth-token',
];

/**
 * How deep a secret may sit: a request body's `pin` is at depth 1 (`body.pin`), a port
 * request in an activity's or workflow's input at 2-3 (`input.request.pin`,
 * `args.0.request.pin`), a platform error's details at 4 (`err.details.0.details.pin`).
 */
const MAX_DEPTH = 5;

const pathOf = (depth: number, key: string) => {
  const field = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
  return depth === 0 ? key : `${Array(depth).fill('*').join('.')}${field}`;
};

/** Every secret key at every depth up to MAX_DEPTH (pino paths take no recursive wildcard). */
export const REDACTED_PATHS = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) =>
  SECRET_KEYS.map((key) => pathOf(depth, key)),
).flat();

export function createLogger(
  options: {
    level?: string;
    name?: string;
    destination?: DestinationStream;
    /** Pretty lines for a terminal; by default when stdout is one (a thread's never is). */
    pretty?: boolean;
  } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  };
  if (options.destination) return pino(config, options.destination);
  if (options.pretty ?? process.stdout.isTTY) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(config);
}

export type { Logger };
