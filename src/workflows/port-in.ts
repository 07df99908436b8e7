import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  allHandlersFinished,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  CANCELLABLE_PORT_STATUSES,
  aggregatePortStatus,
  type PortNumberOutcome,
  type PortObject,
  type PortPhase,
  type PortStatus,
  type PortSupplement,
} from '../domain/port';
import {
  AccountIdKey,
  CurrentProviderKey,
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

type Activities = ReturnType<typeof createActivities>;

const { claimNumbers, releaseNumberClaims, checkPortability } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});
const { activateNumbers } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '10 minutes', nonRetryableErrorTypes: ['PlatformRejected'] },
});
const { deliverWebhook } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A receiver may be down for hours: keep the event (same id) for up to a day.
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '30 minutes' },
});

/** Search attributes hold at most this many numbers; the rest are found through each number's workflow. */
const MAX_SEARCHABLE_NUMBERS = 200;

/**
 * A port-in: claim every number → check portability → one submission per losing carrier →
 * follow the carriers → activate the completed numbers → release the claims.
 */
export async function portIn(input: PortInInput): Promise<PortObject> {
  const { workflowId } = workflowInfo();
  const { request, partitionId, settings } = input;

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

  const children = new Map<
    string,
    {
      handle: ChildWorkflowHandle<typeof portSubmission>;
      numbers: string[];
      last?: SubmissionReport;
    }
  >();
  let cancelRequested = false;
  let changed = false;

  function transition(status: PortStatus, phase: PortPhase, detail: string): void {
    if (status === port.status && phase === port.phase && port.history.length > 0) return;
    port.status = status;
    port.phase = phase;
    port.history.push({ at: new Date().toISOString(), status, phase, detail });
    upsertSearchAttributes([{ key: PortStatusKey, value: status }] as never);
    if (settings.webhooks) {
      eventSequence += 1;
      webhooks.push(
        deliverWebhook({
          partitionId,
          event: {
            id: `${workflowId}-event-${eventSequence}`,
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
        }),
      );
    }
  }

  setHandler(portQuery, () => port);
  setHandler(admissionUpdate, async () => {
    await condition(() => admission !== undefined);
    const decided = admission as PortAdmission;
    return decided.admitted ? { ...decided, port } : decided;
  });
  setHandler(submissionReportSignal, (report) => {
    const child = children.get(report.submissionWorkflowId);
    if (!child) return;
    child.last = report;
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
  });
  setHandler(carrierEventSignal, async (event) => {
    for (const [childId, child] of children) {
      if (
        event.upstreamPortRequestId &&
        child.last?.upstreamPortRequestId !== event.upstreamPortRequestId
      )
        continue;
      if (!child.last?.final) await child.handle.signal(carrierEventSignal, event);
      void childId;
    }
  });
  setHandler(
    cancelPortUpdate,
    async () => {
      cancelRequested = true;
      changed = true;
      const targets = [...children.values()].filter((child) => !child.last?.final);
      for (const child of targets)
        child.last = { ...(child.last as SubmissionReport), cancelRefused: false };
      await Promise.all(targets.map((child) => child.handle.signal(cancelSubmissionSignal)));
      await condition(() =>
        targets.every((child) => child.last?.final || child.last?.cancelRefused),
      );
      if (targets.some((child) => child.last?.cancelRefused)) {
        throw ApplicationFailure.create({
          type: 'PORT_NOT_CANCELLABLE',
          message: 'the losing carrier has approved the port: it can no longer be cancelled',
          nonRetryable: true,
        });
      }
      await condition(() => port.phase === 'DONE');
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
      Object.assign(request, correction);
      if (correction.requestedDate) port.requestedDate = correction.requestedDate;
      const targets = [...children.values()].filter((child) => !child.last?.final);
      await Promise.all(
        targets.map((child) => child.handle.signal(supplementSubmissionSignal, correction)),
      );
      port.history.push({
        at: new Date().toISOString(),
        status: port.status,
        phase: port.phase,
        detail: `supplement received (${Object.keys(correction).join(', ')}): resubmitting`,
      });
      return port;
    },
    {
      validator: (_correction: PortSupplement) => {
        if (
          port.phase === 'DONE' ||
          !['PENDING', 'REJECTED'].includes(port.status) ||
          children.size === 0
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
  admission = { admitted: true, requestFingerprint: input.requestFingerprint, port };
  upsertSearchAttributes([
    { key: PartitionIdKey, value: partitionId },
    { key: AccountIdKey, value: request.accountId },
    { key: TelephoneNumbersKey, value: request.telephoneNumbers.slice(0, MAX_SEARCHABLE_NUMBERS) },
    { key: RequestedDateKey, value: new Date(`${request.requestedDate}T00:00:00Z`) },
  ] as never);
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
    upsertSearchAttributes([
      { key: CurrentProviderKey, value: port.currentProvider ?? 'UNKNOWN' },
    ] as never);
    if (notPortable.length > 0 && (!port.allowPartial || carriers.length === 0)) {
      port.rejectionReason = `not portable: ${notPortable.map((c) => `${c.telephoneNumber} (${c.reason ?? 'not portable'})`).join(', ')}`;
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
    const { telephoneNumbers, allowPartial, activation, ...submission } = request;
    for (const [index, currentCarrier] of carriers.entries()) {
      const numbers = checks
        .filter((c) => c.portable && c.currentCarrier === currentCarrier)
        .map((c) => c.telephoneNumber);
      const childId = portSubmissionWorkflowId(workflowId, index);
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
      children.set(childId, { handle, numbers });
    }

    let rejectedSince: number | undefined;
    for (;;) {
      changed = false;
      const status = aggregatePortStatus(port.numbers);
      const allFinal = [...children.values()].every((child) => child.last?.final);
      if (allFinal) break;
      if (status === 'REJECTED') {
        rejectedSince ??= Date.now();
        port.rejectionReason = rejectionReasons();
        transition('REJECTED', 'AWAITING_SUPPLEMENT', `rejected: ${port.rejectionReason}`);
        const remaining = rejectedSince + settings.supplementWindowMs - Date.now();
        if (remaining <= 0 || !(await condition(() => changed, remaining))) {
          rejectedSince = undefined;
          await Promise.all(
            [...children.values()]
              .filter((c) => !c.last?.final)
              .map((c) => c.handle.signal(abandonSubmissionSignal)),
          );
          port.rejectionReason = `${port.rejectionReason}; no supplement within the window`;
          await condition(() => [...children.values()].every((child) => child.last?.final));
          break;
        }
        continue;
      }
      rejectedSince = undefined;
      transition(status, 'AWAITING_CARRIER', describe(status));
      await condition(() => changed);
    }

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
        port.activation.detail =
          error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
      }
    }
    transition(settled, 'DONE', describe(settled));
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
