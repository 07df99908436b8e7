/*
 * Portability checks as a port keeps them. Zod-free: workflow code imports it.
 */
import { mapConcurrently } from './concurrency';
import type { PortabilityCheck } from './port';

/** How many numbers are checked at once against the platform. */
export const CHECK_CONCURRENCY = 8;

/** The checks of a port's numbers: the portable ones by losing carrier, the others each with why. */
export interface PortabilityChecks {
  portable: { currentCarrier: string; telephoneNumbers: string[] }[];
  notPortable: { telephoneNumber: string; currentCarrier: string; reason: string }[];
}

/**
 * The losing carrier of a number the platform did not name (Alianza's prevalidate names none):
 * it contradicts no `currentProvider`, and the request's own carrier is submitted to.
 */
export const UNKNOWN_CARRIER = 'UNKNOWN';

/** Names compare as a carrier's clerk would: case and spacing aside. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  const normal = (text: string | undefined) => text?.trim().replace(/\s+/g, ' ').toUpperCase();
  return normal(a) === normal(b);
}

/**
 * The carriers the checks found and their numbers, when `currentProvider` names none of them;
 * undefined when it names one (the other numbers go to their own carriers).
 */
export function unmatchedProvider(
  currentProvider: string,
  portable: PortabilityChecks['portable'],
): string | undefined {
  const named = (c: { currentCarrier: string }) =>
    c.currentCarrier === UNKNOWN_CARRIER || sameName(c.currentCarrier, currentProvider);
  if (portable.length === 0 || portable.some(named)) return undefined;
  return portable
    .map(
      (c) =>
        `${c.telephoneNumbers.join(', ')} ${c.telephoneNumbers.length > 1 ? 'are' : 'is'} with ${c.currentCarrier}`,
    )
    .join('; ');
}

/**
 * Every number's portability, `check`ed CHECK_CONCURRENCY at a time and grouped by losing
 * carrier. A number the platform refuses to check (`refusal` gives the platform's words) is not
 * portable, with those words; any other failure goes on up.
 */
export async function checkEach(
  telephoneNumbers: string[],
  check: (telephoneNumber: string) => Promise<PortabilityCheck>,
  refusal: (error: unknown) => string | undefined,
): Promise<PortabilityChecks> {
  const checks = await mapConcurrently(telephoneNumbers, CHECK_CONCURRENCY, async (number) => {
    try {
      return await check(number);
    } catch (error) {
      const reason = refusal(error);
      if (reason === undefined) throw error;
      return {
        telephoneNumber: number,
        portable: false,
        currentCarrier: 'UNKNOWN',
        lineType: 'UNKNOWN',
        estimatedDays: 0,
        reason,
      };
    }
  });
  return groupChecks(checks);
}

export function groupChecks(checks: PortabilityCheck[]): PortabilityChecks {
  const byCarrier = new Map<string, string[]>();
  const notPortable: PortabilityChecks['notPortable'] = [];
  for (const check of checks) {
    if (!check.portable) {
      const { telephoneNumber, currentCarrier, reason = 'not portable' } = check;
      notPortable.push({ telephoneNumber, currentCarrier, reason });
      continue;
    }
    const numbers = byCarrier.get(check.currentCarrier) ?? [];
    numbers.push(check.telephoneNumber);
    byCarrier.set(check.currentCarrier, numbers);
  }
  const portable = [...byCarrier].map(([currentCarrier, telephoneNumbers]) => ({
    currentCarrier,
    telephoneNumbers,
  }));
  return { portable, notPortable };
}
