import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { msToTs } from '@temporalio/common/lib/time';
import pino from 'pino';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ensureSearchAttributes,
  ensureSearchAttributesOrWarn,
} from '../../src/temporal/search-attributes';
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

describe('ensureSearchAttributesOrWarn on a cluster that refuses registration (as Temporal Cloud does)', () => {
  let temporal: TestTemporal;
  const namespace = `refusing-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    await temporal.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  });
  afterAll(async () => {
    await temporal?.close();
  });

  it('warns naming each attribute to create, with its type and the tcld command, and goes on', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const { operatorService, workflowService } = temporal.connection;
    const refusing = {
      workflowService,
      operatorService: {
        listSearchAttributes: operatorService.listSearchAttributes.bind(operatorService),
        addSearchAttributes: () =>
          Promise.reject(
            Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 }),
          ),
      } as unknown as typeof operatorService,
    };
    await expect(
      ensureSearchAttributesOrWarn(refusing, namespace, logger),
    ).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    const warning = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(warning).toMatchObject({
      level: 40,
      namespace,
      missing: [
        'PortStatus (Keyword)',
        'TelephoneNumbers (KeywordList)',
        'AccountId (Keyword)',
        'PartitionId (Keyword)',
        'CurrentProvider (Keyword)',
        'RequestedDate (Datetime)',
        'ReleaseStatus (Keyword)',
        'AgingUntil (Datetime)',
        'OrderStatus (Keyword)',
        'RejectionCode (KeywordList)',
      ],
    });
    expect(warning.msg).toContain(
      `create ${SEARCH_ATTRIBUTE_KEYS.map((key) => key.name).join(', ')} in namespace ${namespace}`,
    );
    expect(warning.command).toBe(
      `tcld namespace search-attributes add --namespace ${namespace} ` +
        '--search-attribute "PortStatus=Keyword" --search-attribute "TelephoneNumbers=KeywordList" ' +
        '--search-attribute "AccountId=Keyword" --search-attribute "PartitionId=Keyword" ' +
        '--search-attribute "CurrentProvider=Keyword" --search-attribute "RequestedDate=Datetime" ' +
        '--search-attribute "ReleaseStatus=Keyword" --search-attribute "AgingUntil=Datetime" ' +
        '--search-attribute "OrderStatus=Keyword" ' +
        '--search-attribute "RejectionCode=KeywordList"',
    );
  });
});
