import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import {
  AccountIdKey,
  CurrentProviderKey,
  PartitionIdKey,
  PortStatusKey,
  RequestedDateKey,
  SEARCH_ATTRIBUTE_KEYS,
  TelephoneNumbersKey,
} from '../../src/temporal/search-attribute-keys';
import { ageFor } from '../fixtures/workflows';
import {
  connectToTestTemporal,
  TEST_NAMESPACE,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

function freshKeywordKey() {
  return defineSearchAttributeKey(
    `TestOnly${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    SearchAttributeType.KEYWORD,
  );
}

describe('ensureSearchAttributes', () => {
  let temporal: TestTemporal;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
  });

  afterAll(async () => {
    await temporal?.close();
  });

  it('finds all of portflow’s attributes already registered by the test setup', async () => {
    await expect(ensureSearchAttributes(temporal.connection, TEST_NAMESPACE)).resolves.toEqual([]);
    const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({
      namespace: TEST_NAMESPACE,
    });
    for (const key of SEARCH_ATTRIBUTE_KEYS) expect(customAttributes).toHaveProperty(key.name);
  });

  it('registers only the missing ones', async () => {
    const added = freshKeywordKey();
    await expect(
      ensureSearchAttributes(temporal.connection, TEST_NAMESPACE, [PortStatusKey, added]),
    ).resolves.toEqual([added.name]);
    await expect(
      ensureSearchAttributes(temporal.connection, TEST_NAMESPACE, [PortStatusKey, added]),
    ).resolves.toEqual([]);
  });

  it('lets two processes register the same attribute at once', async () => {
    const added = freshKeywordKey();
    const other = await connectToTestTemporal();
    try {
      await Promise.all([
        ensureSearchAttributes(temporal.connection, TEST_NAMESPACE, [added]),
        ensureSearchAttributes(other.nativeConnection, TEST_NAMESPACE, [added]),
      ]);
    } finally {
      await other.close();
    }
    await expect(
      ensureSearchAttributes(temporal.connection, TEST_NAMESPACE, [added]),
    ).resolves.toEqual([]);
  });

  it('accepts workflows that carry every attribute with its declared type', async () => {
    const taskQueue = uniqueTaskQueue('attributes');
    const requestedDate = new Date('2030-03-04T00:00:00.000Z');
    const handle = await temporal.client.workflow.start(ageFor, {
      taskQueue,
      workflowId: taskQueue,
      args: [1],
      typedSearchAttributes: [
        { key: PortStatusKey, value: 'PENDING' },
        { key: TelephoneNumbersKey, value: ['+16072345678', '+16072345679'] },
        { key: AccountIdKey, value: 'acct-1' },
        { key: PartitionIdKey, value: 'p1' },
        { key: CurrentProviderKey, value: 'Frontier' },
        { key: RequestedDateKey, value: requestedDate },
      ],
    });
    try {
      const { typedSearchAttributes } = await handle.describe();
      expect(typedSearchAttributes.get(PortStatusKey)).toBe('PENDING');
      expect(typedSearchAttributes.get(TelephoneNumbersKey)).toEqual([
        '+16072345678',
        '+16072345679',
      ]);
      expect(typedSearchAttributes.get(PartitionIdKey)).toBe('p1');
      expect(typedSearchAttributes.get(RequestedDateKey)).toEqual(requestedDate);
    } finally {
      await handle.terminate('test done');
    }
  });
});
