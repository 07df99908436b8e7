import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BusyNumber } from '../domain/hold';
import type { WebhookEvent } from '../domain/webhook-event';
import type { ActivationWindow } from '../domain/foc';
import type {
  PlatformPort,
  PlatformPortStatusChange,
  PortNumberOutcome,
  PortObject,
  PortRequest,
  PortSupplement,
} from '../domain/port';
import { fromIsoDate } from '../domain/calendar';
import type { CarrierComment, NewPortComment, PortComment } from '../domain/port-comments';
import { receivedPort, toPortMemo } from '../domain/port-memo';
import { UNKNOWN_CARRIER, unmatchedProvider } from '../domain/portability';
import {
  REJECTION_RULES,
  SUPPLEMENT_FIELDS,
  classifyRejections,
  type PlatformRejection,
  type RejectionCode,
} from '../domain/rejection';
import {
  APPROVED_NUMBER_STATUSES,
  CANCELLABLE_PORT_STATUSES,
  REMOVED_NUMBER_STATUS,
  aggregatePortStatus,
  assignsNumbers,
  isKnownPortStatus,
  type PortPhase,
  type PortStatus,
} from '../domain/port-status';
import {
  CurrentProviderKey,
  MAX_SEARCHABLE_NUMBERS,
  PortStatusKey,
  RejectionCodeKey,
  RequestedDateKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import {
  LOCAL_RETRIES,
  MEMO,
  PLATFORM_REJECTED,
  WEBHOOK_ATTEMPTS_PATCH,
  activityFailureCause,
  portEventId,
  type CarrierEvent,
  type PortInInput,
  type PortNumberChange,
} from './definitions';
import { PortComments } from './port-comments';
import { WebhookEvents } from './webhooks';

/** Up to this many numbers are held and given back inside a workflow task (a local activity). */
const LOCAL_HOLD_LIMIT = 500;

const platformCall = {
  ...LOCAL_RETRIES,
  // The platform client gives up after PLATFORM_TIMEOUT (at most 14 s): a crashed worker's call is retried soon.
  startToCloseTimeout: '15 seconds',
  retry: { maximumInterval: '5 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
};
const { submitPort, cancelUpstreamPort, activationWindow, activateUpstreamPort } =
  proxyLocalActivities<Activities>(platformCall);
/** A 20,000-number port checks for a while: the workflow task is kept alive meanwhile. */
const { checkPortability } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  startToCloseTimeout: '10 minutes',
  retry: { maximumInterval: '1 minute' },
});
const { activateNumbers } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  startToCloseTimeout: '5 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '10 minutes', nonRetryableErrorTypes: [PLATFORM_REJECTED] },
});
const holdCalls = { startToCloseTimeout: '10 minutes', retry: { maximumInterval: '1 minute' } };
const localHolds = proxyLocalActivities<Activities>({ ...LOCAL_RETRIES, ...holdCalls });
const holds = proxyActivities<Activities>({ ...holdCalls, heartbeatTimeout: '1 minute' });

/** Bandwidth's rule: a carrier takes at most this many supplements once it has set a FOC date. */
const MAX_SUPPLEMENTS_AFTER_FOC = 3;

/** Ports that checked before this rule went on with a currentProvider naming none of their carriers. */
const CURRENT_PROVIDER_MATCHED = 'current-provider-matched';

/** Ports that published before RejectionCode upserted nothing when only their codes changed. */
const REJECTION_CODE_ATTRIBUTE = 'rejection-code-attribute';

/**
 * Ports before this published the memo once per activation (a workflow task with a platform
 * call has several), upserted RequestedDate apart, and started a timer for each supplement
 * window: now the memo and search attributes wait for the platform calls of their workflow
 * task, and one timer, left running, serves every window.
 */
const COMPACT_HISTORY = 'compact-history';

/** A number or port not rejected: none of a rejection's fields. */
const NO_REJECTION = {
  rejectionCode: undefined,
  fieldsToCorrect: undefined,
  supplementable: undefined,
  platformRejectionCode: undefined,
};

/** Statuses that end the following of one submission. */
const ENDS = ['COMPLETED', 'CANCELLED', 'REJECTED'];

/** What one losing carrier last said of its numbers. */
interface CarrierReport {
  status: PortStatus;
  carrierStatus?: string;
  upstreamPortRequestId?: string;
  submittedDate?: string;
  estimatedCompletionDate?: string;
  focDate?: string;
  /** The zone the FOC date is a day of, when the platform says. */
  focDateTimeZone?: string;
  reason?: string;
  /** The carrier's reasons for a rejection, with its codes, when the platform gives them. */
  rejections?: PlatformRejection[];
  /** The submission will not move again. */
  final: boolean;
}

/**
 * The state of one port and every step of it: the workflow's handlers call its methods. The
 * port object is published to the memo (and PortStatus to search attributes) once per
 * workflow task in which it changed.
 */
export class Port {
  readonly object: PortObject;
  readonly workflowId = workflowInfo().workflowId;
  /** The request with every supplement applied: a submission (re)started now carries it. */
  readonly request: PortRequest;
  readonly submissions: Submission[] = [];
  /** Every submission has started: until then a cancel or supplement waits (or for the end). */
  submitted = false;
  cancelRequested = false;
  supplementsReceived = 0;
  /** Supplements taken once a FOC date was set: the carriers' limit counts only those. */
  private supplementsAfterFoc = 0;
  /** Wakes the port's own loop: something it decides on changed. */
  changed = false;
  private readonly outcomeOf: Map<string, PortNumberOutcome>;
  /** The numbers this port holds, to give back at its end. */
  private held: string[] = [];
  private holdsReleased = false;
  /** When the port was last rejected, for the supplement window; a supplement restarts it. */
  private rejectedSince?: number;
  /** The losing carriers are known: CurrentProvider is searchable. */
  private checked = false;
  private unpublished = false;
  /** How many times the port changed: it publishes once a pass of its conditions changes nothing. */
  private revision = 0;
  private eventSequence = 0;
  private readonly unknownRejections = new Set<string>();
  private activationsAsked = 0;
  private activationsAnswered = 0;
  private activationRefusal?: string;
  private readonly compact = patched(COMPACT_HISTORY);
  /** Platform calls in flight: the port publishes once they are back, or a task later. */
  private platformCalls = 0;
  /** Supplements received that no submission has taken yet. */
  private supplementsArriving = 0;
  /** The timer of the supplement window, kept across windows. */
  private windowTimer?: { firesAt: number; fired: boolean };
  /** Numbers whose removal is under way: none of them counts as staying in the port. */
  private readonly removing = new Set<string>();
  /** Removed numbers this port held: each removal gives its own back. */
  private readonly removedHeld = new Set<string>();
  /** Every event the port emitted, with its delivery: published with the port. */
  readonly webhookEvents: WebhookEvents;
  readonly comments: PortComments;

