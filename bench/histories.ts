/** The size of a workflow's history, as the server keeps it. */
import { WorkflowNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { portSubmissionWorkflowId } from '../src/workflows/definitions';

export interface HistorySize {
  workflowId: string;
  events: number;
  /** The whole history, protobuf-encoded. */
  historyBytes: number;
  /** Data and metadata of every payload in it (encrypted, as stored). */
  payloadBytes: number;
}

/** Sums the payloads anywhere in a decoded proto message. */
function payloadBytesIn(message: unknown): number {
  if (message === null || typeof message !== 'object' || message instanceof Uint8Array) return 0;
  if (Array.isArray(message))
    return message.reduce((sum: number, item) => sum + payloadBytesIn(item), 0);
  const fields = message as Record<string, unknown>;
  if (fields.data instanceof Uint8Array && 'metadata' in fields) {
    const metadata = Object.values((fields.metadata ?? {}) as Record<string, Uint8Array>);
    return fields.data.length + metadata.reduce((sum, value) => sum + value.length, 0);
  }
  return Object.values(fields).reduce((sum: number, value) => sum + payloadBytesIn(value), 0);
}

export async function historySize(client: Client, workflowId: string): Promise<HistorySize> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return {
    workflowId,
    events: history.events?.length ?? 0,
    historyBytes: temporal.api.history.v1.History.encode(history).finish().length,
    payloadBytes: payloadBytesIn(history.events),
  };
}

const GRPC_NOT_FOUND = 5;

/** The dev server's answer to a missing workflow, or the time-skipping test server's. */
function isNotFound(error: unknown): boolean {
  return (
    error instanceof WorkflowNotFoundError ||
    (isGrpcServiceError(error) && Number(error.code) === GRPC_NOT_FOUND)
  );
}

/** The histories of a port: the portIn workflow and each carrier's portSubmission child. */
export async function portHistories(
  client: Client,
  portWorkflowId: string,
): Promise<HistorySize[]> {
  const port = await historySize(client, portWorkflowId);
  const children: HistorySize[] = [];
  for (let index = 0; index < 1_000; index++) {
    try {
      children.push(await historySize(client, portSubmissionWorkflowId(portWorkflowId, index)));
    } catch (error) {
      if (isNotFound(error)) break; // the port had `index` carriers
      throw error;
    }
  }
  return [port, ...children];
}

/**
 * The `count` longest histories among the workflows on `taskQueue` (by the length visibility
 * lists, so one listing finds them whatever their kind), measured.
 */
export async function largestHistories(
  client: Client,
  taskQueue: string,
  count = 3,
): Promise<HistorySize[]> {
  const longest: { workflowId: string; events: number }[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    longest.push({ workflowId: execution.workflowId, events: execution.historyLength });
    longest.sort((a, b) => b.events - a.events);
    longest.splice(count);
  }
  return Promise.all(longest.map(({ workflowId }) => historySize(client, workflowId)));
}
