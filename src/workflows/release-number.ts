import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  patched,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { WebhookEvent } from '../domain/webhook-event';
import { startingRelease } from '../domain/lifecycle';
import { formatDuration } from '../domain/time';
import type { ReleaseObject, ReleaseStatus } from '../domain/release';
import {
  AccountIdKey,
  AgingUntilKey,
  PartitionIdKey,
  ReleaseStatusKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import {
  AGING_UNTIL_PATCH,
  LOCAL_RETRIES,
  MEMO,
  NOT_AGING,
  PLATFORM_REJECTED,
  WEBHOOK_ATTEMPTS_PATCH,
  activityFailureCause,
  reclaimUpdate,
  releaseEventId,
  webhookEventsQuery,
  type ReleaseNumberInput,
} from './definitions';
import { WebhookEvents } from './webhooks';

type Activities = ReturnType<typeof createActivities>;

// A release must finish: platform outages are retried for as long as they last, refusals are not.
const {
  readNumber,
  removeAssignments,
  clearE911,
  removeDirectoryListing,
  releaseToInventory,
  reclaimNumber,
  releaseNumberHolds,
} = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
});

/**
 * A release: clear the number (assignments, E911, listing and caller ID) → AGING for the
 * partition's aging period → back to the platform's inventory, RELEASED. A reclaim during
 * AGING ends it RECLAIMED, the number kept by its account. The API holds the number for this
 * workflow before it starts it (src/temporal/number-holds.ts), so nothing ports, assigns or
 * releases the number meanwhile; the workflow gives the hold back when it ends. The release
 * object is its memo (MEMO.release), so the API reads it with no worker.
 */
