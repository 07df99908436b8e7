/*
 * Portability checks as a port keeps them. Zod-free: workflow code imports it.
 */
import type { PortabilityCheck } from './port';

/** The checks of a port's numbers: the portable ones by losing carrier, the others each with why. */
export interface PortabilityChecks {
  portable: { currentCarrier: string; telephoneNumbers: string[] }[];
  notPortable: { telephoneNumber: string; currentCarrier: string; reason: string }[];
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
