import {
  CANCELLABLE_PORT_STATUSES,
  DAY_MS,
  addBusinessDays,
  addDays,
  requestedDateProblem,
  toIsoDate,
  type PlatformPort,
  type PlatformPortStatusChange,
  type PlatformPortSubmission,
  type PlatformRejection,
  type PortStatus,
} from '../domain';
import type { Carriers } from './carrier';
import type { EmulatorClock } from './clock';
import { EmulatorError, notFound, validationFailed } from './errors';
import { newId, type NumberBook } from './numbers';
import type { ActivationWindows } from './foc';
import type { EmulatorStore } from './store';

/** Business days between submission and the losing carrier's answer. */
export const CARRIER_ANSWER_BUSINESS_DAYS = 2;

/**
 * How the losing carrier paces a port: the seed's timeline on business days, or every step at
 * the moment of submission (for benchmarks of portflow's own work).
 */
export const CARRIER_PACES = ['business-days', 'immediate'] as const;
export type CarrierPace = (typeof CARRIER_PACES)[number];

interface PortRow {
  partition_id: string;
  port_request_id: string;
  status: PortStatus;
  request: string;
  current_provider: string;
  submitted_at: number;
  foc_date: string | null;
  rejection_reason: string | null;
  /** JSON of PlatformRejection[]: the carrier's reasons with their codes (an extension). */
  rejections: string | null;
  next_transition_at: number | null;
  customer_reference: string | null;
  /** JSON of PlatformPortStatusChange[]: every status the port has had, in order. */
  status_history: string;
}

/** The seed's request, as the platform keeps it (its extension is a column of its own). */
type StoredRequest = Omit<PlatformPortSubmission, 'customerReference'>;

/** Told each status a port takes on the carrier's clock, once it is stored. */
export type PortStatusListener = (partitionId: string, port: PlatformPort) => void;

const startOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

/** The day the carrier answers: the second business day after the day of submission. */
export function carrierAnswerDate(submittedOn: string): string {
  return addBusinessDays(addDays(submittedOn, 1), CARRIER_ANSWER_BUSINESS_DAYS - 1);
}

function toPlatformPort(row: PortRow): PlatformPort {
  const request = JSON.parse(row.request) as StoredRequest;
  const port: PlatformPort = {
    portRequestId: row.port_request_id,
    status: row.status,
    telephoneNumbers: request.telephoneNumbers,
    submittedDate: new Date(row.submitted_at).toISOString(),
    requestedDate: request.requestedDate,
    estimatedCompletionDate: addDays(request.requestedDate, 1),
    currentProvider: row.current_provider,
    accountId: request.accountId,
  };
  if (row.foc_date) port.focDate = row.foc_date;
  if (row.rejection_reason) port.rejectionReason = row.rejection_reason;
  if (row.rejections) port.rejections = JSON.parse(row.rejections) as PlatformRejection[];
  if (row.customer_reference) port.customerReference = row.customer_reference;
  if (request.activationMode) port.activationMode = request.activationMode;
  port.statusHistory = JSON.parse(row.status_history) as PlatformPortStatusChange[];
  return port;
}

/** The row with `status` taken at `atMs`, appended to its history. */
function withStatus(
  row: PortRow,
  status: PortStatus,
  atMs: number,
  changes: Partial<PortRow> = {},
): PortRow {
  const next = { ...row, ...changes, status };
  const change: PlatformPortStatusChange = { status, at: new Date(atMs).toISOString() };
  if (status === 'APPROVED' && next.foc_date) change.focDate = next.foc_date;
  if (status === 'REJECTED' && next.rejection_reason)
    change.rejectionReason = next.rejection_reason;
  const history = JSON.parse(row.status_history) as PlatformPortStatusChange[];
  return { ...next, status_history: JSON.stringify([...history, change]) };
}

/**
 * Port requests and the losing carrier's timeline on the emulator clock: the answer two
 * business days after submission (APPROVED with the FOC date, or REJECTED), IN_PROGRESS on
 * the FOC date, COMPLETED the day after, when the numbers become active in the account.
 */
export class PortDesk {
  private readonly statements;
  /** Kept in memory, like faults: a restart or reset brings back the business-day timeline. */
  pace: CarrierPace = 'business-days';
  /** Told of each carrier step (the platform's notifications); none when unset. */
  onStatusChange: PortStatusListener | undefined;

