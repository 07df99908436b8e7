import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  defineQuery,
  defineSignal,
  defineUpdate,
} from '@temporalio/workflow';
import type { PortObject, PortRequest, PortStatus, PortSupplement } from '../domain/port';
import type { ReleaseObject } from '../domain/release';
import type { OrderProgress } from '../domain/order';

/** Operators find every workflow of a number, account, partition or status with these. */
export const PortStatusKey = defineSearchAttributeKey('PortStatus', SearchAttributeType.KEYWORD);
export const TelephoneNumbersKey = defineSearchAttributeKey(
  'TelephoneNumbers',
  SearchAttributeType.KEYWORD_LIST,
);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const PartitionIdKey = defineSearchAttributeKey('PartitionId', SearchAttributeType.KEYWORD);
export const CurrentProviderKey = defineSearchAttributeKey(
  'CurrentProvider',
  SearchAttributeType.KEYWORD,
);
export const RequestedDateKey = defineSearchAttributeKey(
  'RequestedDate',
  SearchAttributeType.DATETIME,
);

/** Every custom search attribute portflow writes; registered at start-up where missing. */
export const SEARCH_ATTRIBUTE_KEYS = [
  PortStatusKey,
  TelephoneNumbersKey,
  AccountIdKey,
  PartitionIdKey,
  CurrentProviderKey,
  RequestedDateKey,
] as const;

/** The failure type activities give a platform refusal (a 4xx): retrying cannot help. */
export const PLATFORM_REJECTED = 'PlatformRejected';

/**
 * The failure an activity ended with, from the error a workflow caught: an activity's comes
 * wrapped in an ActivityFailure, a local activity's may come as it was thrown.
 */
