import { z } from 'zod';
import { e911Address, serviceAddress } from './address';
import { addDays, daysBetween, isBusinessDay, isIsoDate } from './calendar';
import { accountId, callerIdName } from './numbers';
import type { RejectionCode } from './rejection';
import {
  PORT_PHASES,
  PORT_STATUSES,
  REMOVED_NUMBER_STATUS,
  UNSUBMITTED_NUMBER_STATUSES,
} from './port-status';
import { REJECTION_CODES, SUPPLEMENT_FIELDS } from './rejection';
import { distinctNumbers, telephoneNumber } from './telephone-number';
import { text } from './text';

export {
  APPROVED_NUMBER_STATUSES,
  CANCELLABLE_PORT_STATUSES,
  PORT_PHASES,
  REMOVED_NUMBER_STATUS,
  PORT_STATUSES,
  UNSUBMITTED_NUMBER_STATUSES,
  aggregatePortStatus,
  assignsNumbers,
  isKnownPortStatus,
  type PortPhase,
  type PortStatus,
} from './port-status';

export const portStatus = z.enum(PORT_STATUSES);
export const portPhase = z.enum(PORT_PHASES);

export const MIN_PORT_LEAD_DAYS = 7;

export const isoDate = z
  .string()
  .refine(isIsoDate, 'must be a date as YYYY-MM-DD')
  .meta({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

/** Why a requested port date is not acceptable on `today`, or undefined when it is. */
export function requestedDateProblem(requestedDate: string, today: string): string | undefined {
  if (daysBetween(today, requestedDate) < MIN_PORT_LEAD_DAYS) {
    return `must be at least ${MIN_PORT_LEAD_DAYS} days ahead (on or after ${addDays(today, MIN_PORT_LEAD_DAYS)})`;
  }
  if (!isBusinessDay(requestedDate))
    return 'must be a business day (not a weekend or US federal holiday)';
  return undefined;
}

export const subscriber = z.object({
  firstName: text(60),
  lastName: text(60),
  companyName: text(100).optional(),
  authorizedName: text(120),
});
export type Subscriber = z.output<typeof subscriber>;

/** Carrier account number and PIN: secrets that never leave an encrypted payload or the platform call. */
export const accountNumber = text(40);
export const carrierPin = z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'must be 1-20 letters or digits');

/** Where an activated number goes: the seed's assignment targets. */
export const assignmentTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('USER'), userId: z.string().min(1).max(64) }),
  z.object({
    type: z.literal('DEVICE_LINE'),
    deviceId: z.string().min(1).max(64),
    lineNumber: z.coerce.number().int().min(1).max(64),
  }),
  z.object({ type: z.literal('IVR'), ivrId: z.string().min(1).max(64) }),
  z.object({ type: z.literal('CALL_QUEUE'), queueId: z.string().min(1).max(64) }),
]);
export type AssignmentTarget = z.output<typeof assignmentTarget>;

/**
 * How the numbers go live on the FOC date: AUTOMATIC as the carrier cuts over (the default),
 * or ON_DEMAND when the client asks inside the carrier's activation window of that day.
 */
export const ACTIVATION_MODES = ['AUTOMATIC', 'ON_DEMAND'] as const;
export type ActivationMode = (typeof ACTIVATION_MODES)[number];

const portActivationFields = z.object({
  mode: z.enum(ACTIVATION_MODES).optional(),
  target: assignmentTarget.optional(),
  primary: z.boolean().optional(),
  e911Address: e911Address.optional(),
  callerIdName: callerIdName.optional(),
});

/**
 * portflow's addition: when the numbers go live, and what to do with them once the port
 * completes. An ON_DEMAND activation may name no target; any other must.
 */
export const portActivation = portActivationFields.refine(
  (activation) => activation.target !== undefined || activation.mode === 'ON_DEMAND',
  {
    message: 'must name the target to assign the numbers to (or ask mode ON_DEMAND)',
    path: ['target'],
  },
);
export type PortActivation = z.output<typeof portActivation>;
/** An activation that assigns the numbers somewhere. */
export type PortAssignment = PortActivation & { target: AssignmentTarget };

