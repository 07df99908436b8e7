import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MEMO } from '../workflows/definitions';
import { callTemporal, unlessMissing } from './temporal-calls';

/**
 * One idempotency scheme for every operation that starts work: the `Idempotency-Key` names the
 * workflow ID, the request's fingerprint rides in the workflow's memo (MEMO.requestFingerprint),
 * and the server refuses a second start of that ID. The same key with the same request is a
 * replay (the first request's workflow answers); with another request it is refused.
 */

/** A digest of a request, so the same Idempotency-Key with another request is told apart. */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
}

/**
 * The resource ID an Idempotency-Key names: the same key in the same partition always gives
 * the same ID; no key gives a fresh one. `hex` IDs hold no `-`, for IDs that must not.
 */
export function idempotentId(
  partitionId: string,
  idempotencyKey: string | undefined,
  encoding: 'base64url' | 'hex' = 'base64url',
): string {
  if (idempotencyKey === undefined) return randomBytes(12).toString(encoding);
  return createHash('sha256')
    .update(`${partitionId}\n${idempotencyKey}`)
    .digest(encoding)
    .slice(0, 22);
}

export type StartOnce =
  | { started: true }
  /** The key's workflow ran or runs already, for this same request: its memo answers. */
  | { started: false; running: boolean; memo: Record<string, unknown> }
  | { started: false; running: boolean; keyReused: true };

/** Starts a workflow whose ID the key names, or finds the one the same request started. */
export async function startOnce(
  client: Client,
  workflowId: string,
  fingerprint: string,
  start: () => Promise<unknown>,
): Promise<StartOnce> {
  try {
    await callTemporal(client, start);
    return { started: true };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  const earlier = await describeWorkflow(client, workflowId);
  const running = earlier?.running ?? false;
  if (earlier?.memo[MEMO.requestFingerprint] !== fingerprint) {
    return { started: false, running, keyReused: true };
  }
  return { started: false, running, memo: earlier.memo };
}

/** What the server holds of a workflow run: no worker needed. */
export interface DescribedWorkflow {
  runId: string;
  memo: Record<string, unknown>;
  running: boolean;
}

/**
 * A workflow's memo and whether it runs, read from the server: its latest
 * run, or the run `runId` names. Undefined when it never ran (or that run is gone).
 */
export async function describeWorkflow(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<DescribedWorkflow | undefined> {
  const description = await unlessMissing(client, () =>
    client.workflow.getHandle(workflowId, runId).describe(),
  );
  if (!description) return undefined;
  return {
    runId: description.runId,
    memo: description.memo ?? {},
    running: description.status.name === 'RUNNING',
  };
}

/** A workflow's memo, read from the server: no worker needed. Undefined when it never ran. */
export async function memoOf(
  client: Client,
  workflowId: string,
): Promise<Record<string, unknown> | undefined> {
  return (await describeWorkflow(client, workflowId))?.memo;
}
