import { randomUUID } from 'node:crypto';
import {
  MIN_PORT_LEAD_DAYS,
  addDays,
  zonedInstant,
  type NumberFocDates,
  type PortRequest,
} from '../domain';
import {
  PORT_SERVICE_TYPE,
  fromAlianzaNumber,
  fromStructuredAddress,
  type ActivationEvent,
  type ActivationStatusType,
  type PortX,
  type PortXStatus,
} from '../domain/alianza';
import type { AlianzaPartitions } from './alianza-settings';
import type { EmulatorClock } from './clock';
import { EmulatorError, notFound } from './errors';
import type { PortDesk } from './ports';
import type { EmulatorStore } from './store';

interface AlianzaPortRow {
  partition_id: string;
  port_id: string;
  account_id: string;
  port: string;
  created_at: number;
  port_request_id: string | null;
  cancelled: number;
}

const midnight = (isoDate: string) => `${isoDate}T00:00:00.000Z`;

/** The seed's status of the carrier's port, in Alianza's two words: the PortX status and the activation event's. */
const ALIANZA_WORDS: Record<string, [PortXStatus, ActivationStatusType]> = {
  PENDING: ['PORT_PENDING', 'PENDING'],
  APPROVED: ['PORT_PENDING', 'FOC_RECEIVED'],
  IN_PROGRESS: ['ACTIVATION_PENDING', 'IN_PROGRESS'],
  COMPLETED: ['ACTIVE', 'COMPLETED'],
  REJECTED: ['PORT_REJECTED', 'REJECTED'],
  CANCELLED: ['CANCEL_PORT_COMPLETE', 'CANCELLED'],
};

/** What an Alianza port looks like now: its PortX and its activation event. */
export interface AlianzaPortView {
  port: PortX & { id: string };
  event: ActivationEvent;
}

/**
 * Alianza's ports over the seed's carrier simulation: createOrAdd makes a PortX, triggerport
 * hands it to the losing carrier as a seed port request (PortDesk), and reads translate the
 * carrier's progress into PortX and activation-event words. A correction after a rejection is
 * triggered as a new carrier request behind the same PortX.
 */
export class AlianzaPorts {
  private readonly statements;

  constructor(
    store: EmulatorStore,
    private readonly clock: EmulatorClock,
    private readonly ports: PortDesk,
    private readonly partitions: AlianzaPartitions,
  ) {
    const db = store.db;
    this.statements = {
      insert: db.prepare<AlianzaPortRow>(
        `INSERT INTO alianza_ports (partition_id, port_id, account_id, port, created_at, port_request_id, cancelled)
         VALUES (@partition_id, @port_id, @account_id, @port, @created_at, @port_request_id, @cancelled)`,
      ),
      save: db.prepare<AlianzaPortRow>(
        `UPDATE alianza_ports SET port = @port, port_request_id = @port_request_id, cancelled = @cancelled
         WHERE partition_id = @partition_id AND port_id = @port_id`,
      ),
      get: db.prepare<[string, string], AlianzaPortRow>(
        'SELECT * FROM alianza_ports WHERE partition_id = ? AND port_id = ?',
      ),
      ofAccount: db.prepare<[string, string], AlianzaPortRow>(
        'SELECT * FROM alianza_ports WHERE partition_id = ? AND account_id = ? ORDER BY created_at',
      ),
      ofPartition: db.prepare<[string], AlianzaPortRow>(
        'SELECT * FROM alianza_ports WHERE partition_id = ? ORDER BY created_at',
      ),
    };
  }

  /** A PortX made by createOrAdd: kept, not yet sent to the carrier. */
  create(partitionId: string, accountId: string, port: PortX): AlianzaPortView {
    const row: AlianzaPortRow = {
      partition_id: partitionId,
      port_id: randomUUID(),
      account_id: accountId,
      port: JSON.stringify({ ...port, partitionId, accountId }),
      created_at: this.clock.nowMs(),
      port_request_id: null,
      cancelled: 0,
    };
    this.statements.insert.run(row);
    return this.view(row);
  }

