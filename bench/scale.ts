/**
 * Item 4: scale. One port request of 10,000 numbers and one order of 10,000 numbers (wall time,
 * largest history, worker peak RSS), and 10,000 ports open at once (worker RSS, API latency
 * while they wait). Each gets a fresh worker process, so its peak RSS is its own.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { mapConcurrently } from '../src/domain/concurrency';
import type { OrderProgress, PortObject } from '../src/domain';
import { RATE_CENTERS } from '../src/emulator';
import { WORKER_HEAP_MIB } from '../src/worker/heap';
import { freshNumbers, partitionPath, portRequestBody, type Submitted } from './api-client';
import { historySize, largestHistories, type HistorySize } from './histories';
import { portWorkflowId } from '../src/workflows/definitions';
import { rateSeries, type LatencyRow, type Targets } from './latency';
import { quiesce, waitUntil, type Memory } from './processes';
import type { Portflow, Stack } from './stack';

/** Ten times the target (120 s): a slower run is still measured. */
const BIG_PORT_TIMEOUT_MS = 1_200_000;

export interface BigRequestResult {
  scenario: string;
  numbers: number;
  /** POST until the API's last answer, retries after 503 or 429 included. */
  answerSeconds: number;
  /** What the client saw: each refusal, then the acceptance. */
  answer: string;
  /** POST until the request was done (a port read DONE over the API). */
  wallSeconds: number;
  outcome: string;
  histories: HistorySize[];
  worker: Memory;
  api: Memory;
}

/** The worker and API while the open ports wait, and the API's latency meanwhile. */
export interface WaitingWorker {
  /** How the worker process was run. */
  setting: string;
  worker: Memory;
  api: Memory;
  latency: LatencyRow[];
}

export interface OpenPortsResult {
  ports: number;
  /** How fast they were opened, `concurrency` POSTs at a time. */
  opened: { seconds: number; perSecond: number; failed: number; firstError?: string };
  concurrency: number;
  runs: WaitingWorker[];
}

/** The one workflow of `type` on a task queue the bench gave this measurement alone. */
async function onlyWorkflowOf(stack: Stack, type: string, taskQueue: string): Promise<string> {
  let workflowId: string | undefined;
  const query = `WorkflowType = '${type}' AND TaskQueue = '${taskQueue}'`;
  // Visibility follows the start by a moment.
  await waitUntil(
    `${type} on ${taskQueue}`,
    async () => {
      for await (const execution of stack.client.workflow.list({ query })) {
        workflowId = execution.workflowId;
      }
      return workflowId !== undefined;
    },
    30_000,
  );
  return workflowId as string;
}

/** What the client saw: the POSTs it took, and any answer that was not an acceptance. */
function answerText({ answer, attempts, refusals }: Submitted): string {
  const accepted = answer ? `accepted (${answer.status})` : 'never accepted';
  return `${attempts} POST${attempts > 1 ? 's' : ''}: ${[...refusals, accepted].join(', ')}`;
}

/** Memory of the worker and API, and a largest-first list of histories. */
function finish(portflow: Portflow, histories: HistorySize[]) {
  return {
    histories: [...histories].sort((a, b) => b.events - a.events),
    worker: portflow.worker.memory(),
    api: portflow.apiProcess.memory(),
  };
}

/** How a worker process runs: its label in the report and the environment it adds. */
export interface WorkerSetting {
  label: string;
  env: Record<string, string>;
}

/**
 * As shipped (`npm run start:worker`: a heap of WORKER_HEAP_MIB, WORKER_MAX_CACHED_WORKFLOWS
 * 250), and with Node's and the SDK's defaults: a heap limit of about 4 GiB on this machine,
 * from which the SDK would size a cache of some 2,300 workflows.
 */
