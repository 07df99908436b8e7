import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { closeGracefully } from '../api/close';
import { createApiMetrics, scrapeUrlOf } from '../api/metrics';
import { isLoopbackHost, loadConfigOrExit, type Config, type ConfigWith } from '../config';
import { DEFAULT_ALIANZA_USERNAME, DEFAULT_PLATFORM_TOKEN } from '../emulator';
import { startEmulatorThread } from './emulator-thread';
import { createLogger, type Logger } from '../logger';
import { waitForShutdownSignal } from '../shutdown';
import {
  clientConnectionOptions,
  temporalConnectionOptions,
  type TemporalConnectionOptions,
} from '../temporal/connection';
import { SEARCH_ATTRIBUTE_KEYS } from '../temporal/search-attribute-keys';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { AdmissionGate } from '../operations/admission';
import { platformFromConfig } from '../platform';
import { dataConverterFor } from '../temporal/codec';
import { createWorker } from '../worker/create-worker';
import { installTemporalRuntime } from '../worker/runtime';
import { startDevServer } from './dev-server';
import { freePort } from './net';
import {
  loadOrCreateDevCodecKeys,
  loadOrCreateDevToken,
  loadOrCreateNotificationSecret,
} from './dev-secrets';
import { resolveTemporalCli } from './temporal-cli';

/** The name on every log line of embedded mode, its emulator's thread too. */
const LOGGER_NAME = 'portflow';

/** What was started, closed in reverse order: API first, Temporal dev server last. */
class RunningParts {
  private readonly parts: { name: string; close: () => Promise<void> }[] = [];

  constructor(private readonly logger: Logger) {}

  add(name: string, close: () => Promise<void>): void {
    this.parts.push({ name, close });
  }

  async closeAll(): Promise<void> {
    for (const { name, close } of this.parts.reverse()) {
      try {
        await close();
        this.logger.debug({ part: name }, 'stopped');
      } catch (error) {
        this.logger.warn({ err: error, part: name }, 'failed to stop cleanly');
      }
    }
    this.parts.length = 0;
  }
}

/** Where a browser or the emulator on this machine reaches the API. */
function localApiUrlOf(config: Config): string {
  const host = ['0.0.0.0', '::'].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST;
  return `http://${host}:${config.API_PORT}`;
}

/** The dev server's Web UI as a browser names it, by address or as localhost. */
function uiOriginsOf(uiUrl: string): string[] {
  const { port } = new URL(uiUrl);
  return [new URL(uiUrl).origin, `http://localhost:${port}`];
}

/** Sample data on a loopback API only: with a real platform or a reachable API, sign-in stays. */
function codecWithoutSignInByDefault(config: Config): boolean {
  return (
    config.NODE_ENV !== 'production' && !config.PLATFORM_BASE_URL && isLoopbackHost(config.API_HOST)
  );
}

async function startTemporal(
  config: Config,
  logger: Logger,
  parts: RunningParts,
): Promise<{ connectionOptions: TemporalConnectionOptions; uiUrl?: string }> {
  if (config.TEMPORAL_ADDRESS) return { connectionOptions: temporalConnectionOptions(config) };
  const cli = await resolveTemporalCli({ logger });
  logger.info(cli, 'Temporal CLI');
  const server = await startDevServer({
    cli,
    logger,
    port: config.TEMPORAL_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    dbFile: join(config.DATA_DIR, 'temporal.sqlite'),
    codecEndpoint: `${localApiUrlOf(config)}/codec`,
    searchAttributes: SEARCH_ATTRIBUTE_KEYS,
  });
  parts.add('temporal dev server', () => server.stop());
  return { connectionOptions: { address: server.address }, uiUrl: server.uiUrl };
}

async function startPlatform(
  config: Config,
  logger: Logger,
  parts: RunningParts,
): Promise<{
  url: string;
  emulated: boolean;
  credentials: Pick<Config, 'PLATFORM_TOKEN' | 'PLATFORM_USERNAME' | 'PLATFORM_PASSWORD'>;
  notificationSecret?: string;
}> {
  const { PLATFORM_TOKEN, PLATFORM_USERNAME, PLATFORM_PASSWORD } = config;
  if (config.PLATFORM_BASE_URL) {
    return {
      url: config.PLATFORM_BASE_URL,
      emulated: false,
      credentials: { PLATFORM_TOKEN, PLATFORM_USERNAME, PLATFORM_PASSWORD },
      notificationSecret: config.PLATFORM_NOTIFICATION_SECRET,
    };
  }
  // The emulator speaks the platform's dialect; the Alianza login's password is its token.
  const token = PLATFORM_TOKEN ?? PLATFORM_PASSWORD ?? DEFAULT_PLATFORM_TOKEN;
  const username = PLATFORM_USERNAME ?? DEFAULT_ALIANZA_USERNAME;
  // The emulator tells the API of each port status change at once, signed with a shared secret.
  const notificationSecret =
    config.PLATFORM_NOTIFICATION_SECRET ?? loadOrCreateNotificationSecret(config.DATA_DIR);
  const callback = config.EMULATOR_CALLBACK_URL
    ? { url: config.EMULATOR_CALLBACK_URL, secret: config.EMULATOR_CALLBACK_SECRET as string }
    : { url: `${localApiUrlOf(config)}/platform/notifications`, secret: notificationSecret };
  const emulator = await startEmulatorThread(
    {
      host: config.EMULATOR_HOST,
      port: config.EMULATOR_PORT,
      token,
      dialect: config.PLATFORM_KIND,
      username,
      dataFile: join(config.DATA_DIR, 'emulator.sqlite'),
      callback,
    },
    { level: config.LOG_LEVEL, name: LOGGER_NAME },
  );
  parts.add('emulator', () => emulator.close());
  return {
    url: emulator.url,
    emulated: true,
    credentials: { PLATFORM_TOKEN: token, PLATFORM_USERNAME: username, PLATFORM_PASSWORD: token },
    notificationSecret,
  };
}

