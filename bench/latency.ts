/**
 * Item 2: API latency at fixed request rates. POST port beside a bare `client.workflow.start`
 * (and a bare update-with-start, which like POST port waits for the workflow's first word), GET
 * port beside a bare query of a running workflow, and GET /healthz as the floor of one HTTP
 * round trip to the API process.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { freshNumbers, partitionPath, portRequestBody, type ApiClient } from './api-client';
import { bareAdmissionUpdate, bareStateQuery, bareWait } from './bare/workflows';
import { atFixedRate, type LatencySummary } from './load';
import { quiesce, type Measured } from './processes';
import type { Logger } from '../src/logger';
import type { Stack, TemporalServer } from './stack';
import { portWorkflowId } from '../src/workflows/definitions';

export const LATENCY_KINDS = [
  'POST port',
  'bare workflow.start',
  'bare updateWithStart',
  'GET port',
  'bare describe',
  'bare query',
  'GET /healthz',
] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

export interface LatencyRow {
  perSecond: number;
  kind: LatencyKind;
  summary: LatencySummary;
}

/** What one fixed-rate run sends, and the workflows it leaves open for the reads after it. */
export interface Targets {
  api: ApiClient;
  /** With the run's codec: describes the open ports' workflows as the API would. */
  client: Client;
  bareClient: Client;
  bareTaskQueue: string;
  partitionId: string;
  /** portRequestIds of open ports. */
  ports: string[];
  /** Workflow IDs of open bareWait workflows. */
  bareWorkflows: string[];
}

/** An index that visits every open workflow evenly without favouring the newest. */
const spread = (index: number, length: number) => (index * 7_919) % length;

let bareSequence = 0;

/** Sends one request of `kind`. */
export function requestOf(
  targets: Targets,
  kind: LatencyKind,
): (index: number, signal: AbortSignal) => Promise<number | void> {
  const { api, bareClient, partitionId } = targets;
  /** Starts a waiting bare workflow through `start`; queries read it afterwards. */
  const bare =
    (start: (options: { workflowId: string; taskQueue: string }) => Promise<unknown>) =>
    async () => {
      const workflowId = `bare-wait-${++bareSequence}`;
      await start({ workflowId, taskQueue: targets.bareTaskQueue });
      targets.bareWorkflows.push(workflowId);
    };
  switch (kind) {
    case 'POST port':
      // Whatever the API answers is counted (202, 409, 429, 503...); only a 202 opened a port.
      return async (_index, signal) => {
        const [telephoneNumber] = freshNumbers(1);
        const { status, body } = await api.call(
          'POST',
          partitionPath(partitionId, '/telephone-number/port'),
          { body: portRequestBody([telephoneNumber as string]), signal },
        );
        if (status === 202) targets.ports.push(body.portRequestId as string);
        return status;
      };
    case 'bare workflow.start':
      return bare((options) => bareClient.workflow.start(bareWait, options));
    case 'bare updateWithStart':
      return bare((options) =>
        bareClient.workflow.executeUpdateWithStart(bareAdmissionUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(bareWait, {
            ...options,
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
      );
    case 'GET port':
      return async (index, signal) => {
        const portRequestId = targets.ports[spread(index, targets.ports.length)] as string;
        const answer = await api.call(
          'GET',
          partitionPath(partitionId, `/telephone-number/port/${portRequestId}`),
          { signal },
        );
        return answer.status;
      };
    case 'bare describe':
      // What a read costs Temporal itself: one describe of the same open ports' workflows.
      return async (index) => {
        const portRequestId = targets.ports[spread(index, targets.ports.length)] as string;
        await targets.client.workflow
          .getHandle(portWorkflowId(partitionId, portRequestId))
          .describe();
      };
    case 'bare query':
      return async (index) => {
        const workflowId = targets.bareWorkflows[spread(index, targets.bareWorkflows.length)];
        await bareClient.workflow.getHandle(workflowId as string).query(bareStateQuery);
      };
    case 'GET /healthz':
      return async (_index, signal) => (await api.call('GET', '/healthz', { signal })).status;
  }
}

/** Runs each kind at each rate, the system left to go quiet between runs. */
export async function rateSeries(
  targets: Targets,
  options: {
    rates: readonly number[];
    durationMs: number;
    kinds: readonly LatencyKind[];
    quiet: Measured[];
    logger: Logger;
  },
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const perSecond of options.rates) {
    for (const kind of options.kinds) {
      const summary = await atFixedRate({
        perSecond,
        durationMs: options.durationMs,
        call: requestOf(targets, kind),
      });
      rows.push({ perSecond, kind, summary });
      await quiesce(options.quiet, options.logger, 300_000);
    }
  }
  return rows;
}

/** Every kind at each rate, on the stack's dev server, or only `kinds` on the server `on` names. */
export async function measureLatency(
  stack: Stack,
  options: { rates: readonly number[]; durationMs: number; warmupMs: number },
  on: TemporalServer = stack.temporal,
  kinds: readonly LatencyKind[] = LATENCY_KINDS,
): Promise<LatencyRow[]> {
  const bareTaskQueue = 'bare-latency';
  const bareWorker = await stack.startBareWorker(bareTaskQueue, on);
  // Production's poll interval: the ports opened here wait for a carrier that answers in days.
  const portflow = await stack.startPortflow('latency', { PORT_POLL_INTERVAL: '1h' }, on);
  const targets: Targets = {
    api: portflow.api,
    client: on.client,
    bareClient: on.bareClient,
    bareTaskQueue,
    partitionId: 'bench-latency',
    ports: [],
    bareWorkflows: [],
  };
  const quiet = [...on.processes, portflow.worker, portflow.apiProcess, bareWorker];
  try {
    // Warm-up: JIT, connection pools and worker caches, not measured.
    await rateSeries(targets, {
      rates: [20],
      durationMs: options.warmupMs,
      kinds,
      quiet,
      logger: stack.logger,
    });
    return await rateSeries(targets, {
      rates: options.rates,
      durationMs: options.durationMs,
      kinds,
      quiet,
      logger: stack.logger,
    });
  } finally {
    await portflow.stop();
    await bareWorker.stop();
  }
}