export const WORKER_SETTINGS: WorkerSetting[] = [
  {
    label: `as shipped (heap ${WORKER_HEAP_MIB} MiB, cache of 250 workflows)`,
    env: {},
  },
  {
    label: "with Node's and the SDK's defaults (heap 4 GiB, cache of 2,300)",
    env: { NODE_OPTIONS: '', WORKER_MAX_CACHED_WORKFLOWS: '2300' },
  },
];

export async function measureBigPort(
  stack: Stack,
  count: number,
  setting: WorkerSetting,
  run: number,
): Promise<BigRequestResult> {
  await stack.emulator.control('PUT', '/carrier', { pace: 'immediate' });
  const portflow = await stack.startPortflow(`scale-port-${run}`, {
    PORT_POLL_INTERVAL: '1s',
    ...setting.env,
  });
  try {
    const partitionId = `bench-big-port-${run}`;
    // Five NPAs, so five losing carriers and five submissions.
    const numbers = freshNumbers(count);
    const startedAt = performance.now();
    const submitted = await portflow.api.postUntilAccepted(
      partitionPath(partitionId, '/telephone-number/port'),
      portRequestBody(numbers),
    );
    const answeredAt = performance.now();
    const portRequestId = submitted.answer?.body.portRequestId as string | undefined;
    if (!portRequestId) throw new Error(`POST port: ${answerText(submitted)}`);
    // Read as a client reads it, once a second (the body is large), until nothing is left to do.
    let port: PortObject | undefined;
    const deadline = performance.now() + BIG_PORT_TIMEOUT_MS;
    while (port?.phase !== 'DONE') {
      if (performance.now() > deadline) throw new Error(`port not done: ${port?.status}`);
      portflow.worker.assertRunning();
      await delay(1_000);
      const answer = await portflow.api.call(
        'GET',
        partitionPath(partitionId, `/telephone-number/port/${portRequestId}`),
      );
      port = answer.status === 200 ? (answer.body as PortObject) : undefined;
    }
    const completedAt = performance.now();
    const done = port;
    const completed = done.numbers.filter((n) => n.status === 'COMPLETED').length;
    // The port's own workflow, once closed (visibility's history length is the last one it was told).
    const portWorkflow = portWorkflowId(partitionId, portRequestId);
    await stack.client.workflow.getHandle(portWorkflow).result();
    const histories = [
      await historySize(stack.client, portWorkflow),
      ...(await largestHistories(stack.client, portflow.taskQueue)).filter(
        (history) => history.workflowId !== portWorkflow,
      ),
    ];
    return {
      scenario: `one port request, worker ${setting.label}`,
      numbers: count,
      answerSeconds: (answeredAt - startedAt) / 1_000,
      answer: answerText(submitted),
      wallSeconds: (completedAt - startedAt) / 1_000,
      outcome: `${done.status}: ${completed} of ${count} numbers COMPLETED (${phaseTimes(done, startedAt)})`,
      ...finish(portflow, histories),
    };
  } finally {
    await portflow.stop();
    await stack.emulator.control('PUT', '/carrier', { pace: 'business-days' });
  }
}

/** When the port entered each phase, in seconds from its request: where its time went. */
function phaseTimes(port: PortObject, startedAt: number): string {
  const requestedAt = Date.now() - (performance.now() - startedAt);
  const entered = new Map<string, number>();
  for (const { phase, at } of port.history)
    if (!entered.has(phase)) entered.set(phase, Date.parse(at));
  return [...entered]
    .map(([phase, at]) => `${phase} ${((at - requestedAt) / 1_000).toFixed(1)} s`)
    .join(', ');
}

/** Spare numbers of the emulator's inventory: lines 1000-1999 of each local exchange. */
function inventoryNumbers(count: number): string[] {
  const numbers = RATE_CENTERS.flatMap(({ npa, exchanges }) =>
    exchanges.flatMap((nxx) =>
      Array.from({ length: 1_000 }, (_, line) => `+1${npa}${nxx}${1_000 + line}`),
    ),
  );
  if (numbers.length < count) throw new Error(`the inventory holds ${numbers.length} numbers`);
  return numbers.slice(0, count);
}

