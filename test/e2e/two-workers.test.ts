/**
 * Two worker processes on one task queue; one is killed with SIGKILL while every port's
 * submission is in flight. The other finishes every port, each made once upstream, and its
 * own metrics count each end once, though it replays histories the dead worker began.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { mapConcurrently } from '../../src/domain/concurrency';
import { freePort } from '../../src/dev/net';
import { toIsoDate } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { compileApp, startNodeProcess, type NodeProcess } from '../helpers/compiled-app';
import { sampleValue } from '../helpers/metrics';
import { eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { testTemporalAddress } from '../helpers/temporal';

const PORTS = 12;
/** Long enough that every submission is in flight when a worker dies. */
const SUBMISSION_LATENCY_MS = 12_000;

interface WorkerProcess {
  process: NodeProcess;
  metricsUrl: string;
}

describe('two worker processes, one killed mid-run', () => {
  let appRoot: string;
  let portflow: Portflow;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [appRoot, portflow] = await Promise.all([compileApp(), startPortflow({ worker: false })]);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.process.stop('SIGTERM');
    await portflow?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  /** `npm run start:worker` as built, on this test's task queue, serving its metrics. */
  async function startWorkerProcess(): Promise<WorkerProcess> {
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    const started = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_TASK_QUEUE: portflow.taskQueue,
      PLATFORM_BASE_URL: portflow.emulator.url,
      PLATFORM_TOKEN: portflow.emulator.token,
      PORT_POLL_INTERVAL: '1s',
      // Longer than the submissions' latency: only the killed worker's calls go unanswered.
      PLATFORM_TIMEOUT: '14s',
      CODEC_KEYS: JSON.stringify(portflow.config.CODEC_KEYS),
      WORKER_METRICS_ADDRESS: metricsAddress,
    });
    await started.waitForLine((line) => line.includes('worker polling'));
    return { process: started, metricsUrl: `http://${metricsAddress}/metrics` };
  }

  async function scrape(worker: WorkerProcess): Promise<string> {
    const response = await request(worker.metricsUrl);
    expect(response.statusCode).toBe(200);
    return response.body.text();
  }

  it('lets the survivor finish every port, each submitted once upstream', async () => {
    const A = portflow.partitionA;
    const { control } = portflow.emulator;
    const submissions = `/v2/partition/${A}/telephone-number/port`;
    await control.setCarrierPace('immediate');
    await control.addFault({
      kind: 'latency',
      latencyMs: SUBMISSION_LATENCY_MS,
      match: { method: 'POST', path: submissions },
    });
    workers.push(await startWorkerProcess(), await startWorkerProcess());
    const [doomed, survivor] = workers as [WorkerProcess, WorkerProcess];

    const today = toIsoDate(new Date(await control.now()));
    const numbers = Array.from({ length: PORTS }, (_, index) => `+1607798${3000 + index}`);
    const ids = await mapConcurrently(numbers, 4, async (number) => {
      const answer = await portflow.call('POST', portflow.portsPath(A), {
        body: seedPortRequest([number], today),
        idempotencyKey: `two-workers-${number}`,
      });
      expect(answer.status).toBe(202);
      return answer.body.portRequestId as string;
    });

    // Every submission has reached the platform and none has been answered: kill one worker now.
    await eventually(
      () => control.calls({ method: 'POST', path: submissions }),
      (calls) => calls.length === PORTS && calls.every((call) => call.status === null),
    );
    expect(await doomed.process.stop('SIGKILL')).toBeNull();

    // The dead worker's submissions are retried once their start-to-close timeout (30 s) passes.
    const ports = await Promise.all(ids.map((id) => portflow.portResult(A, id)));
    expect(ports.map((port) => [port.status, port.phase])).toEqual(
      ids.map(() => ['COMPLETED', 'DONE']),
    );

    // One port upstream for each, the one portflow knows, whatever keys the survivor sent.
    const upstream = await control.ports(A);
    expect(upstream.map((port) => port.portRequestId).sort()).toEqual(
      ports.map((port) => port.numbers[0]?.upstreamPortRequestId).sort(),
    );
    expect(upstream.map((port) => port.telephoneNumbers).sort()).toEqual(
      numbers.map((number) => [number]).sort(),
    );
    // The dead worker held submissions in flight: the survivor sent them again.
    const posts = await control.calls({ method: 'POST', path: submissions });
    expect(posts.length).toBeGreaterThan(PORTS);

    // No port ended before the kill, so the survivor saw every end: each counted once.
    const metrics = await scrape(survivor);
    expect(
      sampleValue(metrics, 'portflow_workflow_ended', {
        workflowType: 'portIn',
        outcome: 'completed',
        status: 'COMPLETED',
      }),
    ).toBe(PORTS);
    expect(sampleValue(metrics, 'temporal_worker_task_slots_available')).toBeGreaterThan(0);
    expect(sampleValue(metrics, 'temporal_workflow_completed', { workflow_type: 'portIn' })).toBe(
      PORTS,
    );
  });
});
