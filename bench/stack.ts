/**
 * Everything a bench runs against, on loopback: a Temporal dev server, the platform emulator,
 * and per measurement a fresh portflow worker and API (or the bare baseline's worker), each its
 * own process so that its memory and CPU time are its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { startDevServer, type RunningDevServer } from '../src/dev/dev-server';
import { freePort } from '../src/dev/net';
import { resolveTemporalCli } from '../src/dev/temporal-cli';
import type { Logger } from '../src/logger';
import { dataConverterFor, newCodecKey } from '../src/temporal/codec';
import { WORKER_HEAP_MIB } from '../src/worker/heap';
import { SEARCH_ATTRIBUTE_KEYS } from '../src/temporal/search-attribute-keys';
import { ApiClient } from './api-client';
import {
  findDescendant,
  measured,
  startNodeProcess,
  waitUntil,
  type BenchProcess,
  type Measured,
} from './processes';

export const NAMESPACE = 'default';
const STARTUP_TIMEOUT_MS = 180_000;

/** The built tree `npm run build` makes, whose entry points the bench runs. */
export interface Layout {
  /** dist/ of `npm run build`. */
  dist: string;
  /** The bench's own compiled entries (the bare worker). */
  benchDist: string;
}

export interface Emulator {
  url: string;
  token: string;
  process: BenchProcess;
  /** `/_emulator` control: JSON in and out. */
  control<T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T>;
}

/** A portflow worker and API started for one measurement. */
export interface Portflow {
  api: ApiClient;
  /** The running worker; `restartWorker` replaces it. */
  worker: BenchProcess;
  apiProcess: BenchProcess;
  taskQueue: string;
  /** Stops the worker and starts another with `env` added (the API keeps running). */
  restartWorker(env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** A Temporal server other than the stack's own (embedded mode's). */
export interface TemporalTarget {
  address: string;
  client: Client;
}

/** A Temporal server measurements run on: the stack's dev server, or a cluster beside it. */
export interface TemporalServer extends TemporalTarget {
  /** The plain client of the bare baselines. */
  bareClient: Client;
  /** Its processes whose CPU time is counted (none for a cluster: it is not measured). */
  processes: Measured[];
}

export interface Stack {
  /** dist/ of `npm run build`: the code the workers run. */
  dist: string;
  temporalAddress: string;
  /** Decodes portflow's encrypted payloads. */
  client: Client;
  /** The plain client of the bare baseline. */
  bareClient: Client;
  devServer: Measured;
  /** The dev server as a server the measurements run on. */
  temporal: TemporalServer;
  emulator: Emulator;
  codecKeys: Record<string, string>;
  logger: Logger;
  /** A worker and API on the stack's dev server, or on the server `on` names. */
  startPortflow(name: string, env?: Record<string, string>, on?: TemporalTarget): Promise<Portflow>;
  /** The bare baselines' worker, on the stack's dev server or the one `on` names. */
  startBareWorker(taskQueue: string, on?: TemporalTarget): Promise<BenchProcess>;
  close(): Promise<void>;
}

async function isHealthy(url: string): Promise<boolean> {
  const response = await request(url);
  await response.body.dump();
  return response.statusCode === 200;
}

/** Whether the worker process `pid` polls `taskQueue` for workflow tasks yet. */
async function hasPoller(client: Client, taskQueue: string, pid: number): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: NAMESPACE,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  // The SDK's default worker identity is `<pid>@<host>`.
  return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
}