export async function measureBigOrder(
  stack: Stack,
  count: number,
  setting: WorkerSetting,
  run: number,
): Promise<BigRequestResult> {
  const portflow = await stack.startPortflow(`scale-order-${run}`, setting.env);
  try {
    const partitionId = `bench-big-order-${run}`;
    const startedAt = performance.now();
    const submitted = await portflow.api.postUntilAccepted(
      partitionPath(partitionId, '/telephone-number/order'),
      { telephoneNumbers: inventoryNumbers(count), accountId: 'acc_bench' },
    );
    const answeredAt = performance.now();
    const workflowId = await onlyWorkflowOf(stack, 'orderNumbers', portflow.taskQueue);
    const order = (await stack.client.workflow.getHandle(workflowId).result()) as OrderProgress;
    const completedAt = performance.now();
    return {
      scenario: `one order, worker ${setting.label}`,
      numbers: count,
      answerSeconds: (answeredAt - startedAt) / 1_000,
      answer: answerText(submitted),
      wallSeconds: (completedAt - startedAt) / 1_000,
      outcome: `${order.status}: ${order.ordered} ordered, ${order.failed} failed`,
      ...finish(portflow, [await historySize(stack.client, workflowId)]),
    };
  } finally {
    await portflow.stop();
  }
}

export async function measureOpenPorts(
  stack: Stack,
  options: { ports: number; concurrency: number; perSecond: number; durationMs: number },
): Promise<OpenPortsResult> {
  // Production's poll interval; the carrier answers in two business days, after the bench.
  const [shipped, defaults] = WORKER_SETTINGS as [WorkerSetting, WorkerSetting];
  const portflow = await stack.startPortflow('scale-open', {
    PORT_POLL_INTERVAL: '1h',
    ...shipped.env,
  });
  try {
    const targets: Targets = {
      api: portflow.api,
      client: stack.client,
      bareClient: stack.bareClient,
      bareTaskQueue: 'unused',
      partitionId: 'bench-open-ports',
      ports: [],
      bareWorkflows: [],
    };
    const numbers = freshNumbers(options.ports);
    let failed = 0;
    let firstError: string | undefined;
    const startedAt = performance.now();
    await mapConcurrently(numbers, options.concurrency, async (telephoneNumber) => {
      const answer = await portflow.api.call(
        'POST',
        partitionPath(targets.partitionId, '/telephone-number/port'),
        { body: portRequestBody([telephoneNumber]) },
      );
      if (answer.status === 202) targets.ports.push(answer.body.portRequestId as string);
      else {
        failed += 1;
        firstError ??= `${answer.status} ${JSON.stringify(answer.body)}`;
      }
    });
    const seconds = (performance.now() - startedAt) / 1_000;

    /** The API under load while the ports wait; the worker's memory before and after it. */
    const whileWaiting = async (setting: string): Promise<WaitingWorker> => {
      const quiet = [stack.devServer, portflow.worker, portflow.apiProcess];
      await quiesce(quiet, stack.logger);
      const latency = await rateSeries(targets, {
        rates: [options.perSecond],
        durationMs: options.durationMs,
        kinds: ['GET port', 'bare describe', 'POST port'],
        quiet,
        logger: stack.logger,
      });
      return {
        setting,
        worker: portflow.worker.memory(),
        api: portflow.apiProcess.memory(),
        latency,
      };
    };
    const runs = [await whileWaiting(shipped.label)];
    // The same ports, a worker with the defaults: queries bring ports back into its cache.
    await portflow.restartWorker(defaults.env);
    runs.push(await whileWaiting(`restarted ${defaults.label}`));
    return {
      ports: options.ports,
      opened: { seconds, perSecond: targets.ports.length / seconds, failed, firstError },
      concurrency: options.concurrency,
      runs,
    };
  } finally {
    await portflow.stop();
  }
}
