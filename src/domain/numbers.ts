import { z } from 'zod';
import { e911Address, usState } from './address';
import {
  distinctNumbers,
  localNumber,
  npa,
  numberPattern,
  nxx,
  telephoneNumber,
  tollFreeNumber,
} from './telephone-number';
import { text } from './text';

export const accountId = text(64).meta({ examples: ['acc_123'] });

/** Caller ID (CNAM) name: at most 15 characters, capitals, digits and spaces. */
export const callerIdName = z
  .string()
  .max(15, 'must be at most 15 characters')
  .regex(/^ *[A-Z0-9][A-Z0-9 ]*$/, 'must be capitals, digits and spaces only, not blank')
  .meta({ examples: ['ACME SUPPORT'] });

export const SEARCH_DEFAULT_QUANTITY = 10;
export const SEARCH_MAX_QUANTITY = 100;

const quantity = z.coerce
  .number()
  .int()
  .min(1)
  .max(SEARCH_MAX_QUANTITY)
  .default(SEARCH_DEFAULT_QUANTITY);

/** The seed's local search: by NPA, NPA-NXX, rate center + state, or pattern. */
export const numberSearchQuery = z
  .object({
    npa: npa.optional(),
    nxx: nxx.optional(),
    rateCenter: text(40).toUpperCase().optional(),
    state: usState.optional(),
    pattern: numberPattern.optional(),
    quantity,
  })
  .strict()
  .refine((query) => !query.nxx || query.npa, { message: 'nxx needs npa', path: ['nxx'] })
  .refine((query) => !query.rateCenter || query.state, {
    message: 'rateCenter needs state',
    path: ['state'],
  })
  // The two refinements above, as JSON Schema says them (OpenAPI 3.1).
  .meta({ dependentRequired: { nxx: ['npa'], rateCenter: ['state'] } });
export type NumberSearchQuery = z.output<typeof numberSearchQuery>;

export const tollFreeSearchQuery = z.object({
  npa: z.enum(['800', '888', '877', '866', '855', '844', '833']).optional(),
  pattern: numberPattern.optional(),
  quantity,
});
export type TollFreeSearchQuery = z.output<typeof tollFreeSearchQuery>;

export const availableNumber = z.object({
  telephoneNumber,
  formatted: z.string(),
  npa: z.string(),
  nxx: z.string(),
  line: z.string(),
  rateCenter: z.string().optional(),
  state: z.string().optional(),
  lata: z.string().optional(),
  available: z.boolean(),
});
export type AvailableNumber = z.output<typeof availableNumber>;

export const numberSearchResult = z.object({ telephoneNumbers: z.array(availableNumber) });
export type NumberSearchResult = z.output<typeof numberSearchResult>;

export const ORDER_MAX_NUMBERS = 10_000;

/** A platform's order body (the emulator takes toll-free numbers in it too). */
export const orderRequest = z.object({
  telephoneNumbers: distinctNumbers(telephoneNumber, ORDER_MAX_NUMBERS),
  accountId,
});

/** The seed's order body as portflow's `/order` takes it: local numbers only. */
export const localOrderRequest = orderRequest.extend({
  telephoneNumbers: distinctNumbers(localNumber, ORDER_MAX_NUMBERS),
});
export type OrderRequest = z.output<typeof orderRequest>;

export const tollFreeOrderRequest = z.object({ telephoneNumber: tollFreeNumber, accountId });
export type TollFreeOrderRequest = z.output<typeof tollFreeOrderRequest>;

/** An ordered number's outcome: ACTIVE when ordered; other words (FAILED...) as they come. */
export const orderedNumber = z.object({
  telephoneNumber,
  status: z.string().min(1),
  accountId: accountId.optional(),
  orderedDate: z.iso.datetime({ offset: true }).optional(),
  /** Why this number was not ordered, when it was not. */
  reason: z.string().optional(),
});
export type OrderedNumber = z.output<typeof orderedNumber>;

export const orderResult = z.object({
  orderId: z.string().min(1),
  status: z.string().min(1),
  telephoneNumbers: z.array(orderedNumber),
});
export type OrderResult = z.output<typeof orderResult>;

/** The seed's assignment types as the account listing shows them. */
export const ASSIGNMENT_TYPES = ['END_USER', 'DEVICE_LINE', 'IVR', 'CALL_QUEUE'] as const;
export const assignmentType = z.enum(ASSIGNMENT_TYPES);
export type AssignmentType = z.output<typeof assignmentType>;

/** Assign to an end user or a device line: the seed's body. */
export const lineAssignmentBody = z.object({
  telephoneNumber,
  primary: z.boolean().optional(),
  e911Address: e911Address.optional(),
});
export type LineAssignmentBody = z.output<typeof lineAssignmentBody>;

/** Assign to an IVR or a call queue: the seed's body. */
export const serviceAssignmentBody = z.object({ telephoneNumber });
export type ServiceAssignmentBody = z.output<typeof serviceAssignmentBody>;

export const directoryListing = z.discriminatedUnion('listed', [
  z.object({
    listed: z.literal(true),
    name: text(100),
    address: text(200).optional(),
  }),
  z.object({ listed: z.literal(false) }),
]);
export type DirectoryListing = z.output<typeof directoryListing>;

/** The seed's account number list entry. */
export const accountNumberEntry = z.object({
  telephoneNumber,
  formatted: z.string(),
  assignedTo: z.string().nullable(),
  assignmentType: assignmentType.nullable(),
  primary: z.boolean(),
  status: z.string().min(1),
  e911Registered: z.boolean(),
});
export type AccountNumberEntry = z.output<typeof accountNumberEntry>;
export const accountNumberList = z.array(accountNumberEntry);

/** The answer to an assignment: the number as the account listing shows it. */
export const assignmentResult = accountNumberEntry.extend({ accountId });
export type AssignmentResult = z.output<typeof assignmentResult>;

/** The seed's number details. */
export const numberDetails = z.object({
  telephoneNumber,
  formatted: z.string(),
  npa: z.string(),
  nxx: z.string(),
  status: z.string().min(1),
  accountId: accountId.nullable(),
  assignedTo: z.string().nullable(),
  assignmentType: assignmentType.nullable(),
  e911: z.object({ registered: z.boolean(), address: e911Address.optional() }),
  directoryListing: z.object({
    listed: z.boolean(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  callerIdName: z.string().nullable(),
  /** An extension to the seed: BUSINESS or RESIDENTIAL (or the platform's own word), when the platform tells. */
  lineType: z.string().min(1).optional(),
});
export type NumberDetails = z.output<typeof numberDetails>;

/** The seed's number update; `null` clears a setting (portflow's addition, used by release). */
export const numberUpdate = z
  .object({
    callerIdName: callerIdName.nullable().optional(),
    e911Address: e911Address.nullable().optional(),
    directoryListing: directoryListing.optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'must set at least one of callerIdName, e911Address, directoryListing',
  )
  .meta({ minProperties: 1 });
export type NumberUpdate = z.output<typeof numberUpdate>;

/** The platform's error body (and portflow's): codes in UPPER_SNAKE. */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.output<typeof errorBody>;
