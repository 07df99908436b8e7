/** A scripted platform and losing carriers behind fake activities, for workflow tests on the time-skipping server. */
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { Activities } from '../../src/activities';
import type {
  WebhookAttempt as WebhookAttemptRecord,
  WebhookEvent,
} from '../../src/domain/webhook-event';
import type { HoldResult } from '../../src/temporal/number-holds';
import type {
  CarrierComment,
  PlatformPort,
  PlatformRejection,
  PortActivation,
} from '../../src/domain';
import { groupChecks } from '../../src/domain/portability';
import { PLATFORM_REJECTED } from '../../src/workflows/definitions';

/** From look `fromPoll` on (1 is the first look after the submission) the carrier answers `status`. */
export interface CarrierStep {
  status: string;
  fromPoll: number;
  reason?: string;
  /** The carrier's reasons with their codes (the emulator's extension). */
  rejections?: PlatformRejection[];
}

/** What the platform knows of one number before any port. */
export interface NumberRecord {
  currentCarrier?: string;
  portable?: boolean;
  reason?: string;
}

/** One submission as the platform received it. */
export interface Submission {
  idempotencyKey: string;
  /** The attempt the idempotency key names (`...-attempt-<n>`). */
  attempt: number;
  telephoneNumbers: string[];
  pin?: string;
  accountNumber: string;
  /** The losing carrier the submission names. */
  currentProvider?: string;
  upstreamPortRequestId: string;
}

export interface FakePlatformOptions {
  numbers?: Record<string, NumberRecord>;
  /** The carrier's answers to one submission; by default approved, in progress and completed on the next three looks. */
  timeline?: (submission: Submission) => CarrierStep[];
  /** The carrier approves the port just before portflow's cancel (or withdrawal) reaches it. */
  approvesBeforeCancel?: boolean;
  /** What holdNumbers answers (a large port holds its own numbers); by default every number is held. */
  hold?: HoldResult;
  /** Replaces the activation; by default it succeeds. */
  activateNumbers?: () => Promise<void>;
  /**
   * Replaces the receiver of each webhook attempt: a rejection is an attempt no answer came to,
   * a number the receiver's HTTP status; by default every event is accepted (204) at once.
   */
  deliverWebhook?: (event: WebhookEvent, attempt: number) => Promise<void | number>;
  /** Replaces the carrier's answer to a look; by default the timeline decides. */
  awaitCarrierStatus?: () => Promise<PlatformPort>;
  /** Holds the portability check until the test calls `releaseCheck()`. */
  holdCheck?: boolean;
  /** The port carries `statusHistory`, every status it took (the emulator's extension). */
  statusHistory?: boolean;
  /** The carrier refuses this many activations of an ON_DEMAND port (its window not open). */
  activationRefusals?: number;
  /** The losing carrier's comments on each upstream port, each there from its `fromPoll`-th look on. */
  carrierComments?: (CarrierComment & { fromPoll: number })[];
}

/** The activation window the fake carrier answers: open 2 hours after its now, for 14 hours. */
export const ACTIVATION_WINDOW = {
  date: '2026-12-14',
  timeZone: 'America/Chicago',
  opensAt: '2026-12-14T12:00:00.000Z',
  closesAt: '2026-12-15T02:00:00.000Z',
  now: '2026-12-14T10:00:00.000Z',
};

export const DEFAULT_TIMELINE: CarrierStep[] = [
  { status: 'APPROVED', fromPoll: 2 },
  { status: 'IN_PROGRESS', fromPoll: 3 },
  { status: 'COMPLETED', fromPoll: 4 },
];

/** A list that tests can wait on: `next` resolves once an entry matches. */
export class Journal<T> {
  readonly entries: T[] = [];
  private waiters: { match: (entry: T) => boolean; resolve: (entry: T) => void }[] = [];

  push(entry: T): void {
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) {
      if (!waiter.match(entry)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  }

  /** The first entry, recorded or to come, that matches; fails after `timeoutMs` of real time. */
  next(match: (entry: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const seen = this.entries.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching entry in time')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      });
    });
  }
}

interface UpstreamPort {
  port: PlatformPort;
  steps: CarrierStep[];
  polls: number;
}

export interface Poll {
  upstreamPortRequestId: string;
  poll: number;
  status: string;
}

export interface Cancel {
  upstreamPortRequestId: string;
  cancelled: boolean;
}

export interface WebhookAttempt {
  event: WebhookEvent;
  attempt: number;
}

