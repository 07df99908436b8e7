import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import type { Config } from '../config';
import type { WebhookEvent } from '../domain/webhook-event';
import { signBody } from '../signature';

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