  constructor(private readonly input: PortInInput) {
    const { settings } = input;
    this.webhookEvents = new WebhookEvents({
      partitionId: input.partitionId,
      configured: settings.webhooks,
      recordsAttempts: patched(WEBHOOK_ATTEMPTS_PATCH),
      local: true,
      retryWaitsMs: settings.webhookRetryWaitsMs,
      onChange: () => this.changedSincePublished(),
    });
    // Ports that record attempts publish their comments with the rest, once per workflow task.
    this.comments = new PortComments({ publishesItself: !this.webhookEvents.recordsAttempts });
    this.object = receivedPort(input);
    this.request = { ...input.request };
    this.outcomeOf = new Map(this.object.numbers.map((n) => [n.telephoneNumber, n]));
    if (input.numbersHeld) this.held = input.request.telephoneNumbers;
    void this.publishing();
  }

  async run(): Promise<void> {
    this.emit(this.object.history[0]?.detail ?? 'received');
    if (!(await this.admit())) return;
    const carriers = await this.check();
    if (carriers.length === 0) return;
    // Checks made here are recorded before anything is submitted: a workflow task retried after
    // a crash would check again, and a carrier that completed the port meanwhile answers
    // otherwise. The API's checks are in the input: recorded already.
    if (!this.input.checks) await sleep(1);
    this.transition('PENDING', 'SUBMITTING', `submitting to ${carriers.length} losing carrier(s)`);
    const following = carriers.map((carrier, index) => {
      const submission = new Submission(this, index, carrier.name, carrier.numbers);
      this.submissions.push(submission);
      return submission.follow();
    });
    this.submitted = true;
    await this.followCarriers();
    await Promise.all(following);
    await this.activate();
  }

  /** Gives the numbers back and lets the last webhooks go out; the memo shows the end. */
  async close(): Promise<void> {
    const { partitionId } = this.input;
    const release = this.held.length > LOCAL_HOLD_LIMIT ? holds : localHolds;
    if (this.held.length > 0) {
      await this.heldCall(() =>
        release.releaseNumberHolds({
          partitionId,
          telephoneNumbers: this.held,
          holder: this.workflowId,
        }),
      );
    }
    this.holdsReleased = true;
    await this.webhookEvents.settled();
    this.publish();
  }

  // ---- The steps. ----

  /** A large port holds its numbers now; a busy one rejects it (or, with allowPartial, only itself). */
  private async admit(): Promise<boolean> {
    if (this.input.numbersHeld) return true;
    const { partitionId } = this.input;
    const numbers = this.request.telephoneNumbers;
    const result = await holds.holdNumbers({
      partitionId,
      telephoneNumbers: numbers,
      holder: this.workflowId,
      operation: 'PORT',
      since: this.input.receivedAt,
      partial: this.object.allowPartial,
    });
    const busy = result.held ? [] : result.busy;
    const busyNumbers = new Set(busy.map((b) => b.telephoneNumber));
    // Without allowPartial a busy number gives every number back.
    this.held =
      busy.length > 0 && !this.object.allowPartial
        ? []
        : numbers.filter((n) => !busyNumbers.has(n));
    for (const { telephoneNumber, heldBy } of busy) {
      Object.assign(this.outcome(telephoneNumber), {
        status: 'NUMBER_BUSY',
        reason: `held by ${heldBy.operation.toLowerCase()} ${heldBy.holder}`,
      });
    }
    if (busy.length > 0 && (!this.object.allowPartial || this.held.length === 0)) {
      this.reject(`busy with another open operation: ${describeBusy(busy)}`, 'NUMBER_BUSY');
      return false;
    }
    this.transition('PENDING', 'CHECKING', `holding its numbers: checking portability`);
    return true;
  }

  /** The losing carriers of the portable numbers; none when the port ended here. */
  private async check(): Promise<{ name: string; numbers: string[] }[]> {
    const { portable, notPortable } =
      this.input.checks ??
      (await this.heldCall(() =>
        checkPortability({
          partitionId: this.input.partitionId,
          telephoneNumbers: this.request.telephoneNumbers.filter(
            (n) => this.outcome(n).status !== 'NUMBER_BUSY',
          ),
        }),
      ));
    for (const { currentCarrier, telephoneNumbers } of portable) {
      for (const number of telephoneNumbers) {
        Object.assign(this.outcome(number), { currentCarrier, portable: true });
      }
    }
    for (const { telephoneNumber, currentCarrier, reason } of notPortable) {
      Object.assign(this.outcome(telephoneNumber), {
        currentCarrier,
        portable: false,
        status: 'NOT_PORTABLE',
        reason,
      });
    }
    const names = portable.map((carrier) => carrier.currentCarrier);
    this.object.currentProvider = this.request.currentProvider ?? (names.join(', ') || undefined);
    this.checked = true;
    this.changedSincePublished();
    // The API refuses a small port's; a large port's is found here, before anything is submitted.
    const unmatched =
      this.request.currentProvider && unmatchedProvider(this.request.currentProvider, portable);
    if (unmatched && patched(CURRENT_PROVIDER_MATCHED)) {
      this.reject(
        `currentProvider names none of the numbers' losing carriers: ${unmatched}`,
        'CURRENT_PROVIDER_MISMATCH',
      );
      return [];
    }
    if (notPortable.length > 0 && (!this.object.allowPartial || names.length === 0)) {
      this.reject(
        `not portable: ${notPortable.map((c) => `${c.telephoneNumber} (${c.reason})`).join(', ')}`,
        'NOT_PORTABLE',
      );
      return [];
    }
    if (this.cancelRequested) {
      for (const outcome of this.object.numbers)
        if (isKnownPortStatus(outcome.status)) outcome.status = 'CANCELLED';
      this.transition('CANCELLED', 'DONE', 'cancelled before submission');
      return [];
    }
    // A carrier the platform did not name is the one the request names, when it names one.
    return portable.map((c) => ({
      name:
        c.currentCarrier === UNKNOWN_CARRIER
          ? (this.request.currentProvider ?? c.currentCarrier)
          : c.currentCarrier,
      numbers: c.telephoneNumbers,
    }));
  }

  /** Ends the port rejected before anything was submitted. */
  private reject(reason: string, rejectionCode: RejectionCode): void {
    const { fields, supplementable } = REJECTION_RULES[rejectionCode];
    Object.assign(this.object, {
      rejectionReason: reason,
      rejectionCode,
      fieldsToCorrect: [...fields],
      supplementable,
    });
    for (const outcome of this.object.numbers) {
      if (!isKnownPortStatus(outcome.status)) continue;
      outcome.status = 'REJECTED';
      outcome.reason = 'not submitted: the request holds numbers that cannot be ported now';
    }
    this.transition('REJECTED', 'DONE', reason);
  }