/** Starts every part in dependency order, registering each so it is stopped on the way out. */
async function startAll(config: Config, logger: Logger, parts: RunningParts): Promise<void> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  const temporal = await startTemporal(config, logger, parts);
  const platform = await startPlatform(config, logger, parts);
  const devToken = config.API_TOKENS ? undefined : loadOrCreateDevToken(config.DATA_DIR);
  const effective: ConfigWith<'CODEC_KEYS'> = {
    ...config,
    TEMPORAL_ADDRESS: temporal.connectionOptions.address,
    PLATFORM_BASE_URL: platform.url,
    ...platform.credentials,
    PLATFORM_NOTIFICATION_SECRET: platform.notificationSecret,
    API_TOKENS: devToken ? { [devToken]: ['*'] } : config.API_TOKENS,
    CODEC_KEYS: config.CODEC_KEYS ?? loadOrCreateDevCodecKeys(config.DATA_DIR),
    CODEC_CORS_ORIGINS:
      config.CODEC_CORS_ORIGINS ?? (temporal.uiUrl ? uiOriginsOf(temporal.uiUrl) : undefined),
    CODEC_WITHOUT_SIGN_IN: config.CODEC_WITHOUT_SIGN_IN ?? codecWithoutSignInByDefault(config),
  };

  const workerConnection = await NativeConnection.connect(temporal.connectionOptions);
  parts.add('worker connection', () => workerConnection.close());
  await ensureSearchAttributes(workerConnection, config.TEMPORAL_NAMESPACE);
  const platformClient = platformFromConfig(effective, logger.child({ component: 'platform' }));
  parts.add('platform client', () => platformClient.close());
  // The worker lets the API's admissions go first: both share the one dev server.
  const gate = new AdmissionGate(config.API_MAX_ADMISSIONS);
  const worker = await createWorker({
    connection: workerConnection,
    config: effective,
    platform: platformClient,
    yieldTo: gate,
  });
  const workerRun = worker.run();
  parts.add('worker', async () => {
    worker.shutdown();
    await workerRun;
  });

  const clientConnection = await Connection.connect(
    clientConnectionOptions(temporal.connectionOptions),
  );
  parts.add('client connection', () => clientConnection.close());
  const client = new Client({
    connection: clientConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFor(effective.CODEC_KEYS),
  });
  const app = await buildApp({
    client,
    config: effective,
    logger: logger.child({ component: 'api' }),
    platform: platformClient,
    metrics: createApiMetrics({ processMetrics: true }),
    workerMetricsUrl: config.WORKER_METRICS_ADDRESS && scrapeUrlOf(config.WORKER_METRICS_ADDRESS),
    gate,
  });
  const apiUrl = await app.listen({ host: config.API_HOST, port: config.API_PORT });
  parts.add('api', () => closeGracefully(app));

  logger.info(
    {
      api: apiUrl,
      docs: `${apiUrl}/docs`,
      temporalUi: temporal.uiUrl,
      temporal: temporal.connectionOptions.address,
      platform: platform.url,
      emulator: platform.emulated,
      dataDir: resolve(config.DATA_DIR),
    },
    [
      'portflow is running',
      `  API          ${apiUrl}`,
      `  API docs     ${apiUrl}/docs`,
      `  Temporal UI  ${temporal.uiUrl ?? '(external cluster)'}`,
      effective.CODEC_WITHOUT_SIGN_IN
        ? `  Codec        ${apiUrl}/codec (the Web UI decodes with no sign-in: sample data on loopback)`
        : `  Codec        ${apiUrl}/codec (browser sign-in: ${apiUrl}/codec/session)`,
      `  Temporal     ${temporal.connectionOptions.address}`,
      `  ${platform.emulated ? 'Emulator' : 'Platform'}     ${platform.url}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  if (devToken) {
    logger.info(
      { developmentToken: devToken },
      `development token, all partitions (header X-AUTH-TOKEN): ${devToken}`,
    );
  }
}

/** `npm start`: the Temporal dev server, the emulator, a worker and the API in one process. */
async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: LOGGER_NAME });
  // The worker's metrics are served under the API's /metrics; an address of their own is optional.
  const metricsAddress = config.WORKER_METRICS_ADDRESS ?? `127.0.0.1:${await freePort()}`;
  // This process orders the shutdown itself, so the SDK must not react to signals on its own.
  installTemporalRuntime(logger, { handleSignals: false, metricsAddress });
  const parts = new RunningParts(logger);
  const signal = waitForShutdownSignal();
  let running = false;
  try {
    await Promise.race([
      startAll({ ...config, WORKER_METRICS_ADDRESS: metricsAddress }, logger, parts).then(
        () => (running = true),
      ),
      signal,
    ]);
    if (running) logger.info({ signal: await signal }, 'stopping');
  } finally {
    await parts.closeAll();
  }
}

// Exit explicitly: a start-up interrupted by Ctrl-C may still hold timers or sockets.
run().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `portflow failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
