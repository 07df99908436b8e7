/**
 * The production topology: a Temporal cluster on PostgreSQL (frontend, history, matching and
 * worker, each its own process), two API replicas and two workers as `npm run start:api` and
 * `start:worker` run them, and the emulator. Requests are spread over both replicas; the
 * cluster's own processes are killed, and PostgreSQL restarted, while ports are in flight.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../../src/dev/net';
import { resolveTemporalCli } from '../../src/dev/temporal-cli';
import { startTemporalCluster, type RunningCluster } from '../../src/dev/temporal-cluster';
import { ensureTemporalServer } from '../../src/dev/temporal-server';
import { toIsoDate, type PortObject } from '../../src/domain';
import { createLogger } from '../../src/logger';
import { newCodecKey } from '../../src/temporal/codec';
import { portWorkflowId } from '../../src/workflows/definitions';
import { seedPortRequest } from '../emulator/support';
import { compileApp, startNodeProcess, type NodeProcess } from '../helpers/compiled-app';
import {
  jsonRequest,
  startTestEmulator,
  type HttpMethod,
  type JsonAnswer,
  type TestEmulator,
} from '../helpers/emulator';
import { eventually } from '../helpers/portflow';

const NAMESPACE = 'portflow';
/** How long a cluster process stays dead before it is started again. */
const DOWN_MS = 5_000;
/** Long enough that every submission is in flight when a process dies. */
const SUBMISSION_LATENCY_MS = 3_000;
/** AT&T numbers outside the emulator's inventory, one per port. */
const att = (line: number) => `+1607797${String(line).padStart(4, '0')}`;

