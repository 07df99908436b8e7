import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import type { Config } from '../config';
import { signBody } from '../signature';

/** The body every portflow webhook carries; `id` is the same on every retry of one event. */
export interface WebhookEvent {
  id: string;
  type:
    | 'port.status_changed'
    | 'order.completed'
    | 'number.aging_started'
    | 'number.released'
    | 'number.reclaimed';
  occurredAt: string;
  partitionId: string;
  data: Record<string, unknown>;
}

export const SIGNATURE_HEADER = 'x-portflow-signature';

export function createWebhookActivities({ config }: { config: Pick<Config, 'WEBHOOKS'> }) {
  return {
    /** Delivers one event to the partition's webhook; a non-2xx answer is retried by Temporal. */
    async deliverWebhook({
      partitionId,
      event,
    }: {
      partitionId: string;
      event: WebhookEvent;
    }): Promise<void> {
      const webhook = config.WEBHOOKS?.[partitionId];
      if (!webhook) return;
      const body = JSON.stringify(event);
      const response = await request(webhook.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-portflow-event-id': event.id,
          [SIGNATURE_HEADER]: signBody(webhook.secret, body, Math.floor(Date.now() / 1000)),
        },
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw ApplicationFailure.retryable(
          `webhook answered ${response.statusCode}`,
          'WebhookRefused',
        );
      }
    },
  };
}
