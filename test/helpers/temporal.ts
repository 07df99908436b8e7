import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { ensureTestServer } from '../../src/dev/test-server';
import { createLogger } from '../../src/logger';
import { clientConnectionOptions } from '../../src/temporal/connection';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';
import { TEST_NAMESPACE, TEST_TEMPORAL_ADDRESS_VAR } from './temporal-env';

export { TEST_NAMESPACE };

/** The test-only workflows under test/fixtures/workflows. */
export const fixtureWorkflowsPath = require.resolve('../fixtures/workflows');

/** The address of the dev server global-setup started for this jest run. */
export function testTemporalAddress(): string {
  const address = process.env[TEST_TEMPORAL_ADDRESS_VAR];
  if (!address) throw new Error(`${TEST_TEMPORAL_ADDRESS_VAR} is unset: run tests through jest`);
  return address;
}

export interface TestTemporal {
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** A client and a worker connection to the run's dev server; close them in afterAll. */
export async function connectToTestTemporal(
  address = testTemporalAddress(),
): Promise<TestTemporal> {
  const connection = await Connection.connect(clientConnectionOptions({ address }));
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: TEST_NAMESPACE }),
    connection,
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/**
 * A task queue no other test uses, so tests sharing the dev server (and the two jest
 * workers) never take each other's tasks.
 */
export function uniqueTaskQueue(prefix = 'test'): string {
  const testName = expect.getState().currentTestName ?? '';
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return [prefix, slug, randomUUID().slice(0, 8)].filter(Boolean).join('-');
}

let fixtureBundle: Promise<WorkflowBundle> | undefined;

/** The fixture workflows bundled once per test file, so each Worker.create skips webpack. */
export function fixtureWorkflowBundle(): Promise<WorkflowBundle> {
  fixtureBundle ??= bundleWorkflowCode({
    workflowsPath: fixtureWorkflowsPath,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  return fixtureBundle;
}

/**
 * A time-skipping environment on the Java test server from Maven Central. Time skipping is
 * global to one server, so each test file gets its own (jest files run in parallel).
 */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer({ logger: createLogger({ level: 'warn' }) });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  // The Java test server knows no listing of search attributes, but takes new ones.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? TEST_NAMESPACE,
    searchAttributes: searchAttributeDefinitions(),
  });
  return env;
}
