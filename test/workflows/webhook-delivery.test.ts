/**
 * The retry schedule of a webhook event, on the time-skipping server: each attempt is one
 * activity that answers how it went, the workflow waits the schedule's time between them and
 * records every attempt; after the last one the event is FAILED. Shown on webhookRedelivery,
 * which delivers one event through the same code as ports, orders and releases.
 */
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import {
  DEFAULT_WEBHOOK_RETRY_WAITS_MS,
  type WebhookAttempt,
  type WebhookEvent,
  type WebhookRedelivery,
} from '../../src/domain/webhook-event';
import { webhookRedelivery } from '../../src/workflows';
import { MEMO, redeliveryWorkflowId } from '../../src/workflows/definitions';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment } from '../helpers/temporal';
import { recordHistories } from './histories';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

const event: WebhookEvent = {
  id: 'port-p1-pr-redelivered-event-6',
  type: 'port.status_changed',
  occurredAt: '2026-12-14T15:00:00.000Z',
  partitionId: 'p1',
  data: { portRequestId: 'pr-redelivered', status: 'COMPLETED', phase: 'DONE' },
};

/** A receiver answering `statuses` in turn (a rejection: no answer), each attempt timed by the server's clock. */
function receiver(statuses: (number | Error)[]) {
  const received: { event: WebhookEvent; atMs: number }[] = [];
  const activities: Partial<Activities> = {
    attemptWebhook({ event: sent }): Promise<WebhookAttempt> {
      // The activity's scheduled time is the test server's, which skips; Date.now() does not.
      const atMs = Context.current().info.currentAttemptScheduledTimestampMs;
      received.push({ event: sent, atMs });
      const answer = statuses[received.length - 1] ?? 200;
      const at = new Date(atMs).toISOString();
      return Promise.resolve(
        answer instanceof Error
          ? { at, durationMs: 3, error: answer.message }
          : { at, durationMs: 3, httpStatus: answer },
      );
    },
  };
  return { activities, received };
}

describe('webhook delivery with recorded attempts, on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function redeliver(
    name: string,
    fake: ReturnType<typeof receiver>,
    retryWaitsMs: number[],
  ): Promise<{ result: WebhookRedelivery; memo: WebhookRedelivery }> {
    const taskQueue = `webhook-delivery-${name}`;
    const redeliveryId = `rdl_${name}`;
    const workflowId = redeliveryWorkflowId(event.id, redeliveryId);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: fake.activities,
    });
    const result = await worker.runUntil(() =>
      env.client.workflow.execute(webhookRedelivery, {
        taskQueue,
        workflowId,
        args: [
          { partitionId: 'p1', redeliveryId, event, requestedAt: event.occurredAt, retryWaitsMs },
        ],
      }),
    );
    await recordHistories(env.client, [workflowId]);
    const { memo } = await env.client.workflow.getHandle(workflowId).describe();
    return { result, memo: memo?.[MEMO.redelivery] as WebhookRedelivery };
  }

  it('retries 5 s then 5 min after two refusals, and records three attempts, DELIVERED', async () => {
    const fake = receiver([500, new Error('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9')]);
    const { result, memo } = await redeliver(
      'delivered-third',
      fake,
      DEFAULT_WEBHOOK_RETRY_WAITS_MS,
    );

    expect(DEFAULT_WEBHOOK_RETRY_WAITS_MS).toEqual([
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * 60 * MINUTE,
      5 * 60 * MINUTE,
      10 * 60 * MINUTE,
      10 * 60 * MINUTE,
    ]);
    // The same body each time: the id is stable.
    expect(fake.received.map((r) => r.event)).toEqual([event, event, event]);
    const [first, second, third] = fake.received.map((r) => r.atMs) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(5 * SECOND);
    expect(second - first).toBeLessThan(6 * SECOND);
    expect(third - second).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(third - second).toBeLessThan(5 * MINUTE + SECOND);

    expect(result).toMatchObject({ eventId: event.id, outcome: 'DELIVERED' });
    expect(result.nextAttemptAt).toBeUndefined();
    expect(result.attempts).toEqual([
      expect.objectContaining({ httpStatus: 500, nextAttemptAt: expect.any(String) }),
      {
        at: expect.any(String),
        durationMs: 3,
        error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
        nextAttemptAt: expect.any(String),
      },
      { at: expect.any(String), durationMs: 3, httpStatus: 200 },
    ]);
    // Each failed attempt says when the next was due: the schedule's wait after it.
    const due = (index: number) =>
      Date.parse(result.attempts[index]?.nextAttemptAt ?? '') - (fake.received[index]?.atMs ?? 0);
    expect(due(0)).toBeGreaterThanOrEqual(5 * SECOND);
    expect(due(0)).toBeLessThan(6 * SECOND);
    expect(due(1)).toBeGreaterThanOrEqual(5 * MINUTE);
    // The API reads the same from the memo, with no worker.
    expect(memo).toEqual(result);
  });

  it('gives up after the last wait of a short schedule: FAILED, retries used up', async () => {
    const fake = receiver([503, 503, 503, 503]);
    const { result, memo } = await redeliver('used-up', fake, [SECOND, 2 * SECOND]);

    expect(fake.received).toHaveLength(3);
    const [first, second, third] = fake.received.map((r) => r.atMs) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(SECOND);
    expect(third - second).toBeGreaterThanOrEqual(2 * SECOND);
    expect(result.outcome).toBe('FAILED');
    expect(result.attempts.map((a) => a.httpStatus)).toEqual([503, 503, 503]);
    expect(result.attempts.map((a) => a.nextAttemptAt !== undefined)).toEqual([true, true, false]);
    expect(memo).toEqual(result);
  });
});
