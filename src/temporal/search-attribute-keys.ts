/*
 * The search attributes portflow writes: operators find every workflow of a number, account,
 * partition or status with them. Workflow-safe (bundled with the workflows).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
/** RELEASING, AGING, RELEASED, RECLAIMED or FAILED: the account listing reads it, operators search by it. */
export const ReleaseStatusKey = defineSearchAttributeKey(
  'ReleaseStatus',
  SearchAttributeType.KEYWORD,
);

/** When a release's aging ends (set as it starts AGING): "every number aging until next week". */
export const AgingUntilKey = defineSearchAttributeKey('AgingUntil', SearchAttributeType.DATETIME);
/** IN_PROGRESS, COMPLETED, PARTIAL or FAILED: operators find every failed order by it. */
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
/** The rejection codes of a port while it is REJECTED (REJECTION_CODES): operators find rejections by cause. */
export const RejectionCodeKey = defineSearchAttributeKey(
  'RejectionCode',
  SearchAttributeType.KEYWORD_LIST,
);

/** Every custom search attribute portflow writes; registered at start-up where missing. */
export const SEARCH_ATTRIBUTE_KEYS = [
  PortStatusKey,
  TelephoneNumbersKey,
  AccountIdKey,
  PartitionIdKey,
  CurrentProviderKey,
  RequestedDateKey,
  ReleaseStatusKey,
  AgingUntilKey,
  OrderStatusKey,
  RejectionCodeKey,
] as const;

/**
 * Search attributes hold at most this many numbers; the rest are found through each number's
 * hold. Temporal terminates a workflow whose keyword list exceeds 2 KiB: 100 numbers are 1.5 KiB.
 */
export const MAX_SEARCHABLE_NUMBERS = 100;
