/** The whole of portflow for integration tests: the run's dev server, a real worker, the API over HTTP and the emulator. */
import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import {
  createSeedPlatform,
  platformFromConfig,
  type PlatformClient,
  type PlatformKind,
} from '../../src/platform';
import { toIsoDate, type PortObject } from '../../src/domain';
import { fromPortMemo, type PortMemo } from '../../src/domain/port-memo';
import { dataConverterFor, newCodecKey } from '../../src/temporal/codec';
import { createWorker, workflowInterceptorModules } from '../../src/worker/create-worker';
import { portWorkflowId } from '../../src/workflows/definitions';
import { jsonRequest, startTestEmulator, type HttpMethod, type TestEmulator } from './emulator';
import { seedPortRequest } from '../emulator/support';
import {
  TEST_NAMESPACE,
  connectToTestTemporal,
  uniqueTaskQueue,
  type TestTemporal,
} from './temporal';

export interface Portflow {
  apiUrl: string;
  /**
   * Two partitions no other test file uses: number entities and the port list are per
   * partition on the run's one dev server, so a shared name would mix test files.
   */
  partitionA: string;
  partitionB: string;
  /** A token for every partition. */
  token: string;
  /** A token for `partitionA` only. */
  tokenA: string;
  emulator: TestEmulator;
  /** The platform adapter the worker and the API use (PLATFORM_KIND's). */
  platform: PlatformClient;
  /** Raw connections: `temporal.client` has no codec and sees payloads as Temporal stores them. */
  temporal: TestTemporal;
  /** A client with the run's payload codec, as the API and the worker have: reads results and queries. */
  client: Client;
  taskQueue: string;
  config: Config;
  /** Calls the API: JSON in, status, headers and JSON out. */
  call(method: HttpMethod, path: string, options?: CallOptions): Promise<ApiAnswer>;
  /** `/v2/partition/{partitionId}/telephone-number/port` and what follows. */
  portsPath(partitionId: string, rest?: string): string;
  /** The portIn workflow of a port. */
  handleOf(partitionId: string, portRequestId: string): WorkflowHandle;
  /** The port as its workflow ended: its result is the port object in the memo's compact form. */
  portResult(partitionId: string, portRequestId: string): Promise<PortObject>;
  /** Stops the in-process worker (to prove nothing is lost); `startWorker` brings one back. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Environment on top of the test defaults (`RATE_LIMIT_PER_MINUTE`, `PORT_POLL_INTERVAL`...). */
  env?: Record<string, string>;
  /** False when the test runs its worker elsewhere (its own process). */
  worker?: boolean;
  /** Another Temporal frontend than the run's shared dev server. */
  temporalAddress?: string;
  /** The API's port, when something must know it before the API starts; any free one otherwise. */
  apiPort?: number;
  /** The platform portflow drives, and so the emulator's dialect: `seed` unless told. */
  platformKind?: PlatformKind;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as it is, with the content type `headers` give. */
  rawBody?: string;
  /** Another token than the all-partitions one; null sends none. */
  token?: string | null;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect, not by types
  body: any;
}

let portflowBundle: Promise<WorkflowBundle> | undefined;

/** src/workflows bundled once per test file, with the interceptors the worker bundles. */
export function portflowWorkflowBundle(): Promise<WorkflowBundle> {
  portflowBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    workflowInterceptorModules,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return portflowBundle;
}

