import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
