import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logger';
import { platformFromConfig } from '../platform';
import { dataConverterFor } from '../temporal/codec';
import { assertNamespaceExists } from '../temporal/namespace';
import { waitForShutdownSignal } from '../shutdown';
import { clientConnectionOptions, temporalConnectionOptions } from '../temporal/connection';
import { buildApp } from './app';
import { closeGracefully } from './close';
import { createApiMetrics } from './metrics';

/** `npm run start:api`: the HTTP API for any Temporal cluster named by the environment. */
async function run(): Promise<void> {
  const config = loadConfigOrExit(process.env, { required: ['CODEC_KEYS'] });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const connectionOptions = temporalConnectionOptions(config);
  const connection = await Connection.connect(clientConnectionOptions(connectionOptions));
  try {
    await assertNamespaceExists(connection, config.TEMPORAL_NAMESPACE, connectionOptions.address);
    const client = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: dataConverterFor(config.CODEC_KEYS),
    });
    const platform = platformFromConfig(config, logger.child({ component: 'platform' }));
    const metrics = createApiMetrics({ processMetrics: true });
    const app = await buildApp({ client, config, logger, platform, metrics });
    await app.listen({ host: config.API_HOST, port: config.API_PORT });
    const signal = await waitForShutdownSignal();
    logger.info({ signal }, 'closing: finishing requests in flight');
    await closeGracefully(app);
  } finally {
    await connection.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