  /** Follows the carriers' reports until every submission has ended. */
  private async followCarriers(): Promise<void> {
    const { supplementWindowMs } = this.input.settings;
    for (;;) {
      this.changed = false;
      const status = aggregatePortStatus(this.object.numbers);
      if (this.open().length === 0) return;
      if (status === 'REJECTED') {
        this.rejectedSince ??= Date.now();
        this.object.rejectionReason = this.rejectionReasons();
        Object.assign(this.object, this.rejection());
        this.transition(
          'REJECTED',
          'AWAITING_SUPPLEMENT',
          `rejected: ${this.object.rejectionReason}`,
        );
        const remaining = this.rejectedSince + supplementWindowMs - Date.now();
        if (remaining > 0 && (await this.changedWithin(remaining))) continue;
        for (const submission of this.open()) submission.abandon();
        this.object.rejectionReason = `${this.object.rejectionReason}; no supplement within the window`;
        await condition(() => this.open().length === 0);
        return;
      }
      this.rejectedSince = undefined;
      Object.assign(this.object, {
        rejectionReason: undefined,
        rejectionCode: undefined,
        fieldsToCorrect: undefined,
        supplementable: undefined,
      });
      this.showProgress();
      await condition(() => this.changed);
    }
  }

  private async activate(): Promise<void> {
    const finalStatus = aggregatePortStatus(this.object.numbers);
    const completed = this.object.numbers
      .filter((n) => n.status === 'COMPLETED')
      .map((n) => n.telephoneNumber);
    const settled =
      finalStatus === 'REJECTED' && completed.length > 0 && this.object.allowPartial
        ? 'COMPLETED'
        : finalStatus;
    if (settled === 'REJECTED') {
      this.object.rejectionReason ??= this.rejectionReasons();
      if (!this.object.rejectionCode) Object.assign(this.object, this.rejection());
    }
    const activation = this.object.activation;
    const assignment = this.request.activation;
    if (assignsNumbers(assignment) && activation && completed.length > 0) {
      this.transition(settled, 'ACTIVATING', `activating ${completed.length} number(s)`);
      activation.status = 'ACTIVATING';
      try {
        await this.heldCall(() =>
          activateNumbers({
            partitionId: this.input.partitionId,
            accountId: this.request.accountId,
            telephoneNumbers: completed,
            activation: assignment,
          }),
        );
        activation.status = 'ACTIVATED';
      } catch (error) {
        activation.status = 'FAILED';
        activation.detail = failureMessage(error);
      }
    }
    this.transition(
      settled,
      'DONE',
      settled === 'REJECTED' ? `rejected: ${this.object.rejectionReason}` : describe(settled),
    );
  }

  // ---- What the handlers call. ----

  refuseCancel(): void {
    const { phase, status, numbers } = this.object;
    const approved = numbers.some((n) =>
      ['APPROVED', 'IN_PROGRESS', 'COMPLETED'].includes(n.status),
    );
    if (phase === 'DONE' || approved || !CANCELLABLE_PORT_STATUSES.includes(status)) {
      throw notCancellable(`a port that is ${status} can no longer be cancelled`);
    }
  }

  async cancel(): Promise<PortObject> {
    this.cancelRequested = true;
    // Submissions may still be starting: the cancel must reach each of them.
    await condition(() => this.submitted || this.object.phase === 'DONE');
    const targets = this.open();
    for (const submission of targets) submission.askToCancel();
    await condition(() => targets.every((s) => s.last?.final || s.cancelRefused));
    // A carrier that approved (or even completed) meanwhile has refused the cancel.
    if (targets.some((s) => s.cancelRefused || s.last?.status === 'COMPLETED')) {
      throw notCancellable(
        'the losing carrier has approved the port: it can no longer be cancelled',
      );
    }
    // Answer once the numbers are free again, so a new port of them is admitted at once.
    await condition(() => this.holdsReleased);
    return this.object;
  }

  refuseSupplement(): void {
    const { phase, status, focDate } = this.object;
    if (phase === 'DONE' || phase === 'ACTIVATING' || !['PENDING', 'REJECTED'].includes(status)) {
      throw ApplicationFailure.create({
        type: 'PORT_NOT_SUPPLEMENTABLE',
        message: `a port that is ${status} in phase ${phase} takes no supplement`,
        nonRetryable: true,
      });
    }
    if (focDate && this.supplementsAfterFoc >= MAX_SUPPLEMENTS_AFTER_FOC) {
      throw ApplicationFailure.create({
        type: 'SUPPLEMENT_LIMIT_REACHED',
        message: `a port takes at most ${MAX_SUPPLEMENTS_AFTER_FOC} supplements once its FOC date is set (${focDate}): cancel it and submit a new one`,
        nonRetryable: true,
      });
    }
  }

  async supplement(correction: PortSupplement): Promise<PortObject> {
    const supplement = ++this.supplementsReceived;
    if (this.object.focDate) this.supplementsAfterFoc++;
    this.rejectedSince = undefined;
    Object.assign(this.request, correction);
    if (correction.requestedDate) {
      this.object.requestedDate = correction.requestedDate;
      if (!this.compact) {
        upsertSearchAttributes([
          { key: RequestedDateKey, value: fromIsoDate(correction.requestedDate) },
        ]);
      }
    }
    this.record(`supplement received (${Object.keys(correction).join(', ')}): resubmitting`);
    this.changed = true;
    // Published with what the resubmission brings.
    this.supplementsArriving++;
    try {
      await condition(() => this.submitted || this.object.phase === 'DONE');
      for (const submission of this.open()) submission.takeSupplement(supplement);
    } finally {
      this.supplementsArriving--;
    }
    return this.object;
  }

  refuseActivation(): void {
    const { phase, status } = this.object;
    if (phase !== 'AWAITING_ACTIVATION') {
      throw ApplicationFailure.create({
        type: 'PORT_NOT_AWAITING_ACTIVATION',
        message: `a port that is ${status} in phase ${phase} is not awaiting activation (an ON_DEMAND port awaits it on its FOC date)`,
        nonRetryable: true,
      });
    }
  }

  /** The client's activate: answered once the carrier has answered it (refused: the window is not open). */
  async requestActivation(): Promise<PortObject> {
    const asked = ++this.activationsAsked;
    const refused = () => this.activationsAnswered >= asked && this.activationRefusal !== undefined;
    // Activated, the port moves on (ACTIVATING or DONE): answered then.
    await condition(() => refused() || this.object.phase !== 'AWAITING_ACTIVATION');
    if (refused()) {
      throw ApplicationFailure.create({
        type: 'ACTIVATION_REFUSED',
        message: this.activationRefusal,
        nonRetryable: true,
      });
    }
    return this.object;
  }

