import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../config';
import {
  webhookEventEntryOf,
  type WebhookEventEntry,
  type WebhookEventLog,
  type WebhookEventMemoEntry,
  type WebhookEventRecord,
  type WebhookEventsMemo,
  type WebhookRedelivery,
} from '../domain/webhook-event-log';
import { PartitionIdKey } from '../temporal/search-attribute-keys';
import {
  MEMO,
  eventIdPrefix,
  redeliveriesPrefix,
  redeliveryWorkflowId,
  webhookEventSource,
  webhookEventsQuery,
  type WebhookRedeliveryInput,
} from '../workflows/definitions';
import type { webhookRedelivery } from '../workflows/webhook-redelivery';
import {
  describeWorkflow,
  idempotentId,
  requestFingerprint,
  startOnce,
  type DescribedWorkflow,
} from './idempotency';
import { accepted, conflict, done, notFound, type Outcome } from './outcomes';
import { TemporalUnavailable, callTemporal, visibilityString } from './temporal-calls';

/** How long each page of a workflow's events may wait for a worker before the read answers the memo's. */
const EVENTS_QUERY_DEADLINE_MS = 3_000;
/** The redeliveries of one workflow's events a read lists at most. */
const MAX_REDELIVERIES_LISTED = 1_000;

export interface WebhookEventDeps {
  client: Client;
  config: Pick<Config, 'WEBHOOKS' | 'WEBHOOK_RETRY_SCHEDULE'>;
  taskQueue: string;
  /** Told of each redelivery workflow started. */
  onStarted?: () => void;
}

/** One workflow run that emitted events, as the server describes it. */
export interface EventSource {
  workflowId: string;
  runId: string;
  memo: Record<string, unknown>;
}

/**
 * The webhook events of ports, orders and releases, and their redelivery. A read answers from
 * the emitting workflow's memo (its newest events) and the redeliveries' memos (listed by
 * workflow ID), with no worker; a longer log, or a large event's data, is asked of the workflow.
 */
