/** The size of a workflow's history, as the server keeps it. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

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