  refuseRemoval({ telephoneNumber }: PortNumberChange): void {
    const { phase, status } = this.object;
    const outcome = this.outcomeOf.get(telephoneNumber);
    if (!outcome || outcome.status === REMOVED_NUMBER_STATUS) {
      throw refusal('NUMBER_NOT_IN_PORT', `${telephoneNumber} is not in this port`);
    }
    if (phase === 'DONE' || phase === 'ACTIVATING' || this.cancelRequested) {
      throw refusal(
        'PORT_NOT_OPEN',
        `a port that is ${status} in phase ${phase}${this.cancelRequested ? ' (being cancelled)' : ''} is no longer open: its numbers can no longer change`,
      );
    }
    if (APPROVED_NUMBER_STATUSES.includes(outcome.status)) {
      throw refusal(
        'NUMBER_ALREADY_APPROVED',
        `${telephoneNumber} cannot be removed: its losing carrier (${outcome.currentCarrier ?? 'unknown'}) has approved its port (${outcome.status})`,
      );
    }
    if (this.submissionOf(telephoneNumber)?.last?.final) {
      throw refusal(
        'PORT_NOT_OPEN',
        `${telephoneNumber} cannot be removed: its carrier's request has ended (${outcome.status})`,
      );
    }
    const staying = this.object.telephoneNumbers.filter(
      (n) =>
        n !== telephoneNumber && !this.removing.has(n) && isKnownPortStatus(this.outcome(n).status),
    );
    if (isKnownPortStatus(outcome.status) && staying.length === 0) {
      throw refusal(
        'LAST_NUMBER_IN_PORT',
        `${telephoneNumber} is the last number this port ports: a port cannot be left empty, cancel it instead (DELETE the port)`,
      );
    }
  }

  /**
   * Takes a number out: withdrawn from its carrier's request (resubmitted without it), or just
   * dropped when it was never submitted; answered once its hold is given back.
   */
  async removeNumber(change: PortNumberChange): Promise<PortObject> {
    const { telephoneNumber } = change;
    const removed = () => this.outcome(telephoneNumber).status === REMOVED_NUMBER_STATUS;
    // The same removal again (a client's retry) waits for the first, then answers as it stands.
    await condition(() => !this.removing.has(telephoneNumber));
    if (removed()) return this.object;
    this.removing.add(telephoneNumber);
    try {
      // Submissions may still be starting: they leave the number out, or it is withdrawn from its own.
      await condition(() => this.submitted || this.object.phase === 'DONE');
      if (!removed()) await this.takeOut(change);
      if (this.removedHeld.delete(telephoneNumber)) {
        await this.heldCall(() =>
          localHolds.releaseNumberHolds({
            partitionId: this.input.partitionId,
            telephoneNumbers: [telephoneNumber],
            holder: this.workflowId,
          }),
        );
      }
    } finally {
      this.removing.delete(telephoneNumber);
    }
    return this.object;
  }

  /** Withdraws a number from its carrier's request, or drops it when it was never submitted. */
  private async takeOut(change: PortNumberChange): Promise<void> {
    const { telephoneNumber } = change;
    this.refuseRemoval(change);
    const submission = this.submissionOf(telephoneNumber);
    if (!submission) {
      const { status } = this.outcome(telephoneNumber);
      this.numberRemoved(telephoneNumber, `it was never submitted (${status})`);
      return;
    }
    const refused = await submission.withdraw(telephoneNumber);
    if (refused === undefined) return;
    // As the port now stands (its carrier approved, the port ended), else the carrier's words.
    this.refuseRemoval(change);
    throw refusal('NUMBER_ALREADY_APPROVED', `${telephoneNumber} cannot be removed: ${refused}`);
  }

  nudge(event: CarrierEvent): void {
    for (const submission of this.open()) {
      if (
        !event.upstreamPortRequestId ||
        submission.last?.upstreamPortRequestId === event.upstreamPortRequestId
      )
        submission.nudged = true;
    }
  }

  // ---- Comments: the customer's through an Update, the carriers' as their ports are polled. ----

  refuseComment(): void {
    this.comments.refuse(this.object.phase === 'DONE');
  }

  addComment({ text, authorName }: NewPortComment): PortComment {
    const author = { type: 'PARTITION' as const, partitionId: this.partitionId, name: authorName };
    return this.announceComment(this.comments.add(text, author));
  }

  /** A losing carrier's new comments on its upstream port; past the port's limit, dropped and logged. */
  carrierCommented(carrier: string, comments: CarrierComment[]): void {
    for (const { commentId, text, author, createdAt } of comments) {
      if (this.comments.full) {
        log.warn('carrier comment dropped: the port has taken all the comments it takes', {
          carrierCommentId: commentId,
        });
        continue;
      }
      const comment = this.comments.add(
        text,
        { type: 'CARRIER', carrier, ...(author ? { name: author } : {}) },
        { carrierCommentId: commentId, carrierCreatedAt: createdAt },
      );
      this.announceComment(comment);
    }
  }

  private announceComment(comment: PortComment): PortComment {
    this.emit(`comment ${comment.commentId} added`, 'port.comment_added', { comment });
    return comment;
  }

  // ---- What the submissions call. ----

  /** A short platform call: the port publishes what it brings with what came before it. */
  async platformCall<T>(call: () => Promise<T>): Promise<T> {
    this.platformCalls++;
    try {
      return await call();
    } finally {
      this.platformCalls--;
    }
  }

  /**
   * A local activity the port's publish waits for, as for a platform call, once the port records
   * webhook attempts: with every local activity of a task counted (its events' attempts too), the
   * publish follows the last of them to come back, whichever order they come back in (a replay
   * may hand several back at once).
   */
  private heldCall<T>(call: () => Promise<T>): Promise<T> {
    return this.webhookEvents.recordsAttempts ? this.platformCall(call) : call();
  }

  /** A carrier's news about its numbers. */
  report(submission: Submission, report: CarrierReport): void {
    submission.last = report;
    const rejections =
      report.status === 'REJECTED'
        ? classifyRejections(
            submission.numbers,
            report.rejections ?? [{ reason: report.reason ?? 'rejected by the losing carrier' }],
          )
        : undefined;
    for (const telephoneNumber of submission.numbers) {
      const rejection = rejections?.get(telephoneNumber);
      this.noteUnknownRejection(rejection?.platformRejectionCode);
      Object.assign(this.outcome(telephoneNumber), {
        ...NO_REJECTION,
        ...rejection,
        status: report.status,
        carrierStatus: report.carrierStatus,
        upstreamPortRequestId: report.upstreamPortRequestId,
        focDate: report.focDate,
        reason: report.reason,
      });
    }
    this.object.submittedDate ??= report.submittedDate;
    this.object.estimatedCompletionDate =
      report.estimatedCompletionDate ?? this.object.estimatedCompletionDate;
    if (report.focDate) {
      this.object.focDate = report.focDate;
      // The zone goes with the date it was given for (none on the seed).
      if (report.focDateTimeZone) this.object.focDateTimeZone = report.focDateTimeZone;
      else delete this.object.focDateTimeZone;
    }
    this.changed = true;
    this.changedSincePublished();
  }