describe('portflow on a Temporal cluster on PostgreSQL (2 API replicas, 2 workers)', () => {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'cluster-test' });
  const suffix = randomBytes(4).toString('hex');
  /** Ports and orders. */
  const P = `pc-${suffix}`;
  /** Ages an hour: a release stays AGING until it is reclaimed. */
  const slow = `ps-${suffix}`;
  const token = `tok-all-${randomBytes(12).toString('hex')}`;
  let cliPath: string;
  let cluster: RunningCluster;
  let emulator: TestEmulator;
  let appRoot: string;
  const processes: NodeProcess[] = [];
  const apiUrls: string[] = [];
  let today: string;

  beforeAll(async () => {
    const [binaries, cli] = await Promise.all([
      ensureTemporalServer({ logger }),
      resolveTemporalCli({ logger }),
    ]);
    if (cli.source === 'sdk-download') throw new Error('no Temporal CLI: npm run ensure-runtimes');
    cliPath = cli.path;
    emulator = await startTestEmulator();
    const compiled = compileApp();
    cluster = await startTemporalCluster({ binaries, cliPath, logger, namespace: NAMESPACE });
    appRoot = await compiled;
    await emulator.control.setCarrierPace('immediate');
    today = toIsoDate(new Date(await emulator.control.now()));
    const env = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      PLATFORM_BASE_URL: emulator.url,
      PLATFORM_TOKEN: emulator.token,
      PORT_POLL_INTERVAL: '1s',
      CODEC_KEYS: JSON.stringify({ [`k-${suffix}`]: newCodecKey() }),
      AGING_DEMO: 'true',
      AGING_PERIODS: JSON.stringify({ [slow]: { period: '1h', lineType: 'BUSINESS' } }),
    };
    // One worker first: it registers portflow's search attributes on the fresh namespace.
    for (let index = 0; index < 2; index++) {
      const worker = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), env);
      processes.push(worker);
      await worker.waitForLine((line) => line.includes('worker polling'));
    }
    await Promise.all(
      [0, 1].map(async () => {
        const port = await freePort();
        const api = startNodeProcess(join(appRoot, 'dist', 'api', 'server.js'), {
          ...env,
          API_PORT: String(port),
          API_TOKENS: JSON.stringify({ [token]: ['*'] }),
        });
        processes.push(api);
        await api.waitForLine((line) => line.includes('Server listening'));
        apiUrls.push(`http://127.0.0.1:${port}`);
      }),
    );
  }, 600_000);
  afterAll(async () => {
    // A process that has not drained in 10 s is killed: the cluster goes next either way.
    await Promise.all(
      processes.map((child) =>
        Promise.race([child.stop('SIGTERM'), delay(10_000).then(() => child.stop('SIGKILL'))]),
      ),
    );
    await cluster?.stop();
    await emulator?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  /** Calls replica `replica % 2` of the API. */
  function call(
    replica: number,
    method: HttpMethod,
    path: string,
    options: { body?: unknown; idempotencyKey?: string } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect
  ): Promise<JsonAnswer<any>> {
    const headers: Record<string, string> = { 'x-auth-token': token };
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return jsonRequest(`${apiUrls[replica % 2]}${path}`, method, { headers, body: options.body });
  }
  const portsPath = (rest = '') => `/v2/partition/${P}/telephone-number/port${rest}`;
  const numberPath = (partitionId: string, number: string, rest = '') =>
    `/v2/partition/${partitionId}/telephone-number/${encodeURIComponent(number)}${rest}`;

  /** Opens one-number ports, spread over both replicas; answers their portRequestIds. */
  async function openPorts(lines: number[], keyPrefix: string): Promise<string[]> {
    return Promise.all(
      lines.map(async (line, index) => {
        const answer = await call(index, 'POST', portsPath(), {
          body: seedPortRequest([att(line)], today),
          idempotencyKey: `${keyPrefix}-${line}`,
        });
        expect(answer.status).toBe(202);
        return answer.body.portRequestId as string;
      }),
    );
  }

  /** Each port read until COMPLETED, alternating replicas and riding out 503s. */
  function completed(ids: string[], timeoutMs = 120_000): Promise<PortObject[]> {
    let reads = 0;
    return Promise.all(
      ids.map(
        async (id) =>
          (
            await eventually(
              () => call(reads++, 'GET', portsPath(`/${id}`)),
              (answer) => answer.status === 200 && answer.body.status === 'COMPLETED',
              timeoutMs,
            )
          ).body as PortObject,
      ),
    );
  }

  /** The emulator's port submissions that it answered with a port, by Idempotency-Key. */
  async function upstreamPortsByKey(): Promise<Map<string, number>> {
    const posts = await emulator.control.calls({
      method: 'POST',
      path: `/v2/partition/${P}/telephone-number/port`,
    });
    const byKey = new Map<string, number>();
    for (const post of posts.filter((call) => call.status === 201)) {
      byKey.set(post.idempotencyKey ?? '', (byKey.get(post.idempotencyKey ?? '') ?? 0) + 1);
    }
    return byKey;
  }

  /** Every port made upstream under one key of its own, whatever was retried meanwhile. */
  async function expectOneUpstreamPortEach(ids: string[], ports: PortObject[]) {
    const keys = [...(await upstreamPortsByKey()).keys()];
    const keysOf = ids.map(
      (id) => keys.filter((key) => key.startsWith(`${portWorkflowId(P, id)}-`)).length,
    );
    expect(keysOf).toEqual(ids.map(() => 1));
    const upstreamIds = ports.map((port) => port.numbers[0]?.upstreamPortRequestId);
    expect(new Set(upstreamIds).size).toBe(ids.length);
  }

  /** While part of the cluster is down: what the API answers, by status, over both replicas. */
  async function answersMeanwhile(
    heldIds: string[],
    keyPrefix: string,
    line: number,
  ): Promise<number[]> {
    const answers = await Promise.all([
      call(0, 'GET', portsPath(`/${heldIds[0]}`)),
      call(1, 'GET', portsPath(`/${heldIds[1]}`)),
      call(0, 'GET', portsPath()),
      call(1, 'POST', portsPath(), {
        body: seedPortRequest([att(line)], today),
        idempotencyKey: `${keyPrefix}-meanwhile`,
      }),
      call(0, 'GET', '/readyz'),
    ]);
    return answers.map((answer) => answer.status);
  }

  it('runs a port through both replicas: opened on one, read to COMPLETED on the other', async () => {
    const [id] = await openPorts([1], 'lifecycle');
    const [port] = await completed([id!]);
    expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    expect((await call(0, 'GET', portsPath(`/${id}`))).body).toEqual(port);
  });

  it('lets exactly one of 20 concurrent ports of one number in, over both replicas', async () => {
    const number = att(2);
    // The first port stays open with its carrier: a number held by no port may go in again.
    await emulator.control.setCarrierPace('business-days');
    try {
      // Each caller retries a 503 with its key, as a client of the API does.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          eventually(
            () =>
              call(index, 'POST', portsPath(), {
                body: seedPortRequest([number], today),
                idempotencyKey: `race-${index}`,
              }),
            (answer) => answer.status !== 503,
            60_000,
          ),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([202, ...Array(19).fill(409)]);
      const holder = answers.find((answer) => answer.status === 202)?.body.portRequestId;
      for (const refused of answers.filter((answer) => answer.status === 409)) {
        expect(refused.body.error).toMatchObject({ code: 'NUMBER_BUSY' });
        expect(refused.body.error.message).toContain(holder);
      }
      expect((await call(1, 'GET', portsPath(`/${holder}`))).body.status).not.toBe('COMPLETED');
    } finally {
      await emulator.control.setCarrierPace('immediate');
    }
  });

  it('orders a number, releases it on one replica and reclaims it on the other', async () => {
    const search = await call(
      0,
      'GET',
      `/v2/partition/${slow}/telephone-number/search?npa=607&quantity=1`,
    );
    expect(search.status).toBe(200);
    const number = search.body.telephoneNumbers[0].telephoneNumber as string;
    const order = await call(1, 'POST', `/v2/partition/${slow}/telephone-number/order`, {
      body: { telephoneNumbers: [number], accountId: 'acc_123' },
    });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      status: 'COMPLETED',
      telephoneNumbers: [{ telephoneNumber: number, status: 'ACTIVE', accountId: 'acc_123' }],
    });

    expect((await call(0, 'DELETE', numberPath(slow, number))).status).toBe(202);
    await eventually(
      () => call(1, 'GET', numberPath(slow, number, '/release')),
      (answer) => answer.body?.status === 'AGING',
    );
    const reclaimed = await call(0, 'POST', numberPath(slow, number, '/reclaim'));
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body).toMatchObject({ status: 'RECLAIMED', accountId: 'acc_123' });
    expect((await call(1, 'GET', numberPath(slow, number))).body).toMatchObject({
      status: 'ACTIVE',
      lifecycle: 'RECLAIMED',
    });
  });

  it.each([
    ['history', 100],
    ['matching', 200],
  ] as const)(
    'rides out a SIGKILL of the %s process mid-port: never 500 meanwhile, one upstream port each',
    async (service, firstLine) => {
      await emulator.control.addFault({
        kind: 'latency',
        latencyMs: SUBMISSION_LATENCY_MS,
        match: { method: 'POST', path: `/v2/partition/${P}/telephone-number/port` },
      });
      try {
        const lines = [0, 1, 2, 3].map((offset) => firstLine + offset);
        const ids = await openPorts(lines, `kill-${service}`);
        await eventually(
          () =>
            emulator.control.calls({
              method: 'POST',
              path: `/v2/partition/${P}/telephone-number/port`,
            }),
          (calls) =>
            ids.every((id) =>
              calls.some((c) => c.idempotencyKey?.startsWith(`${portWorkflowId(P, id)}-`)),
            ),
        );
        await cluster.kill(service);
        const meanwhile = await answersMeanwhile(ids, `kill-${service}`, firstLine + 50);
        await delay(DOWN_MS);
        await cluster.start(service);

        expect(meanwhile).not.toContain(500);
        // Without history the API cannot start or read anything: 503. Without matching it goes on
        // answering, since admission and reads need no worker (the ports wait for their tasks).
        if (service === 'history') expect(meanwhile).toContain(503);
        const ports = await completed(ids);
        await expectOneUpstreamPortEach(ids, ports);
      } finally {
        await emulator.control.clearFaults();
      }
    },
    300_000,
  );

  it('loses nothing when PostgreSQL restarts mid-run', async () => {
    const before = await openPorts([300, 301], 'pg-before');
    const inFlight = await openPorts([302, 303], 'pg-inflight');
    await completed(before);
    await cluster.postgres.stop();
    const meanwhile = await answersMeanwhile(inFlight, 'pg', 350);
    await delay(DOWN_MS);
    await cluster.postgres.start();

    expect(meanwhile).not.toContain(500);
    const ports = await completed([...before, ...inFlight]);
    await expectOneUpstreamPortEach([...before, ...inFlight], ports);
  }, 300_000);

  it('lets the Temporal CLI find every port by its search attributes', async () => {
    // Visibility takes a port's last PortStatus a moment after its memo says DONE.
    const answer = await eventually(
      () => call(0, 'GET', portsPath('?status=COMPLETED&pageSize=100')),
      (listing) => (listing.body.ports as unknown[]).length >= 14,
    );
    const { stdout } = await promisify(execFile)(cliPath, [
      'workflow',
      'list',
      '--address',
      cluster.address,
      '--namespace',
      NAMESPACE,
      '--query',
      `PartitionId = '${P}' AND PortStatus = 'COMPLETED' AND WorkflowType = 'portIn'`,
      '--output',
      'json',
    ]);
    const ids = (answer.body.ports as { portRequestId: string }[]).map(
      (port) => port.portRequestId,
    );
    expect(ids.length).toBeGreaterThanOrEqual(14);
    const listed = new Set(
      [...stdout.matchAll(/"workflowId":\s*"([^"]+)"/g)].map((match) => match[1]),
    );
    expect([...listed].sort()).toEqual(ids.map((id) => portWorkflowId(P, id)).sort());
  });
});