async function startEmulatorProcess(
  layout: Layout,
  dataDir: string,
  logger: Logger,
): Promise<Emulator> {
  const port = await freePort();
  const token = 'bench-platform-token';
  const url = `http://127.0.0.1:${port}`;
  const process = await startNodeProcess(
    'emulator',
    join(layout.dist, 'emulator', 'server.js'),
    {
      EMULATOR_PORT: String(port),
      PLATFORM_TOKEN: token,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    logger,
  );
  await waitUntil('emulator', () => isHealthy(`${url}/healthz`), STARTUP_TIMEOUT_MS, process);
  return {
    url,
    token,
    process,
    async control<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
      const response = await request(`${url}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.body.json()) as T;
      if (response.statusCode >= 300) {
        throw new Error(`emulator ${method} ${path}: ${JSON.stringify(answer)}`);
      }
      return answer;
    },
  };
}

export async function startStack(layout: Layout, logger: Logger): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portflow-bench-'));
  const cli = await resolveTemporalCli({ logger });
  if (cli.source === 'sdk-download') {
    throw new Error('No Temporal CLI: run `npm run ensure-runtimes` (needs Go 1.23+) first');
  }
  const temporalPort = await freePort();
  // In memory: a bench leaves nothing behind.
  const server: RunningDevServer = await startDevServer({
    cli,
    logger,
    port: temporalPort,
    namespace: NAMESPACE,
    readyTimeoutMs: STARTUP_TIMEOUT_MS,
    searchAttributes: SEARCH_ATTRIBUTE_KEYS,
  });
  const devServer = measured(
    'Temporal dev server',
    await findDescendant(cli.path, String(temporalPort)),
  );
  const connection = await Connection.connect({
    address: server.address,
    // A 20,000-number port's whole history comes as one page of over 4 MiB (gRPC's default).
    channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 },
  });
  const codecKeys = { 'bench-1': newCodecKey() };
  const client = new Client({
    connection,
    namespace: NAMESPACE,
    dataConverter: dataConverterFor(codecKeys),
  });
  const bareClient = new Client({ connection, namespace: NAMESPACE });
  const emulator = await startEmulatorProcess(layout, dataDir, logger);
  const apiToken = 'bench-token-0123456789abcdef';
  const running = new Set<BenchProcess>();

  async function startTracked(
    name: string,
    entry: string,
    env: Record<string, string>,
  ): Promise<BenchProcess> {
    const started = await startNodeProcess(name, entry, env, logger, nodeArgs(name));
    running.add(started);
    return {
      ...started,
      stop: async () => {
        running.delete(started);
        await started.stop();
      },
    };
  }

  /** A worker process, once it polls `taskQueue` on the server `on` reaches. */
  async function startPolling(
    name: string,
    entry: string,
    taskQueue: string,
    env: Record<string, string>,
    on: Client = client,
  ): Promise<BenchProcess> {
    const worker = await startTracked(name, entry, env);
    const polling = () => hasPoller(on, taskQueue, worker.pid);
    await waitUntil(name, polling, STARTUP_TIMEOUT_MS, worker);
    return worker;
  }

  return {
    dist: layout.dist,
    temporalAddress: server.address,
    client,
    bareClient,
    devServer,
    temporal: {
      address: server.address,
      client,
      bareClient,
      processes: [devServer],
    },
    emulator,
    codecKeys,
    logger,

    async startPortflow(name, env = {}, on = { address: server.address, client }) {
      const taskQueue = `portflow-${name}`;
      const apiPort = await freePort();
      const common = {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: on.address,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TEMPORAL_TASK_QUEUE: taskQueue,
        PLATFORM_BASE_URL: emulator.url,
        PLATFORM_TOKEN: emulator.token,
        CODEC_KEYS: JSON.stringify(codecKeys),
        ...env,
      };
      // Started as `npm run start:worker` starts it, unless `env` says otherwise.
      const startWorker = (extra: Record<string, string> = {}) =>
        startPolling(
          'worker',
          join(layout.dist, 'worker', 'index.js'),
          taskQueue,
          { NODE_OPTIONS: `--max-old-space-size=${WORKER_HEAP_MIB}`, ...common, ...extra },
          on.client,
        );
      const worker = await startWorker();
      const apiProcess = await startTracked('api', join(layout.dist, 'api', 'server.js'), {
        ...common,
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        API_TOKENS: JSON.stringify({ [apiToken]: ['*'] }),
        // The bench is one caller sending hundreds a second: the per-token limit is not under test.
        RATE_LIMIT_PER_MINUTE: '100000000',
      });
      const url = `http://127.0.0.1:${apiPort}`;
      await waitUntil('api', () => isHealthy(`${url}/readyz`), STARTUP_TIMEOUT_MS, apiProcess);
      const api = new ApiClient(url, apiToken);
      const portflow: Portflow = {
        api,
        worker,
        apiProcess,
        taskQueue,
        async restartWorker(extra) {
          await portflow.worker.stop();
          portflow.worker = await startWorker(extra);
        },
        async stop() {
          await api.close();
          await apiProcess.stop();
          await portflow.worker.stop();
        },
      };
      return portflow;
    },

    startBareWorker(taskQueue, on = { address: server.address, client }) {
      return startPolling(
        'bare worker',
        join(layout.benchDist, 'bare', 'worker.js'),
        taskQueue,
        {
          TEMPORAL_ADDRESS: on.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          PLATFORM_BASE_URL: emulator.url,
          PLATFORM_TOKEN: emulator.token,
        },
        on.client,
      );
    },

    async close() {
      for (const process of running) await process.stop();
      await emulator.process.stop();
      await connection.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** BENCH_CPU_PROFILE=<dir> writes V8 CPU profiles of each worker and API process (all threads) under <dir>/<name>. */
function nodeArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return [];
  return ['--cpu-prof', '--cpu-prof-dir', join(dir, name.replace(/ /g, '-'))];
}
