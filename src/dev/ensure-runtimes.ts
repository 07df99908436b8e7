import { createLogger } from '../logger';
import { findPostgresBin } from './postgres';
import { resolveTemporalCli } from './temporal-cli';
import { ensureTemporalServer } from './temporal-server';
import { ensureTestServer } from './test-server';
import { ensureWebhookVerifier } from './webhook-verifier';

/**
 * Prepares, once per machine, the Temporal CLI, the time-skipping test server and the
 * Temporal server of the cluster tests and the Python webhook verifier, and checks PostgreSQL
 * is there (CI calls this).
 */
async function run(): Promise<void> {
  const logger = createLogger({ name: 'ensure-runtimes' });
  const cli = await resolveTemporalCli({ logger });
  logger.info(cli, 'Temporal CLI');
  if (cli.source === 'sdk-download') {
    throw new Error('No Temporal CLI could be found or built: install Go 1.23+ or the CLI');
  }
  const testServer = await ensureTestServer({ logger });
  logger.info({ path: testServer }, 'Temporal time-skipping test server');
  const server = await ensureTemporalServer({ logger });
  logger.info(server, 'Temporal server (cluster tests and bench)');
  logger.info({ bin: findPostgresBin() }, 'PostgreSQL');
  const verifier = await ensureWebhookVerifier({ logger });
  logger.info({ python: verifier }, 'Python standardwebhooks (webhook verification test)');
}

run().catch((error: unknown) => {
  process.stderr.write(`ensure-runtimes failed: ${String(error)}\n`);
  process.exit(1);
});
