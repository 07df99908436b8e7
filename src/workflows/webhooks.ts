import {
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  DEFAULT_WEBHOOK_RETRY_WAITS_MS,
  WEBHOOK_DATA_IN_MEMO_MAX,
  WEBHOOK_EVENTS_IN_MEMO,
  WEBHOOK_EVENTS_PAGE_MAX,
  isDelivered,
  type WebhookAttempt,
  type WebhookEvent,
  type WebhookEventRecord,
  type WebhookEventsMemo,
  type WebhookEventsPage,
} from '../domain/webhook-event';
import { formatDuration } from '../domain/time';
import { LOCAL_RETRIES } from './definitions';

/**
 * How workflows before WEBHOOK_ATTEMPTS_PATCH sent an event: Temporal retried the activity
 * (same id) for up to a day, and the workflow heard only the end.
 */
const legacyDelivery: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '30 minutes' },
};
const { deliverWebhook } = proxyActivities<Activities>(legacyDelivery);
const { deliverWebhook: deliverWebhookLocally } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  ...legacyDelivery,
});

/**
 * One attempt answers how it went and never throws for the receiver's sake: only a worker lost
 * mid-attempt is retried by Temporal, a few times, and then counts as a failed attempt.
 */
const attempt: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
};
const { attemptWebhook } = proxyActivities<Activities>(attempt);
const { attemptWebhook: attemptWebhookLocally } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  ...attempt,
});

/**
 * Past this history length a workflow schedules no more retries (its events end FAILED and may
 * be redelivered): each failed attempt costs some 7 history events, and a port taking 200
 * comments while its receiver is down must stay under Temporal's 10,240.
 */
const RETRY_HISTORY_BUDGET = 7_500;

export interface WebhookEventsOptions {
  partitionId: string;
  /** The partition had a webhook when the workflow started: an event is sent. */
  configured: boolean;
  /** Whether the workflow runs with WEBHOOK_ATTEMPTS_PATCH (its caller asks `patched`). */
  recordsAttempts: boolean;
  /** Port and release deliver through local activities (one marker an attempt), orders through activities. */
  local: boolean;
  /** The waits between attempts; the default schedule when absent. */
  retryWaitsMs?: number[];
  /**
   * Told each time an event is kept (`emitted`) or an attempt is answered (`attempted`), once
   * the workflow records attempts: it publishes the memo then, or with its own next publish.
   */
  onChange?: (change: 'emitted' | 'attempted') => void;
}

interface KeptEvent {
  record: WebhookEventRecord;
  /** Characters of its data as JSON: only small data goes in the memo. */
  dataSize: number;
}

/**
 * A workflow's webhook events: each kept with its delivery, each delivered with its attempts
 * recorded, retried on the schedule's timers. Port, order, release and redelivery workflows
 * all deliver through this; the events and their attempts are the workflow's state, so a
 * replay rebuilds them (a workflow from before WEBHOOK_ATTEMPTS_PATCH knows only their ends).
 */
export class WebhookEvents {
  private readonly kept: KeptEvent[] = [];
  private readonly deliveries: Promise<void>[] = [];
  private inFlight = 0;
  private changedSinceMemo = false;

  constructor(private readonly options: WebhookEventsOptions) {}

  get recordsAttempts(): boolean {
    return this.options.recordsAttempts;
  }

  /** An attempt is under way (its answer comes in this workflow task when it is a local activity). */
  get attempting(): boolean {
    return this.inFlight > 0;
  }

  /** Keeps the event and starts its delivery, unless the partition has no webhook. */
  emit(event: WebhookEvent): void {
    const { configured, recordsAttempts } = this.options;
    const record: WebhookEventRecord = {
      ...event,
      delivery: { outcome: configured ? 'PENDING' : 'NOT_CONFIGURED', attempts: [] },
    };
    this.kept.push({ record, dataSize: JSON.stringify(event.data).length });
    this.changed('emitted');
    if (!configured) return;
    this.deliveries.push(
      recordsAttempts
        ? // Its retries outlive whatever scope emitted it: a cancelled poll does not cut them short.
          CancellationScope.nonCancellable(() => this.deliver(record))
        : this.deliverOnce(record),
    );
  }

