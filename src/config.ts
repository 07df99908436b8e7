import { z } from 'zod';
import { DAY_MS, durationMs } from './domain/duration';
import { AGING_LINE_TYPES, agingPeriodProblem, type AgingLineType } from './domain/release';
import { DEFAULT_WEBHOOK_RETRY_WAITS_MS, parseRetrySchedule } from './domain/webhook-event';

const port = z.coerce.number().int().min(1).max(65_535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** `host:port` to listen on, as `0.0.0.0:9464` or `[::1]:9464`. */
const listenAddress = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, as 0.0.0.0:9464');

function json<T extends z.ZodType>(schema: T) {
  return z.string().transform((text, ctx): z.output<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
      return z.NEVER;
    }
    return withoutPrototype(result.data);
  });
}

/**
 * These maps are read by partition ID, token or key ID, which may be `__proto__` or
 * `constructor`: such a key must find nothing, not what every object inherits.
 */
function withoutPrototype<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.assign(Object.create(null) as T & object, value);
}

/** `{"tok-a": ["p1", "p2"], "tok-admin": ["*"]}`: each token and the partitions it may use. */
export const apiTokensSchema = z.record(z.string().min(16), z.array(z.string().min(1)).min(1));

/** Standard Webhooks' form of a secret: `whsec_` and the base64 of 24 to 64 random bytes. */
const STANDARD_SECRET = /^whsec_([A-Za-z0-9+/]{32,88}={0,2})$/;

/**
 * `{"p1": {"url": "https://...", "secret": "whsec_..."}}`: a webhook per partition. A secret of
 * 16+ characters without `whsec_` still works (signed as the raw bytes of the string).
 */
export const webhooksSchema = z.record(
  z.string().min(1),
  z.object({
    url: z.url(),
    secret: z
      .string()
      .min(16)
      .refine((secret) => !secret.startsWith('whsec_') || isStandardSecret(secret), {
        message: 'a whsec_ secret must be whsec_ and the base64 of 24 to 64 bytes',
      }),
  }),
);

function isStandardSecret(secret: string): boolean {
  const base64 = STANDARD_SECRET.exec(secret)?.[1];
  if (base64 === undefined) return false;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length >= 24 && bytes.length <= 64 && bytes.toString('base64') === base64;
}

/** `5s,5m,30m`: the waits between a webhook event's attempts, in milliseconds. */
const retrySchedule = z.string().transform((text, ctx) => {
  const waits = parseRetrySchedule(text);
  if (typeof waits === 'string') {
    ctx.addIssue({ code: 'custom', message: waits });
    return z.NEVER;
  }
  return waits;
});

/** `{"p1": {"period": "120d", "lineType": "BUSINESS"}}`: a partition's own aging period. */
export const agingPeriodsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a partition ID'),
  z.object({ period: durationMs, lineType: z.enum(AGING_LINE_TYPES) }),
);

/** `{"k1": "<base64 of 32 bytes>", ...}`; the first key encrypts, every key decrypts. */
export const codecKeysSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  z.string().refine((key) => Buffer.from(key, 'base64').length === 32, 'must be 32 bytes, base64'),
);

/** `http://127.0.0.1:8233,https://temporal-ui.example`: browser origins (scheme, host, port). */
export const originsSchema = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()))
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^https?:\/\/[^/\s]+$/,
          'must be origins like http://127.0.0.1:8233, comma-separated',
        ),
    ),
  );

