import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logger';
import { platformFromConfig } from '../platform';
import { temporalConnectionOptions } from '../temporal/connection';
import { assertNamespaceExists } from '../temporal/namespace';
import { ensureSearchAttributesOrWarn } from '../temporal/search-attributes';
import { createWorker } from './create-worker';
import { installTemporalRuntime } from './runtime';

/** `npm run start:worker`: a worker for any Temporal cluster named by the environment. */
async function run(): Promise<void> {
  const config = loadConfigOrExit(process.env, { required: ['CODEC_KEYS'] });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  installTemporalRuntime(logger, { metricsAddress: config.WORKER_METRICS_ADDRESS });
  const connectionOptions = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    await assertNamespaceExists(connection, config.TEMPORAL_NAMESPACE, connectionOptions.address);
    await ensureSearchAttributesOrWarn(connection, config.TEMPORAL_NAMESPACE, logger);
    const platform = platformFromConfig(config, logger.child({ component: 'platform' }));
    const worker = await createWorker({ connection, config, platform });
    logger.info(
      {
        address: connectionOptions.address,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        metrics: config.WORKER_METRICS_ADDRESS,
      },
      'worker polling',
    );
    // Worker.run() handles SIGINT/SIGTERM itself: it drains and resolves.
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