  constructor(
    private readonly store: EmulatorStore,
    private readonly clock: EmulatorClock,
    private readonly carriers: Carriers,
    private readonly numbers: NumberBook,
    private readonly activationWindows: ActivationWindows,
  ) {
    const db = store.db;
    this.statements = {
      insert: db.prepare<PortRow>(
        `INSERT INTO ports (partition_id, port_request_id, status, request, current_provider,
           submitted_at, foc_date, rejection_reason, rejections, next_transition_at,
           customer_reference, status_history)
         VALUES (@partition_id, @port_request_id, @status, @request, @current_provider,
           @submitted_at, @foc_date, @rejection_reason, @rejections, @next_transition_at,
           @customer_reference, @status_history)`,
      ),
      update: db.prepare<PortRow>(
        `UPDATE ports SET status = @status, foc_date = @foc_date,
           rejection_reason = @rejection_reason, rejections = @rejections, next_transition_at = @next_transition_at,
           status_history = @status_history
         WHERE partition_id = @partition_id AND port_request_id = @port_request_id`,
      ),
      get: db.prepare<[string, string], PortRow>(
        'SELECT * FROM ports WHERE partition_id = ? AND port_request_id = ?',
      ),
      inPartition: db.prepare<[string], PortRow>(
        'SELECT * FROM ports WHERE partition_id = ? ORDER BY submitted_at, port_request_id',
      ),
      nextDue: db.prepare<[number], PortRow>(
        `SELECT * FROM ports WHERE next_transition_at IS NOT NULL AND next_transition_at <= ?
         ORDER BY next_transition_at, submitted_at LIMIT 1`,
      ),
    };
  }

  submit(partitionId: string, request: PlatformPortSubmission): PlatformPort {
    const problem = requestedDateProblem(request.requestedDate, this.clock.today());
    if (problem) throw validationFailed([{ in: 'body', path: 'requestedDate', message: problem }]);
    const currentProvider = this.singleLosingCarrier(request.telephoneNumbers);
    const submittedAt = this.clock.nowMs();
    const answerDate = carrierAnswerDate(toIsoDate(new Date(submittedAt)));
    const stored: StoredRequest = {
      telephoneNumbers: request.telephoneNumbers,
      accountId: request.accountId,
      subscriber: request.subscriber,
      serviceAddress: request.serviceAddress,
      billingTelephoneNumber: request.billingTelephoneNumber,
      accountNumber: request.accountNumber,
      pin: request.pin,
      requestedDate: request.requestedDate,
      currentProvider: request.currentProvider,
      activationMode: request.activationMode,
    };
    const row: PortRow = {
      partition_id: partitionId,
      port_request_id: newId('port'),
      status: 'PENDING',
      request: JSON.stringify(stored),
      current_provider: currentProvider,
      submitted_at: submittedAt,
      foc_date: null,
      rejection_reason: null,
      rejections: null,
      next_transition_at: this.dueAt(startOf(answerDate), submittedAt),
      customer_reference: request.customerReference ?? null,
      status_history: JSON.stringify([
        { status: 'PENDING', at: new Date(submittedAt).toISOString() },
      ] satisfies PlatformPortStatusChange[]),
    };
    this.statements.insert.run(row);
    return toPlatformPort(row);
  }

  get(partitionId: string, portRequestId: string): PlatformPort {
    return toPlatformPort(this.row(partitionId, portRequestId));
  }

  /** Every port request made in the partition, oldest first. */
  list(partitionId: string): PlatformPort[] {
    return this.statements.inPartition.all(partitionId).map(toPlatformPort);
  }

  /** Cancel before the carrier approves; a cancelled port stays cancelled. */
  cancel(partitionId: string, portRequestId: string): PlatformPort {
    const row = this.row(partitionId, portRequestId);
    if (row.status === 'CANCELLED') return toPlatformPort(row);
    if (!CANCELLABLE_PORT_STATUSES.includes(row.status)) {
      throw new EmulatorError(
        409,
        'PORT_NOT_CANCELLABLE',
        `port ${portRequestId} is ${row.status}: a port can be cancelled only before the carrier approves it`,
        { status: row.status },
      );
    }
    const cancelled = withStatus(row, 'CANCELLED', this.clock.nowMs(), {
      next_transition_at: null,
    });
    this.statements.update.run(cancelled);
    return toPlatformPort(cancelled);
  }