  get(partitionId: string, accountId: string, portId: string): AlianzaPortView {
    return this.view(this.row(partitionId, accountId, portId));
  }

  /** Every port of the partition, as the control endpoint counts them. */
  list(partitionId: string): AlianzaPortView[] {
    return this.statements.ofPartition.all(partitionId).map((row) => this.view(row));
  }

  /** The account's ports not yet done: their numbers are STAGED in the account. */
  openOfAccount(partitionId: string, accountId: string): AlianzaPortView[] {
    return this.statements.ofAccount
      .all(partitionId, accountId)
      .map((row) => this.view(row))
      .filter(({ port }) => !['ACTIVE', 'CANCEL_PORT_COMPLETE'].includes(port.status ?? ''));
  }

  /** A correction: the whole PortX (PUT) or some of it (PATCH), before it is sent or after a rejection. */
  update(
    partitionId: string,
    accountId: string,
    portId: string,
    change: Partial<PortX>,
  ): AlianzaPortView {
    const row = this.row(partitionId, accountId, portId);
    const { port, event } = this.view(row);
    if (!['RESELLER_PENDING', 'REJECTED'].includes(event.activationStatusType)) {
      throw new EmulatorError(
        400,
        'INCOMPATIBLE_STATE',
        `port ${portId} is ${port.status}: it can be corrected only before it is sent or after a rejection`,
      );
    }
    const stored = JSON.parse(row.port) as PortX;
    const corrected: AlianzaPortRow = {
      ...row,
      port: JSON.stringify({ ...stored, ...change, id: undefined, partitionId, accountId }),
    };
    this.statements.save.run(corrected);
    return this.view(corrected);
  }

  /** triggerport: the PortX goes to the losing carrier, first or again after a rejection. */
  trigger(partitionId: string, accountId: string, portId: string): AlianzaPortView {
    const row = this.row(partitionId, accountId, portId);
    const { event } = this.view(row);
    if (!['RESELLER_PENDING', 'REJECTED'].includes(event.activationStatusType)) {
      throw new EmulatorError(
        400,
        'INCOMPATIBLE_STATE',
        `port ${portId} is ${event.activationStatusType}: it was sent to the carrier already`,
      );
    }
    const submitted = this.ports.submit(
      partitionId,
      toSeedRequest(JSON.parse(row.port) as PortX, accountId),
    );
    const sent: AlianzaPortRow = { ...row, port_request_id: submitted.portRequestId };
    this.statements.save.run(sent);
    return this.view(sent);
  }

  /** cancelport: before the carrier approves, or before it was sent at all. */
  cancel(partitionId: string, accountId: string, portId: string): void {
    const row = this.row(partitionId, accountId, portId);
    const { port } = this.view(row);
    if (row.cancelled === 1 || port.status === 'CANCEL_PORT_COMPLETE' || port.status === 'ACTIVE') {
      throw new EmulatorError(
        400,
        'INCOMPATIBLE_STATE',
        `port ${portId} is ${port.status}: a terminal state`,
      );
    }
    if (row.port_request_id === null) {
      this.statements.save.run({ ...row, cancelled: 1 });
      return;
    }
    try {
      this.ports.cancel(partitionId, row.port_request_id);
    } catch (error) {
      // The seed's 409 is Alianza's 400 "incompatible state".
      if (error instanceof EmulatorError && error.statusCode === 409) {
        throw new EmulatorError(
          400,
          'INCOMPATIBLE_STATE',
          `port ${portId} is ${port.status}: the carrier has confirmed it and it can no longer be cancelled`,
          { status: port.status },
        );
      }
      throw error;
    }
  }

  private row(partitionId: string, accountId: string, portId: string): AlianzaPortRow {
    const row = this.statements.get.get(partitionId, portId);
    if (!row || row.account_id !== accountId)
      throw notFound(`no port ${portId} in account ${accountId}`);
    return row;
  }