export async function startPortflow({
  env = {},
  worker: withWorker = true,
  temporalAddress,
  apiPort = 0,
  platformKind = 'seed',
}: StartOptions = {}): Promise<Portflow> {
  const emulator = await startTestEmulator({ dialect: platformKind });
  const temporal = await connectToTestTemporal(temporalAddress);
  const taskQueue = uniqueTaskQueue('portflow');
  const suffix = randomBytes(4).toString('hex');
  const partitionA = `pa-${suffix}`;
  const partitionB = `pb-${suffix}`;
  const token = `tok-all-${randomBytes(12).toString('hex')}`;
  const tokenA = `tok-a-${randomBytes(12).toString('hex')}`;
  const config = loadConfig(
    {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      TEMPORAL_TASK_QUEUE: taskQueue,
      PLATFORM_KIND: platformKind,
      PLATFORM_BASE_URL: emulator.url,
      PLATFORM_TOKEN: emulator.token,
      PLATFORM_USERNAME: emulator.username,
      PLATFORM_PASSWORD: emulator.token,
      PORT_POLL_INTERVAL: '1s',
      API_TOKENS: JSON.stringify({ [token]: ['*'], [tokenA]: [partitionA] }),
      CODEC_KEYS: JSON.stringify({ [`k-${suffix}`]: newCodecKey() }),
      ...env,
    },
    { required: ['CODEC_KEYS'] },
  );
  const dataConverter = dataConverterFor(config.CODEC_KEYS);
  const client = new Client({
    connection: temporal.connection,
    namespace: TEST_NAMESPACE,
    dataConverter,
  });
  const logger = createLogger({ level: process.env.PORTFLOW_TEST_LOG ?? 'silent' });
  // As the worker and API build theirs: PLATFORM_TIMEOUT as configured (10 s unless `env` says).
  const platform = platformFromConfig(config);

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  /** The production worker (its cache size, platform timeout, interceptors), on this test's task queue. */
  async function startWorker(): Promise<void> {
    worker = await createWorker({
      connection: temporal.nativeConnection,
      config,
      platform,
      workflowBundle: await portflowWorkflowBundle(),
    });
    workerRun = worker.run();
  }
  async function stopWorker(): Promise<void> {
    worker?.shutdown();
    await workerRun;
    worker = undefined;
  }
  if (withWorker) await startWorker();

  const app: App = await buildApp({ client, config, logger, platform });
  const apiUrl = await app.listen({ host: '127.0.0.1', port: apiPort });

  return {
    apiUrl,
    partitionA,
    partitionB,
    token,
    tokenA,
    emulator,
    platform,
    temporal,
    client,
    taskQueue,
    config,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== null) headers['x-auth-token'] = options.token ?? token;
      if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
      return jsonRequest(`${apiUrl}${path}`, method, {
        headers,
        body: options.body,
        rawBody: options.rawBody,
      });
    },
    portsPath: (partitionId, rest = '') =>
      `/v2/partition/${partitionId}/telephone-number/port${rest}`,
    handleOf: (partitionId, portRequestId) =>
      client.workflow.getHandle(portWorkflowId(partitionId, portRequestId)),
    portResult: async (partitionId, portRequestId) =>
      fromPortMemo(
        (await client.workflow
          .getHandle(portWorkflowId(partitionId, portRequestId))
          .result()) as PortMemo,
      ),
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

/** Polls until `done` holds for what `read` gives, or fails after `timeoutMs`. */
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

/** A carrier moves these no more (a rejected port may still be resubmitted). */
const CARRIER_FINAL = ['COMPLETED', 'CANCELLED'];

/**
 * Moves the carrier's clock a day at a time, nudging the port with a carrier event after each
 * day, until the port (read over HTTP) satisfies `done`; answers that port. Before each day it
 * waits until portflow says of every number what the carrier says, so no news is skipped.
 */
