/**
 * The bare baselines' activities: a no-op (only Temporal's own work), and the upstream calls a
 * port makes, each a plain call of the platform client with no portflow logic around it.
 */
import type { PlatformClient, PortSubmission } from '../../src/platform';
import type { PortAssignment } from '../../src/domain';

export function createBareActivities(platform: PlatformClient | undefined) {
  const upstream = () => {
    if (!platform) throw new Error('PLATFORM_BASE_URL and PLATFORM_TOKEN are unset');
    return platform;
  };
  return {
    noop(): Promise<void> {
      return Promise.resolve();
    },
    checkPortability(partitionId: string, telephoneNumber: string) {
      return upstream().checkPortability(partitionId, telephoneNumber);
    },
    submitPort(partitionId: string, submission: PortSubmission, idempotencyKey: string) {
      return upstream().submitPort(partitionId, submission, { idempotencyKey });
    },
    getPort(partitionId: string, accountId: string, portRequestId: string) {
      return upstream().getPort(partitionId, accountId, portRequestId);
    },
    async activate(
      partitionId: string,
      accountId: string,
      telephoneNumber: string,
      activation: PortAssignment,
    ): Promise<void> {
      await upstream().assign(partitionId, accountId, activation.target, { telephoneNumber });
    },
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
