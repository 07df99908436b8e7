import { Connection } from '@temporalio/client';
import { startDevServer, type RunningDevServer } from '../../src/dev/dev-server';
import { freePort } from '../../src/dev/net';
import { findPostgresBin } from '../../src/dev/postgres';
import { resolveTemporalCli } from '../../src/dev/temporal-cli';
import { ensureTemporalServer } from '../../src/dev/temporal-server';
import { ensureTestServer } from '../../src/dev/test-server';
import { createLogger } from '../../src/logger';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { TEST_NAMESPACE, TEST_TEMPORAL_ADDRESS_VAR } from './temporal-env';

declare global {
  var portflowTestDevServer: RunningDevServer | undefined;
}

/**
 * One in-memory Temporal dev server for the whole jest run, with portflow's search
 * attributes; test files reach it through an environment variable the workers inherit.
 */
export default async function globalSetup(): Promise<void> {
  // At info: a first run on a fresh machine builds for minutes and says so as it goes.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'test-setup' });
  const cli = await resolveTemporalCli({ logger });
  // Fetched or built here, once, rather than raced by two jest workers.
  await ensureTestServer({ logger });
  await ensureTemporalServer({ logger });
  // test/e2e/cluster.test.ts needs it: better said before any test runs.
  findPostgresBin();

  const server = await startDevServer({
    cli,
    logger,
    port: await freePort(),
    namespace: TEST_NAMESPACE,
  });
  globalThis.portflowTestDevServer = server;
  const connection = await Connection.connect({ address: server.address });
  try {
    await ensureSearchAttributes(connection, TEST_NAMESPACE);
  } finally {
    await connection.close();
  }
  process.env[TEST_TEMPORAL_ADDRESS_VAR] = server.address;
}