  /**
   * A number left the port: out of `telephoneNumbers` (and the search), its outcome REMOVED at
   * the end of `numbers`, recorded and announced. Its hold is no longer the port's to give back at the end.
   */
  numberRemoved(telephoneNumber: string, detail: string): void {
    const outcome = this.outcome(telephoneNumber);
    Object.assign(outcome, {
      ...NO_REJECTION,
      status: REMOVED_NUMBER_STATUS,
      reason: `removed from the port by the client: ${detail}`,
      removedAt: new Date().toISOString(),
    });
    const { numbers } = this.object;
    numbers.splice(numbers.indexOf(outcome), 1);
    numbers.push(outcome);
    const remaining = this.object.telephoneNumbers.filter((n) => n !== telephoneNumber);
    this.object.telephoneNumbers = remaining;
    this.request.telephoneNumbers = remaining;
    if (this.held.includes(telephoneNumber)) {
      this.held = this.held.filter((n) => n !== telephoneNumber);
      this.removedHeld.add(telephoneNumber);
    }
    if (!this.compact) {
      upsertSearchAttributes([
        { key: TelephoneNumbersKey, value: remaining.slice(0, MAX_SEARCHABLE_NUMBERS) },
      ]);
    }
    const said = `${telephoneNumber} removed from the port: ${detail}`;
    this.record(said);
    this.emit(said, 'port.number_removed', { telephoneNumber });
    this.changed = true;
  }

  get onDemand(): boolean {
    return this.request.activation?.mode === 'ON_DEMAND';
  }

  /** Activations the client asked that no carrier has answered yet. */
  get activationAsked(): boolean {
    return this.activationsAsked > this.activationsAnswered;
  }

  /** An ON_DEMAND submission reached its FOC date: it waits for the client's activate. */
  activationReady(window: ActivationWindow): void {
    const detail = `ready for activation on the FOC date ${window.date}: activate from ${window.opensAt} to ${window.closesAt} (${window.timeZone}); the carrier activates it at the close`;
    if (!this.transition('IN_PROGRESS', 'AWAITING_ACTIVATION', detail)) return;
    this.emit(detail, 'port.activation_ready', { window });
  }

  /** The carrier answered the activations asked so far: activated, or refused with its words. */
  activationAnswered(refusal?: string): void {
    const asked = this.activationAsked;
    this.activationsAnswered = this.activationsAsked;
    this.activationRefusal = refusal;
    if (refusal !== undefined && asked) this.record(`activation refused: ${refusal}`);
    else if (this.object.activation && !assignsNumbers(this.request.activation))
      this.object.activation.status = 'ACTIVATED';
  }

  /**
   * A status the carrier passed through between two looks (a poll that finds the port
   * COMPLETED): in the history and announced at once, before the status it went on to.
   */
  passedThrough(submission: Submission, report: CarrierReport): void {
    this.report(submission, report);
    this.showProgress();
  }

  get partitionId(): string {
    return this.input.partitionId;
  }

  get portRequestId(): string {
    return this.input.portRequestId;
  }

  get pollIntervalMs(): number {
    return this.input.settings.pollIntervalMs;
  }

  // ---- Bookkeeping. ----

  private outcome(telephoneNumber: string): PortNumberOutcome {
    return this.outcomeOf.get(telephoneNumber) as PortNumberOutcome;
  }

  /** A removal of the number is under way: a request not yet sent leaves it out. */
  isRemoving(telephoneNumber: string): boolean {
    return this.removing.has(telephoneNumber);
  }

  private submissionOf(telephoneNumber: string): Submission | undefined {
    return this.submissions.find((s) => s.numbers.includes(telephoneNumber));
  }

  /** The submissions that have not ended. */
  private open(): Submission[] {
    return this.submissions.filter((s) => !s.last?.final);
  }

  /** A platform's rejection code (or text) portflow does not know: logged once per port. */
  private noteUnknownRejection(platformRejectionCode: string | undefined): void {
    if (platformRejectionCode === undefined || this.unknownRejections.has(platformRejectionCode))
      return;
    this.unknownRejections.add(platformRejectionCode);
    log.warn('the carrier gave a rejection portflow does not know; kept raw beside OTHER', {
      platformRejectionCode,
    });
  }

  /** The port's rejection from its rejected numbers': the first one's code, every field to correct. */
  private rejection(): Pick<PortObject, 'rejectionCode' | 'fieldsToCorrect' | 'supplementable'> {
    const rejected = this.object.numbers.filter((n) => n.status === 'REJECTED' && n.rejectionCode);
    const fields = new Set(rejected.flatMap((n) => n.fieldsToCorrect ?? []));
    return {
      rejectionCode: rejected[0]?.rejectionCode ?? 'OTHER',
      fieldsToCorrect: SUPPLEMENT_FIELDS.filter((field) => fields.has(field)),
      supplementable: rejected.every((n) => n.supplementable !== false),
    };
  }

  /** What operators search a rejected port by: every code of its rejection. */
  private rejectionCodes(): RejectionCode[] {
    if (this.object.status !== 'REJECTED' || !this.object.rejectionCode) return [];
    const codes = new Set([this.object.rejectionCode]);
    for (const n of this.object.numbers)
      if (n.status === 'REJECTED' && n.rejectionCode) codes.add(n.rejectionCode);
    return [...codes];
  }

  /** Waiting for the carrier starts once every submission has reached the platform. */
  private showProgress(): void {
    const status = aggregatePortStatus(this.object.numbers);
    if (status === 'REJECTED' || !this.submissions.every((s) => s.last !== undefined)) return;
    this.transition(status, 'AWAITING_CARRIER', describe(status, this.object.focDate));
  }

  private rejectionReasons(): string {
    const reasons = new Set(
      this.object.numbers
        .filter((n) => n.status === 'REJECTED')
        .map((n) => n.reason ?? 'rejected by the losing carrier'),
    );
    return [...reasons].join('; ');
  }

  private record(detail: string): void {
    const { status, phase } = this.object;
    this.object.history.push({ at: new Date().toISOString(), status, phase, detail });
    this.changedSincePublished();
  }

  /** Moves the port to `status` in `phase`, recorded and announced; false when it was there already. */
  private transition(status: PortStatus, phase: PortPhase, detail: string): boolean {
    if (status === this.object.status && phase === this.object.phase) return false;
    this.object.status = status;
    this.object.phase = phase;
    this.record(detail);
    this.emit(detail);
    return true;
  }

  private emit(
    detail: string,
    type: WebhookEvent['type'] = 'port.status_changed',
    extra: Record<string, unknown> = {},
  ): void {
    const { portRequestId, status, phase, telephoneNumbers } = this.object;
    this.webhookEvents.emit({
      id: portEventId(this.workflowId, ++this.eventSequence),
      type,
      occurredAt: new Date().toISOString(),
      partitionId: this.input.partitionId,
      data: { portRequestId, status, phase, detail, telephoneNumbers, ...extra },
    });
  }

  /** Publishes the port once per workflow task in which it changed. */
  private async publishing(): Promise<void> {
    for (;;) {
      await condition(() => this.unpublished);
      if (this.compact) await this.settled();
      this.publish();
    }
  }

  private changedSincePublished(): void {
    this.unpublished = true;
    this.revision++;
  }