  /** Every delivery has ended: delivered, or out of retries. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.deliveries);
  }

  /** The newest events for the memo; undefined when nothing changed since the last. */
  memoIfChanged(): WebhookEventsMemo | undefined {
    if (!this.changedSinceMemo) return undefined;
    this.changedSinceMemo = false;
    return this.memo();
  }

  memo(): WebhookEventsMemo {
    const newest = this.kept.slice(-WEBHOOK_EVENTS_IN_MEMO).map(({ record, dataSize }) => {
      if (dataSize <= WEBHOOK_DATA_IN_MEMO_MAX) return record;
      const { data: _data, ...small } = record;
      return small;
    });
    return { total: this.kept.length, newest };
  }

  /** The `webhookEvents` query: events from `from` on, as many as a page holds (at least one). */
  page(from: number): WebhookEventsPage {
    const events: WebhookEventRecord[] = [];
    let size = 0;
    for (const { record, dataSize } of this.kept.slice(Math.max(0, from))) {
      if (events.length > 0 && size + dataSize > WEBHOOK_EVENTS_PAGE_MAX) break;
      events.push(record);
      size += dataSize;
    }
    return { events, total: this.kept.length };
  }

  /** The first event kept, as a redelivery keeps its one. */
  get first(): WebhookEventRecord | undefined {
    return this.kept[0]?.record;
  }

  private changed(change: 'emitted' | 'attempted' = 'attempted'): void {
    this.changedSinceMemo = true;
    if (this.options.recordsAttempts) this.options.onChange?.(change);
  }

  /** Attempts on the schedule until one is answered 2xx or no retry is left. */
  private async deliver(record: WebhookEventRecord): Promise<void> {
    const { delivery, ...event } = record;
    const { id } = event;
    const waits = this.options.retryWaitsMs ?? DEFAULT_WEBHOOK_RETRY_WAITS_MS;
    for (let retry = 0; ; retry++) {
      const attempt = await this.attempt(event);
      delivery.attempts.push(attempt);
      delivery.nextAttemptAt = undefined;
      if (isDelivered(attempt)) {
        delivery.outcome = 'DELIVERED';
        this.changed();
        return;
      }
      const wait = waits[retry];
      if (wait === undefined || workflowInfo().historyLength > RETRY_HISTORY_BUDGET) {
        delivery.outcome = 'FAILED';
        this.changed();
        log.warn('webhook event not delivered: its retries are used up', {
          eventId: id,
          attempts: delivery.attempts.length,
        });
        return;
      }
      // From the attempt's own record, not the workflow's clock: a replay reads it back the same.
      const answered = Date.parse(attempt.at) + attempt.durationMs;
      attempt.nextAttemptAt = new Date(answered + wait).toISOString();
      delivery.nextAttemptAt = attempt.nextAttemptAt;
      this.changed();
      await sleep(wait, { summary: `retry webhook event ${id} in ${formatDuration(wait)}` });
    }
  }

  private async attempt(event: WebhookEvent): Promise<WebhookAttempt> {
    const { partitionId } = this.options;
    const send = this.options.local ? attemptWebhookLocally : attemptWebhook;
    this.inFlight++;
    try {
      return await send({ partitionId, event });
    } catch (error) {
      if (isCancellation(error)) throw error;
      // The worker was lost mid-attempt, each time Temporal tried it again.
      return { at: new Date().toISOString(), durationMs: 0, error: failureText(error) };
    } finally {
      this.inFlight--;
    }
  }

  /** The delivery of a workflow from before WEBHOOK_ATTEMPTS_PATCH: Temporal's retries, the end only. */
  private async deliverOnce(record: WebhookEventRecord): Promise<void> {
    const { delivery: _delivery, ...event } = record;
    const send = this.options.local ? deliverWebhookLocally : deliverWebhook;
    try {
      await send({ partitionId: this.options.partitionId, event });
      record.delivery.outcome = 'DELIVERED';
    } catch (error) {
      // A receiver down for a day loses the event, not the workflow.
      record.delivery.outcome = 'FAILED';
      log.warn('webhook event not delivered', { eventId: event.id, error: failureText(error) });
    }
  }
}

/** The innermost message of a failure: the receiver's words rather than "Activity task failed". */
function failureText(error: unknown): string {
  let failure = error;
  while (failure instanceof Error && failure.cause instanceof Error) failure = failure.cause;
  return failure instanceof Error ? failure.message : String(failure);
}
