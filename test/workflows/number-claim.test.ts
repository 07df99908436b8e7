import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { numberClaim } from '../../src/workflows';
import {
  claimNumberUpdate,
  numberClaimQuery,
  numberClaimWorkflowId,
  releaseClaimUpdate,
} from '../../src/workflows/definitions';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment } from '../helpers/temporal';
import { Journal } from './fake-platform';
import { recordHistories } from './histories';

const PORT = 'port-p1-pr-1';
const RELEASE = 'release-p1-+16077981234';

describe('numberClaim on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs the entity of `telephoneNumber` through `scenario` to its end; records its history as `<name>`. */
  async function runClaim(
    name: string,
    telephoneNumber: string,
    holdersOpen: boolean,
    scenario: (
      handle: ReturnType<typeof env.client.workflow.getHandle<typeof numberClaim>>,
    ) => Promise<void>,
  ): Promise<string[]> {
    const taskQueue = `number-claim-${name}`;
    // The partition names the case, so the recorded history's name (its workflow ID) does too.
    const partitionId = `claim-${name}`;
    const workflowId = numberClaimWorkflowId(partitionId, telephoneNumber);
    const checked = new Journal<string>();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: {
        isWorkflowOpen: ({ workflowId: holder }: { workflowId: string }) => {
          checked.push(holder);
          return Promise.resolve(holdersOpen);
        },
      },
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(numberClaim, {
        taskQueue,
        workflowId,
        args: [{ partitionId, telephoneNumber }],
      });
      await scenario(handle);
      await handle.result();
    });
    await recordHistories(env.client, [workflowId]);
    return checked.entries;
  }

  it('holds a number for one operation at a time and ends once it is released', async () => {
    const checked = await runClaim('released', '+16077981234', true, async (handle) => {
      const claim = { holder: PORT, operation: 'PORT' as const };
      expect(await handle.executeUpdate(claimNumberUpdate, { args: [claim] })).toEqual({
        granted: true,
      });
      // The same holder asking again (an activity retry) is granted again.
      expect(await handle.executeUpdate(claimNumberUpdate, { args: [claim] })).toEqual({
        granted: true,
      });
      expect(
        await handle.executeUpdate(claimNumberUpdate, {
          args: [{ holder: RELEASE, operation: 'RELEASE' }],
        }),
      ).toEqual({ granted: false, heldBy: expect.objectContaining(claim) });
      // Only the holder lets go.
      await handle.executeUpdate(releaseClaimUpdate, { args: [{ holder: RELEASE }] });
      expect(await handle.query(numberClaimQuery)).toMatchObject(claim);
      await handle.executeUpdate(releaseClaimUpdate, { args: [{ holder: PORT }] });
    });
    // The refused claim asked whether the holder still runs; nothing else did.
    expect(checked).toEqual([PORT]);
  });

  it('costs no event while held, however long', async () => {
    await runClaim('held-long', '+16077985679', true, async (handle) => {
      await handle.executeUpdate(claimNumberUpdate, {
        args: [{ holder: PORT, operation: 'PORT' }],
      });
      const before = (await handle.fetchHistory()).events?.length;
      await env.sleep('120 days');
      expect((await handle.fetchHistory()).events?.length).toBe(before);
      await handle.executeUpdate(releaseClaimUpdate, { args: [{ holder: PORT }] });
    });
  });

  it('gives a number whose holder ended without letting go to the next claim', async () => {
    const checked = await runClaim('holder-gone', '+16077985678', false, async (handle) => {
      await handle.executeUpdate(claimNumberUpdate, {
        args: [{ holder: PORT, operation: 'PORT' }],
      });
      const release = { holder: RELEASE, operation: 'RELEASE' as const };
      expect(await handle.executeUpdate(claimNumberUpdate, { args: [release] })).toEqual({
        granted: true,
      });
      expect(await handle.query(numberClaimQuery)).toMatchObject(release);
      await handle.executeUpdate(releaseClaimUpdate, { args: [{ holder: RELEASE }] });
    });
    expect(checked).toEqual([PORT]);
  });
});
