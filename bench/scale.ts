/**
 * Item 4: scale. One port request of 10,000 numbers and one order of 10,000 numbers (wall time,
 * largest history, worker peak RSS), and 10,000 ports open at once (worker RSS, API latency
 * while they wait). Each gets a fresh worker process, so its peak RSS is its own.
 */
import { performance } from 'node:perf_hooks';
import { mapConcurrently } from '../src/activities/concurrency';
import type { OrderProgress, PortObject } from '../src/domain';
import { RATE_CENTERS } from '../src/emulator';
import {
  numberClaimWorkflowId,
  orderWorkflowId,
  portWorkflowId,
} from '../src/workflows/definitions';
import { freshNumbers, partitionPath, portRequestBody } from './api-client';
import { historySize, portHistories, type HistorySize } from './histories';
import { rateSeries, type LatencyRow, type Targets } from './latency';
import { quiesce, type Memory } from './processes';
import type { Portflow, Stack } from './stack';

export interface BigRequestResult {
  scenario: string;
  numbers: number;
  /** POST until the API answered. */
  answerSeconds: number;
  /** POST until the workflow completed. */
  wallSeconds: number;
  outcome: string;
  histories: HistorySize[];
  worker: Memory;
  api: Memory;
}

export interface OpenPortsResult {
  ports: number;
  /** How fast they were opened, `concurrency` POSTs at a time. */
  opened: { seconds: number; perSecond: number; failed: number; firstError?: string };
  concurrency: number;
  /** Once they all wait and the worker is idle. */
  worker: Memory;
  api: Memory;
  latency: LatencyRow[];
}

/** Memory of the worker and API, and a largest-first list of histories. */
function finish(portflow: Portflow, histories: HistorySize[]) {
  return {
    histories: [...histories].sort((a, b) => b.events - a.events),
    worker: portflow.worker.memory(),
    api: portflow.apiProcess.memory(),
  };
}

export async function measureBigPort(stack: Stack, count: number): Promise<BigRequestResult> {
  await stack.emulator.control('PUT', '/carrier', { pace: 'immediate' });
  const portflow = await stack.startPortflow('scale-port', { PORT_POLL_INTERVAL: '1s' });
  try {
    const partitionId = 'bench-big-port';
    // Five NPAs, so five losing carriers and five submissions.
    const numbers = freshNumbers(count);
    const startedAt = performance.now();
    const { body } = await portflow.api.expect(
      202,
      'POST',
      partitionPath(partitionId, '/telephone-number/port'),
      portRequestBody(numbers),
    );
    const answeredAt = performance.now();
    const workflowId = portWorkflowId(partitionId, body.portRequestId as string);
    const port = (await stack.client.workflow.getHandle(workflowId).result()) as PortObject;
    const completedAt = performance.now();
    const completed = port.numbers.filter((n) => n.status === 'COMPLETED').length;
    return {
      scenario: 'one port request',
      numbers: count,
      answerSeconds: (answeredAt - startedAt) / 1_000,
      wallSeconds: (completedAt - startedAt) / 1_000,
      outcome: `${port.status}: ${completed} of ${count} numbers COMPLETED`,
      ...finish(portflow, [
        ...(await portHistories(stack.client, workflowId)),
        await historySize(stack.client, numberClaimWorkflowId(partitionId, numbers[0] as string)),
      ]),
    };
  } finally {
    await portflow.stop();
    await stack.emulator.control('PUT', '/carrier', { pace: 'business-days' });
  }
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

export async function measureBigOrder(stack: Stack, count: number): Promise<BigRequestResult> {
  const portflow = await stack.startPortflow('scale-order');
  try {
    const partitionId = 'bench-big-order';
    const startedAt = performance.now();
    const answer = await portflow.api.call(
      'POST',
      partitionPath(partitionId, '/telephone-number/order'),
      { telephoneNumbers: inventoryNumbers(count), accountId: 'acc_bench' },
    );
    if (answer.status !== 200 && answer.status !== 202) {
      throw new Error(`POST order: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const answeredAt = performance.now();
    const workflowId = orderWorkflowId(partitionId, answer.body.orderId as string);
    const order = (await stack.client.workflow.getHandle(workflowId).result()) as OrderProgress;
    const completedAt = performance.now();
    return {
      scenario: 'one order',
      numbers: count,
      answerSeconds: (answeredAt - startedAt) / 1_000,
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
  const portflow = await stack.startPortflow('scale-open', { PORT_POLL_INTERVAL: '1h' });
  try {
    const targets: Targets = {
      api: portflow.api,
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
        portRequestBody([telephoneNumber]),
      );
      if (answer.status === 202) targets.ports.push(answer.body.portRequestId as string);
      else {
        failed += 1;
        firstError ??= `${answer.status} ${JSON.stringify(answer.body)}`;
      }
    });
    const seconds = (performance.now() - startedAt) / 1_000;
    const quiet = [stack.devServer, portflow.worker, portflow.apiProcess];
    await quiesce(quiet, stack.logger);
    const worker = portflow.worker.memory();
    const api = portflow.apiProcess.memory();
    const latency = await rateSeries(targets, {
      rates: [options.perSecond],
      durationMs: options.durationMs,
      kinds: ['GET port', 'POST port'],
      quiet,
      logger: stack.logger,
    });
    return {
      ports: options.ports,
      opened: { seconds, perSecond: targets.ports.length / seconds, failed, firstError },
      concurrency: options.concurrency,
      worker,
      api,
      latency,
    };
  } finally {
    await portflow.stop();
  }
}