  private view(row: AlianzaPortRow): AlianzaPortView {
    const stored = JSON.parse(row.port) as PortX;
    const port: PortX & { id: string } = {
      ...stored,
      id: row.port_id,
      createdDate: new Date(row.created_at).toISOString(),
    };
    const event: ActivationEvent = {
      id: `sae-${row.port_id}`,
      referenceId: row.port_id,
      serviceType: PORT_SERVICE_TYPE,
      activationStatusType: 'RESELLER_PENDING',
      crdDate: stored.crdDate,
      logs: [],
    };
    if (row.port_request_id === null) {
      const [status, type] =
        row.cancelled === 1
          ? ALIANZA_WORDS.CANCELLED!
          : ['PORT_PENDING' as const, 'RESELLER_PENDING' as const];
      return { port: { ...port, status }, event: { ...event, activationStatusType: type } };
    }
    const carrier = this.ports.get(row.partition_id, row.port_request_id);
    const [status, type] = ALIANZA_WORDS[carrier.status] ?? ['PORT_PENDING', 'PENDING'];
    port.status = status;
    event.activationStatusType = type;
    if (carrier.currentProvider) event.losingCarrier = carrier.currentProvider;
    if (carrier.focDate) {
      // The FOC instant: the partition's FOC hour of the FOC date in its zone, written in UTC.
      const { focDateTimeZone, focTime } = this.partitions.of(row.partition_id);
      port.focDate = zonedInstant(carrier.focDate, focTime, focDateTimeZone).toISOString();
      port.focDateTimeZone = focDateTimeZone;
      event.focDate = port.focDate;
    }
    if (status === 'ACTIVE') port.completedDate = midnight(addDays(carrier.requestedDate, 1));
    // One log per reason, with the carrier's code; read together they are the seed's reason.
    (carrier.rejections ?? []).forEach((rejection, index) => {
      const numbers = rejection.telephoneNumbers?.join(', ');
      const said = numbers ? `${rejection.reason} (${numbers})` : rejection.reason;
      event.logs.push({
        status: 'REJECTED',
        actionDate: carrier.submittedDate,
        code: rejection.code ?? 'CARRIER_REJECTED',
        message: index === 0 ? `${carrier.currentProvider} rejected the port: ${said}` : said,
      });
    });
    return { port, event };
  }
}

/**
 * The dates prevalidate gives numbers asked together: those the carrier of every one of them
 * takes (the FOC calendar of the seed's extension), from the seed's 7-day lead on, which the
 * carrier holds a port to.
 */
export function crdDates(focDates: NumberFocDates[], today: string): string[] {
  const lead = addDays(today, MIN_PORT_LEAD_DAYS);
  const [first, ...others] = focDates;
  const takenByOthers = others.map((dates) => new Set(dates.allowedFocDates));
  return (first?.allowedFocDates ?? []).filter(
    (date) => date >= lead && takenByOthers.every((taken) => taken.has(date)),
  );
}

/** What the losing carrier reads of a PortX: the seed's port request. */
function toSeedRequest(port: PortX, accountId: string): PortRequest {
  const record = port.customerServiceRecord;
  const { location: _location, ...serviceAddress } = fromStructuredAddress(record);
  const request: PortRequest = {
    telephoneNumbers: port.telephoneNumbers.map(fromAlianzaNumber),
    accountId,
    subscriber: {
      firstName: record.firstName,
      lastName: record.lastName,
      authorizedName: port.portingAuthorizedName,
    },
    serviceAddress,
    billingTelephoneNumber: fromAlianzaNumber(port.billingTelephoneNumber),
    accountNumber: port.wirelessAccountNumber ?? '',
    requestedDate: port.crdDate.slice(0, 10),
  };
  if (record.businessName) request.subscriber.companyName = record.businessName;
  if (port.wirelessPin) request.pin = port.wirelessPin;
  if (port.telecomSettings?.currentCarrierName)
    request.currentProvider = port.telecomSettings.currentCarrierName;
  return request;
}
