import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  allHandlersFinished,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
  type SignalDefinition,
  type ActivityInterfaceFor,
  type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PortNumberOutcome, PortObject, PortSupplement } from '../domain/port';
import {
  CANCELLABLE_PORT_STATUSES,
  aggregatePortStatus,
  type PortPhase,
  type PortStatus,
} from '../domain/port-status';
import {
  AccountIdKey,
  CurrentProviderKey,
  LOCAL_CALLS_PATCH,
  LOCAL_RETRIES,
  PLATFORM_REJECTED,
  PartitionIdKey,
  PortStatusKey,
  RequestedDateKey,
  TelephoneNumbersKey,
  abandonSubmissionSignal,
  admissionUpdate,
  cancelPortUpdate,
  cancelSubmissionSignal,
  carrierEventSignal,
  portQuery,
  portSubmissionWorkflowId,
  submissionReportSignal,
  supplementPortUpdate,
  supplementSubmissionSignal,
  type PortAdmission,
  type PortInInput,
  type SubmissionReport,
} from './definitions';
import { portSubmission } from './port-submission';
import { deliverWebhook, deliverWebhookLocally } from './webhooks';

type Activities = ReturnType<typeof createActivities>;
type Proxied = ActivityInterfaceFor<Activities> | LocalActivityInterfaceFor<Activities>;
const activation = {
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '10 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
};

/**
 * Claims stay activities: they wait on numberClaim workflow tasks, which a local activity would
 * keep from running once every workflow task slot of the worker held a port awaiting its claims.
 */
const admission = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});
const { claimNumbers, releaseNumberClaims } = admission;

/** The platform calls portIn makes, as activities (before LOCAL_CALLS_PATCH) or local ones. */
function calls(check: Proxied, platform: Proxied, webhook: Proxied['deliverWebhook']) {
  const { checkPortability } = check;
  const { activateNumbers } = platform;
  return { checkPortability, activateNumbers, deliverWebhook: webhook };
}

const activities = calls(admission, proxyActivities<Activities>(activation), deliverWebhook);
/** A 10,000-number port checks for a minute or two: the workflow task is kept alive meanwhile. */
const localActivities = calls(
  proxyLocalActivities<Activities>({
    ...LOCAL_RETRIES,
    startToCloseTimeout: '10 minutes',
    retry: { maximumInterval: '1 minute' },
  }),
  proxyLocalActivities<Activities>({ ...LOCAL_RETRIES, ...activation }),
  deliverWebhookLocally,
);

/**
 * Search attributes hold at most this many numbers; the rest are found through each number's
 * workflow. Temporal terminates a workflow whose keyword list exceeds 2 KiB: 100 numbers are 1.5 KiB.
 */
const MAX_SEARCHABLE_NUMBERS = 100;

/**
 * A port-in: claim every number → check portability → one submission per losing carrier →
 * follow the carriers → activate the completed numbers → release the claims.
 */
