/*
 * Webhook events and their deliveries, as workflows keep them. Zod-free: workflow code imports it.
 */
import { parseDuration } from './time';

/** The body every portflow webhook carries; `id` is the same on every attempt of one event. */
export interface WebhookEvent {
  id: string;
  type:
    | 'port.status_changed'
    | 'port.activation_ready'
    | 'port.number_removed'
    | 'port.comment_added'
    | 'order.completed'
    | 'number.aging_started'
    | 'number.released'
    | 'number.reclaimed';
  occurredAt: string;
  partitionId: string;
  data: Record<string, unknown>;
}

/**
 * Where an event's delivery stands. PENDING: not yet answered 2xx and another attempt is due
 * (`nextAttemptAt`) or under way; DELIVERED: an attempt was answered 2xx; FAILED: every attempt
 * of the retry schedule failed (retries used up); NOT_CONFIGURED: the partition had no webhook
 * when the event happened, so nothing was sent.
 */
export const WEBHOOK_OUTCOMES = ['PENDING', 'DELIVERED', 'FAILED', 'NOT_CONFIGURED'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** One POST of an event to the partition's webhook. */
export interface WebhookAttempt {
  at: string;
  durationMs: number;
  /** The receiver's answer; absent when none came (`error` says why). */
  httpStatus?: number;
  /** Why the attempt failed without an answer: refused connection, timeout... */
  error?: string;
  /** When the next attempt is due after this one failed; absent once no retry is left. */
  nextAttemptAt?: string;
}

export interface WebhookDelivery {
  outcome: WebhookOutcome;
  attempts: WebhookAttempt[];
  /** The next attempt of a PENDING delivery waiting for its retry. */
  nextAttemptAt?: string;
}

/** An event a workflow emitted and how its delivery went. */
export interface WebhookEventRecord extends WebhookEvent {
  delivery: WebhookDelivery;
}

export function isDelivered(attempt: WebhookAttempt): boolean {
  return attempt.httpStatus !== undefined && attempt.httpStatus >= 200 && attempt.httpStatus < 300;
}

// ---- The retry schedule. ----

/**
 * The waits between attempts after the first, which goes out at once: Standard Webhooks' (and
 * Svix's) schedule, 8 attempts over some 27.6 hours.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
/** The most retries a schedule may hold. */
export const MAX_WEBHOOK_RETRIES = 20;

/** A schedule such as `5s,5m,30m` in milliseconds, or why it is not one. */
export function parseRetrySchedule(text: string): number[] | string {
  const waits = text.split(',').map((part) => parseDuration(part));
  if (waits.some((ms) => ms === undefined || ms <= 0))
    return `"${text}" is not a list of durations such as 5s,5m,30m,2h`;
  if (waits.length > MAX_WEBHOOK_RETRIES) return `holds at most ${MAX_WEBHOOK_RETRIES} retries`;
  return waits as number[];
}

export const DEFAULT_WEBHOOK_RETRY_WAITS_MS = parseRetrySchedule(
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
) as number[];

// ---- What a workflow's memo holds of its events, and what its query answers. ----

/** The newest events a workflow's memo holds, so most reads need no worker. */
export const WEBHOOK_EVENTS_IN_MEMO = 20;
/**
 * An event's data is in the memo only up to this size (JSON characters): a 20,000-number port's
 * events hold all its numbers, which the memo (2 MiB at most, with the port in it) cannot.
 */
export const WEBHOOK_DATA_IN_MEMO_MAX = 4_096;
/** A query answers events up to about this size (JSON characters) at once: one page. */
export const WEBHOOK_EVENTS_PAGE_MAX = 1_000_000;

/** An event as the memo holds it: `data` absent when it is larger than the memo takes. */
export type WebhookEventMemoEntry = Omit<WebhookEventRecord, 'data'> & {
  data?: Record<string, unknown>;
};

export interface WebhookEventsMemo {
  total: number;
  newest: WebhookEventMemoEntry[];
}

/** The events from `from` on, as many as one page takes (at least one), and how many there are. */
export interface WebhookEventsPage {
  events: WebhookEventRecord[];
  total: number;
}

// ---- Redeliveries: one `webhookRedelivery` workflow per request. ----

/** A redelivery of one event, as its workflow's memo holds it. */
export interface WebhookRedelivery extends WebhookDelivery {
  redeliveryId: string;
  eventId: string;
  requestedAt: string;
}
