import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logger';
import { platformFromConfig } from '../platform';
import { temporalConnectionOptions } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/search-attributes';
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
    await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE).catch((error: unknown) =>
      // Temporal Cloud refuses this call: there they are created with tcld or the Cloud UI.
      logger.warn({ err: error }, 'could not register search attributes; create them by hand'),
    );
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
