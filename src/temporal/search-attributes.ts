import { setTimeout as delay } from 'node:timers/promises';
import type { OperatorService, WorkflowService } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import {
  encodeSearchAttributeIndexedValueType,
  type SearchAttributeKey,
} from '@temporalio/common/lib/search-attributes';
import type { Logger } from '../logger';
import { SEARCH_ATTRIBUTE_KEYS } from './search-attribute-keys';

/** A client Connection or a worker NativeConnection: both carry these services. */
export interface OperatorConnection {
  operatorService: OperatorService;
  workflowService: WorkflowService;
}

/** How long a worker waits for the frontend to take attributes it has just registered. */
const VISIBLE_TIMEOUT_MS = 30_000;

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
 * names that were missing, once the frontend accepts queries on them: a cluster's other
 * processes refuse a new attribute until their namespace cache refreshes (about 2 s).
 * Safe to run from several processes at once.
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
  await untilQueryable(connection, namespace, missing);
  return missing.map((key) => key.name);
}

/** Waits until a visibility query naming each of `keys` is accepted (the frontend knows them). */
async function untilQueryable(
  connection: OperatorConnection,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
): Promise<void> {
  const query = keys.map((key) => `${key.name} IS NOT NULL`).join(' AND ');
  const deadline = Date.now() + VISIBLE_TIMEOUT_MS;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(200);
    }
  }
}

/** `KEYWORD_LIST` as tcld and the Cloud UI spell it: `KeywordList`. */
function cloudTypeName(type: SearchAttributeType): string {
  return type
    .toLowerCase()
    .replace(/(?:^|_)(\w)/g, (_match, letter: string) => letter.toUpperCase());
}

/** A tcld command line that creates `keys` on a Temporal Cloud namespace. */
function tcldCommand(namespace: string, keys: readonly SearchAttributeKey<SearchAttributeType>[]) {
  const flags = keys
    .map((key) => `--search-attribute "${key.name}=${cloudTypeName(key.type)}"`)
    .join(' ');
  return `tcld namespace search-attributes add --namespace ${namespace} ${flags}`;
}

/**
 * What a worker does at start-up: registers the attributes, or, where the cluster refuses
 * (Temporal Cloud manages them with tcld or its UI), warns naming each one the operator
 * must create, with its type, and goes on.
 */
export async function ensureSearchAttributesOrWarn(
  connection: OperatorConnection,
  namespace: string,
  logger: Logger,
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTE_KEYS,
): Promise<void> {
  try {
    await ensureSearchAttributes(connection, namespace, keys);
  } catch (error) {
    const missing = await missingKeys(connection, namespace, keys).catch(() => keys);
    logger.warn(
      {
        err: error,
        namespace,
        missing: missing.map((key) => `${key.name} (${cloudTypeName(key.type)})`),
        command: tcldCommand(namespace, missing),
      },
      `the cluster refused to register search attributes: create ${missing.map((key) => key.name).join(', ')} in namespace ${namespace} (Temporal Cloud: tcld or the Cloud UI); until then starts that set them fail`,
    );
  }
}
