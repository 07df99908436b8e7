import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  defineSignal,
  defineUpdate,
} from '@temporalio/workflow';
import type { NewPortComment, PortComment } from '../domain/port-comments';
import type { NumberHold } from '../domain/hold';
import type { PortObject, PortRequest, PortSupplement } from '../domain/port';
import type { PortabilityChecks } from '../domain/portability';
import type { AgingLineType, ReleaseObject } from '../domain/release';
import type { WebhookEvent, WebhookEventsPage } from '../domain/webhook-event';

export { PLATFORM_REJECTED } from '../domain/platform-failures';

/**
 * The failure an activity ended with, from the error a workflow caught: an activity's comes
 * wrapped in an ActivityFailure, a local activity's may come as it was thrown.
 */
export function activityFailureCause(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

/**
 * A local activity holds its workflow task (and the worker's slot for it) while it runs and
 * while it waits to retry: a retry due in more than a second waits on a timer instead.
 */
export const LOCAL_RETRIES = { localRetryThreshold: '1 second' } as const;

/**
 * What each workflow keeps in its memo, so the API reads it with one describe and no worker:
 * the fingerprint of the request that started it (an Idempotency-Key reused with another
 * request is told apart) and the object the API answers.
 */
export const MEMO = {
  requestFingerprint: 'requestFingerprint',
  port: 'port',
  release: 'release',
  order: 'order',
  /** An order's numbers, as the API started it: the order's memo names outcomes by position in it. */
  orderNumbers: 'orderNumbers',
  hold: 'hold',
  /** A port's newest comments and how many it has (CommentsMemo): never every comment. */
  comments: 'comments',
  /** A workflow's newest webhook events with their deliveries (WebhookEventsMemo). */
  webhookEvents: 'webhookEvents',
  /** A webhookRedelivery's delivery (WebhookRedelivery). */
  redelivery: 'redelivery',
} as const;

// ---- Workflow IDs: they read as what they are, and each has its inverse. ----

export function portWorkflowId(partitionId: string, portRequestId: string): string {
  return `port-${partitionId}-${portRequestId}`;
}

export function releaseWorkflowId(partitionId: string, telephoneNumber: string): string {
  return `release-${partitionId}-${telephoneNumber}`;
}

export function orderWorkflowId(partitionId: string, orderId: string): string {
  return `order-${partitionId}-${orderId}`;
}

// ---- Webhook events: their ids name the workflow that emitted them. ----

export function portEventId(workflowId: string, sequence: number): string {
  return `${workflowId}-event-${sequence}`;
}

export function orderEventId(workflowId: string): string {
  return `${workflowId}-completed`;
}

/** One event of each type per run: stable across attempts, distinct from the number's next release. */
export function releaseEventId(
  workflowId: string,
  runId: string,
  type: WebhookEvent['type'],
): string {
  return `${workflowId}/${runId}/${type}`;
}

/** The workflow (and run) that emitted an event of `partitionId`; undefined when none of its workflows did. */
export function webhookEventSource(
  partitionId: string,
  eventId: string,
): { workflowId: string; runId?: string } | undefined {
  const after = (prefix: string) =>
    eventId.startsWith(prefix) ? eventId.slice(prefix.length) : '';
  const port = /^(pr_[A-Za-z0-9_-]{1,64})-event-[1-9]\d{0,5}$/.exec(after(`port-${partitionId}-`));
  if (port) return { workflowId: portWorkflowId(partitionId, port[1] as string) };
  const order = /^(order_[A-Za-z0-9_]{1,64})-completed$/.exec(after(`order-${partitionId}-`));
  if (order) return { workflowId: orderWorkflowId(partitionId, order[1] as string) };
  const release = /^(\+[1-9]\d{1,14})\/([A-Za-z0-9-]{1,64})\/number\.[a-z_]{1,32}$/.exec(
    after(`release-${partitionId}-`),
  );
  if (release) {
    return {
      workflowId: releaseWorkflowId(partitionId, release[1] as string),
      runId: release[2] as string,
    };
  }
  return undefined;
}

/**
 * The beginning every event id of a workflow run shares, so that its redeliveries are found by
 * workflow ID prefix (`redeliveryWorkflowId`).
 */
export function eventIdPrefix(workflowId: string, runId: string): string {
  if (workflowId.startsWith('port-')) return `${workflowId}-event-`;
  if (workflowId.startsWith('order-')) return orderEventId(workflowId);
  return `${workflowId}/${runId}/`;
}

/** A redelivery of one event: the event's id, then the redelivery's. */
export function redeliveryWorkflowId(eventId: string, redeliveryId: string): string {
  return `${REDELIVERY_PREFIX}${eventId}-${redeliveryId}`;
}

/** What every redelivery of the events whose ids begin `eventIdBeginning` begins with. */
export function redeliveriesPrefix(eventIdBeginning: string): string {
  return `${REDELIVERY_PREFIX}${eventIdBeginning}`;
}

const REDELIVERY_PREFIX = 'webhook-redelivery-';

/**
 * Workflows before this let Temporal retry a webhook delivery (an activity) for a day and knew
 * nothing of its attempts: now each attempt is an activity that answers how it went, the
 * workflow keeps every event with its attempts and retries on WEBHOOK_RETRY_SCHEDULE's timers.
 */
export const WEBHOOK_ATTEMPTS_PATCH = 'webhook-delivery-attempts';

/** A workflow's events from `from` on, with their deliveries: the memo holds only the newest. */
export const webhookEventsQuery = defineQuery<WebhookEventsPage, [{ from: number }]>(
  'webhookEvents',
);

export interface WebhookRedeliveryInput {
  partitionId: string;
  redeliveryId: string;
  /** The event as it was first sent: the same body goes again, signed anew. */
  event: WebhookEvent;
  requestedAt: string;
  retryWaitsMs: number[];
}

// ---- numberHold: the one open operation of a number. ----

/** The input of a number's hold; its memo holds the same (`MEMO.hold`) for readers. */
export type NumberHoldInput = NumberHold;

// ---- portIn: one workflow per port, every losing carrier followed inside it. ----

export interface PortSettings {
  pollIntervalMs: number;
  supplementWindowMs: number;
  /** Whether the partition has a webhook: no activity is scheduled for events nobody receives. */
  webhooks: boolean;
  /** The waits between a webhook event's attempts (WEBHOOK_RETRY_SCHEDULE); the default before it. */
  webhookRetryWaitsMs?: number[];
}

export interface PortInInput {
  partitionId: string;
  portRequestId: string;
  /** Holds the carrier PIN and account number: the payload codec encrypts it. */
  request: PortRequest;
  /** A digest of the request body, so a reused Idempotency-Key with another body is told apart. */
  requestFingerprint: string;
  receivedAt: string;
  settings: PortSettings;
  /**
   * The API held every number before it started the port (a small port). A large port holds
   * its numbers itself, in phase ADMITTING, and a busy number then rejects it.
   */
  numbersHeld: boolean;
  /**
   * The portability of every number, checked by the API as it admitted a small port: the
   * workflow submits on it in its first task. Absent (a large port, a platform that could not
   * answer the API) the workflow checks, and records the checks before it submits.
   */
  checks?: PortabilityChecks;
}

export const cancelPortUpdate = defineUpdate<PortObject>('cancelPort');
export const supplementPortUpdate = defineUpdate<PortObject, [PortSupplement]>('supplementPort');
/**
 * Activates an ON_DEMAND port waiting in AWAITING_ACTIVATION (else refused,
 * PORT_NOT_AWAITING_ACTIVATION); answers once the carrier has answered the activation.
 */
export const activatePortUpdate = defineUpdate<PortObject>('activatePort');

/** The number an Update of one of a port's numbers is about. */
export interface PortNumberChange {
  telephoneNumber: string;
}
/**
 * Takes one number out of an open port: withdrawn from its carrier's submission (which is
 * resubmitted without it), its hold given back. Refused with a typed failure:
 * NUMBER_NOT_IN_PORT, NUMBER_ALREADY_APPROVED (its carrier approved), LAST_NUMBER_IN_PORT,
 * PORT_NOT_OPEN. Answers once the carrier withdrew it and the number is free.
 */
export const removeNumberUpdate = defineUpdate<PortObject, [PortNumberChange]>('removeNumber');
/**
 * A customer's comment on a port; refused (PORT_CLOSED, COMMENT_LIMIT_REACHED) by its validator.
 * Answers the comment as the port keeps it.
 */
export const addCommentUpdate = defineUpdate<PortComment, [NewPortComment]>('addComment');
/** Every comment of a port, oldest first: the memo holds only the newest. */
export const portCommentsQuery = defineQuery<PortComment[]>('portComments');

/** A carrier's push: something changed upstream, look now instead of at the next poll. */
export interface CarrierEvent {
  upstreamPortRequestId?: string;
  status?: string;
  detail?: string;
}
/** The one signal a port takes: every command that needs an answer is an Update. */
export const carrierEventSignal = defineSignal<[CarrierEvent]>('carrierEvent');

// ---- orderNumbers: an order of up to 10,000 numbers, in platform batches. ----

export interface OrderSettings {
  /** Numbers per platform order call (50-100). */
  batchSize: number;
  /** Platform order calls in flight at once. */
  concurrency: number;
  /** How long one batch is retried through outages before its numbers are FAILED. */
  batchRetryWindowMs: number;
  /** Whether the partition has a webhook: no activity is scheduled for events nobody receives. */
  webhooks: boolean;
  /** The waits between a webhook event's attempts (WEBHOOK_RETRY_SCHEDULE); the default before it. */
  webhookRetryWaitsMs?: number[];
}

export interface OrderNumbersInput {
  partitionId: string;
  orderId: string;
  /** A toll-free order holds one number and goes through the platform's toll-free endpoint. */
  tollFree: boolean;
  accountId: string;
  telephoneNumbers: string[];
  /** A digest of the request, so a reused Idempotency-Key with another body is told apart. */
  requestFingerprint: string;
  receivedAt: string;
  settings: OrderSettings;
}

/** The patch that ends an order by upserting its OrderStatus (issue 16). */
export const ORDER_STATUS_PATCH = 'order-status-search-attribute';

/** Answers once the order is done, or after `waitMs` with `done: false`. */
export const awaitOrderUpdate = defineUpdate<{ done: boolean }, [{ waitMs: number }]>('awaitOrder');

// ---- releaseNumber: clear a number, age it, give it back to the platform's inventory. ----

export interface ReleaseNumberInput {
  partitionId: string;
  telephoneNumber: string;
  /** The partition's aging period when the release was asked for; a later change leaves it be. */
  agingPeriodMs: number;
  /** The number's line type the aging period followed, when the platform told it. */
  lineType?: AgingLineType;
  /**
   * The partition's cooldown on a platform that ages given-up numbers itself (Alianza's
   * `tnDeleteCooldownDays`), which `agingPeriodMs` then is: the number is given up as aging
   * starts and ages there. Absent: portflow ages it, then gives it up.
   */
  platformCooldownDays?: number;
  /** Whether the partition has a webhook: no activity is scheduled for events nobody receives. */
  webhooks: boolean;
  /** The waits between a webhook event's attempts (WEBHOOK_RETRY_SCHEDULE); the default before it. */
  webhookRetryWaitsMs?: number[];
  receivedAt: string;
}

/** The patch that upserts AgingUntil as a release starts aging (issue 16). */
export const AGING_UNTIL_PATCH = 'release-aging-until-search-attribute';

/** Ends aging early: the number stays with its account. Refused (NOT_AGING) unless aging. */
export const reclaimUpdate = defineUpdate<ReleaseObject>('reclaim');
/** The failure type of a reclaim refused because the number is not aging. */
export const NOT_AGING = 'NOT_AGING';
