import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { OrderBatchInput, OrderBatchResult } from '../../src/activities/orders';
import type { WebhookEvent, WebhookEventsMemo } from '../../src/domain/webhook-event';
import type { OrderedNumber, OrderProgress } from '../../src/domain';
import {
  fromOrderMemo,
  startingOrder,
  toOrderMemo,
  type OrderMemo,
} from '../../src/domain/order-memo';
import { OrderStatusKey } from '../../src/temporal/search-attribute-keys';
import { orderNumbers } from '../../src/workflows/order-numbers';
import {
  MEMO,
  PLATFORM_REJECTED,
  awaitOrderUpdate,
  orderWorkflowId,
  type OrderNumbersInput,
} from '../../src/workflows/definitions';
import { eventually, portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment, uniqueTaskQueue } from '../helpers/temporal';
import { recordHistories } from './histories';
import { receiverAnswer } from './fake-platform';

const HOUR_MS = 3_600_000;

/** `count` distinct valid numbers: +1607722xxxx, then the next exchanges. */
function numbers(count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const exchange = 722 + Math.floor(index / 10_000);
    return `+1607${exchange}${String(index % 10_000).padStart(4, '0')}`;
  });
}

interface PlatformFaults {
  /** Batches (1-based) the platform refuses for good. */
  refused?: number[];
  /** Batches answered 503 this many times before the platform takes them. */
  outages?: Record<number, number>;
  /** Batches the platform orders but whose answer is lost once: the retry must not order again. */
  lostAnswers?: number[];
  /** Batches the platform never answers: longer than the retry window. */
  down?: number[];
  /** Numbers the platform does not have. */
  unavailable?: string[];
  /** A batch whose call waits until `release()`. */
  gated?: number;
}

/**
 * A platform as the orderBatch activity sees it: it keeps each idempotency key's first answer
 * and replays it, and counts how often each number was really ordered.
 */
function fakePlatform(faults: PlatformFaults = {}) {
  const answers = new Map<string, OrderBatchResult>();
  const attempts = new Map<string, number>();
  const timesOrdered = new Map<string, number>();
  const webhooks: WebhookEvent[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));

  const unavailable = () =>
    ApplicationFailure.create({ type: 'PlatformUnavailable', message: 'platform answered 503' });

  function order(input: OrderBatchInput): OrderBatchResult {
    const outcomes = input.telephoneNumbers.map((telephoneNumber): OrderedNumber => {
      if (faults.unavailable?.includes(telephoneNumber) || timesOrdered.has(telephoneNumber))
        return { telephoneNumber, status: 'FAILED', reason: "not in the platform's inventory" };
      timesOrdered.set(telephoneNumber, (timesOrdered.get(telephoneNumber) ?? 0) + 1);
      return {
        telephoneNumber,
        status: 'ACTIVE',
        accountId: input.accountId,
        orderedDate: '2026-01-05T10:00:00Z',
      };
    });
    return { platformOrderId: `order_up_${answers.size + 1}`, telephoneNumbers: outcomes };
  }

  const activities: Partial<Activities> = {
    async orderBatch(input) {
      const batch = Number(/-batch-(\d+)$/.exec(input.idempotencyKey)?.[1]);
      const attempt = (attempts.get(input.idempotencyKey) ?? 0) + 1;
      attempts.set(input.idempotencyKey, attempt);
      if (batch === faults.gated) await gate;
      if (faults.refused?.includes(batch)) {
        throw ApplicationFailure.create({
          type: PLATFORM_REJECTED,
          message: 'accountId acc_closed is closed',
          nonRetryable: true,
        });
      }
      if (faults.down?.includes(batch)) throw unavailable();
      if (attempt <= (faults.outages?.[batch] ?? 0)) throw unavailable();
      const replay = answers.get(input.idempotencyKey);
      if (replay) return replay;
      const answer = order(input);
      answers.set(input.idempotencyKey, answer);
      if (faults.lostAnswers?.includes(batch) && attempt === 1) {
        throw ApplicationFailure.create({ type: 'PlatformUnavailable', message: 'timed out' });
      }
      return answer;
    },
    attemptWebhook({ event }) {
      webhooks.push(event);
      return receiverAnswer(() => undefined);
    },
  };
  return { activities, attempts, timesOrdered, webhooks, release };
}