/** The whole environment of every portflow process, parsed once at start-up. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('portflow'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_TOKENS: json(apiTokensSchema).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /**
   * Requests that start work and wait on Temporal at once, per API process; past it a request is
   * answered 429 with Retry-After at once instead of queueing.
   */
  API_MAX_ADMISSIONS: z.coerce.number().int().min(1).max(10_000).default(64),
  /**
   * Ports of up to this many numbers are held before POST answers (a busy number is a 409);
   * larger ones answer 202 at once and hold their numbers in phase ADMITTING.
   */
  PORT_SYNC_HOLD_LIMIT: z.coerce.number().int().min(1).max(10_000).default(300),
  /** Where a worker serves its Prometheus metrics (the SDK's and portflow's workflow outcomes). */
  WORKER_METRICS_ADDRESS: listenAddress.optional(),
  /**
   * Workflows a worker keeps in memory between their tasks (about 0.5 MiB each for a port); the
   * rest are replayed from history when they next run. The SDK's default grows with the heap
   * limit (some 2,300 on a 24 GiB machine, 1.5 GiB of RSS): 250 keeps a worker under 500 MiB.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(250),

  /** Which platform PLATFORM_BASE_URL is: the seed guide's, or a real Alianza partition. */
  PLATFORM_KIND: z.enum(['seed', 'alianza']).default('seed'),
  PLATFORM_BASE_URL: z.url().optional(),
  /** The seed's X-AUTH-TOKEN. */
  PLATFORM_TOKEN: z.string().min(1).optional(),
  /** Alianza's login (POST /v2/authorize): its session token is fetched, and fetched again when it expires. */
  PLATFORM_USERNAME: z.string().min(1).optional(),
  PLATFORM_PASSWORD: z.string().min(1).optional(),
  /**
   * Below the 15 s start-to-close of a port submission (src/workflows/port-submission.ts): a
   * call still waiting then is timed out by Temporal and retried, over and over.
   */
  PLATFORM_TIMEOUT: durationMs
    .refine((ms) => ms <= 14_000, 'must be at most 14s: a port submission is retried after 15 s')
    .default(10_000),

  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_PORT: port.default(4010),
  /** Where the emulator posts each port status change (its notification extension). */
  EMULATOR_CALLBACK_URL: z.url().optional(),
  /** The secret the emulator signs its notifications with: PLATFORM_NOTIFICATION_SECRET. */
  EMULATOR_CALLBACK_SECRET: z.string().min(16).optional(),
  /** Which API the emulator speaks over its one carrier simulation: the seed's or Alianza's. */
  EMULATOR_DIALECT: z.enum(['seed', 'alianza']).default('seed'),

  DATA_DIR: z.string().min(1).default('.data'),
  PORT_POLL_INTERVAL: durationMs.default(3_600_000),
  SUPPLEMENT_WINDOW: durationMs.default(30 * DAY_MS),
  AGING_PERIOD: durationMs.default(90 * DAY_MS),
  AGING_PERIODS: json(agingPeriodsSchema).optional(),
  /** Embedded demo/test mode only: lets AGING_PERIOD and AGING_PERIODS leave the FCC bounds. */
  AGING_DEMO: bool.default(false),
  /** Numbers per platform order call: the seed advises batches of 50-100. */
  ORDER_BATCH_SIZE: z.coerce.number().int().min(50).max(100).default(100),
  /** Platform order calls one order has in flight at once. */
  ORDER_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** How long a batch is retried through platform outages before its numbers are FAILED. */
  ORDER_BATCH_RETRY_WINDOW: durationMs.default(3_600_000),
  /** How long POST /telephone-number/order waits for the result before answering 202. */
  ORDER_RESPONSE_WAIT: durationMs
    .refine((ms) => ms <= 60_000, 'must be at most 60s')
    .default(5_000),
  CODEC_KEYS: json(codecKeysSchema).optional(),
  /** The Temporal Web UI origins allowed to call the codec endpoint from a browser. */
  CODEC_CORS_ORIGINS: originsSchema.optional(),
  /**
   * Embedded demo mode only: the codec endpoint decodes for loopback callers with no token, so
   * the dev server's Web UI shows payloads (secrets still redacted) with no sign-in.
   */
  CODEC_WITHOUT_SIGN_IN: bool.optional(),
  WEBHOOKS: json(webhooksSchema).optional(),
  /**
   * The waits between a webhook event's attempts after the first (sent at once): Standard
   * Webhooks' schedule. An event whose last attempt fails is FAILED (and may be redelivered).
   */
  WEBHOOK_RETRY_SCHEDULE: retrySchedule.default(DEFAULT_WEBHOOK_RETRY_WAITS_MS),
  /** The secret a platform signs its notifications to POST /platform/notifications with. */
  PLATFORM_NOTIFICATION_SECRET: z.string().min(16).optional(),
});

export type Config = z.output<typeof configSchema>;

