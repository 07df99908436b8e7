import type { OperatorService } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
} from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTE_KEYS } from './search-attribute-keys';

/** A client Connection or a worker NativeConnection: both carry the operator service. */
export interface OperatorConnection {
  operatorService: OperatorService;
}

function indexedValueType(type: SearchAttributeType) {
  const encoded = encodeSearchAttributeIndexedValueType(type);
  if (encoded === undefined) throw new Error(`unknown search attribute type ${type}`);
  return encoded;
}

async function missingKeys(
  connection: OperatorConnection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Promise<SearchAttributeKey<SearchAttributeType>[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return keys.filter((key) => !(key.name in (customAttributes ?? {})));
}

/** The `addSearchAttributes` request body for `keys`. */
export function searchAttributeDefinitions(
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTE_KEYS,
) {
  return Object.fromEntries(keys.map((key) => [key.name, indexedValueType(key.type)]));
}

/**
 * Registers the search attributes portflow writes that the namespace lacks and returns the
 * names that were missing. Safe to run from several processes at once.
 */
export async function ensureSearchAttributes(
  connection: OperatorConnection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTE_KEYS,
): Promise<string[]> {
  const missing = await missingKeys(connection, namespace, keys);
  if (missing.length === 0) return [];
  const searchAttributes = searchAttributeDefinitions(missing);
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    // Another process may have added them between our list and our add.
    if ((await missingKeys(connection, namespace, keys)).length > 0) throw error;
  }
  return missing.map((key) => key.name);
}
