/**
 * The bare baselines' worker, its own process like portflow's: TEMPORAL_ADDRESS,
 * TEMPORAL_TASK_QUEUE, and for the bare port PLATFORM_BASE_URL and PLATFORM_TOKEN.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createSeedPlatform } from '../../src/platform';
import { createBareActivities } from './activities';

async function run(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  if (!address || !taskQueue)
    throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE are required');
  const { PLATFORM_BASE_URL: baseUrl, PLATFORM_TOKEN: token } = process.env;
  // The production client's default timeout.
  const platform =
    baseUrl && token ? createSeedPlatform({ baseUrl, token, timeoutMs: 10_000 }) : undefined;
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities: createBareActivities(platform),
    });
    // Worker.run() drains and resolves on SIGINT/SIGTERM.
    await worker.run();
  } finally {
    await platform?.close();
    await connection.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(
    `bare worker failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