export async function advanceCarrierUntil(
  portflow: Portflow,
  partitionId: string,
  portRequestId: string,
  done: (port: PortObject) => boolean,
  maxDays = 20,
): Promise<PortObject> {
  const path = portflow.portsPath(partitionId, `/${portRequestId}`);
  // What the carrier says, in portflow's words, read through the platform's own adapter.
  const carrierStatus = async (accountId: string, upstreamPortRequestId: string | undefined) =>
    upstreamPortRequestId === undefined
      ? undefined
      : portflow.platform
          .getPort(partitionId, accountId, upstreamPortRequestId)
          .then((port) => port.status)
          .catch(() => undefined);
  const read = () => readPort(portflow, partitionId, portRequestId);
  const readWhenCaughtUp = () =>
    eventually(
      async () => {
        const port = await read();
        if (port === undefined) return { caughtUp: false };
        if (done(port)) return { port, caughtUp: true };
        // A number taken out of the port (REMOVED) follows its carrier no more.
        const followed = port.numbers.filter((n) => n.status !== 'REMOVED');
        const said = await Promise.all(
          followed.map((n) => carrierStatus(port.accountId, n.upstreamPortRequestId)),
        );
        return {
          port,
          caughtUp: followed.every((n, i) => said[i] === n.status),
          carrierDone: said.every((status) => status && CARRIER_FINAL.includes(status)),
        };
      },
      (read) => read.caughtUp,
    );
  for (let day = 0; ; day++) {
    const { port, carrierDone } = await readWhenCaughtUp();
    if (port === undefined) throw new Error('unreachable: a caught-up read has a port');
    if (done(port)) return port;
    // The carrier will not move again: what is left is portflow's own work.
    if (carrierDone) {
      return (await eventually(read, (later) => later !== undefined && done(later))) as PortObject;
    }
    if (day === maxDays) throw new Error(`not reached in ${maxDays} days: ${JSON.stringify(port)}`);
    await portflow.emulator.control.advance({ days: 1 });
    await portflow.call('POST', `${path}/events`, { body: {} });
  }
}

/**
 * A port as the API answers it; undefined while the API answers 503 (no worker has answered
 * the query yet, as just after a worker restart): a client retries that.
 */
export async function readPort(
  portflow: Portflow,
  partitionId: string,
  portRequestId: string,
): Promise<PortObject | undefined> {
  const answer = await portflow.call('GET', portflow.portsPath(partitionId, `/${portRequestId}`));
  if (answer.status === 503) return undefined;
  if (answer.status !== 200) {
    throw new Error(`GET port ${portRequestId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body as PortObject;
}

/**
 * Opens a one-number port of the seed's request for each of `numbers`, one after the other,
 * each under the Idempotency-Key `<keyPrefix>-<number>`; answers their portRequestIds.
 */
export async function openPorts(
  portflow: Portflow,
  partitionId: string,
  numbers: readonly string[],
  { requestedDate, keyPrefix }: { requestedDate: string; keyPrefix: string },
): Promise<string[]> {
  const ids: string[] = [];
  for (const number of numbers) {
    const answer = await portflow.call('POST', portflow.portsPath(partitionId), {
      body: seedPortRequest([number], requestedDate),
      idempotencyKey: `${keyPrefix}-${number}`,
    });
    expect(answer.status).toBe(202);
    ids.push(answer.body.portRequestId as string);
  }
  return ids;
}

/** A platform client for tests that never reach the platform. */
export function unreachablePlatform(): PlatformClient {
  return createSeedPlatform({ baseUrl: 'http://127.0.0.1:9', token: 'unused', timeoutMs: 1_000 });
}

/** What a suite of `usePortflow` works with. */
export interface PortflowSuite {
  portflow: Portflow;
  /** The suite's first partition. */
  A: string;
  /** The carrier's date as the test begins: it judges dates on its own clock, which earlier tests moved on. */
  today: string;
}

/** One portflow for the suite, stopped after it; `use` is given its parts before each test. */
export function usePortflow(use: (parts: PortflowSuite) => void): void {
  let portflow: Portflow | undefined;
  beforeAll(async () => {
    portflow = await startPortflow();
  });
  beforeEach(async () => {
    const started = portflow as Portflow;
    const today = toIsoDate(new Date(await started.emulator.control.now()));
    use({ portflow: started, A: started.partitionA, today });
  });
  afterAll(async () => {
    await portflow?.close();
  });
}