/** The seed's port request body; `allowPartial` and `activation` are portflow's additions. */
export const portRequest = z.object({
  // Up to 20,000 numbers: the largest bulk port the big carriers take.
  telephoneNumbers: distinctNumbers(telephoneNumber, 20_000),
  accountId,
  subscriber,
  serviceAddress,
  billingTelephoneNumber: telephoneNumber,
  accountNumber,
  pin: carrierPin.optional(),
  requestedDate: isoDate,
  currentProvider: text(100).optional(),
  allowPartial: z.boolean().optional(),
  activation: portActivation.optional(),
});
export type PortRequest = z.output<typeof portRequest>;

/**
 * An extension to the seed: the client's own reference for a port, which the platform keeps
 * and sends back in its notifications (portflow sends its portRequestId).
 */
export const customerReference = text(128);

/** A port request as the platform takes it: the seed's, plus the `customerReference` extension. */
export const platformPortSubmission = portRequest
  .omit({ allowPartial: true, activation: true })
  .extend({
    customerReference: customerReference.optional(),
    /** An extension: ON_DEMAND holds the cutover on the FOC date until the client activates. */
    activationMode: z.enum(ACTIVATION_MODES).optional(),
  });
export type PlatformPortSubmission = z.output<typeof platformPortSubmission>;

