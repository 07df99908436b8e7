import {
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { PortObject, PortRequest } from '../../src/domain';
import { portIn } from '../../src/workflows';
import { fromPortMemo, receivedPort, toPortMemo, type PortMemo } from '../../src/domain/port-memo';
import {
  MEMO,
  activatePortUpdate,
  addCommentUpdate,
  cancelPortUpdate,
  carrierEventSignal,
  portCommentsQuery,
  portWorkflowId,
  removeNumberUpdate,
  supplementPortUpdate,
  webhookEventsQuery,
  type PortInInput,
  type PortSettings,
} from '../../src/workflows/definitions';
import { eventually, portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment } from '../helpers/temporal';
import { UNKNOWN_CARRIER } from '../../src/domain/portability';
import {
  ACTIVATION_WINDOW,
  DEFAULT_TIMELINE,
  fakePlatform,
  platformRefusal,
  type CarrierStep,
  type FakePlatform,
  type FakePlatformOptions,
} from './fake-platform';
import { recordHistories } from './histories';
import type { CommentsMemo, PortComment } from '../../src/domain/port-comments';
import type { WebhookEventsMemo, WebhookEventsPage } from '../../src/domain/webhook-event';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const NUMBER = '+16077981234';
const OTHER_NUMBER = '+16077985678';
const PARTITION = 'p1';

/** Obviously fake secrets: they stay readable in the recorded histories until the codec comes. */
const request: PortRequest = {
  telephoneNumbers: [NUMBER],
  accountId: 'acc_test',
  subscriber: { firstName: 'Test', lastName: 'Subscriber', authorizedName: 'Test Subscriber' },
  serviceAddress: { street: '1 Test St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
  billingTelephoneNumber: NUMBER,
  accountNumber: 'TEST-ACCT',
  pin: '0000',
  requestedDate: '2026-12-14',
};

const settings: PortSettings = {
  pollIntervalMs: HOUR_MS,
  supplementWindowMs: 30 * DAY_MS,
  webhooks: true,
};

/** A carrier that approves just before portflow's withdrawal or cancel reaches it, then goes on. */
const APPROVES_MEANWHILE: FakePlatformOptions = {
  approvesBeforeCancel: true,
  timeline: () => [
    { status: 'IN_PROGRESS', fromPoll: 3 },
    { status: 'COMPLETED', fromPoll: 4 },
  ],
};

const REJECTED_FOR_PIN: CarrierStep[] = [
  { status: 'REJECTED', fromPoll: 1, reason: 'PIN mismatch' },
];

interface PortRun {
  port: PortObject;
  workflowId: string;
}

interface PortOptions {
  request?: Partial<PortRequest>;
  settings?: Partial<PortSettings>;
  /** False for a large port, which holds its numbers itself (the API holds a small one's). */
  numbersHeld?: boolean;
  /** The portability checks the API made as it admitted the port, in its input. */
  checks?: PortInInput['checks'];
  /** What the test does while the port runs, before waiting for its result. */
  scenario?: (handle: WorkflowHandle<typeof portIn>, workflowId: string) => Promise<void>;
}

/**
 * Workflow time between the port's first step and the one at `STATUS/PHASE` (the
 * test server's own clock may jump after a workflow ends, the workflow's does not).
 */
function timeUntil(port: PortObject, step: string): number {
  const entry = port.history.find((e) => `${e.status}/${e.phase}` === step);
  if (!entry) throw new Error(`the port never was ${step}`);
  // The first entry is the API's (the request's receipt): the second is the workflow's first.
  return Date.parse(entry.at) - Date.parse(port.history[1]?.at ?? entry.at);
}

/** The statuses and phases a port went through, as `STATUS/PHASE`. */
/** A port's path through every status the carrier reports, to COMPLETED. */
const EVERY_CARRIER_STATUS = [
  'PENDING/CHECKING',
  'PENDING/SUBMITTING',
  'PENDING/AWAITING_CARRIER',
  'APPROVED/AWAITING_CARRIER',
  'IN_PROGRESS/AWAITING_CARRIER',
  'COMPLETED/DONE',
];

function path(port: PortObject): string[] {
  return port.history.map((entry) => `${entry.status}/${entry.phase}`);
}

/** The failure an Update was refused with. */
async function refusal(update: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await update.then(
    (answer) => {
      throw new Error(`the update was accepted: ${JSON.stringify(answer)}`);
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const { cause } = error as WorkflowUpdateFailedError;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** The port's webhook events as the API reads them: from the workflow's memo. */
async function webhookEventsOf(handle: WorkflowHandle): Promise<WebhookEventsMemo> {
  const { memo } = await handle.describe();
  return memo?.[MEMO.webhookEvents] as WebhookEventsMemo;
}

/** The port as the API reads it: from the workflow's memo, with no worker. */
async function memoPort(handle: WorkflowHandle): Promise<PortObject> {
  const { memo } = await handle.describe();
  return fromPortMemo(memo?.[MEMO.port] as PortMemo);
}

describe('portIn on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /**
   * Runs one port named `name` (its ID `pr-<name>`) against `platform` to its end, and records
   * the histories of the port and its submissions (when recording).
   */
  async function runPort(
    name: string,
    platform: FakePlatform,
    options: PortOptions = {},
  ): Promise<PortRun> {
    // One server per test file: a fixed task queue per test keeps recorded histories stable.
    const taskQueue = `port-in-${name}`;
    const portRequestId = `pr-${name}`;
    const workflowId = portWorkflowId(PARTITION, portRequestId);
    const input: PortInInput = {
      partitionId: PARTITION,
      portRequestId,
      request: { ...request, ...options.request },
      requestFingerprint: `fingerprint-${name}`,
      receivedAt: '2026-11-30T10:00:00Z',
      settings: { ...settings, ...options.settings },
      numbersHeld: options.numbersHeld ?? true,
      ...(options.checks ? { checks: options.checks } : {}),
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: platform.activities,
    });
    const port = await worker.runUntil(async () => {
      // Started as the API starts it: with the received port in its memo.
      const handle = await env.client.workflow.start(portIn, {
        taskQueue,
        workflowId,
        args: [input],
        memo: { [MEMO.port]: toPortMemo(receivedPort(input)) },
      });
      await options.scenario?.(handle, workflowId);
      return fromPortMemo(await handle.result());
    });
    await recordHistories(env.client, [workflowId]);
    // Whatever the path, the port object never shows a carrier secret.
    expect(JSON.stringify(port)).not.toMatch(/TEST-ACCT|"pin":|"accountNumber":/);
    // The memo the API reads shows the port as it ended.
    expect(await memoPort(env.client.workflow.getHandle(workflowId))).toEqual(port);
    return { port, workflowId };
  }

  it('follows a 10-business-day port with hourly polls in seconds, in under 100 events', async () => {
    // Two business days to approval, the FOC date ten business days out, done a day later.
    const platform = fakePlatform({
      timeline: () => [
        { status: 'APPROVED', fromPoll: 48 },
        { status: 'IN_PROGRESS', fromPoll: 14 * 24 },
        { status: 'COMPLETED', fromPoll: 15 * 24 },
      ],
    });
    const { port, workflowId } = await runPort('ten-business-days', platform);

    expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    expect(platform.polls.entries.length).toBeGreaterThanOrEqual(15 * 24);
    expect(platform.submissions.entries).toHaveLength(1);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.length).toBeLessThan(100);
  });

  describe('checked by the API as it admitted the port', () => {
    const checks = {
      portable: [{ currentCarrier: 'AT&T', telephoneNumbers: [NUMBER] }],
      notPortable: [],
    };

    it('submits in its first workflow task on the checks of its input, with no check or timer of its own', async () => {
      const platform = fakePlatform();
      const { port, workflowId } = await runPort('checked-by-api', platform, { checks });

      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE', currentProvider: 'AT&T' });
      expect(platform.checks.entries).toHaveLength(0);
      expect(platform.submissions.entries).toHaveLength(1);
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const types = (history.events ?? []).map((event) => event.eventType);
      expect(types).not.toContain(temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED);
    });

    it('is rejected NOT_PORTABLE on the checks of its input, submitting nothing', async () => {
      const platform = fakePlatform();
      const { port } = await runPort('checked-not-portable', platform, {
        checks: {
          portable: [],
          notPortable: [
            { telephoneNumber: NUMBER, currentCarrier: 'AT&T', reason: 'number is not active' },
          ],
        },
      });

      expect(port).toMatchObject({
        status: 'REJECTED',
        phase: 'DONE',
        rejectionCode: 'NOT_PORTABLE',
      });
      expect(platform.checks.entries).toHaveLength(0);
      expect(platform.submissions.entries).toHaveLength(0);
    });
  });

  it('tells each status a look skipped, in order, from the platform status history', async () => {
    // The first look finds the port COMPLETED: approval and progress are in its statusHistory.
    const platform = fakePlatform({
      statusHistory: true,
      timeline: () => DEFAULT_TIMELINE.map((step) => ({ ...step, fromPoll: 1 })),
    });
    const { port } = await runPort('status-history', platform);

    expect(path(port)).toEqual(EVERY_CARRIER_STATUS);
    expect(port.history[3]?.detail).toBe(
      `approved by the losing carrier: FOC date ${request.requestedDate}`,
    );
    expect(port.focDate).toBe(request.requestedDate);
    // Each with its webhook, in the same order.
    expect(
      platform.deliveredEvents().map(({ data }) => [data.status, data.phase].join('/')),
    ).toEqual(path(port));
  });

  describe('supplements', () => {
    it('resubmits a rejected port after a supplement, under a second idempotency key', async () => {
      const platform = fakePlatform({
        timeline: ({ attempt }) => (attempt === 1 ? REJECTED_FOR_PIN : DEFAULT_TIMELINE),
      });
      let supplemented: PortObject | undefined;
      const { port, workflowId } = await runPort('reject-supplement-resubmit', platform, {
        async scenario(handle) {
          await platform.announced('REJECTED', 'AWAITING_SUPPLEMENT');
          supplemented = await handle.executeUpdate(supplementPortUpdate, {
            args: [{ pin: '0001' }],
          });
        },
      });

      expect(platform.submissions.entries).toMatchObject([
        { idempotencyKey: `${workflowId}-carrier-1-attempt-1`, pin: '0000' },
        { idempotencyKey: `${workflowId}-carrier-1-attempt-2`, pin: '0001' },
      ]);
      expect(supplemented?.history.at(-1)?.detail).toMatch(/supplement received \(pin\)/);
      expect(JSON.stringify(supplemented)).not.toContain('0001');
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      // Whether the parent saw the submission PENDING before its rejection is a race.
      const steps = path(port);
      expect(steps.slice(0, 2)).toEqual(['PENDING/CHECKING', 'PENDING/SUBMITTING']);
      expect(steps.slice(steps.indexOf('REJECTED/AWAITING_SUPPLEMENT'))).toEqual([
        'REJECTED/AWAITING_SUPPLEMENT',
        'REJECTED/AWAITING_SUPPLEMENT', // the supplement, noted in the history
        'PENDING/AWAITING_CARRIER',
        'APPROVED/AWAITING_CARRIER',
        'IN_PROGRESS/AWAITING_CARRIER',
        'COMPLETED/DONE',
      ]);
    });

    it('withdraws a pending submission when a supplement arrives, and resubmits', async () => {
      const platform = fakePlatform({
        timeline: ({ attempt }) =>
          attempt === 1 ? [{ status: 'APPROVED', fromPoll: 100 }] : DEFAULT_TIMELINE,
      });
      const { port } = await runPort('supplement-while-pending', platform, {
        async scenario(handle) {
          await platform.firstLook();
          await handle.executeUpdate(supplementPortUpdate, {
            args: [{ accountNumber: 'TEST-ACCT-2' }],
          });
        },
      });

      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: true },
      ]);
      expect(platform.submissions.entries).toMatchObject([
        { attempt: 1, accountNumber: 'TEST-ACCT' },
        { attempt: 2, accountNumber: 'TEST-ACCT-2' },
      ]);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(port.numbers[0]).toMatchObject({ upstreamPortRequestId: 'up-2' });
    });

    it('drops a supplement the carrier overtook by approving, and the port goes on', async () => {
      const platform = fakePlatform(APPROVES_MEANWHILE);
      const { port } = await runPort('supplement-overtaken', platform, {
        async scenario(handle) {
          await platform.firstLook();
          await handle.executeUpdate(supplementPortUpdate, { args: [{ pin: '0001' }] });
        },
      });

      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: false },
      ]);
      expect(platform.submissions.entries).toHaveLength(1);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    });

    it('puts a supplement that comes while checking into the first submission', async () => {
      const platform = fakePlatform({ holdCheck: true });
      const { port } = await runPort('supplement-while-checking', platform, {
        async scenario(handle) {
          await platform.checks.next(() => true);
          const supplement = await handle.startUpdate(supplementPortUpdate, {
            args: [{ pin: '0001' }],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          platform.releaseCheck();
          await supplement.result();
        },
      });

      expect(platform.submissions.entries).toMatchObject([{ attempt: 1, pin: '0001' }]);
      expect(platform.cancels.entries).toHaveLength(0);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    });

    it('refuses a supplement once the carrier approved', async () => {
      const platform = fakePlatform({
        timeline: () => [
          { status: 'APPROVED', fromPoll: 1 },
          { status: 'COMPLETED', fromPoll: 2 },
        ],
      });
      const { port } = await runPort('supplement-refused', platform, {
        async scenario(handle) {
          await platform.announced('APPROVED');
          const failure = await refusal(
            handle.executeUpdate(supplementPortUpdate, { args: [{ pin: '0001' }] }),
          );
          expect(failure.type).toBe('PORT_NOT_SUPPLEMENTABLE');
        },
      });
      expect(platform.submissions.entries).toHaveLength(1);
      expect(port.status).toBe('COMPLETED');
    });

    it('takes at most 3 supplements once a FOC date is set, refusing the 4th', async () => {
      // Each attempt is approved (FOC date set), then rejected.
      const platform = fakePlatform({
        timeline: () => [
          { status: 'APPROVED', fromPoll: 1 },
          { status: 'REJECTED', fromPoll: 2, reason: 'PIN mismatch' },
        ],
      });
      const { port } = await runPort('supplement-limit', platform, {
        async scenario(handle) {
          const rejectedAt = (attempt: number) =>
            eventually(
              () => memoPort(handle),
              (p) =>
                p.phase === 'AWAITING_SUPPLEMENT' &&
                p.numbers[0]?.upstreamPortRequestId === `up-${attempt}`,
            );
          for (const attempt of [1, 2, 3]) {
            expect((await rejectedAt(attempt)).focDate).toBe(request.requestedDate);
            await handle.executeUpdate(supplementPortUpdate, { args: [{ pin: `000${attempt}` }] });
          }
          await rejectedAt(4);
          const failure = await refusal(
            handle.executeUpdate(supplementPortUpdate, { args: [{ pin: '0004' }] }),
          );
          expect(failure.type).toBe('SUPPLEMENT_LIMIT_REACHED');
          expect(failure.message).toContain('at most 3 supplements');
          await handle.executeUpdate(cancelPortUpdate);
        },
      });
      expect(platform.submissions.entries).toHaveLength(4);
      expect(port.status).toBe('CANCELLED');
    });

    it('gives a second rejection a whole window of its own, and keeps one timer for both', async () => {
      const platform = fakePlatform({ timeline: () => REJECTED_FOR_PIN });
      const { port, workflowId } = await runPort('supplement-window-restarts', platform, {
        async scenario(handle) {
          await platform.announced('REJECTED', 'AWAITING_SUPPLEMENT');
          await env.sleep('20 days');
          await handle.executeUpdate(supplementPortUpdate, { args: [{ pin: '0001' }] });
        },
      });

      const rejections = port.history.filter((e) => e.detail.startsWith('rejected:'));
      const secondRejectedAt = Date.parse(rejections[1]?.at ?? '');
      const waited = Date.parse(port.history.at(-1)?.at ?? '') - secondRejectedAt;
      expect(waited).toBeGreaterThanOrEqual(30 * DAY_MS);
      expect(waited).toBeLessThan(31 * DAY_MS);
      expect(port).toMatchObject({ status: 'REJECTED', phase: 'DONE' });
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const windowTimers = (history.events ?? []).filter(
        (e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) > 0,
      );
      // The first window's timer fired in the second window, which then started its own.
      expect(windowTimers).toHaveLength(2);
    });

    it('ends REJECTED when no supplement comes within the window', async () => {
      const platform = fakePlatform({ timeline: () => REJECTED_FOR_PIN });
      const { port } = await runPort('supplement-window-expires', platform);

      const waited =
        timeUntil(port, 'REJECTED/DONE') - timeUntil(port, 'REJECTED/AWAITING_SUPPLEMENT');
      expect(waited).toBeGreaterThanOrEqual(30 * DAY_MS);
      expect(waited).toBeLessThan(31 * DAY_MS);
      expect(port).toMatchObject({
        status: 'REJECTED',
        phase: 'DONE',
        rejectionReason: 'PIN mismatch; no supplement within the window',
      });
      // A platform that gives only text: its words tell the code.
      expect(port).toMatchObject({
        rejectionCode: 'PIN_INVALID',
        fieldsToCorrect: ['pin'],
        supplementable: true,
      });
      expect(port.numbers[0]).toMatchObject({
        status: 'REJECTED',
        reason: 'PIN mismatch',
        rejectionCode: 'PIN_INVALID',
      });
      expect(path(port).slice(-2)).toEqual(['REJECTED/AWAITING_SUPPLEMENT', 'REJECTED/DONE']);
      expect(port.history.at(-1)?.detail).toMatch(/no supplement within the window/);
      expect(platform.submissions.entries).toHaveLength(1);
    });
  });

  describe('removing a number', () => {
    const THIRD_NUMBER = '+16077989012';
    const remove = (handle: WorkflowHandle, telephoneNumber: string) =>
      handle.executeUpdate(removeNumberUpdate, { args: [{ telephoneNumber }] });

    it('withdraws a pending request, resubmits the rest without the number and gives its hold back', async () => {
      const platform = fakePlatform({
        timeline: ({ attempt }) =>
          attempt === 1 ? [{ status: 'APPROVED', fromPoll: 100 }] : DEFAULT_TIMELINE,
      });
      let removed: PortObject | undefined;
      const { port, workflowId } = await runPort('remove-number', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.firstLook();
          const unknown = await refusal(remove(handle, THIRD_NUMBER));
          expect(unknown.type).toBe('NUMBER_NOT_IN_PORT');
          removed = await remove(handle, OTHER_NUMBER);
          // Its hold was given back before the answer: another operation may take it now.
          expect(platform.releasedHolds.entries).toEqual([[OTHER_NUMBER]]);
          const last = await refusal(remove(handle, NUMBER));
          expect(last.type).toBe('LAST_NUMBER_IN_PORT');
          expect(last.message).toContain('cancel it instead');
        },
      });

      expect(removed).toMatchObject({ status: 'PENDING', telephoneNumbers: [NUMBER] });
      expect(removed?.numbers).toMatchObject([
        { telephoneNumber: NUMBER, status: 'PENDING' },
        { telephoneNumber: OTHER_NUMBER, status: 'REMOVED', upstreamPortRequestId: 'up-1' },
      ]);
      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: true },
      ]);
      expect(platform.submissions.entries).toMatchObject([
        {
          idempotencyKey: `${workflowId}-carrier-1-attempt-1`,
          telephoneNumbers: [NUMBER, OTHER_NUMBER],
        },
        { idempotencyKey: `${workflowId}-carrier-1-attempt-2`, telephoneNumbers: [NUMBER] },
      ]);
      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        telephoneNumbers: [NUMBER],
      });
      expect(port.numbers).toEqual([
        expect.objectContaining({
          telephoneNumber: NUMBER,
          status: 'COMPLETED',
          upstreamPortRequestId: 'up-2',
        }),
        expect.objectContaining({
          telephoneNumber: OTHER_NUMBER,
          status: 'REMOVED',
          removedAt: expect.any(String),
          reason: expect.stringContaining("withdrawn from AT&T's pending request up-1"),
        }),
      ]);
      expect(port.history.map((e) => e.detail)).toContainEqual(
        `${OTHER_NUMBER} removed from the port: withdrawn from AT&T's pending request up-1; resubmitted with its 1 other number(s)`,
      );
      // At the end the port gives back only the number it still holds.
      expect(platform.releasedHolds.entries).toEqual([[OTHER_NUMBER], [NUMBER]]);
      const [event] = platform.deliveredEvents().filter((e) => e.type === 'port.number_removed');
      expect(event?.data).toMatchObject({
        telephoneNumber: OTHER_NUMBER,
        telephoneNumbers: [NUMBER],
      });
      const searchable = (await env.client.workflow.getHandle(workflowId).describe())
        .searchAttributes;
      expect(searchable.TelephoneNumbers).toEqual([NUMBER]);
    });

    it('leaves a number taken out while the port checks out of the first submission', async () => {
      const platform = fakePlatform({ holdCheck: true });
      const { port } = await runPort('remove-number-while-checking', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.checks.next(() => true);
          const removal = await handle.startUpdate(removeNumberUpdate, {
            args: [{ telephoneNumber: OTHER_NUMBER }],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          platform.releaseCheck();
          expect((await removal.result()).telephoneNumbers).toEqual([NUMBER]);
        },
      });

      expect(platform.submissions.entries).toMatchObject([
        { attempt: 1, telephoneNumbers: [NUMBER] },
      ]);
      expect(platform.cancels.entries).toHaveLength(0);
      expect(platform.releasedHolds.entries).toEqual([[OTHER_NUMBER], [NUMBER]]);
      expect(port).toMatchObject({ status: 'COMPLETED', telephoneNumbers: [NUMBER] });
      expect(port.numbers[1]).toMatchObject({
        telephoneNumber: OTHER_NUMBER,
        status: 'REMOVED',
        reason: expect.stringContaining(
          'request before it was sent; sent with its 1 other number(s)',
        ),
      });
    });

    it('resubmits a rejected request without the number taken out, and the rest ports', async () => {
      const platform = fakePlatform({
        timeline: ({ attempt }) => (attempt === 1 ? REJECTED_FOR_PIN : DEFAULT_TIMELINE),
      });
      const { port } = await runPort('remove-rejected-number', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.announced('REJECTED', 'AWAITING_SUPPLEMENT');
          await remove(handle, OTHER_NUMBER);
        },
      });

      expect(platform.submissions.entries).toMatchObject([
        { attempt: 1, telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        { attempt: 2, telephoneNumbers: [NUMBER] },
      ]);
      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        telephoneNumbers: [NUMBER],
      });
      expect(port.numbers[1]).toMatchObject({ telephoneNumber: OTHER_NUMBER, status: 'REMOVED' });
      expect(port.numbers[1]?.rejectionCode).toBeUndefined();
    });

    it("ends a carrier's request that held only the number, and the other carrier's part completes", async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { currentCarrier: 'Verizon' } },
        timeline: ({ telephoneNumbers }) =>
          telephoneNumbers.includes(OTHER_NUMBER)
            ? REJECTED_FOR_PIN
            : [
                { status: 'APPROVED', fromPoll: 2 },
                { status: 'IN_PROGRESS', fromPoll: 30 },
                { status: 'COMPLETED', fromPoll: 31 },
              ],
      });
      const { port } = await runPort('remove-number-of-one-carrier', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.announced('REJECTED', 'AWAITING_SUPPLEMENT');
          const answer = await remove(handle, OTHER_NUMBER);
          expect(answer.status).not.toBe('REJECTED');
        },
      });

      expect(platform.submissions.entries).toHaveLength(2);
      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        telephoneNumbers: [NUMBER],
      });
      expect(port.numbers).toMatchObject([
        { telephoneNumber: NUMBER, currentCarrier: 'AT&T', status: 'COMPLETED' },
        { telephoneNumber: OTHER_NUMBER, currentCarrier: 'Verizon', status: 'REMOVED' },
      ]);
      expect(port.history.map((e) => e.detail)).toContainEqual(
        expect.stringContaining('it held no other number, so it is withdrawn'),
      );
    });

    it("refuses once the number's carrier approved, and the port goes on with it", async () => {
      const platform = fakePlatform({
        timeline: () => [
          { status: 'APPROVED', fromPoll: 1 },
          { status: 'COMPLETED', fromPoll: 2 },
        ],
      });
      const { port } = await runPort('remove-number-approved', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.announced('APPROVED');
          const failure = await refusal(remove(handle, OTHER_NUMBER));
          expect(failure.type).toBe('NUMBER_ALREADY_APPROVED');
          expect(failure.message).toContain('AT&T');
        },
      });
      expect(platform.submissions.entries).toHaveLength(1);
      expect(port).toMatchObject({ status: 'COMPLETED', telephoneNumbers: [NUMBER, OTHER_NUMBER] });
    });

    it('refuses a removal the carrier overtook by approving, and the port goes on with it', async () => {
      const platform = fakePlatform(APPROVES_MEANWHILE);
      const { port } = await runPort('remove-number-overtaken', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          await platform.firstLook();
          const failure = await refusal(remove(handle, OTHER_NUMBER));
          expect(failure.type).toBe('NUMBER_ALREADY_APPROVED');
        },
      });
      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: false },
      ]);
      expect(platform.submissions.entries).toHaveLength(1);
      expect(port).toMatchObject({ status: 'COMPLETED', telephoneNumbers: [NUMBER, OTHER_NUMBER] });
      expect(port.numbers.map((n) => n.status)).toEqual(['COMPLETED', 'COMPLETED']);
    });
  });

  describe('rejection codes', () => {
    it('gives each number its own code, keeps a code it does not know raw beside OTHER, and searches by them', async () => {
      const platform = fakePlatform({
        timeline: ({ attempt }) =>
          attempt === 1
            ? [
                {
                  status: 'REJECTED',
                  fromPoll: 1,
                  reason: 'two problems',
                  rejections: [
                    { code: 'PIN_INVALID', reason: 'pin', telephoneNumbers: [NUMBER] },
                    { code: 'ACCOUNT_NUMBER_MISMATCH', reason: 'acct', telephoneNumbers: [NUMBER] },
                    { code: 'LSR-7Z', reason: 'carrier code 7Z', telephoneNumbers: [OTHER_NUMBER] },
                  ],
                },
              ]
            : DEFAULT_TIMELINE,
      });
      let rejected: PortObject | undefined;
      let searchable: unknown;
      const { port } = await runPort('rejection-codes', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
        async scenario(handle) {
          rejected = await eventually(
            () => memoPort(handle),
            (p) => p.status === 'REJECTED',
          );
          searchable = (await handle.describe()).searchAttributes.RejectionCode;
          await handle.executeUpdate(supplementPortUpdate, { args: [{ pin: '1111' }] });
        },
      });

      expect(rejected).toMatchObject({
        rejectionCode: 'PIN_INVALID',
        fieldsToCorrect: ['accountNumber', 'pin'],
        supplementable: true,
      });
      expect(rejected?.numbers).toEqual([
        expect.objectContaining({
          rejectionCode: 'PIN_INVALID',
          fieldsToCorrect: ['accountNumber', 'pin'],
          supplementable: true,
        }),
        expect.objectContaining({
          rejectionCode: 'OTHER',
          platformRejectionCode: 'LSR-7Z',
          fieldsToCorrect: [],
        }),
      ]);
      expect(searchable).toEqual(['PIN_INVALID', 'OTHER']);
      // Resubmitted and completed: the codes are gone.
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(port.rejectionCode).toBeUndefined();
      expect(port.numbers[1]?.platformRejectionCode).toBeUndefined();
    });
  });

  describe('cancel', () => {
    it('cancels a port before approval, upstream too', async () => {
      const platform = fakePlatform({ timeline: () => [{ status: 'APPROVED', fromPoll: 100 }] });
      let answer: PortObject | undefined;
      const { port } = await runPort('cancel-before-approval', platform, {
        async scenario(handle) {
          await platform.firstLook();
          answer = await handle.executeUpdate(cancelPortUpdate);
        },
      });

      expect(answer).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: true },
      ]);
      expect(port).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
      expect(port.numbers).toMatchObject([{ telephoneNumber: NUMBER, status: 'CANCELLED' }]);
    });

    it('cancels a port still checking portability, before anything is submitted', async () => {
      const platform = fakePlatform({ holdCheck: true });
      let answer: PortObject | undefined;
      const { port } = await runPort('cancel-while-checking', platform, {
        async scenario(handle) {
          await platform.checks.next(() => true);
          const cancel = await handle.startUpdate(cancelPortUpdate, {
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          platform.releaseCheck();
          answer = await cancel.result();
        },
      });

      expect(answer).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
      expect(platform.submissions.entries).toHaveLength(0);
      expect(port).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
      expect(path(port)).toEqual(['PENDING/CHECKING', 'CANCELLED/DONE']);
    });

    it('cancels a port right as its submission starts', async () => {
      const platform = fakePlatform({ timeline: () => [{ status: 'APPROVED', fromPoll: 100 }] });
      let answer: PortObject | undefined;
      const { port } = await runPort('cancel-while-submitting', platform, {
        async scenario(handle) {
          await platform.announced('PENDING', 'SUBMITTING');
          answer = await handle.executeUpdate(cancelPortUpdate);
        },
      });

      expect(answer).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
      expect(port).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
    });

    it('refuses a cancel once the port is approved, and the port still completes', async () => {
      const platform = fakePlatform({
        timeline: () => [
          { status: 'APPROVED', fromPoll: 1 },
          { status: 'IN_PROGRESS', fromPoll: 24 },
          { status: 'COMPLETED', fromPoll: 48 },
        ],
      });
      const { port } = await runPort('cancel-after-approval', platform, {
        async scenario(handle) {
          await platform.announced('APPROVED');
          const failure = await refusal(handle.executeUpdate(cancelPortUpdate));
          expect(failure.type).toBe('PORT_NOT_CANCELLABLE');
        },
      });

      expect(platform.cancels.entries).toHaveLength(0);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    });

    it('refuses a cancel the carrier overtook by approving, and the port still completes', async () => {
      const platform = fakePlatform(APPROVES_MEANWHILE);
      const { port } = await runPort('cancel-overtaken', platform, {
        async scenario(handle) {
          await platform.firstLook();
          const failure = await refusal(handle.executeUpdate(cancelPortUpdate));
          expect(failure.type).toBe('PORT_NOT_CANCELLABLE');
        },
      });

      expect(platform.cancels.entries).toEqual([
        { upstreamPortRequestId: 'up-1', cancelled: false },
      ]);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(path(port)).toContain('APPROVED/AWAITING_CARRIER');
    });
  });

  describe('numbers and carriers', () => {
    it('splits numbers of two losing carriers into two submissions and aggregates them', async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { currentCarrier: 'Verizon' } },
        timeline: ({ telephoneNumbers }) =>
          telephoneNumbers.includes(OTHER_NUMBER)
            ? [
                { status: 'APPROVED', fromPoll: 2 },
                { status: 'IN_PROGRESS', fromPoll: 30 },
                { status: 'COMPLETED', fromPoll: 31 },
              ]
            : DEFAULT_TIMELINE,
      });
      const { port, workflowId } = await runPort('two-carriers', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
      });

      // Each part names the carrier the check found.
      expect(
        platform.submissions.entries.map((s) => [
          s.idempotencyKey,
          s.telephoneNumbers,
          s.currentProvider,
        ]),
      ).toEqual(
        expect.arrayContaining([
          [`${workflowId}-carrier-1-attempt-1`, [NUMBER], 'AT&T'],
          [`${workflowId}-carrier-2-attempt-1`, [OTHER_NUMBER], 'Verizon'],
        ]),
      );
      expect(platform.submissions.entries).toHaveLength(2);
      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        currentProvider: 'AT&T, Verizon',
      });
      const [atAndT, verizon] = port.numbers;
      expect(atAndT).toMatchObject({ currentCarrier: 'AT&T', status: 'COMPLETED' });
      expect(verizon).toMatchObject({ currentCarrier: 'Verizon', status: 'COMPLETED' });
      expect(atAndT?.upstreamPortRequestId).not.toBe(verizon?.upstreamPortRequestId);
      // AT&T completes at the 4th look; the port waits for the slower carrier at each step.
      expect(path(port)).toEqual(EVERY_CARRIER_STATUS);
    });

    it('sends each part to its own carrier when the request names one of them', async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { currentCarrier: 'Verizon' } },
      });
      const { port } = await runPort('two-carriers-one-named', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER], currentProvider: 'at&t' },
      });

      expect(
        platform.submissions.entries.map((s) => [s.telephoneNumbers, s.currentProvider]),
      ).toEqual(
        expect.arrayContaining([
          [[NUMBER], 'AT&T'],
          [[OTHER_NUMBER], 'Verizon'],
        ]),
      );
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    });

    it('submits numbers whose carrier the platform did not name to the carrier the request names', async () => {
      const platform = fakePlatform({ numbers: { [NUMBER]: { currentCarrier: UNKNOWN_CARRIER } } });
      const { port } = await runPort('carrier-unnamed', platform, {
        request: { currentProvider: 'Verizon' },
        numbersHeld: false,
      });

      expect(platform.submissions.entries.map((s) => s.currentProvider)).toEqual(['Verizon']);
      expect(port).toMatchObject({ status: 'COMPLETED', currentProvider: 'Verizon' });
    });

    it('rejects a large port before any submission when currentProvider names none of its carriers', async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { currentCarrier: 'Verizon' } },
      });
      const { port } = await runPort('current-provider-unmatched', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER], currentProvider: 'T-Mobile' },
        numbersHeld: false,
      });

      expect(platform.submissions.entries).toHaveLength(0);
      expect(port).toMatchObject({ status: 'REJECTED', phase: 'DONE' });
      expect(port.rejectionReason).toBe(
        `currentProvider names none of the numbers' losing carriers: ${NUMBER} is with AT&T; ${OTHER_NUMBER} is with Verizon`,
      );
    });

    it('rejects the whole request before any submission when a number is not portable', async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { portable: false, reason: 'line disconnected' } },
      });
      const { port } = await runPort('not-portable', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
      });

      expect(platform.submissions.entries).toHaveLength(0);
      expect(port).toMatchObject({
        status: 'REJECTED',
        phase: 'DONE',
        rejectionReason: `not portable: ${OTHER_NUMBER} (line disconnected)`,
      });
      expect(port.numbers).toMatchObject([
        { telephoneNumber: NUMBER, status: 'REJECTED', portable: true },
        { telephoneNumber: OTHER_NUMBER, status: 'NOT_PORTABLE', reason: 'line disconnected' },
      ]);
      expect(path(port)).toEqual(['PENDING/CHECKING', 'REJECTED/DONE']);
    });

    it('ports the portable numbers with allowPartial, each number with its own outcome', async () => {
      const platform = fakePlatform({
        numbers: { [OTHER_NUMBER]: { portable: false, reason: 'line disconnected' } },
      });
      const { port } = await runPort('not-portable-partial', platform, {
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER], allowPartial: true },
      });

      expect(platform.submissions.entries).toMatchObject([{ telephoneNumbers: [NUMBER] }]);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE', allowPartial: true });
      expect(port.numbers).toMatchObject([
        { telephoneNumber: NUMBER, status: 'COMPLETED', upstreamPortRequestId: 'up-1' },
        { telephoneNumber: OTHER_NUMBER, status: 'NOT_PORTABLE', reason: 'line disconnected' },
      ]);
    });

    it('looks at the carrier at once on a carrier event instead of waiting for the next poll', async () => {
      const platform = fakePlatform({
        timeline: () => [
          { status: 'APPROVED', fromPoll: 2 },
          { status: 'COMPLETED', fromPoll: 3 },
        ],
      });
      const { port } = await runPort('carrier-event', platform, {
        settings: { pollIntervalMs: DAY_MS },
        async scenario(handle) {
          await platform.firstLook();
          await handle.signal(carrierEventSignal, {
            upstreamPortRequestId: 'up-1',
            status: 'APPROVED',
          });
        },
      });

      expect(timeUntil(port, 'COMPLETED/DONE')).toBeLessThan(DAY_MS);
      expect(platform.polls.entries.map((poll) => poll.status)).toEqual([
        'PENDING',
        'APPROVED',
        'COMPLETED',
      ]);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    });

    it('keeps a carrier status word it does not know raw, and goes on', async () => {
      const platform = fakePlatform({
        // Each change is looked after at once; the look after that waits an hour.
        timeline: () => [
          { status: 'PENDING_LOA_REVIEW', fromPoll: 1 },
          { status: 'APPROVED', fromPoll: 3 },
          { status: 'COMPLETED', fromPoll: 4 },
        ],
      });
      let meanwhile: PortObject | undefined;
      const { port } = await runPort('unknown-carrier-status', platform, {
        async scenario(handle) {
          // No webhook announces a word that leaves the status as it was: read the port.
          meanwhile = await eventually(
            () => memoPort(handle),
            (p) => p.numbers[0]?.carrierStatus !== undefined,
          );
        },
      });

      expect(meanwhile).toMatchObject({
        status: 'PENDING',
        phase: 'AWAITING_CARRIER',
        numbers: [{ status: 'PENDING', carrierStatus: 'PENDING_LOA_REVIEW' }],
      });
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(port.numbers[0]?.carrierStatus).toBeUndefined();
    });

    it('ends REJECTED, naming the failure, when a submission fails outright', async () => {
      const platform = fakePlatform({
        awaitCarrierStatus: () => Promise.reject(platformRefusal('port up-1 not found')),
      });
      const { port } = await runPort('submission-fails', platform);

      expect(port).toMatchObject({ status: 'REJECTED', phase: 'DONE' });
      expect(port.rejectionReason).toMatch(/port up-1 not found/);
      expect(port.numbers[0]).toMatchObject({ status: 'REJECTED' });
    });
  });

  describe('activation', () => {
    const activation = {
      target: { type: 'USER' as const, userId: 'user-1' },
      callerIdName: 'TEST',
    };

    it('activates the ported numbers when the request asks for it', async () => {
      const platform = fakePlatform();
      const { port } = await runPort('activation', platform, { request: { activation } });

      expect(platform.activations.entries).toEqual([{ telephoneNumbers: [NUMBER], activation }]);
      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        activation: { ...activation, status: 'ACTIVATED' },
      });
      expect(path(port).slice(-2)).toEqual(['COMPLETED/ACTIVATING', 'COMPLETED/DONE']);
    });

    it('marks the activation FAILED without failing the port', async () => {
      const platform = fakePlatform({
        activateNumbers: () => Promise.reject(platformRefusal('user user-1 not found')),
      });
      const { port } = await runPort('activation-fails', platform, { request: { activation } });

      expect(port).toMatchObject({
        status: 'COMPLETED',
        phase: 'DONE',
        activation: { status: 'FAILED', detail: 'user user-1 not found' },
      });
    });

    describe('ON_DEMAND', () => {
      /** The carrier reaches the FOC date at its first look and waits for the activate. */
      const onTheFocDate = (): FakePlatformOptions['timeline'] => () => [
        { status: 'APPROVED', fromPoll: 1 },
        { status: 'IN_PROGRESS', fromPoll: 1 },
      ];

      it('waits in AWAITING_ACTIVATION for the activate, then assigns the target', async () => {
        const platform = fakePlatform({ timeline: onTheFocDate(), activationRefusals: 1 });
        const onDemand = { ...activation, mode: 'ON_DEMAND' as const };
        let refusedEarly: ApplicationFailure | undefined;
        let refusedByCarrier: ApplicationFailure | undefined;
        let answered: PortObject | undefined;
        const { port } = await runPort('on-demand-activate', platform, {
          request: { activation: onDemand },
          async scenario(handle) {
            await platform.submissions.next(() => true);
            refusedEarly = await refusal(handle.executeUpdate(activatePortUpdate));
            await platform.announced('IN_PROGRESS', 'AWAITING_ACTIVATION');
            // The carrier refuses the first (its window not open yet), takes the second.
            refusedByCarrier = await refusal(handle.executeUpdate(activatePortUpdate));
            answered = await handle.executeUpdate(activatePortUpdate);
          },
        });

        expect(refusedEarly?.type).toBe('PORT_NOT_AWAITING_ACTIVATION');
        expect(refusedByCarrier).toMatchObject({
          type: 'ACTIVATION_REFUSED',
          message: expect.stringContaining('opens at'),
        });
        expect(answered?.phase).not.toBe('AWAITING_ACTIVATION');
        expect(platform.submissions.entries).toHaveLength(1);
        expect(platform.upstreamActivations.entries).toEqual(['up-1', 'up-1']);
        expect(platform.activations.entries).toEqual([
          { telephoneNumbers: [NUMBER], activation: onDemand },
        ]);
        const steps = path(port);
        expect(steps.slice(steps.indexOf('IN_PROGRESS/AWAITING_ACTIVATION'))).toEqual([
          'IN_PROGRESS/AWAITING_ACTIVATION',
          'IN_PROGRESS/AWAITING_ACTIVATION', // the carrier's refusal, noted
          'COMPLETED/ACTIVATING',
          'COMPLETED/DONE',
        ]);
        const ready = platform.deliveredEvents().filter((e) => e.type === 'port.activation_ready');
        expect(ready).toHaveLength(1);
        expect(ready[0]?.data).toMatchObject({
          phase: 'AWAITING_ACTIVATION',
          window: ACTIVATION_WINDOW,
        });
      });

      it('activates by itself when the window closes, with no target to assign', async () => {
        const platform = fakePlatform({ timeline: onTheFocDate() });
        const { port } = await runPort('on-demand-window-closes', platform, {
          request: { activation: { mode: 'ON_DEMAND' } },
        });

        expect(platform.upstreamActivations.entries).toEqual(['up-1']);
        expect(platform.activations.entries).toHaveLength(0);
        expect(port).toMatchObject({
          status: 'COMPLETED',
          phase: 'DONE',
          activation: { mode: 'ON_DEMAND', status: 'ACTIVATED' },
        });
        // It waited the 16 hours to the window's close (the platform's clock), not a poll.
        const waited =
          timeUntil(port, 'COMPLETED/DONE') - timeUntil(port, 'IN_PROGRESS/AWAITING_ACTIVATION');
        expect(waited).toBeGreaterThanOrEqual(16 * HOUR_MS);
        expect(waited).toBeLessThan(17 * HOUR_MS);
      });
    });

    it('activates nothing when the request does not ask', async () => {
      const platform = fakePlatform();
      const { port } = await runPort('no-activation', platform);
      expect(platform.activations.entries).toHaveLength(0);
      expect(port.activation).toBeUndefined();
    });
  });

  describe('admission of a large port', () => {
    /** A release holds NUMBER meanwhile. */
    const heldBy = {
      holder: `release-${PARTITION}-${NUMBER}`,
      operation: 'RELEASE' as const,
      since: '2026-11-29T10:00:00Z',
    };

    it('ends REJECTED, naming the holder, when another operation holds a number', async () => {
      const platform = fakePlatform({
        hold: { held: false, busy: [{ telephoneNumber: NUMBER, heldBy }] },
      });
      const { port } = await runPort('number-busy', platform, {
        numbersHeld: false,
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER] },
      });

      expect(platform.checks.entries).toHaveLength(0);
      expect(platform.submissions.entries).toHaveLength(0);
      // Without allowPartial the free number was given back by the hold itself.
      expect(platform.releasedHolds.entries).toHaveLength(0);
      expect(path(port)).toEqual(['PENDING/ADMITTING', 'REJECTED/DONE']);
      expect(port.rejectionReason).toBe(
        `busy with another open operation: ${NUMBER} (release ${heldBy.holder})`,
      );
      expect(port.numbers).toMatchObject([
        {
          telephoneNumber: NUMBER,
          status: 'NUMBER_BUSY',
          reason: `held by release ${heldBy.holder}`,
        },
        { telephoneNumber: OTHER_NUMBER, status: 'REJECTED' },
      ]);
      expect(platform.deliveredEvents().map((e) => e.data.status)).toEqual(['PENDING', 'REJECTED']);
    });

    it('ports the free numbers with allowPartial and gives back only those', async () => {
      const platform = fakePlatform({
        hold: { held: false, busy: [{ telephoneNumber: NUMBER, heldBy }] },
      });
      const { port } = await runPort('number-busy-partial', platform, {
        numbersHeld: false,
        request: { telephoneNumbers: [NUMBER, OTHER_NUMBER], allowPartial: true },
      });

      expect(platform.submissions.entries).toMatchObject([{ telephoneNumbers: [OTHER_NUMBER] }]);
      expect(platform.releasedHolds.entries).toEqual([[OTHER_NUMBER]]);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(port.numbers).toMatchObject([
        { telephoneNumber: NUMBER, status: 'NUMBER_BUSY' },
        { telephoneNumber: OTHER_NUMBER, status: 'COMPLETED' },
      ]);
    });

    it('holds its numbers in phase ADMITTING, then goes on as any port and gives them back', async () => {
      const platform = fakePlatform();
      const { port } = await runPort('admitted', platform, { numbersHeld: false });
      expect(path(port).slice(0, 2)).toEqual(['PENDING/ADMITTING', 'PENDING/CHECKING']);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(platform.releasedHolds.entries).toEqual([[NUMBER]]);
    });
  });

  describe('webhooks', () => {
    it('sends one port.status_changed event per transition, each id unique and kept across retries', async () => {
      const platform = fakePlatform({
        // The receiver refuses every event once: the retry must carry the same event.
        deliverWebhook: (_event, attempt) =>
          attempt === 1 ? Promise.reject(new Error('receiver busy')) : Promise.resolve(),
      });
      let queried: WebhookEventsPage | undefined;
      const { port, workflowId } = await runPort('webhooks', platform, {
        async scenario(handle) {
          // Asked of the workflow once it has ended, as the API asks for a long log.
          await handle.result();
          queried = await handle.query(webhookEventsQuery, { from: 0 });
        },
      });

      const events = platform.deliveredEvents();
      expect(
        events.map((event) => `${event.data.status as string}/${event.data.phase as string}`),
      ).toEqual(path(port));
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      for (const event of events) {
        expect(event).toMatchObject({
          type: 'port.status_changed',
          partitionId: PARTITION,
          data: { portRequestId: 'pr-webhooks', telephoneNumbers: [NUMBER] },
        });
        expect(event.id).toMatch(new RegExp(`^${workflowId.replace(/[+]/g, '\\+')}-`));
        const attempts = platform.webhooks.entries.filter((entry) => entry.event.id === event.id);
        expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2]);
        expect(attempts[1]?.event).toEqual(event);
      }
      // The memo (the API's read, no worker) keeps each event with both its attempts.
      const handle = env.client.workflow.getHandle(workflowId);
      const kept = await webhookEventsOf(handle);
      expect(kept.total).toBe(events.length);
      expect(kept.newest.map(({ delivery: _delivery, ...event }) => event)).toEqual(events);
      for (const { delivery } of kept.newest) {
        expect(delivery).toEqual({
          outcome: 'DELIVERED',
          attempts: [
            {
              at: expect.any(String),
              durationMs: 1,
              error: 'receiver busy',
              nextAttemptAt: expect.any(String),
            },
            { at: expect.any(String), durationMs: 1, httpStatus: 204 },
          ],
        });
      }
      // The query answers the same, data and all.
      expect(queried).toEqual({ events: kept.newest, total: events.length });
    });

    it('completes the port even when the receiver never accepts an event', async () => {
      const platform = fakePlatform({
        deliverWebhook: () => Promise.reject(platformRefusal('webhook URL refused')),
      });
      const { port, workflowId } = await runPort('webhooks-refused', platform);
      expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
      expect(platform.deliveredEvents()).toHaveLength(port.history.length);
      // Each event tried on the whole schedule (8 attempts in some 27.6 hours), then FAILED.
      const kept = await webhookEventsOf(env.client.workflow.getHandle(workflowId));
      expect(kept.newest).toHaveLength(port.history.length);
      for (const { delivery } of kept.newest) {
        expect(delivery.outcome).toBe('FAILED');
        expect(delivery.nextAttemptAt).toBeUndefined();
        expect(delivery.attempts).toHaveLength(8);
        expect(delivery.attempts.map((a) => a.error)).toEqual(Array(8).fill('webhook URL refused'));
        expect(delivery.attempts.map((a) => a.nextAttemptAt !== undefined)).toEqual([
          ...Array(7).fill(true),
          false,
        ]);
      }
      // A receiver down all along costs some 7 events a failed attempt, and nothing more.
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events?.length).toBeLessThan(100 + 8 * 7 * port.history.length);
    });

    it('sends no event when the partition has no webhook', async () => {
      const platform = fakePlatform();
      const { port, workflowId } = await runPort('webhooks-off', platform, {
        settings: { webhooks: false },
      });
      expect(platform.webhooks.entries).toHaveLength(0);
      // Yet each event is kept, and says why nothing was sent.
      const kept = await webhookEventsOf(env.client.workflow.getHandle(workflowId));
      expect(kept.newest.map((e) => e.delivery)).toEqual(
        port.history.map(() => ({ outcome: 'NOT_CONFIGURED', attempts: [] })),
      );
    });
  });

  describe('comments', () => {
    const carrierComments = Array.from({ length: 12 }, (_, index) => ({
      commentId: `cc_${index + 1}`,
      text: `carrier note ${index + 1}`,
      ...(index === 0 ? { author: 'AT&T porting desk' } : {}),
      createdAt: '2026-11-30T11:00:00.000Z',
      fromPoll: 1,
    }));

    it("takes the customer's comments and the carrier's as it polls, the newest 10 in the memo", async () => {
      const platform = fakePlatform({ carrierComments });
      let comment: PortComment | undefined;
      let every: PortComment[] = [];
      let memo: CommentsMemo | undefined;
      const { workflowId } = await runPort('comments', platform, {
        settings: { pollIntervalMs: 1_000 },
        async scenario(handle) {
          await platform.webhooks.next(
            ({ event }) => (event.data.comment as PortComment | undefined)?.commentId === 'cmt_12',
          );
          comment = await handle.executeUpdate(addCommentUpdate, {
            args: [{ text: 'The end user confirmed the PIN', authorName: 'Jane at Acme' }],
          });
          every = await handle.query(portCommentsQuery);
          memo = (await handle.describe()).memo?.[MEMO.comments] as CommentsMemo;
        },
      });

      expect(comment).toEqual({
        commentId: 'cmt_13',
        text: 'The end user confirmed the PIN',
        author: { type: 'PARTITION', partitionId: PARTITION, name: 'Jane at Acme' },
        createdAt: expect.any(String),
      });
      expect(every.map((c) => c.commentId)).toEqual(
        Array.from({ length: 13 }, (_, index) => `cmt_${index + 1}`),
      );
      expect(every[0]).toEqual({
        commentId: 'cmt_1',
        text: 'carrier note 1',
        author: { type: 'CARRIER', carrier: 'AT&T', name: 'AT&T porting desk' },
        createdAt: expect.any(String),
        carrierCommentId: 'cc_1',
        carrierCreatedAt: '2026-11-30T11:00:00.000Z',
      });
      expect(every[1]?.author).toEqual({ type: 'CARRIER', carrier: 'AT&T' });
      // The memo holds the newest ten and the count, never every comment.
      expect(memo?.total).toBe(13);
      expect(memo?.newest).toEqual(every.slice(-10));
      // Each comment announced once, with the comment, ids stable and unique.
      const added = platform.deliveredEvents().filter((e) => e.type === 'port.comment_added');
      expect(added.map((e) => (e.data.comment as PortComment).commentId)).toEqual(
        every.map((c) => c.commentId),
      );
      expect(new Set(added.map((e) => e.id)).size).toBe(13);
      expect(added[12]).toMatchObject({
        partitionId: PARTITION,
        data: { portRequestId: 'pr-comments', comment },
      });
      // Each carrier comment is taken once: the looks after them ask only for newer ones.
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const answers = (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes);
      expect(answers.length).toBeLessThan(10);
    });
  });
});