export function webhookEvents({ client, config, taskQueue, onStarted }: WebhookEventDeps) {
  const handleOf = ({ workflowId, runId }: Pick<EventSource, 'workflowId' | 'runId'>) =>
    client.workflow.getHandle(workflowId, runId);

  /** Every event of the run, from its workflow, page by page. */
  async function queryEvents(handle: WorkflowHandle): Promise<WebhookEventRecord[]> {
    const events: WebhookEventRecord[] = [];
    for (let total = 1; events.length < total;) {
      const page = await callTemporal(
        client,
        () => handle.query(webhookEventsQuery, { from: events.length }),
        EVENTS_QUERY_DEADLINE_MS,
      );
      total = page.total;
      if (page.events.length === 0) break;
      events.push(...page.events);
    }
    return events;
  }

  /** The run's events as its memo holds them, or all of them from the workflow when the memo does not. */
  async function recordsOf(
    source: EventSource,
  ): Promise<{ records: WebhookEventMemoEntry[]; total: number; complete: boolean }> {
    const kept = source.memo[MEMO.webhookEvents] as WebhookEventsMemo | undefined;
    if (kept && kept.total <= kept.newest.length && kept.newest.every((e) => e.data)) {
      return { records: kept.newest, total: kept.total, complete: true };
    }
    try {
      const records = await queryEvents(handleOf(source));
      return { records, total: records.length, complete: true };
    } catch (error) {
      if (!(error instanceof TemporalUnavailable)) throw error;
      const newest = kept?.newest ?? [];
      return { records: newest, total: kept?.total ?? newest.length, complete: false };
    }
  }

  /** The redeliveries whose workflow IDs begin with `prefix`, as their memos hold them. */
  async function redeliveriesOf(prefix: string): Promise<WebhookRedelivery[]> {
    const query = `WorkflowType = 'webhookRedelivery' AND WorkflowId STARTS_WITH ${visibilityString(prefix)}`;
    return callTemporal(client, async () => {
      const found: WebhookRedelivery[] = [];
      for await (const run of client.workflow.list({ query, pageSize: 100 })) {
        const redelivery = run.memo?.[MEMO.redelivery] as WebhookRedelivery | undefined;
        // STARTS_WITH is a LIKE on SQL visibility, which SQLite compares ignoring case.
        if (redelivery && run.workflowId.startsWith(prefix)) found.push(redelivery);
        if (found.length >= MAX_REDELIVERIES_LISTED) break;
      }
      return found;
    });
  }

  /** The event with its redeliveries' attempts merged in. */
  function entryOf(record: WebhookEventMemoEntry, redeliveries: WebhookRedelivery[]) {
    return webhookEventEntryOf(
      record,
      redeliveries
        .filter((r) => r.eventId === record.id)
        .sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt)),
    );
  }

  /** One event with its data, from the memo or else its workflow; undefined when the run never emitted it. */
  async function eventOf(
    source: EventSource,
    eventId: string,
  ): Promise<WebhookEventRecord | undefined> {
    const kept = source.memo[MEMO.webhookEvents] as WebhookEventsMemo | undefined;
    const inMemo = kept?.newest.find((e) => e.id === eventId);
    if (inMemo?.data) return inMemo as WebhookEventRecord;
    return (await queryEvents(handleOf(source))).find((e) => e.id === eventId);
  }

  /** Every event the run emitted, oldest first, each with its attempts and redeliveries. */
  async function log(source: EventSource): Promise<WebhookEventLog> {
    const [{ records, total, complete }, redeliveries] = await Promise.all([
      recordsOf(source),
      redeliveriesOf(redeliveriesPrefix(eventIdPrefix(source.workflowId, source.runId))),
    ]);
    return { events: records.map((r) => entryOf(r, redeliveries)), total, complete };
  }

  return {
    log,

    /**
     * The events of a resource's workflow (its latest run), or the refusal that there is none:
     * `isResource` says whether the run the server holds is the resource (its memo, say).
     */
    async logOf<K extends string>(
      workflowId: string,
      resource: Record<K, string>,
      isResource: (run: DescribedWorkflow) => boolean,
      missing: string,
    ): Promise<Outcome<WebhookEventLog & Record<K, string>>> {
      const run = await describeWorkflow(client, workflowId);
      if (!run || !isResource(run)) return notFound(missing);
      return done({ ...resource, ...(await log({ workflowId, ...run })) });
    },

    /**
     * Sends an event again, with its id, in a webhookRedelivery workflow of its own: 202 with
     * the event as it now stands. The same Idempotency-Key for the same event answers the
     * redelivery it started. An event of another partition (or none) is not found.
     */
    async redeliver(
      partitionId: string,
      eventId: string,
      idempotencyKey: string | undefined,
    ): Promise<Outcome<WebhookEventEntry>> {
      const missing = notFound(`No webhook event ${eventId}`);
      const emitter = webhookEventSource(partitionId, eventId);
      const run = emitter && (await describeWorkflow(client, emitter.workflowId, emitter.runId));
      if (!emitter || !run) return missing;
      const source = { workflowId: emitter.workflowId, runId: run.runId, memo: run.memo };
      const event = await eventOf(source, eventId);
      // Workflow IDs alone may read alike across partitions (`p` + `pr_a-pr_b`, `p-pr_a` + `pr_b`).
      if (event?.partitionId !== partitionId) return missing;
      if (!config.WEBHOOKS?.[partitionId]) {
        return conflict(
          'WEBHOOK_NOT_CONFIGURED',
          `Partition ${partitionId} has no webhook (WEBHOOKS): there is nowhere to send the event`,
        );
      }

      const key = idempotencyKey === undefined ? undefined : `${eventId}\n${idempotencyKey}`;
      const redeliveryId = `rdl_${idempotentId(partitionId, key, 'hex')}`;
      const workflowId = redeliveryWorkflowId(eventId, redeliveryId);
      const fingerprint = requestFingerprint({ eventId });
      const { delivery: _delivery, ...body } = event;
      const requestedAt = new Date().toISOString();
      const begun: WebhookRedelivery = {
        redeliveryId,
        eventId,
        requestedAt,
        outcome: 'PENDING',
        attempts: [],
      };
      const input: WebhookRedeliveryInput = {
        partitionId,
        redeliveryId,
        event: body,
        requestedAt,
        retryWaitsMs: config.WEBHOOK_RETRY_SCHEDULE,
      };
      const start = await startOnce(client, workflowId, fingerprint, () =>
        client.workflow.start<typeof webhookRedelivery>('webhookRedelivery', {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { [MEMO.requestFingerprint]: fingerprint, [MEMO.redelivery]: begun },
          typedSearchAttributes: [{ key: PartitionIdKey, value: partitionId }],
          staticSummary: `Redeliver webhook event ${eventId} (${event.type})`,
        }),
      );
      if (start.started) onStarted?.();
      const current =
        'memo' in start ? (start.memo[MEMO.redelivery] as WebhookRedelivery | undefined) : begun;
      // Visibility may not list the one just started yet: it is put in by hand.
      const listed = await redeliveriesOf(redeliveriesPrefix(`${eventId}-`));
      const redeliveries = [
        ...listed.filter((r) => r.redeliveryId !== redeliveryId),
        ...(current ? [current] : []),
      ];
      return accepted(entryOf(event, redeliveries));
    },
  };
}

export type WebhookEventOperations = ReturnType<typeof webhookEvents>;
