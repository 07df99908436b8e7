import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PlatformPort, PortSupplement } from '../domain/port';
import { isKnownPortStatus } from '../domain/port-status';
import {
  LOCAL_CALLS_PATCH,
  LOCAL_RETRIES,
  PLATFORM_REJECTED,
  abandonSubmissionSignal,
  activityFailureCause,
  cancelSubmissionSignal,
  carrierEventSignal,
  submissionReportSignal,
  supplementSubmissionSignal,
  type PortSubmissionInput,
  type SubmissionReport,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;
type Report = Omit<SubmissionReport, 'submissionWorkflowId'>;

/** Statuses that end the following of one submission. */
const ENDS = ['COMPLETED', 'CANCELLED', 'REJECTED'];

const platformCalls = {
  // The platform client gives up after PLATFORM_TIMEOUT (10 s): a crashed worker's call is retried soon.
  startToCloseTimeout: '15 seconds',
  retry: { maximumInterval: '5 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
};
/** Before LOCAL_CALLS_PATCH. */
const activities = proxyActivities<Activities>(platformCalls);
const localActivities = proxyLocalActivities<Activities>({ ...LOCAL_RETRIES, ...platformCalls });

/**
 * One losing carrier's share of a port: submit once per attempt (the idempotency key is this
 * workflow's ID and the attempt, so a crash between the call and its record never submits
 * twice), follow the carrier until a final status, resubmit after a supplement.
 */
export async function portSubmission(input: PortSubmissionInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const { partitionId } = input;
  const { submitPort, cancelUpstreamPort } = patched(LOCAL_CALLS_PATCH)
    ? localActivities
    : activities;
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  // Polls are activity retries: however long the carrier takes, history grows only on change.
  const { awaitCarrierStatus } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: input.settings.pollIntervalMs,
      backoffCoefficient: 1,
      maximumInterval: input.settings.pollIntervalMs,
      nonRetryableErrorTypes: [PLATFORM_REJECTED],
    },
  });

  let request = input.request;
  let cancelRequested = false;
  let abandoned = false;
  let supplement: PortSupplement | undefined;
  let carrierNudged = false;
  setHandler(cancelSubmissionSignal, () => void (cancelRequested = true));
  setHandler(abandonSubmissionSignal, () => void (abandoned = true));
  setHandler(supplementSubmissionSignal, (correction) => {
    supplement = { ...supplement, ...correction };
  });
  setHandler(carrierEventSignal, () => void (carrierNudged = true));

  let last: Report = { status: 'PENDING', final: false };
  const report = (next: Report) => {
    // A refused cancel is news once: later reports built from `last` do not repeat it.
    const { cancelRefused, ...rest } = next;
    last = rest;
    return parent.signal(submissionReportSignal, { submissionWorkflowId: workflowId, ...next });
  };
  const fromUpstream = (port: PlatformPort, final = false): Report => ({
    // A word the client does not know leaves the status where it was and is shown raw.
    status: isKnownPortStatus(port.status) ? port.status : last.status,
    carrierStatus: port.carrierStatus ?? (isKnownPortStatus(port.status) ? undefined : port.status),
    upstreamPortRequestId: port.portRequestId,
    submittedDate: port.submittedDate,
    estimatedCompletionDate: port.estimatedCompletionDate,
    focDate: port.focDate,
    reason: port.rejectionReason,
    final,
  });
  const cancelUpstream = (port: PlatformPort) =>
    cancelUpstreamPort({
      partitionId,
      accountId: request.accountId,
      upstreamPortRequestId: port.portRequestId,
    });

  for (let attempt = 1; ; attempt++) {
    // A correction that came before this submission goes into it.
    request = { ...request, ...supplement };
    supplement = undefined;
    let upstream: PlatformPort | undefined;
    let refusal: string | undefined;
    try {
      upstream = await submitPort({
        partitionId,
        idempotencyKey: `${workflowId}-attempt-${attempt}`,
        submission: { ...request, telephoneNumbers: input.telephoneNumbers },
      });
      await report(fromUpstream(upstream));
    } catch (error) {
      refusal = platformRefusal(error);
    }

    /** The carrier's news: told to the parent at once, except an end, which is told below. */
    const moved = async (port: PlatformPort) => {
      const news = port.status !== upstream?.status;
      upstream = port;
      if (!isKnownPortStatus(port.status) && news) {
        log.warn('the carrier answered a status portflow does not know; kept as it came', {
          carrierStatus: port.status,
          upstreamPortRequestId: port.portRequestId,
        });
      }
      if (news && !ENDS.includes(port.status)) await report(fromUpstream(port));
    };

    let withdrawn = false;
    while (upstream && !ENDS.includes(upstream.status)) {
      if ((cancelRequested || abandoned) && upstream.status === 'PENDING') {
        const outcome = await cancelUpstream(upstream);
        if (outcome.cancelled) {
          await report({
            ...fromUpstream(outcome.port, true),
            status: abandoned ? 'REJECTED' : 'CANCELLED',
          });
          return;
        }
        await moved(outcome.port);
      }
      if (cancelRequested) {
        cancelRequested = false;
        await report({ ...fromUpstream(upstream), cancelRefused: true });
      }
      if (supplement) {
        // A correction while pending replaces the submission: withdraw it, then resubmit.
        const outcome = upstream.status === 'PENDING' ? await cancelUpstream(upstream) : undefined;
        if (outcome?.cancelled) {
          withdrawn = true;
          break;
        }
        if (outcome) await moved(outcome.port);
        // The carrier moved on before the correction reached it: there is nothing left to correct.
        log.warn('supplement dropped: the carrier no longer takes corrections', {
          carrierStatus: upstream.status,
          upstreamPortRequestId: upstream.portRequestId,
        });
        supplement = undefined;
        continue;
      }
      carrierNudged = false;
      const knownStatus = upstream.status;
      const upstreamPortRequestId = upstream.portRequestId;
      const changed = await untilInterrupted(
        () =>
          awaitCarrierStatus({
            partitionId,
            accountId: request.accountId,
            upstreamPortRequestId,
            knownStatus,
          }),
        () =>
          carrierNudged ||
          cancelRequested ||
          supplement !== undefined ||
          (abandoned && knownStatus === 'PENDING'),
      );
      if (changed) await moved(changed);
    }
    if (!withdrawn && (upstream?.status === 'COMPLETED' || upstream?.status === 'CANCELLED')) {
      await report(fromUpstream(upstream, true));
      return;
    }

    if (!withdrawn) {
      await report(
        refusal !== undefined
          ? { ...last, status: 'REJECTED', reason: refusal, final: false }
          : fromUpstream(upstream as PlatformPort),
      );
    }
    // Rejected: wait for a correction, a cancel, or the end of the supplement window.
    await condition(() => supplement !== undefined || cancelRequested || abandoned);
    if (supplement === undefined) {
      if (cancelRequested && upstream) await cancelUpstream(upstream);
      await report({ ...last, status: cancelRequested ? 'CANCELLED' : 'REJECTED', final: true });
      return;
    }
  }
}

/**
 * Runs `work` until it finishes or `interrupted()` turns true; undefined when interrupted. The
 * loser is cancelled and awaited, so no promise is left to reject unobserved.
 */
async function untilInterrupted<T>(
  work: () => Promise<T>,
  interrupted: () => boolean,
): Promise<T | undefined> {
  const scope = new CancellationScope();
  const working = scope.run(work);
  const waiting = scope.run(() => condition(interrupted));
  try {
    return await Promise.race([working, waiting.then(() => undefined)]);
  } catch (error) {
    if (isCancellation(error)) return undefined;
    throw error;
  } finally {
    scope.cancel();
    await Promise.allSettled([working, waiting]);
  }
}

/** The platform's own words when it refused a call for good; any other failure goes on up. */
function platformRefusal(error: unknown): string {
  const cause = activityFailureCause(error);
  if (cause?.type === PLATFORM_REJECTED) return cause.message;
  throw error;
}
