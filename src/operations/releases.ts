import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { agingPeriodOf, type Config } from '../config';
import type { NumberHold } from '../domain/hold';
import { startingRelease } from '../domain/lifecycle';
import { DAY_MS } from '../domain/duration';
import { agingPeriodForLine, type AgingLineType, type ReleaseObject } from '../domain/release';
import { formatDuration } from '../domain/time';
import type { PlatformClient } from '../platform';
import type { NumberHolds } from '../temporal/number-holds';
import {
  PartitionIdKey,
  ReleaseStatusKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import {
  MEMO,
  reclaimUpdate,
  releaseWorkflowId,
  type ReleaseNumberInput,
} from '../workflows/definitions';
import type { releaseNumber } from '../workflows/release-number';
import type { WebhookEventLog } from '../domain/webhook-event-log';
import { memoOf, requestFingerprint, startOnce } from './idempotency';
import type { WebhookEventOperations } from './webhook-events';
import { platformDetails } from './platform-calls';
import { accepted, conflict, done, notFound, type Outcome } from './outcomes';
import { callTemporal, callUpdate, unlessMissing, updateRefusal } from './temporal-calls';

export interface ReleaseDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  holds: NumberHolds;
  taskQueue: string;
  events: WebhookEventOperations;
  /** Told of each release workflow started. */
  onStarted?: () => void;
}

/** A number's latest release, as the server holds it: one describe, no worker. */
export interface LatestRelease {
  release: ReleaseObject;
  /** While it runs it holds the number: this is its hold. */
  hold?: NumberHold;
  requestFingerprint?: unknown;
}

/** The latest release of a number, or undefined when it was never released. */
export async function latestRelease(
  client: Client,
  partitionId: string,
  telephoneNumber: string,
): Promise<LatestRelease | undefined> {
  const workflowId = releaseWorkflowId(partitionId, telephoneNumber);
  const description = await unlessMissing(client, () =>
    client.workflow.getHandle(workflowId).describe(),
  );
  const release = description?.memo?.[MEMO.release] as ReleaseObject | undefined;
  if (!description || !release) return undefined;
  return {
    release,
    requestFingerprint: description.memo?.[MEMO.requestFingerprint],
    ...(description.status.name === 'RUNNING'
      ? {
          hold: {
            holder: workflowId,
            operation: 'RELEASE',
            since: description.startTime.toISOString(),
          },
        }
      : {}),
  };
}

export function notAging(telephoneNumber: string, release: ReleaseObject): Outcome<never> {
  return conflict(
    'NOT_AGING',
    `${telephoneNumber} is ${release.status}, not aging: only an aging number can be reclaimed`,
    { status: release.status },
  );
}

