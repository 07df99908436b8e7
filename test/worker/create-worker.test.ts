import { loadConfig } from '../../src/config';
import { newCodecKey } from '../../src/temporal/codec';
import { unreachablePlatform } from '../helpers/portflow';
import { createWorker } from '../../src/worker/create-worker';
import { connectToTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

describe('the portflow worker', () => {
  let temporal: TestTemporal;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
  });

  afterAll(async () => {
    await temporal?.close();
  });

  it('bundles src/workflows, polls its task queue and drains on shutdown', async () => {
    const config = loadConfig(
      {
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('portflow'),
        CODEC_KEYS: JSON.stringify({ k1: newCodecKey() }),
      },
      { required: ['CODEC_KEYS'] },
    );
    const worker = await createWorker({
      connection: temporal.nativeConnection,
      config,
      // Never called: nothing is started on this queue.
      platform: unreachablePlatform(),
    });
    const run = worker.run();
    expect(worker.getState()).toBe('RUNNING');
    worker.shutdown();
    await run;
    expect(worker.getState()).toBe('STOPPED');
  });
});