export async function releaseNumber(input: ReleaseNumberInput): Promise<ReleaseObject> {
  const { workflowId, runId } = workflowInfo();
  const { partitionId, telephoneNumber } = input;
  const number = { partitionId, telephoneNumber };

  const release = startingRelease(
    telephoneNumber,
    input.agingPeriodMs,
    input.lineType,
    input.platformCooldownDays,
  );
  let reclaimRequested = false;
  let agingOver = false;
  const events = new WebhookEvents({
    partitionId,
    configured: input.webhooks,
    recordsAttempts: patched(WEBHOOK_ATTEMPTS_PATCH),
    local: true,
    retryWaitsMs: input.webhookRetryWaitsMs,
    // Published once its first attempt is answered (in the same workflow task), or at once when none is sent.
    onChange: (change) => {
      if (change === 'attempted' || !input.webhooks)
        upsertMemo({ [MEMO.webhookEvents]: events.memo() });
    },
  });
  setHandler(webhookEventsQuery, ({ from }) => events.page(from));

  function record(status: ReleaseStatus, detail: string): void {
    release.status = status;
    release.history.push({ at: new Date().toISOString(), status, detail });
    upsertMemo({ [MEMO.release]: release });
    upsertSearchAttributes([{ key: ReleaseStatusKey, value: status }]);
  }

  function emit(type: WebhookEvent['type']): void {
    const { history, removed, ...data } = release;
    events.emit({
      id: releaseEventId(workflowId, runId, type),
      type,
      occurredAt: new Date().toISOString(),
      partitionId,
      data,
    });
  }

  setHandler(
    reclaimUpdate,
    async () => {
      reclaimRequested = true;
      // A reclaim the platform refuses ends the release FAILED: the caller hears that too.
      await condition(() => release.status === 'RECLAIMED' || release.status === 'FAILED');
      return release;
    },
    {
      validator: () => {
        if (release.status === 'AGING' && !agingOver) return;
        throw ApplicationFailure.create({
          type: NOT_AGING,
          message: agingOver
            ? `${telephoneNumber} has aged: it is being released to inventory`
            : `${telephoneNumber} is ${release.status}, not aging: only an aging number can be reclaimed`,
          nonRetryable: true,
        });
      },
    },
  );

  upsertSearchAttributes([
    { key: PartitionIdKey, value: partitionId },
    { key: TelephoneNumbersKey, value: [telephoneNumber] },
  ]);
  record(
    'RELEASING',
    'held: no port, assignment or other release can take the number until this one ends',
  );

  let failure: Error | undefined;
  try {
    await clearNumber();
    await age();
  } catch (error) {
    // Steps are retried through outages: a step that failed was refused for good.
    const refusal = activityFailureCause(error);
    if (!(error instanceof ActivityFailure) && !refusal) throw error;
    failure = error as Error;
    release.failureReason = refusal?.message ?? failure.message;
    record('FAILED', `the platform refused a step: ${release.failureReason}`);
  } finally {
    await CancellationScope.nonCancellable(async () => {
      await releaseNumberHolds({
        partitionId,
        telephoneNumbers: [telephoneNumber],
        holder: workflowId,
      });
      await events.settled();
    });
  }
  await condition(allHandlersFinished);
  if (failure) {
    // Failed, so operators see it; the memo still holds the release object.
    throw ApplicationFailure.create({
      type: 'ReleaseFailed',
      message: `release of ${telephoneNumber} failed: ${release.failureReason}`,
      nonRetryable: true,
      cause: failure,
    });
  }
  return release;

  async function clearNumber(): Promise<void> {
    const details = await readNumber(number);
    release.accountId = details.accountId;
    if (details.accountId)
      upsertSearchAttributes([{ key: AccountIdKey, value: details.accountId }]);

    release.removed.push(...(await removeAssignments(number)));
    if (details.e911.registered) {
      await clearE911(number);
      release.removed.push('E911 registration');
    }
    await removeDirectoryListing(number);
    if (details.directoryListing.listed) release.removed.push('directory listing');
    if (details.callerIdName) release.removed.push('caller ID name');
  }

  /** Gives the number up to the platform: its inventory, or on Alianza its COOLDOWN. */
  function giveUp() {
    return releaseToInventory({
      ...number,
      // Per run: a number released, ordered again and released once more is a new release upstream.
      idempotencyKey: `${workflowId}/${runId}`,
    });
  }

  async function age(): Promise<void> {
    const cooldownDays = input.platformCooldownDays;
    // A platform that ages given-up numbers itself (Alianza's COOLDOWN) has it from the start of aging.
    const givenUp = cooldownDays === undefined ? undefined : await giveUp();
    const started = Date.now();
    release.agingStartedDate = new Date(started).toISOString();
    release.agingUntil = new Date(started + input.agingPeriodMs).toISOString();
    const cleared = `cleared (${release.removed.join(', ') || 'nothing was set'})`;
    record(
      'AGING',
      givenUp === undefined
        ? `${cleared}: aging until ${release.agingUntil}`
        : `${cleared} and given up to the platform, ${
            givenUp.alreadyReleased
              ? 'which no longer held it'
              : `which keeps it in COOLDOWN for the partition's ${cooldownDays} day(s)`
          }: aging until ${release.agingUntil}`,
    );
    // Releases recorded before AgingUntil existed aged without this upsert.
    if (patched(AGING_UNTIL_PATCH))
      upsertSearchAttributes([{ key: AgingUntilKey, value: new Date(release.agingUntil) }]);
    emit('number.aging_started');

    // One timer however long the period: the history stays a few events. (A cooldown of 0 days has none.)
    if (givenUp === undefined || input.agingPeriodMs > 0) {
      await condition(() => reclaimRequested, input.agingPeriodMs, {
        summary: `aging ${formatDuration(input.agingPeriodMs)}`,
      });
    }
    agingOver = true;
    if (reclaimRequested) {
      // Alianza holds a released number in COOLDOWN: it is asked back; the seed reads it back.
      await reclaimNumber(number);
      release.reclaimedDate = new Date().toISOString();
      record(
        'RECLAIMED',
        `reclaimed during aging: kept by account ${release.accountId}, unassigned`,
      );
      emit('number.reclaimed');
      return;
    }

    const { alreadyReleased } = givenUp ?? (await giveUp());
    release.releasedDate = new Date().toISOString();
    record(
      'RELEASED',
      givenUp
        ? "aged: the platform's cooldown is over, and the number goes back to its carrier"
        : alreadyReleased
          ? 'aged: the platform no longer held the number'
          : "aged: returned to the platform's inventory",
    );
    emit('number.released');
  }
}