export interface Activation {
  telephoneNumbers: string[];
  activation: PortActivation;
}

const SUBMITTED_DATE = '2026-11-30T10:00:00Z';

function unchanged(status: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'CarrierStatusUnchanged',
    message: `the carrier still says ${status}`,
    category: ApplicationFailureCategory.BENIGN,
  });
}

/** The status a port has at its `poll`-th look: the latest step reached, PENDING before any. */
function statusAt(steps: CarrierStep[], poll: number): CarrierStep | undefined {
  return steps
    .filter((step) => step.fromPoll <= poll)
    .sort((a, b) => a.fromPoll - b.fromPoll)
    .at(-1);
}

export function fakePlatform(options: FakePlatformOptions = {}) {
  const timeline = options.timeline ?? (() => DEFAULT_TIMELINE);
  const upstream = new Map<string, UpstreamPort>();
  const byIdempotencyKey = new Map<string, string>();
  const submissions = new Journal<Submission>();
  const polls = new Journal<Poll>();
  const cancels = new Journal<Cancel>();
  const webhooks = new Journal<WebhookAttempt>();
  const activations = new Journal<Activation>();
  const upstreamActivations = new Journal<string>();
  const checks = new Journal<string[]>();
  const releasedHolds = new Journal<string[]>();
  const webhookAttempts = new Map<string, number>();
  let releaseCheck = () => undefined as void;
  const checkReleased = new Promise<void>((resolve) => (releaseCheck = resolve));

  const recordOf = (
    telephoneNumber: string,
  ): Required<Omit<NumberRecord, 'reason'>> & NumberRecord => ({
    currentCarrier: 'AT&T',
    portable: true,
    ...options.numbers?.[telephoneNumber],
  });

  const activities: Partial<Activities> = {
    holdNumbers: () => Promise.resolve(options.hold ?? { held: true }),
    releaseNumberHolds({ telephoneNumbers }) {
      releasedHolds.push(telephoneNumbers);
      return Promise.resolve();
    },
    async checkPortability({ telephoneNumbers }) {
      checks.push(telephoneNumbers);
      if (options.holdCheck) await checkReleased;
      const answers = telephoneNumbers.map((telephoneNumber) => {
        const record = recordOf(telephoneNumber);
        return {
          telephoneNumber,
          portable: record.portable,
          currentCarrier: record.currentCarrier,
          lineType: 'BUSINESS',
          estimatedDays: 7,
          ...(record.reason === undefined ? {} : { reason: record.reason }),
        };
      });
      return groupChecks(answers);
    },
    submitPort({ idempotencyKey, submission }) {
      // The platform honours Idempotency-Key: the same key answers the same port.
      const known = byIdempotencyKey.get(idempotencyKey);
      if (known) return Promise.resolve({ ...(upstream.get(known) as UpstreamPort).port });
      const upstreamPortRequestId = `up-${upstream.size + 1}`;
      const entry: Submission = {
        idempotencyKey,
        attempt: Number(/-attempt-(\d+)$/.exec(idempotencyKey)?.[1]),
        telephoneNumbers: submission.telephoneNumbers,
        pin: submission.pin,
        accountNumber: submission.accountNumber,
        currentProvider: submission.currentProvider,
        upstreamPortRequestId,
      };
      const port: PlatformPort = {
        portRequestId: upstreamPortRequestId,
        status: 'PENDING',
        telephoneNumbers: submission.telephoneNumbers,
        submittedDate: SUBMITTED_DATE,
        requestedDate: submission.requestedDate,
        estimatedCompletionDate: submission.requestedDate,
      };
      upstream.set(upstreamPortRequestId, { port, steps: [...timeline(entry)], polls: 0 });
      byIdempotencyKey.set(idempotencyKey, upstreamPortRequestId);
      submissions.push(entry);
      return Promise.resolve({ ...port });
    },
    awaitCarrierStatus({ upstreamPortRequestId, knownStatus, knownComments }) {
      if (options.awaitCarrierStatus) return options.awaitCarrierStatus();
      const entry = upstream.get(upstreamPortRequestId) as UpstreamPort;
      entry.polls += 1;
      const step =
        entry.port.status === 'CANCELLED' ? undefined : statusAt(entry.steps, entry.polls);
      if (step) {
        entry.port.status = step.status;
        if (step.reason) entry.port.rejectionReason = step.reason;
        if (step.rejections) entry.port.rejections = step.rejections;
        if (step.status === 'APPROVED') entry.port.focDate = entry.port.requestedDate;
      }
      if (options.statusHistory) {
        const reached = entry.steps.filter((s) => s.fromPoll <= entry.polls);
        entry.port.statusHistory = [{ status: 'PENDING' }, ...reached].map(({ status }) => ({
          status,
          at: SUBMITTED_DATE,
          ...(status === 'APPROVED' ? { focDate: entry.port.requestedDate } : {}),
        }));
      }
      polls.push({ upstreamPortRequestId, poll: entry.polls, status: entry.port.status });
      const carrierComments = (options.carrierComments ?? [])
        .filter((comment) => comment.fromPoll <= entry.polls)
        .map(({ fromPoll: _poll, ...comment }) => comment)
        .slice(knownComments);
      if (knownComments !== undefined && carrierComments.length > 0)
        return Promise.resolve({ ...entry.port, carrierComments });
      if (entry.port.status === knownStatus) throw unchanged(knownStatus);
      return Promise.resolve({ ...entry.port });
    },
    cancelUpstreamPort({ upstreamPortRequestId }) {
      const entry = upstream.get(upstreamPortRequestId) as UpstreamPort;
      if (options.approvesBeforeCancel && entry.port.status === 'PENDING') {
        entry.steps.push({ status: 'APPROVED', fromPoll: entry.polls });
        entry.port.status = 'APPROVED';
        entry.port.focDate = entry.port.requestedDate;
      }
      const cancellable = ['PENDING', 'REJECTED'].includes(entry.port.status);
      if (cancellable) entry.port.status = 'CANCELLED';
      cancels.push({ upstreamPortRequestId, cancelled: cancellable });
      const port = { ...entry.port };
      return Promise.resolve(
        cancellable
          ? { cancelled: true as const, port }
          : { cancelled: false as const, port, reason: 'the losing carrier approved the port' },
      );
    },
    activationWindow: () => Promise.resolve(ACTIVATION_WINDOW),
    activateUpstreamPort({ upstreamPortRequestId }) {
      const entry = upstream.get(upstreamPortRequestId) as UpstreamPort;
      upstreamActivations.push(upstreamPortRequestId);
      if (upstreamActivations.entries.length <= (options.activationRefusals ?? 0)) {
        const reason = `the activation window opens at ${ACTIVATION_WINDOW.opensAt}`;
        return Promise.resolve({ activated: false as const, port: { ...entry.port }, reason });
      }
      entry.port.status = 'COMPLETED';
      return Promise.resolve({ activated: true as const, port: { ...entry.port } });
    },
    async activateNumbers({ telephoneNumbers, activation }) {
      activations.push({ telephoneNumbers, activation });
      await options.activateNumbers?.();
    },
    async attemptWebhook({ event }) {
      const attempt = (webhookAttempts.get(event.id) ?? 0) + 1;
      webhookAttempts.set(event.id, attempt);
      webhooks.push({ event, attempt });
      return receiverAnswer(() => options.deliverWebhook?.(event, attempt));
    },
  };

  return {
    activities,
    submissions,
    polls,
    cancels,
    webhooks,
    activations,
    upstreamActivations,
    checks,
    releasedHolds,
    /** The events as delivered: each id once, in the order first attempted. */
    deliveredEvents(): WebhookEvent[] {
      return webhooks.entries.filter(({ attempt }) => attempt === 1).map(({ event }) => event);
    },
    /** Lets a held portability check answer. */
    releaseCheck: () => releaseCheck(),
    /** Waits for the carrier's first look at a submission: portflow is then following it. */
    firstLook(): Promise<Poll> {
      return polls.next(() => true);
    },
    /** Waits until portflow has announced the port in `status` (and `phase`, when given). */
    announced(status: string, phase?: string): Promise<WebhookAttempt> {
      return webhooks.next(
        ({ event }) =>
          event.data.status === status && (phase === undefined || event.data.phase === phase),
      );
    },
  };
}

export type FakePlatform = ReturnType<typeof fakePlatform>;

/** One webhook attempt as the activity records it: `receive` answers a status, or throws for no answer. */
export async function receiverAnswer(
  receive: () => Promise<void | number> | undefined,
): Promise<WebhookAttemptRecord> {
  const at = new Date().toISOString();
  try {
    return { at, durationMs: 1, httpStatus: (await receive()) ?? 204 };
  } catch (error) {
    return { at, durationMs: 1, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The failure a platform refusal becomes in an activity: not retried. */
export function platformRefusal(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: PLATFORM_REJECTED, message, nonRetryable: true });
}
