/*
 * The Alianza API's wire format, written from its OpenAPI 3.0.3 document
 * (../shared/docs/ALIANZA-API.md): the alianza platform adapter sends and reads it, and the
 * emulator's alianza dialect validates with the same schemas.
 */
import { z } from 'zod';
import type { E911Address } from './address';
import type { AssignmentType } from './numbers';

/** `18015551212`: 11 digits, no `+`. */
export const alianzaNumber = z
  .string()
  .regex(/^1[2-9]\d{2}[2-9]\d{6}$/, 'must be 11 digits: 1, a 3-digit area code, a 7-digit number');

export const toAlianzaNumber = (telephoneNumber: string): string => telephoneNumber.slice(1);
export const fromAlianzaNumber = (number: string): string => `+${number}`;

/** PortX.status (O:26676). */
export const PORT_X_STATUSES = [
  'ACTIVE',
  'ACTIVATION_ON_HOLD',
  'ACTIVATION_PENDING',
  'PORT_PENDING',
  'CANCEL_PORT',
  'CANCEL_PORT_EXPIDITED',
  'DELETE_PENDING',
  'DELETED',
  'CANCEL_PORT_COMPLETE',
  'PORT_REJECTED',
  'INVENTORY',
  'INVENTORY_CLAIMED',
  'COOLDOWN',
  'RECOVERED',
] as const;
export type PortXStatus = (typeof PORT_X_STATUSES)[number];

/** A service activation event's `activationStatusType` (O:28690). */
export const ACTIVATION_STATUS_TYPES = [
  'PENDING',
  'IN_PROGRESS',
  'REJECTED',
  'FOC_RECEIVED',
  'FOC_REMOVED',
  'CANCELLED',
  'CANCEL_PENDING',
  'CARRIER_CANCELLED',
  'DELETE_PENDING',
  'DELETE_SCHEDULED',
  'COMPLETED',
  'CORRECTED_COMPLETED',
  'COOLDOWN',
  'HOT_CUT_PORT',
  'ON_HOLD',
  'RESELLER_PENDING',
] as const;
export type ActivationStatusType = (typeof ACTIVATION_STATUS_TYPES)[number];

/** A destination's `referenceType` (O:24908). */
export const REFERENCE_TYPES = [
  'SIP_TRUNK',
  'END_USER',
  'IVR',
  'LINE_APPEARANCE',
  'LINE_HUNTGROUP',
  'TELEPHONE',
  'VFAX',
  'BUSINESS_LINE',
  'BUSINESS_LINE_HUNT_GROUP',
  'CALL_GROUP',
  'CALL_QUEUE',
  'AUTO_ATTENDANT',
  'SPECIALTY_LINE',
  'CONTACT_CENTER',
] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

/** The destination type of each of the seed's assignment types. */
export const REFERENCE_TYPE_OF: Readonly<Record<AssignmentType, ReferenceType>> = {
  END_USER: 'END_USER',
  DEVICE_LINE: 'LINE_APPEARANCE',
  IVR: 'IVR',
  CALL_QUEUE: 'CALL_QUEUE',
};

/** The seed's assignment type of a destination type, when the seed has one. */
export function assignmentTypeOf(referenceType: ReferenceType): AssignmentType | undefined {
  const found = Object.entries(REFERENCE_TYPE_OF).find(([, type]) => type === referenceType);
  return found?.[0] as AssignmentType | undefined;
}

