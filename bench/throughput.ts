/**
 * Item 1: ports per second from POST to COMPLETED with a carrier that approves at once, beside
 * two baselines started by the plain client in the same run: a bare port (the same upstream
 * calls as plain activities) and bare Temporal (one no-op activity per workflow).
 */
import type { Client } from '@temporalio/client';
import { mapConcurrently } from '../src/domain/concurrency';
import { ACTIVATION, freshNumbers, partitionPath, portRequestBody } from './api-client';
import { bareNoop, barePort } from './bare/workflows';
import { percentile } from './load';
import { waitUntil, type Measured } from './processes';
import type { Stack, TemporalServer } from './stack';

export interface CompletionRun {
  workflows: number;
  /** First start to the last close. */
  seconds: number;
  perSecond: number;
  /** Start to close of each workflow. */
  p50Ms: number;
  p99Ms: number;
  /** CPU time each process spent per workflow. */
  cpuMsPerWorkflow: Record<string, number>;
  /** Workflows that closed otherwise than expected (a port not COMPLETED). */
  unexpected: number;
  /** POSTs answered 503 or 429 and sent again after Retry-After. */
  retried?: number;
}

export interface ThroughputResult {
  bare: CompletionRun;
  /** The upstream calls of a port (check, submit, status until final, activate) as plain activities. */
  barePort?: CompletionRun;
  portflow: CompletionRun;
  /** Started at once, in both runs. */
  concurrency: number;
}

interface CompletionOptions {
  client: Client;
  count: number;
  concurrency: number;
  /** Starts workflow `index`. */
  start: (index: number) => Promise<void>;
  /** A visibility query matching the run's workflows. */
  query: string;
  /** A query matching those that closed as expected. */
  expected: string;
  processes: Measured[];
  timeoutMs: number;
}

/** Starts `count` workflows, `concurrency` at a time, and waits until all have closed. */
export async function runToCompletion(options: CompletionOptions): Promise<CompletionRun> {
  const { client, count, query, processes } = options;
  const cpuBefore = processes.map((p) => p.cpuMs());
  const startedAt = Date.now();
  await mapConcurrently(
    Array.from({ length: count }, (_, index) => index),
    options.concurrency,
    options.start,
  );
  const closed = `${query} AND ExecutionStatus != 'Running'`;
  await waitUntil(
    `${count} workflows closed`,
    async () => (await client.workflow.count(closed)).count >= count,
    options.timeoutMs,
  );
  const cpuAfter = processes.map((p) => p.cpuMs());
  const durations: number[] = [];
  let lastClose = startedAt;
  for await (const execution of client.workflow.list({ query: closed })) {
    const closeTime = execution.closeTime?.getTime() ?? startedAt;
    lastClose = Math.max(lastClose, closeTime);
    durations.push(closeTime - execution.startTime.getTime());
  }
  durations.sort((a, b) => a - b);
  const seconds = (lastClose - startedAt) / 1_000;
  const { count: asExpected } = await client.workflow.count(`${closed} AND ${options.expected}`);
  return {
    workflows: count,
    seconds,
    perSecond: count / seconds,
    p50Ms: percentile(durations, 50),
    p99Ms: percentile(durations, 99),
    cpuMsPerWorkflow: Object.fromEntries(
      processes.map((p, index) => [
        p.name,
        ((cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0)) / count,
      ]),
    ),
    unexpected: count - asExpected,
  };
}

/** On the stack's dev server, or on the server `on` names (a cluster). */
export async function measureThroughput(
  stack: Stack,
  options: { ports: number; concurrency: number; timeoutMs: number },
  on: TemporalServer = stack.temporal,
): Promise<ThroughputResult> {
  // The carrier approves and completes each port at its first look.
  await stack.emulator.control('PUT', '/carrier', { pace: 'immediate' });
  try {
    const baselines = await measureBaselines(stack, options, on);
    return {
      ...baselines,
      portflow: await measurePorts(stack, options, on),
      concurrency: options.concurrency,
    };
  } finally {
    await stack.emulator.control('PUT', '/carrier', { pace: 'business-days' });
  }
}

type Sizes = { ports: number; concurrency: number; timeoutMs: number };

async function measureBaselines(
  stack: Stack,
  { ports: count, concurrency, timeoutMs }: Sizes,
  on: TemporalServer,
) {
  const taskQueue = 'bare-throughput';
  const bareWorker = await stack.startBareWorker(taskQueue, on);
  const { bareClient } = on;
  try {
    const bare = await runToCompletion({
      client: bareClient,
      count,
      concurrency,
      start: async (index) => {
        await bareClient.workflow.start(bareNoop, {
          taskQueue,
          workflowId: `bare-throughput-${index}`,
        });
      },
      query: `WorkflowType = 'bareNoop' AND TaskQueue = '${taskQueue}'`,
      expected: `ExecutionStatus = 'Completed'`,
      processes: [...on.processes, bareWorker],
      timeoutMs,
    });
    const numbers = freshNumbers(count);
    const barePortRun = await runToCompletion({
      client: bareClient,
      count,
      concurrency,
      start: async (index) => {
        await bareClient.workflow.start(barePort, {
          taskQueue,
          workflowId: `bare-port-${index}`,
          args: [
            {
              partitionId: 'bench-bare-port',
              request: { ...portRequestBody([numbers[index] as string]), activation: ACTIVATION },
              pollIntervalMs: 1_000,
            },
          ],
        });
      },
      query: `WorkflowType = 'barePort' AND TaskQueue = '${taskQueue}'`,
      expected: `ExecutionStatus = 'Completed'`,
      processes: [...on.processes, bareWorker, stack.emulator.process],
      timeoutMs,
    });
    return { bare, barePort: barePortRun };
  } finally {
    await bareWorker.stop();
  }
}

async function measurePorts(
  stack: Stack,
  { ports: count, concurrency, timeoutMs }: Sizes,
  on: TemporalServer,
): Promise<CompletionRun> {
  const portflow = await stack.startPortflow('throughput', { PORT_POLL_INTERVAL: '1s' }, on);
  try {
    const partitionId = 'bench-throughput';
    const numbers = freshNumbers(count);
    let retried = 0;
    const result = await runToCompletion({
      client: on.client,
      count,
      concurrency,
      start: async (index) => {
        const submitted = await portflow.api.postUntilAccepted(
          partitionPath(partitionId, '/telephone-number/port'),
          { ...portRequestBody([numbers[index] as string]), activation: ACTIVATION },
        );
        retried += submitted.attempts - 1;
        if (!submitted.answer) throw new Error(`POST port: ${submitted.refusals.join(', ')}`);
      },
      query: `WorkflowType = 'portIn' AND PartitionId = '${partitionId}'`,
      expected: `PortStatus = 'COMPLETED'`,
      processes: [...on.processes, portflow.worker, portflow.apiProcess, stack.emulator.process],
      timeoutMs,
    });
    return { ...result, retried };
  } finally {
    await portflow.stop();
  }
}
