import {
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { WebhookEvent, WebhookEventsMemo } from '../../src/domain/webhook-event';
import type { NumberDetails, ReleaseObject } from '../../src/domain';
import { startingRelease } from '../../src/domain/lifecycle';
import { AgingUntilKey, ReleaseStatusKey } from '../../src/temporal/search-attribute-keys';
import { releaseNumber } from '../../src/workflows/release-number';
import {
  MEMO,
  NOT_AGING,
  PLATFORM_REJECTED,
  reclaimUpdate,
  releaseWorkflowId,
  type ReleaseNumberInput,
} from '../../src/workflows/definitions';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { AGED_TO_THE_END, EVERYTHING_REMOVED } from '../helpers/release';
import { createTimeSkippingEnvironment, uniqueTaskQueue } from '../helpers/temporal';
import { recordHistories } from './histories';
import { receiverAnswer } from './fake-platform';

const DAY_MS = 86_400_000;
const NUMBER = '+16077221234';

const details: NumberDetails = {
  telephoneNumber: NUMBER,
  formatted: '(607) 722-1234',
  npa: '607',
  nxx: '722',
  status: 'ACTIVE',
  accountId: 'acc_123',
  assignedTo: 'user_1',
  assignmentType: 'END_USER',
  e911: {
    registered: true,
    address: { street: '135 Front St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
  },
  directoryListing: { listed: true, name: 'Acme Corporation' },
  callerIdName: 'ACME CORP',
};

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** A platform and number holds that record every call; `hold` keeps a step running until its gate opens. */
function fakeActivities(options: { refuseUnassign?: boolean; refuseFirstDelivery?: boolean } = {}) {
  const calls: string[] = [];
  const events: WebhookEvent[] = [];
  /** Every delivery attempt's event id, the refused ones too. */
  const attempts: string[] = [];
  const releaseKeys: string[] = [];
  const gates = new Map<string, Promise<void>>();
  const reached = new Map<string, Deferred>();
  const arrive = (step: string) => reached.get(step)?.resolve();
  const step = async (name: string) => {
    calls.push(name);
    arrive(name);
    await gates.get(name);
  };
  const activities: Partial<Activities> = {
    releaseNumberHolds: ({ holder }) => step(`give back the hold of ${holder}`),
    readNumber: async () => {
      await step('read');
      return details;
    },
    removeAssignments: async () => {
      await step('unassign');
      if (options.refuseUnassign) {
        throw ApplicationFailure.create({
          type: PLATFORM_REJECTED,
          message: 'number is locked',
          nonRetryable: true,
        });
      }
      return ['assignment to END_USER user_1'];
    },
    clearE911: () => step('clear E911'),
    reclaimNumber: async () => {
      await step('reclaim');
      return details;
    },
    removeDirectoryListing: () => step('unlist'),
    releaseToInventory: async ({ idempotencyKey }) => {
      releaseKeys.push(idempotencyKey);
      await step('release to inventory');
      return { alreadyReleased: false };
    },
    attemptWebhook: ({ event }) => {
      attempts.push(event.id);
      if (options.refuseFirstDelivery && attempts.indexOf(event.id) === attempts.length - 1) {
        return receiverAnswer(() => Promise.resolve(503));
      }
      events.push(event);
      return receiverAnswer(() => undefined);
    },
  };
  return {
    activities,
    calls,
    events,
    attempts,
    releaseKeys,
    /** Keeps `name` running until the answer's `open` is called; `reached` settles when it starts. */
    hold(name: string) {
      const gate = deferred();
      const arrived = deferred();
      gates.set(name, gate.promise);
      reached.set(name, arrived);
      return { open: gate.resolve, reached: arrived.promise };
    },
  };
}

function input(agingDays = 90): ReleaseNumberInput {
  return {
    partitionId: 'p1',
    telephoneNumber: NUMBER,
    agingPeriodMs: agingDays * DAY_MS,
    webhooks: true,
    receivedAt: '2026-11-30T10:00:00Z',
  };
}

/** The platform calls of a release that runs through: the number cleared, then given up. */
const CLEARED_AND_GIVEN_UP = ['read', 'unassign', 'clear E911', 'unlist', 'release to inventory'];

/** The hold the release gives back when it ends: its own. */
const givenBack = (workflowId: string) => `give back the hold of ${workflowId}`;

const elapsed = (from: string | undefined, to: string | undefined) =>
  Date.parse(to ?? '') - Date.parse(from ?? '');

describe('releaseNumber on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /**
   * Runs a 90-day release of NUMBER against `fake`, driven by `drive`, as the workflow
   * `release-p1-<NUMBER>-<name>` (its history is recorded under that name when recording);
   * answers what `drive` gave and the history's events.
   */
  async function runRelease<T>(
    fake: ReturnType<typeof fakeActivities>,
    name: string,
    drive: (handle: WorkflowHandle<typeof releaseNumber>) => Promise<T>,
    releaseInput = input(90),
  ) {
    const taskQueue = uniqueTaskQueue('release');
    const workflowId = `${releaseWorkflowId('p1', NUMBER)}-${name}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: fake.activities,
    });
    return worker.runUntil(async () => {
      // Started as the API starts it, the number held for it already: its memo the release as it begins.
      const handle = await env.client.workflow.start(releaseNumber, {
        taskQueue,
        workflowId,
        args: [releaseInput],
        memo: {
          [MEMO.release]: startingRelease(
            NUMBER,
            releaseInput.agingPeriodMs,
            releaseInput.lineType,
            releaseInput.platformCooldownDays,
          ),
        },
      });
      const outcome = await drive(handle);
      await recordHistories(env.client, [workflowId]);
      return { outcome, history: (await handle.fetchHistory()).events ?? [] };
    });
  }

  it('clears the number, ages exactly 90 days by the server clock and releases it to inventory', async () => {
    const fake = fakeActivities();
    const serverStart = await env.currentTimeMs();
    const realStart = Date.now();
    const { outcome: release, history } = await runRelease(fake, 'aged-90-days', (handle) =>
      handle.result(),
    );
    const serverEnd = await env.currentTimeMs();
    // Read as the API reads it, the worker stopped: the memo and the search attribute say RELEASED.
    const description = await env.client.workflow
      .getHandle(`${releaseWorkflowId('p1', NUMBER)}-aged-90-days`)
      .describe();
    expect(description.memo?.[MEMO.release]).toEqual(release);
    expect(description.typedSearchAttributes.get(ReleaseStatusKey)).toBe('RELEASED');
    // Operators find it by when its aging ended, as they found it by when it would.
    expect(description.typedSearchAttributes.get(AgingUntilKey)?.toISOString()).toBe(
      release.agingUntil,
    );

    expect(release).toMatchObject({
      telephoneNumber: NUMBER,
      accountId: 'acc_123',
      status: 'RELEASED',
      agingPeriodDays: 90,
      removed: EVERYTHING_REMOVED,
    });
    expect(release.history.map((entry) => entry.status)).toEqual(AGED_TO_THE_END);
    expect(elapsed(release.agingStartedDate, release.agingUntil)).toBe(90 * DAY_MS);
    // The timer fired at 90 days on the server's clock, not a moment before.
    expect(elapsed(release.agingStartedDate, release.releasedDate)).toBeGreaterThanOrEqual(
      90 * DAY_MS,
    );
    expect(elapsed(release.agingStartedDate, release.releasedDate)).toBeLessThan(
      90 * DAY_MS + 60_000,
    );
    expect(serverEnd - serverStart).toBeGreaterThanOrEqual(90 * DAY_MS);
    expect(Date.now() - realStart).toBeLessThan(60_000);

    expect(fake.calls).toEqual([...CLEARED_AND_GIVEN_UP, givenBack(description.workflowId)]);
    expect(fake.releaseKeys).toHaveLength(1);
    expect(fake.events.map((event) => event.type)).toEqual([
      'number.aging_started',
      'number.released',
    ]);
    expect(new Set(fake.events.map((event) => event.id)).size).toBe(2);
    expect(fake.events[1]?.data).toMatchObject({ telephoneNumber: NUMBER, status: 'RELEASED' });
    // 90 days of aging is one timer: the history does not grow with the period.
    const timers = history.flatMap((event) => event.timerStartedEventAttributes ?? []);
    expect(timers).toHaveLength(1);
    expect(Number(timers[0]?.startToFireTimeout?.seconds)).toBe((90 * DAY_MS) / 1_000);
    expect(history.length).toBeLessThan(100);
  });

  it('takes a reclaim on day 45: the number stays with its account and never reaches inventory', async () => {
    const fake = fakeActivities({ refuseFirstDelivery: true });
    let workflowId = '';
    const { outcome: release } = await runRelease(fake, 'reclaimed-day-45', async (handle) => {
      workflowId = handle.workflowId;
      await untilStatus(handle.workflowId, 'AGING');
      await env.sleep(45 * DAY_MS);
      const reclaimed = await handle.executeUpdate(reclaimUpdate);
      expect(reclaimed.status).toBe('RECLAIMED');
      return handle.result();
    });

    expect(release.status).toBe('RECLAIMED');
    const reclaimedAfter = elapsed(release.agingStartedDate, release.reclaimedDate);
    expect(reclaimedAfter).toBeGreaterThanOrEqual(45 * DAY_MS);
    expect(reclaimedAfter).toBeLessThan(46 * DAY_MS);
    expect(release.releasedDate).toBeUndefined();
    // Asked back from the platform (Alianza may hold it in COOLDOWN), never given up.
    expect(fake.calls).toContain('reclaim');
    expect(fake.calls).not.toContain('release to inventory');
    expect(fake.calls.at(-1)).toBe(givenBack(workflowId));
    expect(await releaseOf(workflowId)).toEqual(release);
    expect(fake.events.map((event) => event.type)).toEqual([
      'number.aging_started',
      'number.reclaimed',
    ]);
    // A refused delivery is retried with the same event id: receivers can drop repeats.
    const ids = fake.events.map((event) => event.id);
    expect(fake.attempts).toEqual([ids[0], ids[0], ids[1], ids[1]]);
    // The memo keeps both events, each with its refused attempt and the one taken.
    const { memo } = await env.client.workflow.getHandle(workflowId).describe();
    const kept = memo?.[MEMO.webhookEvents] as WebhookEventsMemo;
    expect(kept.newest.map(({ delivery: _delivery, ...event }) => event)).toEqual(fake.events);
    expect(kept.newest.map(({ delivery }) => delivery.outcome)).toEqual(['DELIVERED', 'DELIVERED']);
    expect(kept.newest.map(({ delivery }) => delivery.attempts.map((a) => a.httpStatus))).toEqual([
      [503, 204],
      [503, 204],
    ]);
  });

  it('refuses a reclaim on day 91: the number is back in inventory', async () => {
    const fake = fakeActivities();
    await runRelease(fake, 'reclaim-refused-day-91', async (handle) => {
      await untilStatus(handle.workflowId, 'AGING');
      await env.sleep(91 * DAY_MS);
      expect(await releaseOf(handle.workflowId)).toMatchObject({ status: 'RELEASED' });
      await expect(handle.executeUpdate(reclaimUpdate)).rejects.toThrow();
      expect((await handle.result()).status).toBe('RELEASED');
    });
    expect(fake.calls).toContain('release to inventory');
    expect(fake.events.map((event) => event.type)).toEqual([
      'number.aging_started',
      'number.released',
    ]);
  });

  it('refuses a reclaim before aging starts: its validator answers NOT_AGING', async () => {
    const fake = fakeActivities();
    const unassign = fake.hold('unassign');
    await runRelease(fake, 'reclaim-refused-while-releasing', async (handle) => {
      await unassign.reached;
      const refused = await handle.executeUpdate(reclaimUpdate).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: NOT_AGING });
      unassign.open();
      expect((await handle.result()).status).toBe('RELEASED');
    });
  });

  it('fails, letting the number go, when the platform refuses a step', async () => {
    const fake = fakeActivities({ refuseUnassign: true });
    const { outcome } = await runRelease(fake, 'failed-refused-step', async (handle) => ({
      failed: await handle.result().catch((error: unknown) => error),
      workflowId: handle.workflowId,
    }));
    const { failed, workflowId } = outcome;
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(await releaseOf(workflowId)).toMatchObject({
      status: 'FAILED',
      failureReason: 'number is locked',
    });
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(ReleaseStatusKey)).toBe('FAILED');
    expect(fake.calls).toEqual(['read', 'unassign', givenBack(workflowId)]);
  });

  describe("on a platform that ages given-up numbers itself (Alianza's COOLDOWN)", () => {
    /** A release whose aging is the partition's cooldown of `days` on the platform, as the API starts it. */
    const cooldown = (days: number): ReleaseNumberInput => ({
      ...input(days),
      platformCooldownDays: days,
    });
    /** A release of a `days` cooldown run to its end, as `release-p1-<NUMBER>-<name>`: it ends RELEASED. */
    async function agedInCooldown(name: string, days: number) {
      const fake = fakeActivities();
      const run = await runRelease(fake, name, (handle) => handle.result(), cooldown(days));
      expect(run.outcome).toMatchObject({
        status: 'RELEASED',
        agingPeriodDays: days,
        platformCooldownDays: days,
        removed: EVERYTHING_REMOVED,
      });
      return { fake, release: run.outcome, history: run.history };
    }

    it('gives the number up as aging starts, ages the cooldown, and ends RELEASED with no other call', async () => {
      const { fake, release, history } = await agedInCooldown('platform-cooldown-30-days', 30);
      expect(elapsed(release.agingStartedDate, release.agingUntil)).toBe(30 * DAY_MS);
      expect(elapsed(release.agingStartedDate, release.releasedDate)).toBeGreaterThanOrEqual(
        30 * DAY_MS,
      );
      const aging = release.history.find((entry) => entry.status === 'AGING');
      expect(aging?.detail).toContain("COOLDOWN for the partition's 30 day(s)");
      expect(aging?.detail).toContain(`aging until ${release.agingUntil}`);
      expect(release.history.at(-1)?.detail).toBe(
        "aged: the platform's cooldown is over, and the number goes back to its carrier",
      );
      // Given up before the timer, once: the platform's cooldown is the aging.
      expect(fake.calls).toEqual([
        ...CLEARED_AND_GIVEN_UP,
        givenBack(`${releaseWorkflowId('p1', NUMBER)}-platform-cooldown-30-days`),
      ]);
      const timers = history.flatMap((event) => event.timerStartedEventAttributes ?? []);
      expect(timers).toHaveLength(1);
      expect(Number(timers[0]?.startToFireTimeout?.seconds)).toBe((30 * DAY_MS) / 1_000);
      expect(fake.events.map((event) => event.type)).toEqual([
        'number.aging_started',
        'number.released',
      ]);
    });

    it('recovers the number from the cooldown on a reclaim', async () => {
      const fake = fakeActivities();
      const { outcome: release } = await runRelease(
        fake,
        'platform-cooldown-reclaimed',
        async (handle) => {
          await untilStatus(handle.workflowId, 'AGING');
          await env.sleep(10 * DAY_MS);
          expect((await handle.executeUpdate(reclaimUpdate)).status).toBe('RECLAIMED');
          return handle.result();
        },
        cooldown(30),
      );
      expect(release).toMatchObject({ status: 'RECLAIMED', platformCooldownDays: 30 });
      // Given up as aging began, so asked back from the cooldown.
      expect(fake.calls.slice(4, 6)).toEqual(['release to inventory', 'reclaim']);
    });

    it('ends RELEASED at once when the cooldown is 0 days, with no timer', async () => {
      const { fake, release, history } = await agedInCooldown('platform-cooldown-0-days', 0);
      expect(release.agingUntil).toBe(release.agingStartedDate);
      expect(history.filter((event) => event.timerStartedEventAttributes)).toHaveLength(0);
      expect(fake.calls).toContain('release to inventory');
      expect(fake.calls).not.toContain('reclaim');
    });
  });

  /** The release object as the API reads it: the workflow's memo, by describe. */
  async function releaseOf(workflowId: string): Promise<ReleaseObject | undefined> {
    const { memo } = await env.client.workflow.getHandle(workflowId).describe();
    return memo?.[MEMO.release] as ReleaseObject | undefined;
  }

  async function untilStatus(workflowId: string, status: ReleaseObject['status']): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await releaseOf(workflowId))?.status === status) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${workflowId} never reached ${status}`);
  }
});