export const DIRECTIONALS = ['', 'N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** CustomerServiceRecordX.secondaryLocationDescription. */
export const SECONDARY_LOCATIONS = [
  '',
  'APARTMENT',
  'BUILDING',
  'BASEMENT',
  'DEPARTMENT',
  'FLOOR',
  'FRONT',
  'HANGER',
  'KEY',
  'LOBBY',
  'LOT',
  'LOWER',
  'OFFICE',
  'PENTHOUSE',
  'PIER',
  'REAR',
  'ROOM',
  'SIDE',
  'SLIP',
  'SPACE',
  'SUITE',
  'STOP',
  'TRAILER',
  'UNIT',
  'UPPER',
] as const;

export const FOC_TIME_ZONES = [
  'US/Samoa',
  'US/Hawaii',
  'US/Alaska',
  'US/Pacific',
  'US/Arizona',
  'US/Mountain',
  'US/Central',
  'US/Eastern',
  'America/St_Thomas',
  'Canada/Pacific',
  'Canada/Mountain',
  'Canada/Central',
  'Canada/Eastern',
  'Canada/Atlantic',
  'Canada/Newfoundland',
] as const;

const text = z.string().trim().min(1);

/** A structured address (O:24419): what E911 and a customer service record are made of. */
export const structuredAddress = z.object({
  streetNumber: text,
  streetNumberSuffix: z.string().optional(),
  preDirectional: z.enum(DIRECTIONALS).optional(),
  streetName: text,
  streetSuffix: z.string().optional(),
  postDirectional: z.enum(DIRECTIONALS).optional(),
  city: text,
  state: text,
  country: z.string().optional(),
  postalCode: text,
  secondaryLocationDescription: z.enum(SECONDARY_LOCATIONS).optional(),
  unit: z.string().optional(),
  latitude: z.string().optional(),
  longitude: z.string().optional(),
});
export type StructuredAddress = z.output<typeof structuredAddress>;

export const customerServiceRecord = structuredAddress.extend({
  firstName: text,
  middleInitial: z.string().optional(),
  lastName: text,
  businessName: z.string().optional(),
  customerType: z.enum(['BUSINESS', 'RESIDENTIAL']).optional(),
  customerName: z.string().optional(),
});
export type CustomerServiceRecord = z.output<typeof customerServiceRecord>;

export const alianzaDirectoryListing = z.object({
  listed: z.boolean(),
  type: z
    .enum([
      'ERROR',
      'LIST_PUBLISH',
      'LIST_NOT_PUBLISH',
      'NOT_LIST_NOT_PUBLISH',
      'PORTED',
      'COMPLEX',
    ])
    .optional(),
  address: structuredAddress.partial().optional(),
});
export type AlianzaDirectoryListing = z.output<typeof alianzaDirectoryListing>;

/** PortX (O:26676), as far as portflow uses it. */
export const portX = z.object({
  id: z.string().min(1).optional(),
  partitionId: z.string().optional(),
  accountId: z.string().optional(),
  telephoneNumbers: z.array(alianzaNumber).min(1),
  status: z.enum(PORT_X_STATUSES).optional(),
  carrierId: z.string().optional(),
  customerServiceRecord,
  crdDate: z.iso.datetime({ offset: true }),
  billingTelephoneNumber: alianzaNumber,
  portingWireType: z.enum(['Wireless', 'Wireline']).optional(),
  portingAuthorizedName: text,
  wirelessAccountNumber: z.string().optional(),
  wirelessPin: z.string().optional(),
  focDate: z.iso.datetime({ offset: true }).optional(),
  focDateTimeZone: z.enum(FOC_TIME_ZONES).optional(),
  createdDate: z.iso.datetime({ offset: true }).optional(),
  completedDate: z.iso.datetime({ offset: true }).optional(),
  cancelType: z.enum(['NORMAL', 'EXPIDITED', 'BY_CARRIER']).optional(),
  telecomSettings: z
    .object({
      notes: z.string().optional(),
      currentCarrier: z.string().optional(),
      currentCarrierName: z.string().optional(),
    })
    .optional(),
  portNow: z.boolean().optional(),
});
export type PortX = z.output<typeof portX>;

/** A PortX fragment for PATCH: a supplement's corrected fields. */
export const portXPatch = portX.partial();
export type PortXPatch = z.output<typeof portXPatch>;

/** One number of a createOrAdd body. */
export const numberToAdd = z.object({
  phoneNumber: alianzaNumber,
  functionType: z.string().optional(),
  tollFree: z.boolean().optional(),
  operationalStatus: z.string().optional(),
  portId: z.string().optional(),
});

/** createOrAddTelephoneNumberToAccount's body and answer (O:14032). */
export const createOrAdd = z.object({
  partitionId: z.string().min(1),
  accountId: z.string().min(1),
  telephoneNumbers: z.array(numberToAdd).min(1),
  e911Address: structuredAddress.optional(),
  directoryListing: alianzaDirectoryListing.optional(),
  holdActivation: z.boolean().optional(),
  port: portX.optional(),
});
export type CreateOrAdd = z.output<typeof createOrAdd>;

/** A number of an account (the account listing and the account-scoped details). */
export const accountTelephoneNumber = z.object({
  phoneNumber: alianzaNumber,
  accountId: z.string().optional(),
  referenceType: z.enum(REFERENCE_TYPES).nullable().optional(),
  referenceId: z.string().nullable().optional(),
  carrierStatus: z.string().optional(),
  operationalStatus: z.string().optional(),
  functionType: z.string().optional(),
  tollFree: z.boolean().optional(),
  portId: z.string().nullable().optional(),
  e911Address: structuredAddress.nullable().optional(),
  directoryListing: alianzaDirectoryListing.nullable().optional(),
  assignAsCallerId: z.boolean().optional(),
  ringType: z.string().optional(),
});
export type AccountTelephoneNumber = z.output<typeof accountTelephoneNumber>;

/** PATCH of an account's number: the fields it sets, `null` clears one. */
export const telephoneNumberPatch = z.object({
  e911Address: structuredAddress.nullable().optional(),
  directoryListing: alianzaDirectoryListing.optional(),
  referenceType: z.enum(REFERENCE_TYPES).nullable().optional(),
  referenceId: z.string().nullable().optional(),
});
export type TelephoneNumberPatch = z.output<typeof telephoneNumberPatch>;

/** A number in the partition's inventory view (search results and the partition-level read). */
export const inventoryTelephoneNumber = z.object({
  id: z.string().optional(),
  phoneNumber: alianzaNumber,
  rateCenter: z.string().optional(),
  state: z.string().optional(),
  country: z.string().optional(),
  prefix: z.string().optional(),
  accountId: z.string().nullable().optional(),
  functionType: z.string().optional(),
  operationalStatus: z.string().optional(),
  isInInventory: z.boolean().optional(),
  cooldownExpireDate: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type InventoryTelephoneNumber = z.output<typeof inventoryTelephoneNumber>;

export const SEARCH_TYPES = [
  'POSTALCODE_OR_TN',
  'TN',
  'POSTALCODE',
  'LAT_LONG',
  'RATECENTER',
  'RATECENTER_CARRIER',
] as const;
export const FUNCTION_TYPES = ['ELS', 'TollFree', 'TemporaryNumber', 'SPTN'] as const;

export const numberSearch = z.object({
  q: z.string().trim().min(1).max(40),
  type: z.enum(SEARCH_TYPES).optional(),
  functiontype: z.enum(FUNCTION_TYPES).optional(),
  maxResults: z.coerce.number().int().min(1).max(1000).optional(),
});

/** A destination: where calls to the number go (O:15026). */
export const destination = z.object({
  telephoneNumber: alianzaNumber,
  referenceType: z.enum(REFERENCE_TYPES),
  referenceId: z.string().min(1),
  ringType: z.string().optional(),
  assignAsCallerId: z.boolean().optional(),
});
export type Destination = z.output<typeof destination>;

export const activationLog = z.object({
  status: z.string(),
  actionDate: z.iso.datetime({ offset: true }),
  code: z.string().optional(),
  message: z.string().optional(),
});

/** A service activation event: the port's finer tracking, rejection reasons in its logs. */
export const activationEvent = z.object({
  id: z.string(),
  referenceId: z.string(),
  serviceType: z.string(),
  activationStatusType: z.enum(ACTIVATION_STATUS_TYPES),
  focDate: z.iso.datetime({ offset: true }).optional(),
  crdDate: z.iso.datetime({ offset: true }).optional(),
  losingCarrier: z.string().optional(),
  logs: z.array(activationLog),
});
export type ActivationEvent = z.output<typeof activationEvent>;

/** The service type under which a port's activation event is read. */
export const PORT_SERVICE_TYPE = 'PORT';

/** A date as PortAvailabilityResponseV2X writes one (`format: date`): YYYY-MM-DD. */
const alianzaDate = z.iso.date();

/**
 * prevalidate's answer (PortAvailabilityResponseV2X, O:3839): the dates the carrier would port on
 * (`earliestCRD`, `latestCRD` and `availabilityList`, each `format: date`) for the numbers asked
 * together. `numberAvailability` is not in the document: the emulator's own word on each number
 * (portable, its losing carrier); without it each number is as the whole answer says, its
 * carrier unknown.
 */
export const prevalidation = z.object({
  serviceAvailable: z.boolean(),
  lnp: z.boolean(),
  wirelessPort: z.boolean(),
  carrierType: z.string().optional(),
  earliestCRD: alianzaDate.optional(),
  latestCRD: alianzaDate.optional(),
  availabilityList: z.array(alianzaDate).optional(),
  directoryListingAllowed: z.boolean().optional(),
  exception: z.string().nullable().optional(),
  numberAvailability: z
    .array(
      z.object({
        telephoneNumber: alianzaNumber,
        available: z.boolean(),
        losingCarrier: z.string().optional(),
        customerType: z.string().optional(),
      }),
    )
    .optional(),
});
export type Prevalidation = z.output<typeof prevalidation>;

export const authorizeRequest = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
});
export const authorizeAnswer = z.object({
  authToken: z.string().min(1),
  userId: z.string().optional(),
  partitionId: z.string().optional(),
  accountId: z.string().nullable().optional(),
  permissions: z.array(z.string()).optional(),
  maxLifeInHours: z.number().optional(),
});

/** The partition's settings that portflow reads (PartitionX, O:26030). */
export const partitionX = z.object({
  id: z.string(),
  /**
   * Days a deleted number stays in COOLDOWN before it goes back to its carrier (an int32; more
   * than a century is taken for a broken answer, as no timer or date can hold it).
   */
  tnDeleteCooldownDays: z.number().int().min(0).max(36_500).optional(),
});

/** PublicApiException (O:24783): every refusal. */
export const alianzaError = z.object({
  status: z.number().int(),
  messages: z.array(z.string()),
  data: z.unknown().optional(),
});
export type AlianzaError = z.output<typeof alianzaError>;

/** The message an expired session token is refused with. */
export const EXPIRED_AUTH_TOKEN = 'Expired Auth Token';

const STREET =
  /^(\d+)([A-Za-z]|\s1\/2)?\s+(?:(N|NE|E|SE|S|SW|W|NW)\.?\s+)?(.+?)(?:\s+(N|NE|E|SE|S|SW|W|NW)\.?)?$/i;
const STREET_SUFFIXES = new Set([
  'ST',
  'AVE',
  'AV',
  'RD',
  'BLVD',
  'DR',
  'LN',
  'WAY',
  'CT',
  'PL',
  'PKWY',
  'HWY',
  'CIR',
  'TER',
  'SQ',
  'STREET',
  'AVENUE',
  'ROAD',
  'DRIVE',
  'LANE',
  'COURT',
  'PLACE',
]);
/** How people write a secondary location, and the word Alianza takes for it. */
const LOCATION_WORDS: Readonly<Record<string, (typeof SECONDARY_LOCATIONS)[number]>> = {
  APARTMENT: 'APARTMENT',
  APT: 'APARTMENT',
  BUILDING: 'BUILDING',
  BLDG: 'BUILDING',
  BASEMENT: 'BASEMENT',
  DEPARTMENT: 'DEPARTMENT',
  DEPT: 'DEPARTMENT',
  FLOOR: 'FLOOR',
  FL: 'FLOOR',
  LOBBY: 'LOBBY',
  LOT: 'LOT',
  OFFICE: 'OFFICE',
  OFC: 'OFFICE',
  PENTHOUSE: 'PENTHOUSE',
  PH: 'PENTHOUSE',
  ROOM: 'ROOM',
  RM: 'ROOM',
  SPACE: 'SPACE',
  SUITE: 'SUITE',
  STE: 'SUITE',
  TRAILER: 'TRAILER',
  UNIT: 'UNIT',
};

/** A field of portflow's address that has no place in Alianza's structured one. */
export interface AddressProblem {
  field: 'street' | 'location';
  message: string;
}

/**
 * portflow's address (`135 Front St`, `Suite 200`) as Alianza's structured one, or the field
 * that cannot be split into it.
 */
export function toStructuredAddress(
  address: Omit<E911Address, 'location'> & { location?: string },
): { address: StructuredAddress } | { problem: AddressProblem } {
  const street = STREET.exec(address.street.trim());
  if (!street) {
    return {
      problem: {
        field: 'street',
        message:
          'must be a street number then a street name (as 135 Front St): Alianza takes E911 and service addresses structured',
      },
    };
  }
  const [, streetNumber, numberSuffix, preDirectional, name, postDirectional] =
    street as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      string,
      string | undefined,
    ];
  const words = name.split(/\s+/);
  const last = words.at(-1) ?? '';
  const hasSuffix = words.length > 1 && STREET_SUFFIXES.has(last.replace(/\.$/, '').toUpperCase());
  const structured: StructuredAddress = {
    streetNumber,
    streetName: hasSuffix ? words.slice(0, -1).join(' ') : name,
    city: address.city,
    state: address.state,
    country: 'US',
    postalCode: address.zipCode,
  };
  if (numberSuffix) structured.streetNumberSuffix = numberSuffix.trim();
  if (preDirectional) structured.preDirectional = preDirectional.toUpperCase() as 'N';
  if (postDirectional) structured.postDirectional = postDirectional.toUpperCase() as 'N';
  if (hasSuffix) structured.streetSuffix = last.replace(/\.$/, '');
  if (address.location !== undefined) {
    const location = /^([A-Za-z]+)\.?\s*#?\s*(\S.*)?$/.exec(address.location.trim());
    const word = location ? LOCATION_WORDS[(location[1] as string).toUpperCase()] : undefined;
    if (!location || !word) {
      return {
        problem: {
          field: 'location',
          message: `must start with one of ${Object.keys(LOCATION_WORDS).join(', ')} (as Suite 200): Alianza takes a secondary location from a fixed list`,
        },
      };
    }
    structured.secondaryLocationDescription = word;
    if (location[2]) structured.unit = location[2];
  }
  return { address: structured };
}

const titleCase = (word: string) => word.charAt(0) + word.slice(1).toLowerCase();

/** Alianza's structured address as portflow writes one. */
export function fromStructuredAddress(address: StructuredAddress): E911Address {
  const street = [
    `${address.streetNumber}${address.streetNumberSuffix ?? ''}`,
    address.preDirectional,
    address.streetName,
    address.streetSuffix,
    address.postDirectional,
  ]
    .filter((part) => part)
    .join(' ');
  const result: E911Address = {
    street,
    city: address.city,
    state: address.state as E911Address['state'],
    zipCode: address.postalCode,
  };
  if (address.secondaryLocationDescription) {
    result.location = [titleCase(address.secondaryLocationDescription), address.unit]
      .filter((part) => part)
      .join(' ');
  }
  return result;
}
