import type { NumberDetails } from '../domain';
import { PlatformError, type PlatformClient } from '../platform';

/** The platform answered that it has no such resource (in this partition). */
export function isPlatformNotFound(error: unknown): boolean {
  return error instanceof PlatformError && error.status === 404;
}

/** The platform's details of a number, or undefined when the partition does not hold it. */
export async function platformDetails(
  platform: PlatformClient,
  partitionId: string,
  telephoneNumber: string,
): Promise<NumberDetails | undefined> {
  try {
    return await platform.getNumber(partitionId, telephoneNumber);
  } catch (error) {
    if (isPlatformNotFound(error)) return undefined;
    throw error;
  }
}
