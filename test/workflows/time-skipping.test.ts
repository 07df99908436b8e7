import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ageFor, releaseSignal } from '../fixtures/workflows';
import {
  createTimeSkippingEnvironment,
  fixtureWorkflowBundle,
  uniqueTaskQueue,
} from '../helpers/temporal';

const DAY_MS = 86_400_000;

describe('the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(run: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = uniqueTaskQueue('aging');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureWorkflowBundle(),
    });
    return worker.runUntil(run(taskQueue));
  }

  it('completes a workflow that waits 90 days in seconds of real time', async () => {
    const realStart = Date.now();
    const serverStart = await env.currentTimeMs();

    const outcome = await withWorker((taskQueue) =>
      env.client.workflow.execute(ageFor, {
        taskQueue,
        workflowId: `aging-${taskQueue}`,
        args: [90],
      }),
    );

    expect(outcome).toBe('AGED');
    expect((await env.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(90 * DAY_MS);
    expect(Date.now() - realStart).toBeLessThan(30_000);
  });

  it('still lets a signal end the wait early', async () => {
    const outcome = await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start(ageFor, {
        taskQueue,
        workflowId: `aging-${taskQueue}`,
        args: [90],
      });
      await handle.signal(releaseSignal);
      return handle.result();
    });
    expect(outcome).toBe('RELEASED_EARLY');
  });
});
