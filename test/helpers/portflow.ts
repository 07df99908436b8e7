/** The whole of portflow for integration tests: the run's dev server, a real worker, the API over HTTP and the emulator. */
import { randomBytes } from 'node:crypto';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { request } from 'undici';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import { createActivities } from '../../src/activities';
import { createLogger } from '../../src/logger';
import { createPlatformClient, type PlatformClient } from '../../src/platform';
import { startTestEmulator, type TestEmulator } from './emulator';
import { connectToTestTemporal, uniqueTaskQueue, type TestTemporal } from './temporal';

export interface Portflow {
  apiUrl: string;
  /** A token for every partition. */
  token: string;
  /** A token for partition `p-a` only. */
  tokenA: string;
  emulator: TestEmulator;
  temporal: TestTemporal;
  taskQueue: string;
  config: Config;
  /** Calls the API: JSON in, status, headers and JSON out. */
  call(method: string, path: string, options?: CallOptions): Promise<ApiAnswer>;
  /** Stops the worker only (to prove nothing is lost); `startWorker` brings one back. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

let portflowBundle: Promise<WorkflowBundle> | undefined;

/** src/workflows bundled once per test file. */
export function portflowWorkflowBundle(): Promise<WorkflowBundle> {
  portflowBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return portflowBundle;
}

export async function startPortflow(env: Record<string, string> = {}): Promise<Portflow> {
  const emulator = await startTestEmulator();
  const temporal = await connectToTestTemporal();
  const taskQueue = uniqueTaskQueue('portflow');
  const token = `tok-all-${randomBytes(12).toString('hex')}`;
  const tokenA = `tok-a-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: taskQueue,
    PLATFORM_BASE_URL: emulator.url,
    PLATFORM_TOKEN: emulator.token,
    PORT_POLL_INTERVAL: '1s',
    API_TOKENS: JSON.stringify({ [token]: ['*'], [tokenA]: ['p-a'] }),
    ...env,
  });
  const logger = createLogger({ level: process.env.PORTFLOW_TEST_LOG ?? 'silent' });
  const platform: PlatformClient = createPlatformClient({
    baseUrl: emulator.url,
    token: emulator.token,
    timeoutMs: 5_000,
  });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  async function startWorker(): Promise<void> {
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: createActivities({
        config,
        logger,
        platform,
        temporal: temporal.client,
        taskQueue,
      }),
    });
    workerRun = worker.run();
  }
  async function stopWorker(): Promise<void> {
    worker?.shutdown();
    await workerRun;
    worker = undefined;
  }
  await startWorker();

  const app: App = await buildApp({ client: temporal.client, config, logger, platform });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    apiUrl,
    token,
    tokenA,
    emulator,
    temporal,
    taskQueue,
    config,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== null) headers['x-auth-token'] = options.token ?? token;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await request(`${apiUrl}${path}`, {
        method: method as 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    stopWorker,
    startWorker,
    async close() {
      await app.close();
      await stopWorker();
      await platform.close();
      await temporal.close();
      await emulator.close();
    },
  };
}

/** Polls the API until `done` holds for the answer, or fails after `timeoutMs`. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A platform client for tests that never reach the platform. */
export function unreachablePlatform(): PlatformClient {
  return createPlatformClient({ baseUrl: 'http://127.0.0.1:9', token: 'unused', timeoutMs: 1_000 });
}
