import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { toIsoDate } from '../../src/domain';
import { compileApp, startNodeProcess, type NodeProcess } from '../helpers/compiled-app';
import {
  advanceCarrierUntil,
  eventually,
  openPorts,
  readPort,
  startPortflow,
  type Portflow,
} from '../helpers/portflow';
import { testTemporalAddress } from '../helpers/temporal';

const NUMBERS = ['+16077989001', '+16077989002', '+16077989003'];

/** A submission the platform answered, as the proxy saw it. */
interface PlatformAnswer {
  idempotencyKey: string;
  status: number;
  /** The platform answered from its idempotency store: no new port. */
  replayed: boolean;
  /** The proxy kept the answer from the worker. */
  withheld: boolean;
}

/**
 * A hop between the worker and the platform that passes every call on, but withholds the
 * platform's answer to a port submission while `withholding` is on: the port exists upstream
 * and the worker that asked never hears so. That is the moment a crash must not double.
 */
async function startAnswerWithholdingProxy(platformUrl: string) {
  const submissions: PlatformAnswer[] = [];
  const state = { withholding: true };
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const forwarded: Record<string, string> = {};
      for (const name of ['x-auth-token', 'idempotency-key', 'content-type']) {
        const value = incoming.headers[name];
        if (typeof value === 'string') forwarded[name] = value;
      }
      const answer = await request(`${platformUrl}${incoming.url ?? '/'}`, {
        method: incoming.method as 'POST',
        headers: forwarded,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const text = await answer.body.text();
      const isSubmission =
        incoming.method === 'POST' && /\/telephone-number\/port$/.test(incoming.url ?? '');
      if (isSubmission) {
        submissions.push({
          idempotencyKey: forwarded['idempotency-key'] ?? '',
          status: answer.statusCode,
          replayed: answer.headers['idempotent-replayed'] === 'true',
          withheld: state.withholding,
        });
        if (state.withholding) return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'retry-after', 'idempotent-replayed']) {
        const value = answer.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      outgoing.writeHead(answer.statusCode, headers).end(text);
    })().catch(() => outgoing.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    submissions,
    state,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a worker killed with SIGKILL while ports are in flight', () => {
  let appRoot: string;
  let portflow: Portflow;
  let proxy: Awaited<ReturnType<typeof startAnswerWithholdingProxy>>;
  let worker: NodeProcess | undefined;

  beforeAll(async () => {
    [appRoot, portflow] = await Promise.all([compileApp(), startPortflow({ worker: false })]);
    proxy = await startAnswerWithholdingProxy(portflow.emulator.url);
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await proxy?.close();
    await portflow?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  /** `npm run start:worker` as built, on this test's task queue, reaching the platform through the proxy. */
  async function startWorkerProcess(): Promise<NodeProcess> {
    const started = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_TASK_QUEUE: portflow.taskQueue,
      PLATFORM_BASE_URL: proxy.url,
      PLATFORM_TOKEN: portflow.emulator.token,
      PORT_POLL_INTERVAL: '1s',
      CODEC_KEYS: JSON.stringify(portflow.config.CODEC_KEYS),
    });
    await started.waitForLine((line) => line.includes('worker polling'));
    return started;
  }

  it('completes every port after a restart, with one port made upstream for each', async () => {
    const A = portflow.partitionA;
    worker = await startWorkerProcess();
    const today = toIsoDate(new Date(await portflow.emulator.control.now()));
    const ids = await openPorts(portflow, A, NUMBERS, {
      requestedDate: today,
      keyPrefix: 'crash',
    });
    const keyOf = (id: string) =>
      proxy.submissions.find((s) => s.idempotencyKey.includes(id))?.idempotencyKey;

    // Every port exists upstream and no worker knows it: kill the worker now.
    await eventually(
      () => Promise.resolve(proxy.submissions.length),
      (count) => count === NUMBERS.length,
    );
    expect(proxy.submissions).toEqual(
      ids.map((): unknown =>
        expect.objectContaining({ status: 201, replayed: false, withheld: true }),
      ),
    );
    expect(await worker.stop('SIGKILL')).toBeNull();
    proxy.state.withholding = false;

    worker = await startWorkerProcess();
    // Temporal retries each lost call once its start-to-close timeout (30 s) has passed.
    for (const id of ids) {
      await eventually(
        () => readPort(portflow, A, id),
        (port) => port?.numbers.every((n) => n.upstreamPortRequestId) ?? false,
        45_000,
      );
    }
    for (const id of ids) {
      const done = await advanceCarrierUntil(portflow, A, id, (port) => port.phase === 'DONE');
      expect(done.status).toBe('COMPLETED');
    }

    for (const id of ids) {
      const ofPort = proxy.submissions.filter((s) => s.idempotencyKey === keyOf(id));
      // The lost call, then its retry under the same key, answered from the platform's store.
      expect(ofPort).toEqual([
        expect.objectContaining({ status: 201, replayed: false, withheld: true }),
        expect.objectContaining({ status: 201, replayed: true, withheld: false }),
      ]);
    }
    expect(proxy.submissions).toHaveLength(2 * NUMBERS.length);
    // One port upstream for each, the one portflow knows.
    const upstream = await portflow.emulator.control.ports(A);
    const known = await Promise.all(ids.map((id) => readPort(portflow, A, id)));
    expect(upstream.map((port) => port.portRequestId).sort()).toEqual(
      known.map((port) => port?.numbers[0]?.upstreamPortRequestId).sort(),
    );
    expect(upstream.map((port) => port.telephoneNumbers).sort()).toEqual(
      NUMBERS.map((number) => [number]).sort(),
    );
  });
});
