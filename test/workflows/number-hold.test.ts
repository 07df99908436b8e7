import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { numberHoldWorkflowId } from '../../src/domain/hold';
import { numberHold } from '../../src/workflows';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment } from '../helpers/temporal';
import { recordHistories } from './histories';

const HOLDER = 'port-p1-pr-1';
const DAY_MS = 86_400_000;

/**
 * A hold never runs while its start delay lasts (src/temporal/number-holds.ts). Should the
 * delay run out while its holder still runs, it holds on until the holder has ended.
 */
describe('numberHold on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('holds while its holder runs and ends once it does not', async () => {
    const taskQueue = 'number-hold';
    const workflowId = numberHoldWorkflowId('p1', '+16077981234');
    const looks: string[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: {
        isWorkflowOpen: ({ workflowId: holder }: { workflowId: string }) => {
          looks.push(holder);
          return Promise.resolve(looks.length < 3);
        },
      },
    });
    const started = Date.now();
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(numberHold, {
        taskQueue,
        workflowId,
        args: [{ holder: HOLDER, operation: 'PORT', since: '2026-11-30T10:00:00Z' }],
      });
      await handle.result();
    });
    await recordHistories(env.client, [workflowId]);
    expect(looks).toEqual([HOLDER, HOLDER, HOLDER]);
    // Two waits of 30 days, skipped: the test took seconds.
    expect(Date.now() - started).toBeLessThan(DAY_MS);
  });
});
