import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityInterfaceFor,
  type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { WebhookEvent } from '../activities/webhooks';
import { DAY_MS, formatDuration } from '../domain/time';
import type { ReleaseObject, ReleaseStatus } from '../domain/release';
import {
  AccountIdKey,
  LOCAL_CALLS_PATCH,
  LOCAL_RETRIES,
  NOT_AGING,
  PLATFORM_RECLAIM_PATCH,
  PLATFORM_REJECTED,
  activityFailureCause,
  PartitionIdKey,
  TelephoneNumbersKey,
  reclaimUpdate,
  releaseAdmissionUpdate,
  releaseQuery,
  type ReleaseAdmission,
  type ReleaseNumberInput,
} from './definitions';
import { deliverWebhook, deliverWebhookLocally } from './webhooks';

type Activities = ReturnType<typeof createActivities>;
type Proxied = ActivityInterfaceFor<Activities> | LocalActivityInterfaceFor<Activities>;

/** Claims stay activities (see LOCAL_CALLS_PATCH): they wait on the number's entity. */
const { claimNumbers, releaseNumberClaims } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});
// A release must finish: platform outages are retried for as long as they last, refusals are not.
const platformCalls = {
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
};

/** The platform calls a release makes, as activities (before LOCAL_CALLS_PATCH) or local ones. */
function calls(platform: Proxied, webhook: Proxied['deliverWebhook']) {
  const {
    readNumber,
    removeAssignments,
    clearE911,
    removeDirectoryListing,
    releaseToInventory,
    reclaimNumber,
  } = platform;
  return {
    readNumber,
    reclaimNumber,
    removeAssignments,
    clearE911,
    removeDirectoryListing,
    releaseToInventory,
    deliverWebhook: webhook,
  };
}

const activities = calls(proxyActivities<Activities>(platformCalls), deliverWebhook);
const localActivities = calls(
  proxyLocalActivities<Activities>({ ...LOCAL_RETRIES, ...platformCalls }),
  deliverWebhookLocally,
);

/**
 * A release: claim the number → clear it (assignments, E911, listing and caller ID) → AGING
 * for the partition's aging period → back to the platform's inventory, RELEASED. A reclaim
 * during AGING ends it RECLAIMED, the number kept by its account. The claim is held throughout,
 * so nothing ports or releases the number meanwhile.
 */
export async function releaseNumber(input: ReleaseNumberInput): Promise<ReleaseObject> {
  const { workflowId, runId } = workflowInfo();
  const { partitionId, telephoneNumber } = input;
  const {
    readNumber,
    removeAssignments,
    clearE911,
    removeDirectoryListing,
    releaseToInventory,
    reclaimNumber,
    deliverWebhook,
  } = patched(LOCAL_CALLS_PATCH) ? localActivities : activities;
  const number = { partitionId, telephoneNumber };

  const release: ReleaseObject = {
    telephoneNumber,
    accountId: null,
    status: 'RELEASING',
    agingPeriodDays: input.agingPeriodMs / DAY_MS,
    removed: [],
    history: [],
  };
  let admission: ReleaseAdmission | undefined;
  let reclaimRequested = false;
  let agingOver = false;
  const webhooks: Promise<void>[] = [];

  function record(status: ReleaseStatus, detail: string): void {
    release.status = status;
    release.history.push({ at: new Date().toISOString(), status, detail });
  }

  function emit(type: WebhookEvent['type']): void {
    if (!input.webhooks) return;
    const { history, removed, ...data } = release;
    const event: WebhookEvent = {
      // One event of each type per run: stable across retries, distinct from the number's next release.
      id: `${workflowId}/${runId}/${type}`,
      type,
      occurredAt: new Date().toISOString(),
      partitionId,
      data,
    };
    webhooks.push(
      deliverWebhook({ partitionId, event }).catch((error: unknown) =>
        log.warn('webhook not delivered', { eventId: event.id, error: String(error) }),
      ),
    );
  }

  setHandler(releaseQuery, () => release);
  setHandler(releaseAdmissionUpdate, async () => {
    await condition(() => admission !== undefined);
    // An admitted release carries the live object: the answer shows where it stands now.
    return admission as ReleaseAdmission;
  });
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

  const claim = await claimNumbers({
    partitionId,
    telephoneNumbers: [telephoneNumber],
    holder: workflowId,
    operation: 'RELEASE',
  });
  if (!claim.granted) {
    // Never a release: its history stays empty and nothing was touched.
    admission = { admitted: false, heldBy: (claim.busy[0] as (typeof claim.busy)[0]).heldBy };
    await condition(allHandlersFinished);
    return release;
  }
  admission = { admitted: true, release };
  upsertSearchAttributes([
    { key: PartitionIdKey, value: partitionId },
    { key: TelephoneNumbersKey, value: [telephoneNumber] },
  ]);
  record('RELEASING', 'claimed: no port or other release can take the number until this one ends');

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
      await releaseNumberClaims({
        partitionId,
        telephoneNumbers: [telephoneNumber],
        holder: workflowId,
      });
      await Promise.all(webhooks);
    });
  }
  await condition(allHandlersFinished);
  if (failure) {
    // Failed, so operators see it; the query still answers the release object.
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

  async function age(): Promise<void> {
    const started = Date.now();
    release.agingStartedDate = new Date(started).toISOString();
    release.agingUntil = new Date(started + input.agingPeriodMs).toISOString();
    record(
      'AGING',
      `cleared (${release.removed.join(', ') || 'nothing was set'}): aging until ${release.agingUntil}`,
    );
    emit('number.aging_started');

    // One timer however long the period: the history stays a few events.
    await condition(() => reclaimRequested, input.agingPeriodMs, {
      summary: `aging ${formatDuration(input.agingPeriodMs)}`,
    });
    agingOver = true;
    if (reclaimRequested) {
      if (patched(PLATFORM_RECLAIM_PATCH)) await reclaimNumber(number);
      release.reclaimedDate = new Date().toISOString();
      record(
        'RECLAIMED',
        `reclaimed during aging: kept by account ${release.accountId}, unassigned`,
      );
      emit('number.reclaimed');
      return;
    }

    const { alreadyReleased } = await releaseToInventory({
      ...number,
      // Per run: a number released, ordered again and released once more is a new release upstream.
      idempotencyKey: `${workflowId}/${runId}`,
    });
    release.releasedDate = new Date().toISOString();
    record(
      'RELEASED',
      alreadyReleased
        ? 'aged: the platform no longer held the number'
        : "aged: returned to the platform's inventory",
    );
    emit('number.released');
  }
}