/** Whether `host` is this machine only: a browser or process elsewhere cannot reach it. */
export function isLoopbackHost(host: string): boolean {
  return ['localhost', '::1', '[::1]'].includes(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A codec without sign-in shows payloads to anyone on this machine: emulator data only. */
function checkCodecWithoutSignIn(
  config: Pick<Config, 'CODEC_WITHOUT_SIGN_IN' | 'NODE_ENV' | 'PLATFORM_BASE_URL' | 'API_HOST'>,
  ctx: z.RefinementCtx,
): void {
  if (!config.CODEC_WITHOUT_SIGN_IN) return;
  const refusal =
    config.NODE_ENV === 'production'
      ? 'is for embedded demo mode only, never with NODE_ENV=production'
      : config.PLATFORM_BASE_URL
        ? 'is for the emulator only, never with PLATFORM_BASE_URL (a real platform)'
        : !isLoopbackHost(config.API_HOST)
          ? `is for a loopback API only, never with API_HOST=${config.API_HOST}`
          : undefined;
  if (refusal) ctx.addIssue({ code: 'custom', path: ['CODEC_WITHOUT_SIGN_IN'], message: refusal });
}

/** A callback URL without its secret would send notifications nobody can trust. */
function checkEmulatorCallback(
  config: Pick<Config, 'EMULATOR_CALLBACK_URL' | 'EMULATOR_CALLBACK_SECRET'>,
  ctx: z.RefinementCtx,
): void {
  if (config.EMULATOR_CALLBACK_URL && !config.EMULATOR_CALLBACK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['EMULATOR_CALLBACK_SECRET'],
      message: 'is required with EMULATOR_CALLBACK_URL: notifications are signed',
    });
  }
}

/** The FCC aging bounds, unless AGING_DEMO (never in production) lifts them. */
function checkAgingRules(
  config: Pick<Config, 'AGING_DEMO' | 'NODE_ENV' | 'AGING_PERIOD' | 'AGING_PERIODS'>,
  ctx: z.RefinementCtx,
): void {
  if (config.AGING_DEMO) {
    if (config.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['AGING_DEMO'],
        message: 'is for embedded demo/test mode only, never with NODE_ENV=production',
      });
    }
    return;
  }
  const defaultProblem = agingPeriodProblem(config.AGING_PERIOD);
  if (defaultProblem)
    ctx.addIssue({ code: 'custom', path: ['AGING_PERIOD'], message: defaultProblem });
  for (const [partitionId, { period, lineType }] of Object.entries(config.AGING_PERIODS ?? {})) {
    const problem = agingPeriodProblem(period, lineType);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        path: ['AGING_PERIODS', partitionId, 'period'],
        message: problem,
      });
    }
  }
}

/** A partition's aging period: its own from AGING_PERIODS, else AGING_PERIOD. */
export function agingPeriodOf(
  config: Pick<Config, 'AGING_PERIOD' | 'AGING_PERIODS'>,
  partitionId: string,
): { periodMs: number; lineType?: AgingLineType } {
  const own = config.AGING_PERIODS?.[partitionId];
  return own ? { periodMs: own.period, lineType: own.lineType } : { periodMs: config.AGING_PERIOD };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Why an entry point cannot run without a variable that is optional elsewhere. */
const REQUIRED_BECAUSE: Partial<Record<keyof Config, string>> = {
  CODEC_KEYS:
    'is required: carrier PINs and account numbers are never stored in clear in Temporal. ' +
    `Make a key with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))" ` +
    `and set CODEC_KEYS='{"k1":"<that key>"}'`,
};

/** The configuration with `K` present. */
export type ConfigWith<K extends keyof Config> = Config & { [P in K]-?: NonNullable<Config[P]> };

export interface LoadOptions<K extends keyof Config> {
  /** Variables this entry point cannot run without, though the schema allows them unset. */
  required?: readonly K[];
}

/** Parses the environment; throws a ConfigError naming every bad or missing variable. */
export function loadConfig<K extends keyof Config = never>(
  env: NodeJS.ProcessEnv = process.env,
  { required = [] }: LoadOptions<K> = {},
): ConfigWith<K> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema
    .superRefine(checkAgingRules)
    .superRefine(checkCodecWithoutSignIn)
    .superRefine(checkEmulatorCallback)
    .safeParse(present);
  const problems = result.success
    ? []
    : result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
      );
  for (const variable of required) {
    if (present[variable] === undefined) {
      problems.push(`${variable}: ${REQUIRED_BECAUSE[variable] ?? 'is required'}`);
    }
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data as ConfigWith<K>;
}

/** For entry points: parse the environment, or print what is wrong and exit. */
export function loadConfigOrExit<K extends keyof Config = never>(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions<K> = {},
): ConfigWith<K> {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