/** Releasing a number, reading its release, reclaiming it: `release-<partition>-<number>`. */
export function releases({
  client,
  config,
  platform,
  holds,
  taskQueue,
  events,
  onStarted,
}: ReleaseDeps) {
  /**
   * How long a release of the number ages: the partition's cooldown on a platform that ages
   * given-up numbers itself (Alianza), else portflow's period for the partition and line type.
   */
  async function agingOf(
    partitionId: string,
    platformLineType: string | undefined,
  ): Promise<{ periodMs: number; lineType?: AgingLineType; platformCooldownDays?: number }> {
    const platformCooldownDays = await platform.numberCooldownDays(partitionId);
    if (platformCooldownDays !== undefined)
      return { periodMs: platformCooldownDays * DAY_MS, platformCooldownDays };
    return agingPeriodForLine(agingPeriodOf(config, partitionId).periodMs, platformLineType);
  }

  return {
    /**
     * Starts the number's release, held for it first: 202 with the release object. A running
     * release of the number is the same release; the same Idempotency-Key answers its release
     * even once it has ended. Refused while another operation holds the number.
     */
    async release(
      partitionId: string,
      telephoneNumber: string,
      idempotencyKey: string | undefined,
    ): Promise<Outcome<ReleaseObject>> {
      const workflowId = releaseWorkflowId(partitionId, telephoneNumber);
      const fingerprint = requestFingerprint({ telephoneNumber, idempotencyKey });
      const latest = await latestRelease(client, partitionId, telephoneNumber);
      if (latest?.hold || (idempotencyKey && latest?.requestFingerprint === fingerprint)) {
        return accepted(latest.release);
      }

      const details = await platformDetails(platform, partitionId, telephoneNumber);
      if (!details) {
        // A number being ported in is not the partition's yet: the port holds it.
        const hold = await callTemporal(client, () => holds.holdOf(partitionId, telephoneNumber));
        if (hold)
          return { outcome: 'busy', partitionId, busy: [{ telephoneNumber, heldBy: hold }] };
        return notFound(`${telephoneNumber} is not a number of partition ${partitionId}`);
      }

      const held = await callTemporal(client, () =>
        holds.holdAll(partitionId, [telephoneNumber], {
          holder: workflowId,
          operation: 'RELEASE',
          since: new Date().toISOString(),
        }),
      );
      if (!held.held) return { outcome: 'busy', partitionId, busy: held.busy };

      const { periodMs, lineType, platformCooldownDays } = await agingOf(
        partitionId,
        details.lineType,
      );
      const begun = startingRelease(telephoneNumber, periodMs, lineType, platformCooldownDays);
      const input: ReleaseNumberInput = {
        partitionId,
        telephoneNumber,
        agingPeriodMs: periodMs,
        ...(lineType ? { lineType } : {}),
        ...(platformCooldownDays === undefined ? {} : { platformCooldownDays }),
        webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
        webhookRetryWaitsMs: config.WEBHOOK_RETRY_SCHEDULE,
        receivedAt: new Date().toISOString(),
      };
      const start = await startOnce(client, workflowId, fingerprint, () =>
        client.workflow.start<typeof releaseNumber>('releaseNumber', {
          workflowId,
          taskQueue,
          args: [input],
          // A finished release may be followed by another; a running one is refused (and answered).
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          memo: { [MEMO.requestFingerprint]: fingerprint, [MEMO.release]: begun },
          typedSearchAttributes: [
            { key: PartitionIdKey, value: partitionId },
            { key: TelephoneNumbersKey, value: [telephoneNumber] },
            { key: ReleaseStatusKey, value: begun.status },
          ],
          staticSummary: `Release ${telephoneNumber} from partition ${partitionId}: clear, age ${formatDuration(periodMs)}, return to inventory`,
        }),
      );
      if (start.started) {
        onStarted?.();
        return accepted(begun);
      }
      // Another request started the number's release meanwhile: it is the same release.
      const memo = 'memo' in start ? start.memo : await memoOf(client, workflowId);
      return accepted(memo?.[MEMO.release] as ReleaseObject);
    },

    async readRelease(
      partitionId: string,
      telephoneNumber: string,
    ): Promise<Outcome<ReleaseObject>> {
      const latest = await latestRelease(client, partitionId, telephoneNumber);
      return latest ? done(latest.release) : notFound(`No release of ${telephoneNumber}`);
    },

    /** The webhook events of the number's latest release, with their attempts and redeliveries. */
    events(
      partitionId: string,
      telephoneNumber: string,
    ): Promise<Outcome<WebhookEventLog & { telephoneNumber: string }>> {
      return events.logOf(
        releaseWorkflowId(partitionId, telephoneNumber),
        { telephoneNumber },
        (run) => run.memo[MEMO.release] !== undefined,
        `No release of ${telephoneNumber}`,
      );
    },

    /** Ends aging early (an Update): 200 with the release RECLAIMED, again when asked again. */
    async reclaim(partitionId: string, telephoneNumber: string): Promise<Outcome<ReleaseObject>> {
      const latest = await latestRelease(client, partitionId, telephoneNumber);
      if (!latest) return notFound(`No release of ${telephoneNumber}`);
      // Reclaiming a reclaimed number again is the same request: answer it the same way.
      if (latest.release.status === 'RECLAIMED') return done(latest.release);
      if (latest.release.status !== 'AGING') return notAging(telephoneNumber, latest.release);
      const handle = client.workflow.getHandle(releaseWorkflowId(partitionId, telephoneNumber));
      try {
        return done(await callUpdate(client, () => handle.executeUpdate(reclaimUpdate)));
      } catch (error) {
        // Aged or reclaimed meanwhile: the release as it ended answers.
        const refused = updateRefusal(error) ?? error instanceof WorkflowNotFoundError;
        if (!refused) throw error;
        const now = await latestRelease(client, partitionId, telephoneNumber);
        if (now?.release.status === 'RECLAIMED') return done(now.release);
        return notAging(telephoneNumber, now?.release ?? latest.release);
      }
    },
  };
}

export type Releases = ReturnType<typeof releases>;