describe('orderNumbers on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  function inputOf(
    orderId: string,
    telephoneNumbers: string[],
    overrides: Partial<OrderNumbersInput['settings']> & { tollFree?: boolean } = {},
  ): OrderNumbersInput {
    const { tollFree = false, ...settings } = overrides;
    return {
      partitionId: 'p1',
      orderId,
      tollFree,
      accountId: 'acc_123',
      telephoneNumbers,
      requestFingerprint: `fingerprint-${orderId}`,
      receivedAt: '2026-01-05T10:00:00Z',
      settings: {
        batchSize: 100,
        concurrency: 4,
        batchRetryWindowMs: HOUR_MS,
        webhooks: true,
        ...settings,
      },
    };
  }

  async function workerFor(activities: Partial<Activities>) {
    const taskQueue = uniqueTaskQueue('order');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities,
    });
    return { worker, taskQueue };
  }

  /** Starts an order as the API does: its memo holds its numbers and the order as it begins. */
  function startOrder(taskQueue: string, input: OrderNumbersInput) {
    const { orderId, accountId, receivedAt, telephoneNumbers } = input;
    const order = startingOrder({ orderId, accountId, createdDate: receivedAt }, telephoneNumbers);
    return env.client.workflow.start(orderNumbers, {
      taskQueue,
      workflowId: orderWorkflowId(input.partitionId, orderId),
      args: [input],
      memo: { [MEMO.orderNumbers]: telephoneNumbers, [MEMO.order]: toOrderMemo(order) },
    });
  }

  /** The order as the API reads it: the workflow's memo, by describe. */
  async function progressOf(workflowId: string): Promise<OrderProgress> {
    const { memo } = await env.client.workflow.getHandle(workflowId).describe();
    return fromOrderMemo(memo?.[MEMO.order] as OrderMemo, memo?.[MEMO.orderNumbers] as string[]);
  }

  /** Runs an order to its end on a worker with `activities`. */
  async function runOrder(activities: Partial<Activities>, input: OrderNumbersInput) {
    const { worker, taskQueue } = await workerFor(activities);
    const workflowId = orderWorkflowId(input.partitionId, input.orderId);
    const result = await worker.runUntil(async () => (await startOrder(taskQueue, input)).result());
    return { result, workflowId };
  }

  async function historyOf(workflowId: string) {
    return env.client.workflow.getHandle(workflowId).fetchHistory();
  }

  const outcomesOf = (result: OrderProgress, status: string) =>
    result.telephoneNumbers.filter((n) => n.status === status).map((n) => n.telephoneNumber);

  it('orders 1,000 numbers in batches of 100 through refusals and outages, each number once', async () => {
    const ordered = numbers(1_000);
    const batch = (n: number) => ordered.slice((n - 1) * 100, n * 100);
    const platform = fakePlatform({
      refused: [3],
      outages: { 5: 3 },
      lostAnswers: [7],
      down: [9],
      unavailable: [ordered[42] as string],
      gated: 1,
    });
    const { worker, taskQueue } = await workerFor(platform.activities);
    const workflowId = orderWorkflowId('p1', 'order_thousand');

    const started = Date.now();
    const result = await worker.runUntil(async () => {
      const handle = await startOrder(taskQueue, inputOf('order_thousand', ordered));
      // Batch 1 waits on the gate and batch 9 is down: the other eight are answered meanwhile.
      const midway = await eventually(
        () => progressOf(workflowId),
        (progress) => progress.ordered + progress.failed >= 800,
      );
      expect(midway).toMatchObject({
        orderId: 'order_thousand',
        status: 'IN_PROGRESS',
        total: 1_000,
      });
      expect(midway.telephoneNumbers).toHaveLength(1_000);
      expect(midway.telephoneNumbers.slice(0, 100).every((n) => n.status === 'PENDING')).toBe(true);
      expect(await handle.executeUpdate(awaitOrderUpdate, { args: [{ waitMs: 200 }] })).toEqual({
        done: false,
      });
      platform.release();
      return handle.result();
    });

    const failedReasons = new Map(
      result.telephoneNumbers
        .filter((n) => n.status === 'FAILED')
        .map((n) => [n.telephoneNumber, n.reason]),
    );
    expect(result).toMatchObject({
      status: 'PARTIAL',
      total: 1_000,
      ordered: 799,
      failed: 201,
    });
    expect(outcomesOf(result, 'FAILED').sort()).toEqual(
      [ordered[42] as string, ...batch(3), ...batch(9)].sort(),
    );
    expect(failedReasons.get(ordered[42] as string)).toBe("not in the platform's inventory");
    expect(failedReasons.get(batch(3)[0] as string)).toBe(
      'the platform refused the order: accountId acc_closed is closed',
    );
    expect(failedReasons.get(batch(9)[0] as string)).toMatch(
      /^the platform stayed unavailable for 1h: platform answered 503$/,
    );
    // Outages and a lost answer were retried with the same key: nothing was ordered twice.
    expect([...platform.timesOrdered.values()].every((times) => times === 1)).toBe(true);
    expect(platform.timesOrdered.size).toBe(799);
    expect(platform.attempts.get(`${workflowId}-batch-5`)).toBe(4);
    expect(platform.attempts.get(`${workflowId}-batch-7`)).toBe(2);
    expect(platform.attempts.get(`${workflowId}-batch-9`)).toBeGreaterThan(10);
    expect(outcomesOf(result, 'ACTIVE')).toEqual(expect.arrayContaining(batch(7)));
    expect(result.telephoneNumbers.map((n) => n.telephoneNumber)).toEqual(ordered);
    expect(platform.webhooks).toEqual([
      expect.objectContaining({
        id: `${workflowId}-completed`,
        type: 'order.completed',
        data: expect.objectContaining({ status: 'PARTIAL', ordered: 799, failed: 201 }),
      }),
    ]);
    // The memo keeps the event with its delivery: one attempt, taken.
    const { memo } = await env.client.workflow.getHandle(workflowId).describe();
    const kept = memo?.[MEMO.webhookEvents] as WebhookEventsMemo;
    expect(kept.total).toBe(1);
    const [{ delivery, ...event }] = kept.newest as [WebhookEventsMemo['newest'][number]];
    // Its data names 201 failures: too large for the memo, it is left to the query.
    const { data: _data, ...small } = platform.webhooks[0] as WebhookEvent;
    expect(event).toEqual(small);
    expect(delivery).toEqual({
      outcome: 'DELIVERED',
      attempts: [{ at: expect.any(String), durationMs: 1, httpStatus: 204 }],
    });

    const history = await historyOf(workflowId);
    const events = history.events?.length ?? 0;
    process.stdout.write(
      `orderNumbers, 1,000 numbers in 10 batches: ${events} history events, ${Date.now() - started} ms\n`,
    );
    expect(events).toBeLessThan(120);
  });

  it('keeps the history of a 10,000-number order to a few hundred events', async () => {
    const ordered = numbers(10_000);
    const platform = fakePlatform();
    const { result, workflowId } = await runOrder(
      platform.activities,
      inputOf('order_ten_thousand', ordered),
    );
    expect(result).toMatchObject({ status: 'COMPLETED', ordered: 10_000, failed: 0 });
    expect(platform.timesOrdered.size).toBe(10_000);
    // Read with the worker stopped, as the API reads it: every number, in the order's order.
    expect(await progressOf(workflowId)).toEqual(result);
    const history = await historyOf(workflowId);
    const events = history.events?.length ?? 0;
    const bytes = Buffer.byteLength(historyToJSON(history));
    const upserts = (history.events ?? []).filter(
      (event) => event.workflowPropertiesModifiedEventAttributes,
    );
    process.stdout.write(
      `orderNumbers, 10,000 numbers in 100 batches: ${events} history events, ${upserts.length} memo upserts, ${Math.round(bytes / 1024)} KiB as JSON\n`,
    );
    expect(events).toBeLessThan(1_000);
    // Progress is published every tenth of the numbers and at the end (with order.completed),
    // and the event's delivery once its attempt is answered: each upsert a few KiB.
    expect(upserts.length).toBeLessThanOrEqual(12);
    for (const upsert of upserts) expect(JSON.stringify(upsert).length).toBeLessThan(16 * 1024);
  });

  it('orders a toll-free number through one batch of one, and fails it alone when refused', async () => {
    const platform = fakePlatform({ refused: [1] });
    const { result, workflowId } = await runOrder(
      platform.activities,
      inputOf('order_tollfree', ['+18002221200'], { tollFree: true }),
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      total: 1,
      ordered: 0,
      failed: 1,
      telephoneNumbers: [
        {
          telephoneNumber: '+18002221200',
          status: 'FAILED',
          reason: 'the platform refused the order: accountId acc_closed is closed',
        },
      ],
    });
    await recordHistories(env.client, [workflowId]);
  });

  it('orders 250 numbers in batches of 50, two at a time, through every kind of failure', async () => {
    const ordered = numbers(250);
    const platform = fakePlatform({
      refused: [2],
      outages: { 3: 2 },
      lostAnswers: [4],
      down: [5],
      unavailable: [ordered[7] as string],
    });
    const { result, workflowId } = await runOrder(
      platform.activities,
      inputOf('order_every_failure', ordered, { batchSize: 50, concurrency: 2 }),
    );
    expect(result).toMatchObject({ status: 'PARTIAL', ordered: 149, failed: 101 });
    const { typedSearchAttributes } = await env.client.workflow.getHandle(workflowId).describe();
    expect(typedSearchAttributes.get(OrderStatusKey)).toBe('PARTIAL');
    expect([...platform.timesOrdered.values()].every((times) => times === 1)).toBe(true);
    await recordHistories(env.client, [workflowId]);
  });
});
