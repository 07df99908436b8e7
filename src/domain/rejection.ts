/*
 * Why a losing carrier rejected a port, in one documented list of codes. Zod-free: workflow
 * code imports it.
 */

/** The request fields a supplement can correct (the PATCH body's). */
export const SUPPLEMENT_FIELDS = [
  'subscriber',
  'serviceAddress',
  'billingTelephoneNumber',
  'accountNumber',
  'pin',
  'requestedDate',
] as const;
export type SupplementField = (typeof SUPPLEMENT_FIELDS)[number];

interface RejectionRule {
  /** The request fields to correct; none when no field of the request is at fault. */
  fields: readonly SupplementField[];
  /** A supplement (PATCH) can fix it; otherwise only a new port (or nothing) can. */
  supplementable: boolean;
}

/** Every rejection code portflow answers, with what fixes it. */
export const REJECTION_RULES = {
  ACCOUNT_NUMBER_MISMATCH: { fields: ['accountNumber'], supplementable: true },
  PIN_INVALID: { fields: ['pin'], supplementable: true },
  SUBSCRIBER_NAME_MISMATCH: { fields: ['subscriber'], supplementable: true },
  ADDRESS_MISMATCH: { fields: ['serviceAddress'], supplementable: true },
  BTN_MISMATCH: { fields: ['billingTelephoneNumber'], supplementable: true },
  NOT_PORTABLE: { fields: [], supplementable: false },
  FOC_DATE_UNAVAILABLE: { fields: ['requestedDate'], supplementable: true },
  CARRIER_NOT_RESPONDING: { fields: [], supplementable: true },
  /** The number is with another carrier than the one named: a new port to that carrier. */
  CURRENT_PROVIDER_MISMATCH: { fields: [], supplementable: false },
  /** portflow's own: another open operation holds a number, so nothing was submitted. */
  NUMBER_BUSY: { fields: [], supplementable: false },
  /** A code or text portflow does not know: kept raw beside it. */
  OTHER: { fields: [], supplementable: true },
} as const satisfies Record<string, RejectionRule>;

export type RejectionCode = keyof typeof REJECTION_RULES;
export const REJECTION_CODES = Object.keys(REJECTION_RULES) as RejectionCode[];

export function isRejectionCode(code: string): code is RejectionCode {
  return code in REJECTION_RULES;
}

/** One reason a platform gave for a rejection, as it gave it (the platform's own code, if any). */
export interface PlatformRejection {
  code?: string;
  reason: string;
  /** The numbers it concerns; absent: every number of the port. */
  telephoneNumbers?: string[];
}

/** What portflow tells of one number's rejection. */
export interface Rejection {
  rejectionCode: RejectionCode;
  /** The request fields to correct, of every reason the number was rejected for. */
  fieldsToCorrect: SupplementField[];
  supplementable: boolean;
  /** The platform's code or text when portflow does not know it (rejectionCode OTHER). */
  platformRejectionCode?: string;
}

/** Words of a carrier's free text, for a platform that gives no code. */
const TEXT_PATTERNS: [RegExp, RejectionCode][] = [
  [/not portable/i, 'NOT_PORTABLE'],
  [/account ?number/i, 'ACCOUNT_NUMBER_MISMATCH'],
  [/\bpin\b|passcode/i, 'PIN_INVALID'],
  [/subscriber|authorized ?name|end.?user name/i, 'SUBSCRIBER_NAME_MISMATCH'],
  [/address/i, 'ADDRESS_MISMATCH'],
  [/\bbtn\b|billing telephone/i, 'BTN_MISMATCH'],
  [/foc|due date|requested date/i, 'FOC_DATE_UNAVAILABLE'],
  [/no response|not responding|timed? ?out/i, 'CARRIER_NOT_RESPONDING'],
  [/current ?provider|wrong carrier/i, 'CURRENT_PROVIDER_MISMATCH'],
];

/** The code of one reason, with the platform's own words kept when they are not portflow's. */
function codeOf(rejection: PlatformRejection): { code: RejectionCode; raw?: string } {
  if (rejection.code !== undefined) {
    return isRejectionCode(rejection.code) && rejection.code !== 'OTHER'
      ? { code: rejection.code }
      : { code: 'OTHER', raw: rejection.code };
  }
  const found = TEXT_PATTERNS.find(([pattern]) => pattern.test(rejection.reason));
  return found ? { code: found[1] } : { code: 'OTHER', raw: rejection.reason };
}

function rawOf(codes: { raw?: string }[]): { platformRejectionCode?: string } {
  const raw = codes.find((code) => code.raw !== undefined)?.raw;
  return raw === undefined ? {} : { platformRejectionCode: raw };
}

/**
 * Each number's rejection from the platform's reasons (or, from a platform that names none,
 * its text): the first reason's code, the fields of every reason, supplementable when each is.
 */
export function classifyRejections(
  telephoneNumbers: readonly string[],
  rejections: readonly PlatformRejection[],
): Map<string, Rejection> {
  const answer = new Map<string, Rejection>();
  for (const telephoneNumber of telephoneNumbers) {
    const own = rejections
      .filter((r) => !r.telephoneNumbers || r.telephoneNumbers.includes(telephoneNumber))
      .map(codeOf);
    const [first] = own;
    if (!first) continue;
    const fields = new Set(own.flatMap(({ code }) => REJECTION_RULES[code].fields));
    answer.set(telephoneNumber, {
      rejectionCode: first.code,
      fieldsToCorrect: SUPPLEMENT_FIELDS.filter((field) => fields.has(field)),
      supplementable: own.every(({ code }) => REJECTION_RULES[code].supplementable),
      ...rawOf(own),
    });
  }
  return answer;
}