export async function portIn(input: PortInInput): Promise<PortObject> {
  const { workflowId } = workflowInfo();
  const { request, partitionId, settings } = input;
  const local = patched(LOCAL_CALLS_PATCH);
  const { checkPortability, activateNumbers, deliverWebhook } = local
    ? localActivities
    : activities;

  const port: PortObject = {
    portRequestId: input.portRequestId,
    status: 'PENDING',
    phase: 'CHECKING',
    telephoneNumbers: request.telephoneNumbers,
    accountId: request.accountId,
    currentProvider: request.currentProvider,
    requestedDate: request.requestedDate,
    allowPartial: request.allowPartial ?? false,
    activation: request.activation && { ...request.activation, status: 'WAITING' },
    numbers: request.telephoneNumbers.map((telephoneNumber) => ({
      telephoneNumber,
      status: 'PENDING',
    })),
    history: [],
    createdDate: input.receivedAt,
  };
  const outcomeOf = new Map(port.numbers.map((outcome) => [outcome.telephoneNumber, outcome]));
  let admission: PortAdmission | undefined;
  let eventSequence = 0;
  const webhooks: Promise<void>[] = [];

  const children = new Map<string, Submission>();
  /** Settles when each child has ended; a child ends only after its final report. */
  const childrenEnded: Promise<void>[] = [];
  /** Every submission has started: until then a cancel or supplement waits (or for the port's end). */
  let submitted = false;
  let cancelRequested = false;
  let supplementsReceived = 0;
  /** When the port was last rejected, for the supplement window; a supplement restarts it. */
  let rejectedSince: number | undefined;
  let claimsReleased = false;
  let changed = false;

  function transition(status: PortStatus, phase: PortPhase, detail: string): void {
    if (status === port.status && phase === port.phase && port.history.length > 0) return;
    port.status = status;
    port.phase = phase;
    port.history.push({ at: new Date().toISOString(), status, phase, detail });
    // PortStatus as operators search it: since LOCAL_CALLS_PATCH, written only when it changes.
    if (!local || status !== workflowInfo().typedSearchAttributes.get(PortStatusKey)) {
      upsertSearchAttributes([{ key: PortStatusKey, value: status }]);
    }
    if (settings.webhooks) {
      eventSequence += 1;
      const id = `${workflowId}-event-${eventSequence}`;
      webhooks.push(
        deliverWebhook({
          partitionId,
          event: {
            id,
            type: 'port.status_changed',
            occurredAt: new Date().toISOString(),
            partitionId,
            data: {
              portRequestId: port.portRequestId,
              status,
              phase,
              detail,
              telephoneNumbers: port.telephoneNumbers,
            },
          },
        }).catch((error: unknown) => {
          // A receiver down for a day loses the event, not the port.
          log.warn('webhook event not delivered', { eventId: id, error: failureMessage(error) });
        }),
      );
    }
  }

  function applyReport(child: Submission, report: SubmissionReport): void {
    child.last = report;
    if (report.cancelRefused) child.cancelRefused = true;
    for (const telephoneNumber of child.numbers) {
      const outcome = outcomeOf.get(telephoneNumber) as PortNumberOutcome;
      Object.assign(outcome, {
        status: report.status,
        carrierStatus: report.carrierStatus,
        upstreamPortRequestId: report.upstreamPortRequestId,
        focDate: report.focDate,
        reason: report.reason,
      });
    }
    port.submittedDate ??= report.submittedDate;
    port.estimatedCompletionDate = report.estimatedCompletionDate ?? port.estimatedCompletionDate;
    port.focDate = report.focDate ?? port.focDate;
    changed = true;
  }

  setHandler(portQuery, () => port);
  // The answer holds no port object: a client retrying a slow admission adds an Update each
  // time, and with 10,000 numbers a few port objects outgrow a workflow task's 4 MB.
  setHandler(admissionUpdate, async () => {
    await condition(() => admission !== undefined);
    return admission as PortAdmission;
  });
  setHandler(submissionReportSignal, (report) => {
    const child = children.get(report.submissionWorkflowId);
    if (child) applyReport(child, report);
  });
  setHandler(carrierEventSignal, async (event) => {
    const targets = open().filter(
      (child) =>
        !event.upstreamPortRequestId ||
        child.last?.upstreamPortRequestId === event.upstreamPortRequestId,
    );
    await Promise.all(targets.map((child) => signalChild(child, carrierEventSignal, event)));
  });
  setHandler(
    cancelPortUpdate,
    async () => {
      cancelRequested = true;
      // Submissions may still be starting: the cancel must reach each of them.
      await condition(() => submitted || port.phase === 'DONE');
      const targets = open();
      for (const child of targets) child.cancelRefused = false;
      await Promise.all(targets.map((child) => signalChild(child, cancelSubmissionSignal)));
      await condition(() => targets.every((child) => child.last?.final || child.cancelRefused));
      // A carrier that approved (or even completed) meanwhile has refused the cancel.
      if (targets.some((child) => child.cancelRefused || child.last?.status === 'COMPLETED')) {
        throw ApplicationFailure.create({
          type: 'PORT_NOT_CANCELLABLE',
          message: 'the losing carrier has approved the port: it can no longer be cancelled',
          nonRetryable: true,
        });
      }
      // Answer once the numbers are free again, so a new port of them is admitted at once.
      await condition(() => claimsReleased);
      return port;
    },
    {
      validator: () => {
        const approved = port.numbers.some((n) =>
          ['APPROVED', 'IN_PROGRESS', 'COMPLETED'].includes(n.status),
        );
        if (port.phase === 'DONE' || approved || !CANCELLABLE_PORT_STATUSES.includes(port.status)) {
          throw ApplicationFailure.create({
            type: 'PORT_NOT_CANCELLABLE',
            message: `a port that is ${port.status} can no longer be cancelled`,
            nonRetryable: true,
          });
        }
      },
    },
  );
  setHandler(
    supplementPortUpdate,
    async (correction: PortSupplement) => {
      const supplement = ++supplementsReceived;
      // Submissions started from now on carry the correction; those already started are told.
      Object.assign(request, correction);
      if (correction.requestedDate) {
        port.requestedDate = correction.requestedDate;
        upsertSearchAttributes([
          { key: RequestedDateKey, value: new Date(`${correction.requestedDate}T00:00:00Z`) },
        ]);
      }
      port.history.push({
        at: new Date().toISOString(),
        status: port.status,
        phase: port.phase,
        detail: `supplement received (${Object.keys(correction).join(', ')}): resubmitting`,
      });
      rejectedSince = undefined;
      changed = true;
      await condition(() => submitted || port.phase === 'DONE');
      const targets = open().filter(
        (child) =>
          child.supplements < supplement &&
          ['PENDING', 'REJECTED'].includes(child.last?.status ?? 'PENDING'),
      );
      await Promise.all(
        targets.map((child) => signalChild(child, supplementSubmissionSignal, correction)),
      );
      return port;
    },
    {
      validator: (_correction: PortSupplement) => {
        if (
          port.phase === 'DONE' ||
          port.phase === 'ACTIVATING' ||
          !['PENDING', 'REJECTED'].includes(port.status)
        ) {
          throw ApplicationFailure.create({
            type: 'PORT_NOT_SUPPLEMENTABLE',
            message: `a port that is ${port.status} in phase ${port.phase} takes no supplement`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  const claim = await claimNumbers({
    partitionId,
    telephoneNumbers: request.telephoneNumbers,
    holder: workflowId,
    operation: 'PORT',
  });
  if (!claim.granted) {
    admission = { admitted: false, requestFingerprint: input.requestFingerprint, busy: claim.busy };
    port.phase = 'DONE';
    await condition(allHandlersFinished);
    return port;
  }
  admission = { admitted: true, requestFingerprint: input.requestFingerprint };
  const searchable = [
    { key: PartitionIdKey, value: partitionId },
    { key: AccountIdKey, value: request.accountId },
    { key: TelephoneNumbersKey, value: request.telephoneNumbers.slice(0, MAX_SEARCHABLE_NUMBERS) },
    { key: RequestedDateKey, value: new Date(`${request.requestedDate}T00:00:00Z`) },
  ];
  // One upsert with the admission's status rather than two.
  if (local) searchable.push({ key: PortStatusKey, value: 'PENDING' });
  upsertSearchAttributes(searchable);
  transition('PENDING', 'CHECKING', 'received: checking portability');

  try {
    await follow();
  } finally {
    await CancellationScope.nonCancellable(async () => {
      await releaseNumberClaims({
        partitionId,
        telephoneNumbers: request.telephoneNumbers,
        holder: workflowId,
      });
      claimsReleased = true;
      await Promise.allSettled(webhooks);
    });
  }
  await condition(allHandlersFinished);
  return port;

  async function follow(): Promise<void> {
    const checks = await checkPortability({
      partitionId,
      telephoneNumbers: request.telephoneNumbers,
    });
    const notPortable = checks.filter((check) => !check.portable);
    for (const check of checks) {
      Object.assign(outcomeOf.get(check.telephoneNumber) as PortNumberOutcome, {
        currentCarrier: check.currentCarrier,
        portable: check.portable,
        ...(check.portable
          ? {}
          : { status: 'NOT_PORTABLE', reason: check.reason ?? 'not portable' }),
      });
    }
    const carriers = [...new Set(checks.filter((c) => c.portable).map((c) => c.currentCarrier))];
    port.currentProvider = request.currentProvider ?? (carriers.join(', ') || undefined);
    upsertSearchAttributes([{ key: CurrentProviderKey, value: port.currentProvider ?? 'UNKNOWN' }]);
    if (notPortable.length > 0 && (!port.allowPartial || carriers.length === 0)) {
      port.rejectionReason = `not portable: ${notPortable.map((c) => `${c.telephoneNumber} (${c.reason ?? 'not portable'})`).join(', ')}`;
      for (const outcome of port.numbers) {
        if (outcome.status === 'NOT_PORTABLE') continue;
        outcome.status = 'REJECTED';
        outcome.reason = 'not submitted: the request holds numbers that are not portable';
      }
      transition('REJECTED', 'DONE', port.rejectionReason);
      return;
    }
    if (cancelRequested) {
      for (const outcome of port.numbers)
        if (outcome.status !== 'NOT_PORTABLE') outcome.status = 'CANCELLED';
      transition('CANCELLED', 'DONE', 'cancelled before submission');
      return;
    }

    transition('PENDING', 'SUBMITTING', `submitting to ${carriers.length} losing carrier(s)`);
    for (const [index, currentCarrier] of carriers.entries()) {
      const numbers = checks
        .filter((c) => c.portable && c.currentCarrier === currentCarrier)
        .map((c) => c.telephoneNumber);
      const childId = portSubmissionWorkflowId(workflowId, index);
      const supplements = supplementsReceived;
      const { telephoneNumbers, allowPartial, activation, ...submission } = request;
      const handle = await startChild(portSubmission, {
        workflowId: childId,
        args: [
          {
            partitionId,
            parentWorkflowId: workflowId,
            currentCarrier,
            telephoneNumbers: numbers,
            request: submission,
            settings,
          },
        ],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
        staticSummary: `Submit ${numbers.length} number(s) from ${currentCarrier}`,
      });
      const child: Submission = { handle, numbers, supplements, cancelRefused: false };
      children.set(childId, child);
      childrenEnded.push(
        handle.result().then(
          () => undefined,
          (error: unknown) => {
            // A submission that fails (or is terminated) sends no final report: its numbers end here.
            if (child.last?.final) return;
            applyReport(child, {
              ...child.last,
              submissionWorkflowId: childId,
              status: 'REJECTED',
              reason: `submission to ${currentCarrier} failed: ${failureMessage(error)}`,
              final: true,
            });
          },
        ),
      );
    }
    submitted = true;

    for (;;) {
      changed = false;
      const status = aggregatePortStatus(port.numbers);
      if (open().length === 0) break;
      if (status === 'REJECTED') {
        rejectedSince ??= Date.now();
        port.rejectionReason = rejectionReasons();
        transition('REJECTED', 'AWAITING_SUPPLEMENT', `rejected: ${port.rejectionReason}`);
        const remaining = rejectedSince + settings.supplementWindowMs - Date.now();
        if (remaining <= 0 || !(await condition(() => changed, remaining))) {
          await Promise.all(open().map((child) => signalChild(child, abandonSubmissionSignal)));
          port.rejectionReason = `${port.rejectionReason}; no supplement within the window`;
          await condition(() => open().length === 0);
          break;
        }
        continue;
      }
      rejectedSince = undefined;
      port.rejectionReason = undefined;
      // Waiting for the carrier starts once every submission has reached the platform.
      if ([...children.values()].some((child) => child.last === undefined)) {
        await condition(() => changed);
        continue;
      }
      transition(status, 'AWAITING_CARRIER', describe(status));
      await condition(() => changed);
    }

    await Promise.all(childrenEnded);
    const finalStatus = aggregatePortStatus(port.numbers);
    const completed = port.numbers
      .filter((n) => n.status === 'COMPLETED')
      .map((n) => n.telephoneNumber);
    const settled =
      finalStatus === 'REJECTED' && completed.length > 0 && port.allowPartial
        ? 'COMPLETED'
        : finalStatus;
    if (settled === 'REJECTED') port.rejectionReason ??= rejectionReasons();

    if (request.activation && completed.length > 0 && port.activation) {
      transition(settled, 'ACTIVATING', `activating ${completed.length} number(s)`);
      port.activation.status = 'ACTIVATING';
      try {
        await activateNumbers({
          partitionId,
          accountId: request.accountId,
          telephoneNumbers: completed,
          activation: request.activation,
        });
        port.activation.status = 'ACTIVATED';
      } catch (error) {
        port.activation.status = 'FAILED';
        port.activation.detail = failureMessage(error);
      }
    }
    transition(
      settled,
      'DONE',
      settled === 'REJECTED' ? `rejected: ${port.rejectionReason}` : describe(settled),
    );
  }

  /** The submissions that have not reported their end. */
  function open(): Submission[] {
    return [...children.values()].filter((child) => !child.last?.final);
  }

  function rejectionReasons(): string {
    const reasons = new Set(
      port.numbers
        .filter((n) => n.status === 'REJECTED')
        .map((n) => n.reason ?? 'rejected by the losing carrier'),
    );
    return [...reasons].join('; ');
  }
}

interface Submission {
  handle: ChildWorkflowHandle<typeof portSubmission>;
  numbers: string[];
  last?: SubmissionReport;
  /** How many supplements the request held when this submission started. */
  supplements: number;
  /** The child refused the last cancel asked of it. */
  cancelRefused: boolean;
}

/** Signals a child; one that has just ended takes no signal, and its final report says why. */
async function signalChild<Args extends unknown[]>(
  child: Submission,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  try {
    await child.handle.signal(signal, ...args);
  } catch (error) {
    log.info('signal not delivered to an ended submission', {
      signal: signal.name,
      error: failureMessage(error),
    });
  }
}

/** The innermost message of a failure: the platform's words rather than "Activity task failed". */
function failureMessage(error: unknown): string {
  let failure = error;
  while (failure instanceof Error && failure.cause instanceof Error) failure = failure.cause;
  return failure instanceof Error ? failure.message : String(failure);
}

function describe(status: PortStatus): string {
  switch (status) {
    case 'PENDING':
      return 'submitted: waiting for the losing carrier';
    case 'APPROVED':
      return 'approved by the losing carrier: FOC date set';
    case 'IN_PROGRESS':
      return 'port in progress on the FOC date';
    case 'COMPLETED':
      return 'ported';
    case 'REJECTED':
      return 'rejected by the losing carrier';
    case 'CANCELLED':
      return 'cancelled';
  }
}
