import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { Config } from '../config';
import { isDelivered, type WebhookAttempt, type WebhookEvent } from '../domain/webhook-event';
import { signBody } from '../signature';
import { countInActivity } from './metrics';

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

/** Counted by the SDK's activity meter, so a worker's /metrics serves it. */
export const WEBHOOK_ATTEMPTS_FAILED_METRIC = 'portflow_webhook_attempts_failed';

/** The longest error text an attempt records: it is kept in the workflow's memo and history. */
const ERROR_TEXT_MAX = 200;

function countFailedAttempt(): void {
  countInActivity(
    WEBHOOK_ATTEMPTS_FAILED_METRIC,
    'attempts',
    'Webhook delivery attempts the receiver refused (non-2xx) or never answered',
  );
}

/** Why a request got no answer, in words that name no URL (it may carry a receiver's token). */
function noAnswer(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const text =
    typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return text.slice(0, ERROR_TEXT_MAX);
}

export function createWebhookActivities({ config }: { config: Pick<Config, 'WEBHOOKS'> }) {
  /** One POST of the event to the partition's webhook: how it went, never a throw. */
  async function attemptWebhook({
    partitionId,
    event,
  }: {
    partitionId: string;
    event: WebhookEvent;
  }): Promise<WebhookAttempt> {
    const started = new Date();
    const at = started.toISOString();
    const took = () => Date.now() - started.getTime();
    const webhook = config.WEBHOOKS?.[partitionId];
    if (!webhook) return { at, durationMs: 0, error: 'the partition has no webhook configured' };
    const body = JSON.stringify(event);
    try {
      const response = await request(webhook.url, {
        method: 'POST',
        body,
        headers: webhookHeaders(webhook.secret, event, body, started),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      const attempt = { at, durationMs: took(), httpStatus: response.statusCode };
      if (!isDelivered(attempt)) countFailedAttempt();
      return attempt;
    } catch (error) {
      countFailedAttempt();
      return { at, durationMs: took(), error: noAnswer(error) };
    }
  }

  return {
    attemptWebhook,

    /**
     * Delivers one event, a non-2xx answer thrown for Temporal to retry: what workflows from
     * before WEBHOOK_ATTEMPTS_PATCH call (their retries are Temporal's). New ones call attemptWebhook.
     */
    async deliverWebhook(delivery: { partitionId: string; event: WebhookEvent }): Promise<void> {
      if (!config.WEBHOOKS?.[delivery.partitionId]) return;
      const attempt = await attemptWebhook(delivery);
      if (isDelivered(attempt)) return;
      throw ApplicationFailure.retryable(
        attempt.httpStatus === undefined
          ? `webhook not reached: ${attempt.error ?? 'no answer'}`
          : `webhook answered ${attempt.httpStatus}`,
        'WebhookRefused',
      );
    },
  };
}
