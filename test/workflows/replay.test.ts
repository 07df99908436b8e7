/**
 * Every history under test/fixtures/histories replays against today's src/workflows: a change
 * that would break workflows already running fails here. Re-record on purpose only, with
 * `RECORD_HISTORIES=1 npx jest test/workflows` (see test/fixtures/histories/README.md).
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { readRecordedHistory, recordedHistoryFiles } from './histories';

const files = recordedHistoryFiles();

describe('recorded histories replay against the bundled workflows', () => {
  it('holds histories of every portflow workflow this suite records', async () => {
    const types = new Set(
      (await Promise.all(files.map(readRecordedHistory))).map((h) => h.workflowType),
    );
    expect([...types]).toEqual(
      expect.arrayContaining(['portIn', 'numberHold', 'orderNumbers', 'releaseNumber']),
    );
  });

  it.each(files)('%s', async (file) => {
    const { history, workflowId } = await readRecordedHistory(file);
    await Worker.runReplayHistory(
      { workflowBundle: await portflowWorkflowBundle() },
      history,
      workflowId,
    );
  });

  it('fails on a history the workflow code would not make', async () => {
    const recorded = await readRecordedHistory('port-p1-pr-cancel-before-approval.json');
    const scheduled = recorded.history.events?.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType,
    )?.activityTaskScheduledEventAttributes?.activityType;
    if (!scheduled) throw new Error('the recorded port scheduled no activity');
    // As if an older portIn had called another activity first.
    scheduled.name = 'reservedNumbers';
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await portflowWorkflowBundle() },
        recorded.history,
        recorded.workflowId,
      ),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
