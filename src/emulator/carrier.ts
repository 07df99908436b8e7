import { z } from 'zod';
import {
  MIN_PORT_LEAD_DAYS,
  accountNumber,
  carrierPin,
  isTollFree,
  splitNumber,
  subscriber,
  type PlatformRejection,
  type PortRequest,
  type PortabilityCheck,
  type RejectionCode,
} from '../domain';
import { sameName } from '../domain/portability';
import type { EmulatorStore } from './store';

/** What a losing carrier knows of a number; a port must match it. */
export const carrierRecord = z.object({
  currentCarrier: z.string().trim().min(1).max(100),
  /** BUSINESS or RESIDENTIAL, or any word a carrier uses. */
  lineType: z.string().trim().min(1).max(40),
  portable: z.boolean(),
  subscriber,
  accountNumber,
  /** Absent: the carrier asks for no PIN. */
  pin: carrierPin.optional(),
  /** An extension for tests: the carrier rejects every port of the number so, whatever it holds. */
  rejectWith: z
    .object({ code: z.string().trim().min(1).max(60), reason: z.string().trim().min(1).max(200) })
    .optional(),
});
export type CarrierRecord = z.output<typeof carrierRecord>;

/** The losing carrier of a number nobody set a record for, by area code. */
export const DEFAULT_CARRIER_BY_NPA: Readonly<Record<string, string>> = {
  '607': 'AT&T',
  '212': 'Verizon',
  '312': 'Lumen',
  '415': 'Comcast Business',
  '512': 'Spectrum',
};
export const DEFAULT_TOLL_FREE_CARRIER = 'Verizon Business';
export const DEFAULT_OTHER_CARRIER = 'Frontier';

/** The seed's port request values, so the seed's own example ports cleanly. */
export function defaultCarrierRecord(telephoneNumber: string): CarrierRecord {
  const currentCarrier = isTollFree(telephoneNumber)
    ? DEFAULT_TOLL_FREE_CARRIER
    : (DEFAULT_CARRIER_BY_NPA[splitNumber(telephoneNumber).npa] ?? DEFAULT_OTHER_CARRIER);
  return {
    currentCarrier,
    lineType: 'BUSINESS',
    portable: true,
    subscriber: {
      firstName: 'John',
      lastName: 'Doe',
      companyName: 'Acme Corporation',
      authorizedName: 'John Doe',
    },
    accountNumber: '123456789',
    pin: '1234',
  };
}

/** What a losing carrier reads of a port request. */
export type CarrierPortRequest = Pick<
  PortRequest,
  'telephoneNumbers' | 'subscriber' | 'accountNumber' | 'pin' | 'currentProvider'
>;

/** Why the carrier would refuse to port this number for `request`, each with its code; secrets are named, never shown. */
function mismatches(
  record: CarrierRecord,
  request: CarrierPortRequest,
): { code: RejectionCode; field: string }[] {
  const found: { code: RejectionCode; field: string }[] = [];
  const given = request.subscriber;
  const nameMismatch = (field: string) => found.push({ code: 'SUBSCRIBER_NAME_MISMATCH', field });
  if (!sameName(given.firstName, record.subscriber.firstName)) nameMismatch('subscriber firstName');
  if (!sameName(given.lastName, record.subscriber.lastName)) nameMismatch('subscriber lastName');
  if (
    given.companyName !== undefined &&
    !sameName(given.companyName, record.subscriber.companyName)
  )
    nameMismatch('subscriber companyName');
  if (!sameName(given.authorizedName, record.subscriber.authorizedName))
    nameMismatch('subscriber authorizedName');
  if (request.accountNumber.trim() !== record.accountNumber)
    found.push({ code: 'ACCOUNT_NUMBER_MISMATCH', field: 'accountNumber' });
  if (record.pin !== undefined && request.pin?.trim() !== record.pin)
    found.push({ code: 'PIN_INVALID', field: 'pin' });
  if (
    request.currentProvider !== undefined &&
    !sameName(request.currentProvider, record.currentCarrier)
  )
    found.push({
      code: 'CURRENT_PROVIDER_MISMATCH',
      field: `currentProvider (the number is with ${record.currentCarrier})`,
    });
  return found;
}