  /**
   * Activates an ON_DEMAND port on its FOC date, inside the partition's activation window: its
   * numbers go live now. An activated port answers again as it is.
   */
  activate(partitionId: string, portRequestId: string): PlatformPort {
    const row = this.row(partitionId, portRequestId);
    const request = JSON.parse(row.request) as StoredRequest;
    if (row.status === 'COMPLETED' && request.activationMode === 'ON_DEMAND')
      return toPlatformPort(row);
    if (row.status !== 'IN_PROGRESS' || request.activationMode !== 'ON_DEMAND') {
      throw new EmulatorError(
        409,
        'PORT_NOT_ACTIVATABLE',
        `port ${portRequestId} is ${row.status}: only an ON_DEMAND port on its FOC date (IN_PROGRESS) can be activated`,
        { status: row.status },
      );
    }
    const now = this.clock.nowMs();
    const { opensAt, timeZone } = this.activationWindows.on(partitionId, request.requestedDate);
    if (now < opensAt.getTime()) {
      throw new EmulatorError(
        409,
        'ACTIVATION_WINDOW_NOT_OPEN',
        `the activation window of ${request.requestedDate} opens at ${opensAt.toISOString()} (${timeZone})`,
        { opensAt: opensAt.toISOString() },
      );
    }
    const activated = this.store.transaction(() => this.step({ ...row, next_transition_at: now }));
    this.onStatusChange?.(partitionId, toPlatformPort(activated));
    return toPlatformPort(activated);
  }

  /**
   * Applies every carrier step due by now, in the order they fell due, so that whatever is
   * read next sees the state the timeline has reached.
   */
  settle(): void {
    const now = this.clock.nowMs();
    const { nextDue } = this.statements;
    // Each step with its effect (a completion activates numbers) in one transaction, told once stored.
    for (let due = nextDue.get(now); due; due = nextDue.get(now)) {
      const next = this.store.transaction(() => this.step(due));
      if (next.status !== due.status)
        this.onStatusChange?.(next.partition_id, toPlatformPort(next));
    }
  }

  private step(row: PortRow): PortRow {
    const request = JSON.parse(row.request) as StoredRequest;
    const dueAt = row.next_transition_at ?? this.clock.nowMs();
    let next: PortRow;
    switch (row.status) {
      case 'PENDING': {
        const rejection = this.carriers.rejection(row.partition_id, request);
        next = rejection
          ? withStatus(row, 'REJECTED', dueAt, {
              rejection_reason: `${row.current_provider} rejected the port: ${rejection.reason}`,
              rejections: JSON.stringify(rejection.rejections),
              next_transition_at: null,
            })
          : withStatus(row, 'APPROVED', dueAt, {
              foc_date: request.requestedDate,
              next_transition_at: this.dueAt(startOf(request.requestedDate), row.submitted_at),
            });
        break;
      }
      case 'APPROVED': {
        // An ON_DEMAND port waits for its activate; the carrier activates it at the window's close.
        const cutover =
          request.activationMode === 'ON_DEMAND'
            ? this.activationWindows.on(row.partition_id, request.requestedDate).closesAt.getTime()
            : startOf(request.requestedDate) + DAY_MS;
        next = withStatus(row, 'IN_PROGRESS', dueAt, {
          next_transition_at: this.dueAt(cutover, row.submitted_at),
        });
        break;
      }
      case 'IN_PROGRESS': {
        this.numbers.activate(
          row.partition_id,
          request.accountId,
          request.telephoneNumbers,
          new Date(dueAt).toISOString(),
        );
        next = withStatus(row, 'COMPLETED', dueAt, { next_transition_at: null });
        break;
      }
      default:
        next = { ...row, next_transition_at: null };
    }
    this.statements.update.run(next);
    return next;
  }

  /** When a step falls due: on its day, or at submission for an immediate carrier. */
  private dueAt(scheduledMs: number, submittedAt: number): number {
    return this.pace === 'immediate' ? submittedAt : scheduledMs;
  }

  /** Real carriers take one request per losing carrier. */
  private singleLosingCarrier(telephoneNumbers: string[]): string {
    const byCarrier = new Map<string, string[]>();
    for (const telephoneNumber of telephoneNumbers) {
      const carrier = this.carriers.recordOf(telephoneNumber).currentCarrier;
      byCarrier.set(carrier, [...(byCarrier.get(carrier) ?? []), telephoneNumber]);
    }
    const [first, ...others] = byCarrier.keys();
    if (others.length === 0 && first !== undefined) return first;
    throw new EmulatorError(
      400,
      'MIXED_CARRIERS',
      `the numbers are with ${byCarrier.size} carriers (${[...byCarrier.keys()].join(', ')}): submit one port request per losing carrier`,
      [...byCarrier].map(([currentCarrier, numbers]) => ({
        currentCarrier,
        telephoneNumbers: numbers,
      })),
    );
  }

  private row(partitionId: string, portRequestId: string): PortRow {
    const row = this.statements.get.get(partitionId, portRequestId);
    if (!row) throw notFound(`no port request ${portRequestId} in this partition`);
    return row;
  }
}