  /**
   * Until what woke the port has run to its next wait and the platform calls it made in this
   * workflow task are back, so that the task publishes once. A call still retrying in a later
   * task (the platform down) holds nothing back.
   */
  private async settled(): Promise<void> {
    const task = workflowInfo().historyLength;
    const due = () =>
      this.platformCalls > 0 ||
      this.webhookEvents.attempting ||
      this.supplementsArriving > 0 ||
      this.submissions.some((s) => s.resubmitting);
    for (let seen = -1; seen !== this.revision;) {
      seen = this.revision;
      await condition(() => !due() || workflowInfo().historyLength > task);
      // Ports that record webhook attempts let what woke with the publish run to its next wait
      // first: a transition's event (and its delivery) is then published with it, not after.
      if (this.webhookEvents.recordsAttempts) await nextPass();
    }
  }

  /**
   * Whether the port changed before `ms` passed. One timer serves every supplement window: a
   * supplement leaves it running, and when it fires for an earlier window the port waits on.
   */
  private async changedWithin(ms: number): Promise<boolean> {
    if (!this.compact) return condition(() => this.changed, ms);
    const closesAt = Date.now() + ms;
    for (;;) {
      let timer = this.windowTimer;
      if (!timer || timer.fired || timer.firesAt > closesAt) {
        const started = { firesAt: closesAt, fired: false };
        timer = started;
        this.windowTimer = started;
        void sleep(closesAt - Date.now()).then(
          () => (started.fired = true),
          () => undefined, // The port was cancelled: its loop ends with it.
        );
      }
      const waiting = timer;
      await condition(() => this.changed || waiting.fired);
      if (this.changed) return true;
      if (Date.now() >= closesAt) return false;
    }
  }

  private publish(): void {
    if (!this.unpublished) return;
    this.unpublished = false;
    const memo: Record<string, unknown> = { [MEMO.port]: toPortMemo(this.object) };
    if (this.webhookEvents.recordsAttempts) {
      const events = this.webhookEvents.memoIfChanged();
      if (events) memo[MEMO.webhookEvents] = events;
      const comments = this.comments.memoIfChanged();
      if (comments) memo[MEMO.comments] = comments;
    }
    upsertMemo(memo);
    const attributes = workflowInfo().typedSearchAttributes;
    const { status, currentProvider = 'UNKNOWN' } = this.object;
    const changes = [];
    if (attributes.get(PortStatusKey) !== status)
      changes.push({ key: PortStatusKey, value: status });
    if (this.checked && attributes.get(CurrentProviderKey) !== currentProvider) {
      changes.push({ key: CurrentProviderKey, value: currentProvider });
    }
    if (this.compact) {
      const requestedDate = fromIsoDate(this.object.requestedDate);
      if (attributes.get(RequestedDateKey)?.getTime() !== requestedDate.getTime())
        changes.push({ key: RequestedDateKey, value: requestedDate });
      const numbers = this.object.telephoneNumbers.slice(0, MAX_SEARCHABLE_NUMBERS);
      if ((attributes.get(TelephoneNumbersKey) ?? []).join() !== numbers.join())
        changes.push({ key: TelephoneNumbersKey, value: numbers });
    }
    const codes = this.rejectionCodes();
    // Ports before this attribute upserted nothing when only the codes changed.
    if (
      codes.join() !== (attributes.get(RejectionCodeKey) ?? []).join() &&
      (changes.length > 0 || patched(REJECTION_CODE_ATTRIBUTE))
    ) {
      changes.push({ key: RejectionCodeKey, value: codes.length > 0 ? codes : null });
    }
    if (changes.length > 0) upsertSearchAttributes(changes);
  }
}

/**
 * One losing carrier's share of a port: submit once per attempt (the idempotency key is the
 * port's workflow ID, the carrier and the attempt, so a crash between the call and its record
 * never submits twice), follow the carrier until a final status, resubmit after a supplement.
 */
class Submission {
  last?: CarrierReport;
  /** The carrier refused the last cancel asked of it. */
  cancelRefused = false;
  nudged = false;
  private cancelAsked = false;
  private abandoned = false;
  private supplementPending = false;
  /** An ON_DEMAND port's activation has been waited for (once: after it, the carrier decides). */
  private activationTried = false;
  /** The supplements the request held when this submission last (re)submitted. */
  private supplements: number;
  /** Numbers the client is taking out: the request is withdrawn and resubmitted without them. */
  private readonly withdrawals = new Set<string>();
  /** Why the carrier kept a number the client asked to withdraw (it approved first). */
  private readonly withdrawalRefusals = new Map<string, string>();
  private upstream?: PlatformPort;
  /** The carrier's comments on `commentsOf` (the upstream port) the port has taken. */
  private carrierCommentsTaken = 0;
  private commentsOf?: string;
  private readonly awaitCarrierStatus: Activities['awaitCarrierStatus'];

  constructor(
    private readonly port: Port,
    private readonly index: number,
    readonly carrier: string,
    /** The numbers this carrier is asked to port: fewer once the client removed one. */
    public numbers: string[],
  ) {
    this.supplements = port.supplementsReceived;
    // Polls are activity retries: however long the carrier takes, history grows only on change.
    ({ awaitCarrierStatus: this.awaitCarrierStatus } = proxyActivities<Activities>({
      startToCloseTimeout: '30 seconds',
      retry: {
        initialInterval: port.pollIntervalMs,
        backoffCoefficient: 1,
        maximumInterval: port.pollIntervalMs,
        nonRetryableErrorTypes: [PLATFORM_REJECTED],
      },
    }));
  }

  askToCancel(): void {
    this.cancelRefused = false;
    this.cancelAsked = true;
  }

  abandon(): void {
    this.abandoned = true;
  }

  /** A supplement was taken: the submission withdraws or resubmits next. */
  get resubmitting(): boolean {
    return this.supplementPending;
  }

  takeSupplement(supplement: number): void {
    if (this.supplements >= supplement) return;
    if (!['PENDING', 'REJECTED'].includes(this.last?.status ?? 'PENDING')) return;
    this.supplements = supplement;
    this.supplementPending = true;
  }

  /**
   * Withdraws a number from the carrier's request: undefined once it is out (the request
   * resubmitted without it, or ended when it held no other), else why the carrier kept it.
   */
  async withdraw(telephoneNumber: string): Promise<string | undefined> {
    this.withdrawals.add(telephoneNumber);
    await condition(
      () =>
        !this.numbers.includes(telephoneNumber) ||
        this.withdrawalRefusals.has(telephoneNumber) ||
        this.last?.final === true,
    );
    if (!this.numbers.includes(telephoneNumber)) return undefined;
    this.withdrawals.delete(telephoneNumber);
    const refused = this.withdrawalRefusals.get(telephoneNumber);
    this.withdrawalRefusals.delete(telephoneNumber);
    return refused ?? `${this.carrier}'s request ended first (${this.last?.status ?? 'unknown'})`;
  }

