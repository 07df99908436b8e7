/*
 * Portability checks as a port keeps them. Zod-free: workflow code imports it.
 */
import type { PortabilityCheck } from './port';

/** How many numbers are checked at once against the platform. */
export const CHECK_CONCURRENCY = 8;

/** The checks of a port's numbers: the portable ones by losing carrier, the others each with why. */
export interface PortabilityChecks {
  portable: { currentCarrier: string; telephoneNumbers: string[] }[];
  notPortable: { telephoneNumber: string; currentCarrier: string; reason: string }[];
}

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
  if (portable.length === 0 || portable.some((c) => sameName(c.currentCarrier, currentProvider)))
    return undefined;
  return portable
    .map(
      (c) =>
        `${c.telephoneNumbers.join(', ')} ${c.telephoneNumbers.length > 1 ? 'are' : 'is'} with ${c.currentCarrier}`,
    )
    .join('; ');
}

/** A number the platform refused to check: not portable, with the platform's words. */
export function refusedCheck(telephoneNumber: string, reason: string): PortabilityCheck {
  return {
    telephoneNumber,
    portable: false,
    currentCarrier: 'UNKNOWN',
    lineType: 'UNKNOWN',
    estimatedDays: 0,
    reason,
  };
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
