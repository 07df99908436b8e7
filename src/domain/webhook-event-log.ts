/*
 * The event log the API answers: every webhook event a port, order or release emitted, each with
 * its delivery and its redeliveries' attempts merged in.
 */
import { z } from 'zod';
import {
  WEBHOOK_OUTCOMES,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEventMemoEntry,
  type WebhookOutcome,
  type WebhookRedelivery,
} from './webhook-event';

export * from './webhook-event';

const at = z.iso.datetime({ offset: true });

export const webhookOutcome = z.enum(WEBHOOK_OUTCOMES).meta({
  description:
    'PENDING: no attempt answered 2xx yet and another is due (`nextAttemptAt`) or under way. ' +
    'DELIVERED: an attempt (the first delivery or a redelivery) was answered 2xx. ' +
    'FAILED: every attempt of the retry schedule failed (retries used up), and every redelivery too. ' +
    'NOT_CONFIGURED: the partition had no webhook when the event happened, so nothing was sent.',
});

export const webhookAttempt = z.object({
  at,
  durationMs: z.number().int().min(0),
  httpStatus: z
    .number()
    .int()
    .optional()
    .meta({ description: "The receiver's answer; absent when none came (see `error`)" }),
  error: z.string().optional().meta({ description: 'Why no answer came (refused, timed out...)' }),
  nextAttemptAt: at
    .optional()
    .meta({ description: 'When the next attempt was (or is) due after this one failed' }),
  redeliveryId: z
    .string()
    .optional()
    .meta({ description: 'The redelivery this attempt belongs to; absent for the first delivery' }),
});

export const webhookRedelivery = z.object({
  redeliveryId: z.string(),
  requestedAt: at,
  outcome: webhookOutcome,
  nextAttemptAt: at.optional(),
});

export const webhookEventEntry = z.object({
  id: z.string().meta({ description: 'The stable event id: the `webhook-id` of every attempt' }),
  type: z.string(),
  occurredAt: at,
  data: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({
      description:
        "The event's data as sent. Absent only when `complete` is false: a large event's data " +
        'is read from its workflow, and no worker answered in time.',
    }),
  outcome: webhookOutcome,
  nextAttemptAt: at.optional().meta({ description: 'The next attempt of a PENDING event' }),
  attempts: z.array(webhookAttempt).meta({ description: 'Every attempt, oldest first' }),
  redeliveries: z.array(webhookRedelivery),
});
export type WebhookEventEntry = z.output<typeof webhookEventEntry>;

export const webhookEventLog = z.object({
  events: z.array(webhookEventEntry).meta({ description: 'Every event, oldest first' }),
  total: z.number().int(),
  /** False when only the newest could be read (no worker answered for the rest). */
  complete: z.boolean(),
});
export type WebhookEventLog = z.output<typeof webhookEventLog>;

/** How an event stands once its redeliveries are counted in. */
function mergedOutcome(deliveries: WebhookDelivery[], first: WebhookOutcome): WebhookOutcome {
  if (deliveries.some((d) => d.outcome === 'DELIVERED')) return 'DELIVERED';
  if (deliveries.some((d) => d.outcome === 'PENDING')) return 'PENDING';
  return deliveries.length > 1 ? 'FAILED' : first;
}

/** An event as the API lists it: its first delivery's attempts and its redeliveries', in time order. */
export function webhookEventEntryOf(
  record: WebhookEventMemoEntry,
  redeliveries: WebhookRedelivery[],
): WebhookEventEntry {
  const { delivery, partitionId: _partitionId, ...event } = record;
  const attempts: (WebhookAttempt & { redeliveryId?: string })[] = [
    ...delivery.attempts,
    ...redeliveries.flatMap(({ redeliveryId, attempts }) =>
      attempts.map((attempt) => ({ ...attempt, redeliveryId })),
    ),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const deliveries = [delivery, ...redeliveries];
  const outcome = mergedOutcome(deliveries, delivery.outcome);
  const due = deliveries
    .filter((d) => d.outcome === 'PENDING' && d.nextAttemptAt)
    .map((d) => d.nextAttemptAt as string)
    .sort()[0];
  return {
    ...event,
    outcome,
    ...(outcome === 'PENDING' && due ? { nextAttemptAt: due } : {}),
    attempts,
    redeliveries: redeliveries.map(({ redeliveryId, requestedAt, outcome, nextAttemptAt }) => ({
      redeliveryId,
      requestedAt,
      outcome,
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
    })),
  };
}