  /** Follows the carrier to the end; a submission that fails outright rejects its numbers. */
  async follow(): Promise<void> {
    try {
      await this.submitAndFollow();
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.report({
        ...this.last,
        status: 'REJECTED',
        reason: `submission to ${this.carrier} failed: ${failureMessage(error)}`,
        final: true,
      });
    }
  }

  private async submitAndFollow(): Promise<void> {
    // Numbers taken out while the port was still checking never reach the carrier.
    for (const number of this.numbers)
      if (this.port.isRemoving(number)) this.withdrawals.add(number);
    if (this.withdrawals.size > 0) {
      this.takeWithdrawals('request before it was sent', false);
      if (this.numbers.length === 0) return this.report({ status: 'CANCELLED', final: true });
    }
    for (let attempt = 1; ; attempt++) {
      this.supplementPending = false;
      this.upstream = undefined;
      let refusal: string | undefined;
      try {
        const {
          telephoneNumbers: _all,
          allowPartial: _p,
          activation: _a,
          ...request
        } = this.port.request;
        this.upstream = await this.port.platformCall(() =>
          submitPort({
            partitionId: this.port.partitionId,
            idempotencyKey: `${this.port.workflowId}-carrier-${this.index + 1}-attempt-${attempt}`,
            // The platform's notifications name the port by it.
            submission: {
              ...request,
              // The carrier the check found, whatever the request named: each part goes to its own.
              currentProvider: this.carrier,
              telephoneNumbers: this.numbers,
              customerReference: this.port.portRequestId,
              ...(this.port.onDemand ? { activationMode: 'ON_DEMAND' as const } : {}),
            },
          }),
        );
        this.report(this.fromUpstream(this.upstream));
      } catch (error) {
        refusal = platformRefusal(error);
      }

      const outcome = await this.followUpstream();
      if (outcome === 'ended') return;
      if (outcome === 'withdrawn') continue;
      this.report(
        refusal !== undefined || !this.upstream
          ? { ...this.last, status: 'REJECTED', reason: refusal, final: false }
          : this.fromUpstream(this.upstream),
      );
      // Rejected: wait for a correction, a withdrawal, a cancel, or the end of the supplement window.
      await condition(
        () =>
          this.supplementPending || this.cancelAsked || this.abandoned || this.withdrawals.size > 0,
      );
      if (this.withdrawals.size > 0 && !this.cancelAsked && !this.abandoned) {
        // A rejected request is corrected by resubmitting it without the numbers taken out.
        this.takeWithdrawals(`rejected request ${this.upstream?.portRequestId ?? ''}`.trim());
        if (this.numbers.length > 0) continue;
        if (this.upstream) await this.cancelUpstream(this.upstream);
        this.report({ ...(this.last as CarrierReport), status: 'CANCELLED', final: true });
        return;
      }
      if (this.supplementPending) continue;
      if (this.cancelAsked && this.upstream) await this.cancelUpstream(this.upstream);
      this.report({
        ...(this.last as CarrierReport),
        status: this.cancelAsked ? 'CANCELLED' : 'REJECTED',
        final: true,
      });
      return;
    }
  }

  /**
   * Follows the upstream port until the carrier ends it: `ended` once the submission has
   * reported its end, `withdrawn` when a supplement withdrew it to resubmit, `rejected` when
   * the carrier (or the platform, refusing the submission) rejected it.
   */
  private async followUpstream(): Promise<'ended' | 'withdrawn' | 'rejected'> {
    while (this.upstream && !ENDS.includes(this.upstream.status)) {
      const upstream = this.upstream;
      if ((this.cancelAsked || this.abandoned) && upstream.status === 'PENDING') {
        const outcome = await this.cancelUpstream(upstream);
        if (outcome.cancelled) {
          this.report({
            ...this.fromUpstream(outcome.port, true),
            status: this.abandoned ? 'REJECTED' : 'CANCELLED',
          });
          return 'ended';
        }
        this.moved(outcome.port);
      }
      if (this.cancelAsked) {
        this.cancelAsked = false;
        this.cancelRefused = true;
        this.port.changed = true;
      }
      if (this.withdrawals.size > 0) {
        // As a supplement does: the pending request is withdrawn and resubmitted without them.
        const pending = this.upstream;
        const outcome =
          pending.status === 'PENDING' ? await this.cancelUpstream(pending) : undefined;
        if (outcome?.cancelled) {
          this.takeWithdrawals(`pending request ${pending.portRequestId}`);
          if (this.numbers.length > 0) return 'withdrawn';
          this.report({ ...this.fromUpstream(outcome.port, true), status: 'CANCELLED' });
          return 'ended';
        }
        if (outcome) this.moved(outcome.port);
        for (const number of this.withdrawals) {
          this.withdrawalRefusals.set(
            number,
            `its losing carrier (${this.carrier}) approved the port (${this.upstream.status}) before the withdrawal reached it`,
          );
        }
        this.withdrawals.clear();
        continue;
      }
      if (this.supplementPending) {
        // A correction while pending replaces the submission: withdraw it, then resubmit.
        const outcome =
          this.upstream.status === 'PENDING' ? await this.cancelUpstream(this.upstream) : undefined;
        if (outcome?.cancelled) return 'withdrawn';
        if (outcome) this.moved(outcome.port);
        // The carrier moved on before the correction reached it: there is nothing left to correct.
        log.warn('supplement dropped: the carrier no longer takes corrections', {
          carrierStatus: this.upstream.status,
          upstreamPortRequestId: this.upstream.portRequestId,
        });
        this.supplementPending = false;
        continue;
      }
      if (this.port.onDemand && upstream.status === 'IN_PROGRESS' && !this.activationTried) {
        this.activationTried = true;
        this.moved(await this.awaitActivation(upstream));
        continue;
      }
      this.nudged = false;
      const knownStatus = upstream.status;
      const changed = await untilInterrupted(
        () => this.pollCarrier(upstream, knownStatus),
        () =>
          this.nudged ||
          this.cancelAsked ||
          this.supplementPending ||
          this.withdrawals.size > 0 ||
          (this.abandoned && knownStatus === 'PENDING'),
      );
      if (changed) this.moved(this.takeCarrierComments(changed));
    }
    const status = this.upstream?.status;
    if (status === 'COMPLETED' || status === 'CANCELLED') {
      this.report(this.fromUpstream(this.upstream as PlatformPort, true));
      return 'ended';
    }
    return 'rejected';
  }

  /** The carrier's port once its status differs from `knownStatus`, or once the carrier has commented on it. */
  private pollCarrier(upstream: PlatformPort, knownStatus: string) {
    if (this.commentsOf !== upstream.portRequestId) {
      this.commentsOf = upstream.portRequestId;
      this.carrierCommentsTaken = 0;
    }
    return this.awaitCarrierStatus({
      partitionId: this.port.partitionId,
      accountId: this.port.request.accountId,
      upstreamPortRequestId: upstream.portRequestId,
      knownStatus,
      // An activity's input is not part of what a replay compares: ports before comments take them too.
      knownComments: this.carrierCommentsTaken,
    });
  }

