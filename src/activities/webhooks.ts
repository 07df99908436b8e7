import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { Config } from '../config';
import type { WebhookEvent } from '../domain/webhook-event';
import { signBody } from '../signature';

/** portflow's own signature (Stripe-style), sent beside the standard ones until 2027-06-30. */
export const LEGACY_SIGNATURE_HEADER = 'x-portflow-signature';

/**
 * The Standard Webhooks signer of a partition's secret: a `whsec_` secret is the base64 of its
 * key, any other (portflow's older form) is its own bytes, as `whsec_` + base64 of it reads.
 */
export function standardWebhook(secret: string): Webhook {
  return secret.startsWith('whsec_')
    ? new Webhook(secret)
    : new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' });
}

/**
 * The headers of one delivery attempt: Standard Webhooks' (`webhook-id` is the event's stable
 * id, the timestamp and signature are the attempt's), and portflow's older pair beside them.
 */
export function webhookHeaders(
  secret: string,
  event: Pick<WebhookEvent, 'id'>,
  body: string,
  at: Date,
): Record<string, string> {
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': event.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': standardWebhook(secret).sign(event.id, at, body),
    'x-portflow-event-id': event.id,
    [LEGACY_SIGNATURE_HEADER]: signBody(secret, body, seconds),
  };
}

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
        headers: webhookHeaders(webhook.secret, event, body, new Date()),
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
