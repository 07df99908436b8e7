import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { createActivities } from '../activities';
import type { OrderedNumber } from '../domain/numbers';
import type { OrderProgress } from '../domain/order';
import type { WebhookEvent } from '../domain/webhook-event';
import { startingOrder, toOrderMemo } from '../domain/order-memo';
import { ORDERED, NOT_ORDERED, finalOrderStatus } from '../domain/order-status';
import { formatDuration } from '../domain/time';
import {
  AccountIdKey,
  MAX_SEARCHABLE_NUMBERS,
  OrderStatusKey,
  PartitionIdKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import {
  MEMO,
  ORDER_STATUS_PATCH,
  PLATFORM_REJECTED,
  WEBHOOK_ATTEMPTS_PATCH,
  awaitOrderUpdate,
  orderEventId,
  webhookEventsQuery,
  type OrderNumbersInput,
} from './definitions';
import { WebhookEvents } from './webhooks';

type Activities = ReturnType<typeof createActivities>;

/**
 * An order of up to 10,000 numbers: platform orders of at most `batchSize` numbers, a few
 * in flight at once, each with an idempotency key of this workflow and its batch, so a retry
 * never orders a number twice. A batch the platform refuses, or that outlasts the retry
 * window, fails alone: its numbers are FAILED with the reason and the other batches go on.
 * About six history events per batch: 100 batches stay far below the 10,240-event limit.
 * Its progress is its memo (MEMO.order, beside the numbers the API started it with), upserted
 * every tenth of the numbers and at the end, so the API reads it with no worker.
 */
export async function orderNumbers(input: OrderNumbersInput): Promise<OrderProgress> {
  const { workflowId } = workflowInfo();
  const { partitionId, accountId, settings } = input;

  const { orderBatch } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: settings.batchRetryWindowMs,
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: [PLATFORM_REJECTED],
    },
  });

  const progress = startingOrder(
    { orderId: input.orderId, accountId, createdDate: input.receivedAt },
    input.telephoneNumbers,
  );
  const positionOf = new Map(input.telephoneNumbers.map((number, index) => [number, index]));
  const done = () => progress.status !== 'IN_PROGRESS';
  const events = new WebhookEvents({
    partitionId,
    configured: settings.webhooks,
    recordsAttempts: patched(WEBHOOK_ATTEMPTS_PATCH),
    local: false,
    retryWaitsMs: settings.webhookRetryWaitsMs,
    // Emitted with the order's last progress; each attempt's answer in a workflow task of its own.
    onChange: (change) => {
      const webhookEvents = change === 'attempted' && events.memoIfChanged();
      if (webhookEvents) upsertMemo({ [MEMO.webhookEvents]: webhookEvents });
    },
  });
  setHandler(webhookEventsQuery, ({ from }) => events.page(from));

  // The memo is upserted as each tenth of the numbers is answered: ten small events at most.
  const step = Math.max(1, Math.ceil(progress.total / 10));
  let published = 0;
  function publish(): void {
    published = progress.ordered + progress.failed;
    const webhookEvents = events.recordsAttempts ? events.memoIfChanged() : undefined;
    upsertMemo({
      [MEMO.order]: toOrderMemo(progress),
      ...(webhookEvents ? { [MEMO.webhookEvents]: webhookEvents } : {}),
    });
  }

  setHandler(awaitOrderUpdate, async ({ waitMs }) => {
    await condition(done, waitMs);
    return { done: done() };
  });

  upsertSearchAttributes([
    { key: PartitionIdKey, value: partitionId },
    { key: AccountIdKey, value: accountId },
    {
      key: TelephoneNumbersKey,
      value: input.telephoneNumbers.slice(0, MAX_SEARCHABLE_NUMBERS),
    },
  ]);

  const batchSize = input.tollFree ? 1 : settings.batchSize;
  const batches: string[][] = [];
  for (let start = 0; start < input.telephoneNumbers.length; start += batchSize)
    batches.push(input.telephoneNumbers.slice(start, start + batchSize));

  function record(outcomes: readonly OrderedNumber[]): void {
    for (const outcome of outcomes) {
      const position = positionOf.get(outcome.telephoneNumber);
      if (position === undefined) continue;
      progress.telephoneNumbers[position] = outcome;
      if (outcome.status === ORDERED) progress.ordered += 1;
      else progress.failed += 1;
    }
    if (progress.ordered + progress.failed - published >= step) publish();
  }

  async function orderBatchOf(index: number): Promise<void> {
    const telephoneNumbers = batches[index] as string[];
    try {
      const answer = await orderBatch({
        partitionId,
        accountId,
        tollFree: input.tollFree,
        telephoneNumbers,
        idempotencyKey: `${workflowId}-batch-${index + 1}`,
      });
      record(answer.telephoneNumbers);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      const reason = whyNotOrdered(error, settings.batchRetryWindowMs);
      record(
        telephoneNumbers.map((telephoneNumber) => ({
          telephoneNumber,
          status: NOT_ORDERED,
          reason,
        })),
      );
    }
  }

  let next = 0;
  async function lane(): Promise<void> {
    while (next < batches.length) await orderBatchOf(next++);
  }
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, batches.length) }, lane));

  progress.status = finalOrderStatus(progress.telephoneNumbers);
  progress.completedDate = new Date().toISOString();
  const completed: WebhookEvent = {
    id: orderEventId(workflowId),
    type: 'order.completed',
    occurredAt: progress.completedDate,
    partitionId,
    data: {
      orderId: progress.orderId,
      status: progress.status,
      accountId,
      total: progress.total,
      ordered: progress.ordered,
      failed: progress.failed,
      // Every number not listed here is ACTIVE: the list stays small for a good order.
      failures: progress.telephoneNumbers.filter((n) => n.status !== ORDERED),
    },
  };
  // Kept before the last publish, which shows it; orders before WEBHOOK_ATTEMPTS_PATCH sent it after.
  if (events.recordsAttempts) events.emit(completed);
  publish();
  // Orders recorded before OrderStatus existed ended without this upsert.
  if (patched(ORDER_STATUS_PATCH))
    upsertSearchAttributes([{ key: OrderStatusKey, value: progress.status }]);
  if (!events.recordsAttempts) events.emit(completed);
  // The order is done either way; a receiver down for a day misses the event, not the numbers.
  await events.settled();
  await condition(allHandlersFinished);
  return progress;
}

/** Why a batch's numbers were not ordered, in words a client can act on. */
function whyNotOrdered(error: ActivityFailure, retryWindowMs: number): string {
  const cause = error.cause;
  // The window ends either in a timeout or, when the next retry would fall past it, in the last failure.
  if (cause instanceof TimeoutFailure || error.retryState === RetryState.TIMEOUT) {
    const last = cause instanceof TimeoutFailure ? cause.cause?.message : cause?.message;
    const window = formatDuration(retryWindowMs);
    return `the platform stayed unavailable for ${window}${last ? `: ${last}` : ''}`;
  }
  if (cause instanceof ApplicationFailure && cause.type === PLATFORM_REJECTED)
    return `the platform refused the order: ${cause.message}`;
  return cause?.message ?? error.message;
}
