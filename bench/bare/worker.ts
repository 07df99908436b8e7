/** The bare baseline's worker, its own process like portflow's: TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE. */
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';

async function run(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE;
  if (!address || !taskQueue)
    throw new Error('TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE are required');
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    // Worker.run() drains and resolves on SIGINT/SIGTERM.
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(
    `bare worker failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
