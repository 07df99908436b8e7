import { upsertMemo } from '@temporalio/workflow';
import type { WebhookRedelivery } from '../domain/webhook-event';
import { MEMO, type WebhookRedeliveryInput } from './definitions';
import { WebhookEvents } from './webhooks';

/**
 * Sends one event again, as a client asked (POST .../webhook-events/{eventId}/redeliver): the
 * same body and id, each attempt signed anew, retried on the schedule as any delivery is. One
 * workflow per request, so the workflow that emitted the event may have ended long ago. Its
 * delivery is its memo (MEMO.redelivery), which the API reads with no worker.
 */
export async function webhookRedelivery(input: WebhookRedeliveryInput): Promise<WebhookRedelivery> {
  const { partitionId, redeliveryId, event, requestedAt } = input;
  const redelivery = (): WebhookRedelivery => ({
    redeliveryId,
    eventId: event.id,
    requestedAt,
    ...(events.first?.delivery ?? { outcome: 'PENDING', attempts: [] }),
  });
  const events: WebhookEvents = new WebhookEvents({
    partitionId,
    configured: true,
    recordsAttempts: true,
    local: false,
    retryWaitsMs: input.retryWaitsMs,
    onChange: () => upsertMemo({ [MEMO.redelivery]: redelivery() }),
  });
  events.emit(event);
  await events.settled();
  return redelivery();
}