/** A supplement after a rejection: any corrected field of the request. */
export const portSupplement = z
  .object({
    subscriber: subscriber.optional(),
    serviceAddress: serviceAddress.optional(),
    billingTelephoneNumber: telephoneNumber.optional(),
    accountNumber: accountNumber.optional(),
    pin: carrierPin.optional(),
    requestedDate: isoDate.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'must correct at least one field')
  .meta({ minProperties: 1 });
export type PortSupplement = z.output<typeof portSupplement>;

/** The seed's portability check answer. */
export const portabilityCheck = z.object({
  telephoneNumber,
  portable: z.boolean(),
  currentCarrier: z.string().min(1),
  /** BUSINESS or RESIDENTIAL in the seed; other words are kept as they come. */
  lineType: z.string().min(1),
  estimatedDays: z.number().int().min(0),
  /** Why a number is not portable, when the platform says. */
  reason: z.string().optional(),
  /** The earliest and latest dates the carrier would port on, when the platform says (Alianza's prevalidate). */
  earliestCrd: isoDate.optional(),
  latestCrd: isoDate.optional(),
});
export type PortabilityCheck = z.output<typeof portabilityCheck>;

export const rejectionCode = z.enum(REJECTION_CODES as [RejectionCode, ...RejectionCode[]]);
export const supplementField = z.enum(SUPPLEMENT_FIELDS);

/**
 * An extension to the seed: one reason the carrier gave for a rejection, with its code (the
 * emulator's are portflow's REJECTION_CODES; another platform's are kept raw) and the numbers
 * it concerns (absent: all of them).
 */
export const platformRejection = z.object({
  code: z.string().min(1).optional(),
  reason: z.string(),
  telephoneNumbers: z.array(telephoneNumber).optional(),
});

/** Why a port (or one number of it) was rejected and what fixes it: portflow's addition. */
const rejectionFields = {
  rejectionCode: rejectionCode.optional(),
  /** The request fields a supplement must correct; none when no field is at fault. */
  fieldsToCorrect: z.array(supplementField).optional(),
  /** A supplement (PATCH) can fix it; false: only a new port can. */
  supplementable: z.boolean().optional(),
};

/** One status a platform port took, when (the platform's time) and, on approval, its FOC date. */
export const platformPortStatusChange = z.object({
  status: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  focDate: isoDate.optional(),
  rejectionReason: z.string().optional(),
});
export type PlatformPortStatusChange = z.output<typeof platformPortStatusChange>;

/**
 * The platform's port object: the seed's submit and status answers. `status` is kept as a
 * string, since a platform may send words the client does not know; `isKnownPortStatus` tells.
 */
export const platformPort = z.object({
  portRequestId: z.string().min(1),
  status: z.string().min(1),
  telephoneNumbers: z.array(telephoneNumber),
  submittedDate: z.iso.datetime({ offset: true }),
  requestedDate: isoDate,
  estimatedCompletionDate: isoDate,
  focDate: isoDate.optional(),
  /** The FOC date's time zone, when the platform says (Alianza's `focDateTimeZone`). */
  focDateTimeZone: z.string().optional(),
  rejectionReason: z.string().optional(),
  currentProvider: z.string().optional(),
  accountId: accountId.optional(),
  /** Extensions to the seed: the client's reference, and every status the port has had, in order. */
  customerReference: z.string().optional(),
  statusHistory: z.array(platformPortStatusChange).optional(),
  /** The submission's `activationMode` extension, when it asked ON_DEMAND. */
  activationMode: z.enum(ACTIVATION_MODES).optional(),
  /** The platform's own status words, when they are not the seed's (Alianza: `PORT_PENDING / FOC_RECEIVED`). */
  carrierStatus: z.string().optional(),
  /** An extension to the seed: why the carrier rejected it, reason by reason, with codes. */
  rejections: z.array(platformRejection).optional(),
});
export type PlatformPort = z.output<typeof platformPort>;

/** The notification's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const PLATFORM_NOTIFICATION_SIGNATURE_HEADER = 'x-platform-signature';
/** The notification's `id`, the same on every retry of one change. */
export const PLATFORM_NOTIFICATION_ID_HEADER = 'x-platform-notification-id';

/**
 * The platform's notification that a port's status changed (an extension: the emulator sends
 * it, as Telnyx and Bandwidth do; the real Alianza API has none). It is signed with a shared
 * secret; `id` is the same on every retry of one change.
 */
export const platformPortNotification = z.object({
  id: z.string().min(1).max(128),
  type: z.literal('port.status_changed'),
  partitionId: z.string().min(1).max(64),
  portRequestId: z.string().min(1).max(64),
  customerReference: customerReference.optional(),
  status: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  focDate: isoDate.optional(),
  rejectionReason: z.string().optional(),
});
export type PlatformPortNotification = z.output<typeof platformPortNotification>;

/** One number's own outcome inside a port (portflow's addition to the seed's object). */
export const portNumberOutcome = z.object({
  telephoneNumber,
  currentCarrier: z.string().optional(),
  portable: z.boolean().optional(),
  /** The seed's status for this number, why it was never submitted, or REMOVED (taken out of the port). */
  status: z.union([
    portStatus,
    z.enum(UNSUBMITTED_NUMBER_STATUSES),
    z.literal(REMOVED_NUMBER_STATUS),
  ]),
  /** The platform's own word when it is one portflow does not know, kept as it came. */
  carrierStatus: z.string().optional(),
  upstreamPortRequestId: z.string().optional(),
  focDate: isoDate.optional(),
  reason: z.string().optional(),
  ...rejectionFields,
  /** The platform's own rejection code or text when portflow does not know it (rejectionCode OTHER). */
  platformRejectionCode: z.string().optional(),
  /** When the client took the number out of the port (status REMOVED). */
  removedAt: z.iso.datetime({ offset: true }).optional(),
});
export type PortNumberOutcome = z.output<typeof portNumberOutcome>;

export const portHistoryEntry = z.object({
  at: z.iso.datetime({ offset: true }),
  status: portStatus,
  phase: portPhase,
  detail: z.string(),
});
export type PortHistoryEntry = z.output<typeof portHistoryEntry>;

export const ACTIVATION_STATUSES = ['WAITING', 'ACTIVATING', 'ACTIVATED', 'FAILED'] as const;

/** The port object portflow answers: the seed's fields and portflow's additions, never a secret. */
export const portObject = z.object({
  portRequestId: z.string(),
  status: portStatus,
  phase: portPhase,
  /** The numbers the port ports: one the client took out has left it (REMOVED in `numbers`). */
  telephoneNumbers: z.array(telephoneNumber),
  accountId,
  currentProvider: z.string().optional(),
  submittedDate: z.iso.datetime({ offset: true }).optional(),
  requestedDate: isoDate,
  estimatedCompletionDate: isoDate.optional(),
  focDate: isoDate.optional(),
  /** The time zone the FOC date is a day of, when the platform says (Alianza's `focDateTimeZone`). */
  focDateTimeZone: z.string().optional(),
  rejectionReason: z.string().optional(),
  ...rejectionFields,
  allowPartial: z.boolean(),
  activation: portActivationFields
    .extend({ status: z.enum(ACTIVATION_STATUSES), detail: z.string().optional() })
    .optional(),
  /** Each number's own outcome: those of `telephoneNumbers` in its order, then the removed ones. */
  numbers: z.array(portNumberOutcome),
  history: z.array(portHistoryEntry),
  createdDate: z.iso.datetime({ offset: true }),
});
export type PortObject = z.output<typeof portObject>;