/** The carrier's answer to a port request it refuses: its words, and each reason with its code and numbers. */
export interface CarrierRejection {
  reason: string;
  rejections: PlatformRejection[];
}

/** Where the platform's own numbers stand, for the carrier to tell whether a number can leave. */
export interface Holdings {
  accountOf(partitionId: string, telephoneNumber: string): string | undefined;
}

/** The losing carriers: their records and how they answer checks and port requests. */
export class Carriers {
  private readonly read;
  private readonly write;

  constructor(
    store: EmulatorStore,
    private readonly holdings: Holdings,
  ) {
    this.read = store.db.prepare<[string], { record: string }>(
      'SELECT record FROM carrier_records WHERE telephone_number = ?',
    );
    this.write = store.db.prepare<[string, string]>(
      `INSERT INTO carrier_records (telephone_number, record) VALUES (?, ?)
       ON CONFLICT (telephone_number) DO UPDATE SET record = excluded.record`,
    );
  }

  recordOf(telephoneNumber: string): CarrierRecord {
    const saved = this.read.get(telephoneNumber);
    return saved
      ? (JSON.parse(saved.record) as CarrierRecord)
      : defaultCarrierRecord(telephoneNumber);
  }

  setRecord(telephoneNumber: string, record: CarrierRecord): void {
    this.write.run(telephoneNumber, JSON.stringify(record));
  }

  /** Why the number cannot be ported into the partition, or undefined when it can. */
  notPortableReason(partitionId: string, telephoneNumber: string): string | undefined {
    const accountId = this.holdings.accountOf(partitionId, telephoneNumber);
    if (accountId !== undefined)
      return `already active on this platform (account ${accountId}): nothing to port`;
    const record = this.recordOf(telephoneNumber);
    if (!record.portable) return `${record.currentCarrier} marks the number not portable`;
    return undefined;
  }

  check(partitionId: string, telephoneNumber: string): PortabilityCheck {
    const record = this.recordOf(telephoneNumber);
    const reason = this.notPortableReason(partitionId, telephoneNumber);
    const answer: PortabilityCheck = {
      telephoneNumber,
      portable: reason === undefined,
      currentCarrier: record.currentCarrier,
      lineType: record.lineType,
      estimatedDays: reason === undefined ? MIN_PORT_LEAD_DAYS : 0,
    };
    if (reason !== undefined) answer.reason = reason;
    return answer;
  }

  /** The losing carrier's answer to a port request: undefined to approve, else why it rejects. */
  rejection(partitionId: string, request: CarrierPortRequest): CarrierRejection | undefined {
    const problems = new Map<string, PlatformRejection & { telephoneNumbers: string[] }>();
    const note = (code: string, reason: string, telephoneNumber: string) => {
      const problem = problems.get(reason) ?? { code, reason, telephoneNumbers: [] };
      problem.telephoneNumbers.push(telephoneNumber);
      problems.set(reason, problem);
    };
    for (const telephoneNumber of request.telephoneNumbers) {
      const record = this.recordOf(telephoneNumber);
      if (record.rejectWith)
        note(record.rejectWith.code, record.rejectWith.reason, telephoneNumber);
      const notPortable = this.notPortableReason(partitionId, telephoneNumber);
      if (notPortable !== undefined)
        note('NOT_PORTABLE', `not portable: ${notPortable}`, telephoneNumber);
      for (const { code, field } of mismatches(record, request))
        note(code, `${field} does not match the carrier's records`, telephoneNumber);
    }
    if (problems.size === 0) return undefined;
    const rejections = [...problems.values()];
    return {
      reason: rejections.map((r) => `${r.reason} (${r.telephoneNumbers.join(', ')})`).join('; '),
      rejections,
    };
  }
}