  /**
   * The carrier's new comments become the port's, outside the poll's cancellation scope (their
   * webhooks outlive it); a poll cut short took none, and the next one asks for them again.
   */
  private takeCarrierComments(
    news: PlatformPort & { carrierComments?: CarrierComment[] },
  ): PlatformPort {
    const { carrierComments, ...port } = news;
    if (carrierComments?.length) {
      this.carrierCommentsTaken += carrierComments.length;
      this.port.carrierCommented(this.carrier, carrierComments);
    }
    return port;
  }

  /**
   * On the FOC date of an ON_DEMAND port: waits for the client's activate, or the close of the
   * carrier's window (reckoned on the platform's clock), or the carrier's own move, then
   * activates upstream. A refusal (the window not open) is told to the client, and it waits again.
   */
  private async awaitActivation(upstream: PlatformPort): Promise<PlatformPort> {
    const { partitionId } = this.port;
    const date = upstream.focDate ?? upstream.requestedDate;
    const window = await this.port.platformCall(() => activationWindow({ partitionId, date }));
    // A platform without activation windows cuts over by itself.
    if (!window) return upstream;
    this.port.activationReady(window);
    const closesAt = Date.now() + Date.parse(window.closesAt) - Date.parse(window.now);
    for (;;) {
      this.nudged = false;
      await condition(
        () => this.port.activationAsked || this.nudged,
        Math.max(closesAt - Date.now(), 1),
      );
      const outcome = await this.port.platformCall(() =>
        activateUpstreamPort({
          partitionId,
          accountId: this.port.request.accountId,
          upstreamPortRequestId: upstream.portRequestId,
        }),
      );
      this.port.activationAnswered(outcome.activated ? undefined : outcome.reason);
      const closed = Date.now() >= closesAt;
      if (outcome.activated || closed || outcome.port.status !== 'IN_PROGRESS') return outcome.port;
    }
  }

  /** The carrier's news, told to the port at once, except an end, which follow() tells. */
  private moved(port: PlatformPort): void {
    const known = this.upstream?.status;
    const news = port.status !== known;
    this.upstream = port;
    if (!news) return;
    const between = statusesBetween(port, known);
    if (between.length > 0 && patched('port-status-history')) {
      for (const change of between) {
        this.port.passedThrough(this, {
          ...this.fromUpstream(port),
          status: change.status as PortStatus,
          focDate: change.focDate ?? port.focDate,
        });
      }
    }
    if (!isKnownPortStatus(port.status)) {
      log.warn('the carrier answered a status portflow does not know; kept as it came', {
        carrierStatus: port.status,
        upstreamPortRequestId: port.portRequestId,
      });
    }
    if (!ENDS.includes(port.status)) this.report(this.fromUpstream(port));
  }

  private report(report: CarrierReport): void {
    this.port.report(this, report);
  }

  /**
   * The numbers to withdraw leave this request (and the port); `request` names what they left,
   * `sent` whether the carrier had it (it is then resubmitted without them).
   */
  private takeWithdrawals(request: string, sent = true): void {
    const taken = this.numbers.filter((n) => this.withdrawals.has(n));
    this.numbers = this.numbers.filter((n) => !this.withdrawals.has(n));
    this.withdrawals.clear();
    const others = `its ${this.numbers.length} other number(s)`;
    const next =
      this.numbers.length === 0
        ? `it held no other number, so it is ${sent ? 'withdrawn' : 'not sent'}`
        : `${sent ? 'resubmitted' : 'sent'} with ${others}`;
    for (const number of taken) {
      this.port.numberRemoved(number, `withdrawn from ${this.carrier}'s ${request}; ${next}`);
    }
  }

  private fromUpstream(port: PlatformPort, final = false): CarrierReport {
    const known = isKnownPortStatus(port.status);
    return {
      // A word the client does not know leaves the status where it was and is shown raw.
      status: known ? (port.status as PortStatus) : (this.last?.status ?? 'PENDING'),
      // An adapter's own words (Alianza's `PORT_PENDING / FOC_RECEIVED`) beside portflow's.
      carrierStatus: port.carrierStatus ?? (known ? undefined : port.status),
      upstreamPortRequestId: port.portRequestId,
      submittedDate: port.submittedDate,
      estimatedCompletionDate: port.estimatedCompletionDate,
      focDate: port.focDate,
      focDateTimeZone: port.focDateTimeZone,
      reason: port.rejectionReason,
      rejections: port.rejections,
      final,
    };
  }

  private cancelUpstream(port: PlatformPort) {
    return this.port.platformCall(() =>
      cancelUpstreamPort({
        partitionId: this.port.partitionId,
        accountId: this.port.request.accountId,
        upstreamPortRequestId: port.portRequestId,
      }),
    );
  }
}

/**
 * Until the workflow's conditions are next looked at: every continuation woken with the caller
 * has run to its next wait by then. (A condition is looked at once as it is made, then at each
 * pass over the blocked ones, after the microtasks of the last.)
 */
function nextPass(): Promise<void> {
  let lookedAt = false;
  return condition(() => {
    const again = lookedAt;
    lookedAt = true;
    return again;
  });
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

/**
 * The statuses the platform's `statusHistory` says the port took after `known` and before
 * its current one: those a single look would otherwise skip (APPROVED, IN_PROGRESS).
 */
function statusesBetween(
  port: PlatformPort,
  known: string | undefined,
): PlatformPortStatusChange[] {
  const history = port.statusHistory ?? [];
  const from = known === undefined ? -1 : history.map((c) => c.status).lastIndexOf(known);
  return history
    .slice(from + 1)
    .filter(
      (c) => c.status !== port.status && isKnownPortStatus(c.status) && !ENDS.includes(c.status),
    );
}

/** The platform's own words when it refused a call for good; any other failure goes on up. */
function platformRefusal(error: unknown): string {
  const cause = activityFailureCause(error);
  if (cause?.type === PLATFORM_REJECTED) return cause.message;
  throw error;
}

/** An Update refused for good, with its code as the failure type (the API's 409 code). */
function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

function notCancellable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'PORT_NOT_CANCELLABLE', message, nonRetryable: true });
}

function describeBusy(busy: BusyNumber[]): string {
  return busy
    .map((b) => `${b.telephoneNumber} (${b.heldBy.operation.toLowerCase()} ${b.heldBy.holder})`)
    .join(', ');
}

/** The innermost message of a failure: the platform's words rather than "Activity task failed". */
function failureMessage(error: unknown): string {
  let failure = error;
  while (failure instanceof Error && failure.cause instanceof Error) failure = failure.cause;
  return failure instanceof Error ? failure.message : String(failure);
}

function describe(status: PortStatus, focDate?: string): string {
  switch (status) {
    case 'PENDING':
      return 'submitted: waiting for the losing carrier';
    case 'APPROVED':
      return `approved by the losing carrier: FOC date ${focDate ?? 'set'}`;
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