export function activityFailureCause(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

// ---- Patches: workflows already running when these changed keep their old path on replay. ----

/**
 * Short calls (checks, platform steps, webhooks) are local activities: one marker
 * event each, inside the workflow task, instead of an activity task and a workflow task more.
 * Polls stay activities: their retries are the polls, and they add no event. Claims stay
 * activities: they wait on other workflows' tasks, which must not wait for a slot they hold.
 */
export const LOCAL_CALLS_PATCH = 'local-calls';
/**
 * A local activity holds its workflow task (and the worker's slot for it) while it runs and
 * while it waits to retry: a retry due in more than a second waits on a timer instead.
 */
export const LOCAL_RETRIES = { localRetryThreshold: '1 second' } as const;
/**
 * A numberClaim asks whether its holder still runs when another operation wants the number,
 * not once a day: a held number costs no event while it waits.
 */
export const HOLDER_CHECKED_ON_CLAIM_PATCH = 'holder-checked-on-claim';
/**
 * A reclaimed number is asked back from the platform (reclaimNumber): Alianza may hold it in
 * COOLDOWN; on the seed the call reads the number back from its account.
 */
export const PLATFORM_RECLAIM_PATCH = 'platform-reclaim';

// ---- Workflow IDs: they read as what they are, and each has its inverse. ----

export function portWorkflowId(partitionId: string, portRequestId: string): string {
  return `port-${partitionId}-${portRequestId}`;
}

/** The child that submits one losing carrier's share of a port. */
export function portSubmissionWorkflowId(portWorkflowId: string, carrierIndex: number): string {
  return `${portWorkflowId}-carrier-${carrierIndex + 1}`;
}

export function numberClaimWorkflowId(partitionId: string, telephoneNumber: string): string {
  return `number-${partitionId}-${telephoneNumber}`;
}

export function releaseWorkflowId(partitionId: string, telephoneNumber: string): string {
  return `release-${partitionId}-${telephoneNumber}`;
}

export function orderWorkflowId(partitionId: string, orderId: string): string {
  return `order-${partitionId}-${orderId}`;
}

// ---- numberClaim: one open operation per number. ----

export type ClaimOperation = 'PORT' | 'RELEASE';

export interface NumberClaim {
  /** The workflow ID of the operation that holds the number. */
  holder: string;
  operation: ClaimOperation;
  since: string;
}

export interface ClaimRequest {
  holder: string;
  operation: ClaimOperation;
}

export type ClaimResult = { granted: true } | { granted: false; heldBy: NumberClaim };

export interface NumberClaimInput {
  partitionId: string;
  telephoneNumber: string;
  /** Carried over continue-as-new. */
  claim?: NumberClaim;
}

export const claimNumberUpdate = defineUpdate<ClaimResult, [ClaimRequest]>('claimNumber');
export const releaseClaimUpdate = defineUpdate<void, [{ holder: string }]>('releaseClaim');
export const numberClaimQuery = defineQuery<NumberClaim | null>('numberClaim');

// ---- portIn and its per-carrier portSubmission children. ----

export interface PortSettings {
  pollIntervalMs: number;
  supplementWindowMs: number;
  /** Whether the partition has a webhook: no activity is scheduled for events nobody receives. */
  webhooks: boolean;
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
}

export type PortAdmission =
  | { admitted: true; requestFingerprint: string }
  | {
      admitted: false;
      requestFingerprint: string;
      busy: { telephoneNumber: string; heldBy: NumberClaim }[];
    };

/** Answers once the port holds every number, or knows which ones another operation holds. */
export const admissionUpdate = defineUpdate<PortAdmission>('admission');
export const portQuery = defineQuery<PortObject>('port');
export const cancelPortUpdate = defineUpdate<PortObject>('cancelPort');
export const supplementPortUpdate = defineUpdate<PortObject, [PortSupplement]>('supplementPort');

/** A carrier's push: something changed upstream, look now instead of at the next poll. */
export interface CarrierEvent {
  upstreamPortRequestId?: string;
  status?: string;
  detail?: string;
}
export const carrierEventSignal = defineSignal<[CarrierEvent]>('carrierEvent');

export interface PortSubmissionInput {
  partitionId: string;
  parentWorkflowId: string;
  currentCarrier: string;
  telephoneNumbers: string[];
  request: Omit<PortRequest, 'telephoneNumbers' | 'allowPartial' | 'activation'>;
  settings: PortSettings;
}

/** A child's news for its parent: the carrier's status of its numbers. */
export interface SubmissionReport {
  /** The carrier refused a cancel: it approved the port meanwhile. */
  cancelRefused?: boolean;
  submissionWorkflowId: string;
  status: PortStatus;
  carrierStatus?: string;
  upstreamPortRequestId?: string;
  submittedDate?: string;
  estimatedCompletionDate?: string;
  focDate?: string;
  reason?: string;
  /** The child will not move again. */
  final: boolean;
}
export const submissionReportSignal = defineSignal<[SubmissionReport]>('submissionReport');
export const cancelSubmissionSignal = defineSignal('cancelSubmission');
export const supplementSubmissionSignal = defineSignal<[PortSupplement]>('supplementSubmission');
/** The supplement window closed: stop waiting and end as rejected. */
export const abandonSubmissionSignal = defineSignal('abandonSubmission');

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

/** Answers once the order is done, or after `waitMs` with `done: false`. */
export const awaitOrderUpdate = defineUpdate<
  { requestFingerprint: string; done: boolean },
  [{ waitMs: number }]
>('awaitOrder');
export const orderProgressQuery = defineQuery<OrderProgress>('orderProgress');

// ---- releaseNumber: clear a number, age it, give it back to the platform's inventory. ----

export interface ReleaseNumberInput {
  partitionId: string;
  telephoneNumber: string;
  /** The partition's aging period when the release was asked for; a later change leaves it be. */
  agingPeriodMs: number;
  /** Whether the partition has a webhook: no activity is scheduled for events nobody receives. */
  webhooks: boolean;
  receivedAt: string;
}

export type ReleaseAdmission =
  { admitted: true; release: ReleaseObject } | { admitted: false; heldBy: NumberClaim };

/** Answers once the release holds the number, or knows which operation does. */
export const releaseAdmissionUpdate = defineUpdate<ReleaseAdmission>('admission');
export const releaseQuery = defineQuery<ReleaseObject>('release');
/** Ends aging early: the number stays with its account. Refused (NOT_AGING) unless aging. */
export const reclaimUpdate = defineUpdate<ReleaseObject>('reclaim');
/** The failure type of a reclaim refused because the number is not aging. */
export const NOT_AGING = 'NOT_AGING';
