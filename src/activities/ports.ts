import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { checkEach, type PortabilityChecks } from '../domain/portability';
import type { ActivationWindow, CarrierComment, PlatformPort, PortAssignment } from '../domain';
import { PlatformConflictError, type PlatformClient, type PortSubmission } from '../platform';
import { asActivityFailure, callPlatform } from './failures';
import { heartbeatUnlessLocal } from './concurrency';

/** An upstream port, as the platform names it. */
interface UpstreamPortRef {
  partitionId: string;
  accountId: string;
  upstreamPortRequestId: string;
}

/** A carrier's comments one poll answers at most: a long thread comes over a few polls. */
const CARRIER_COMMENTS_PER_POLL = 20;

export function createPortActivities({ platform }: { platform: PlatformClient }) {
  /**
   * A call that moves an upstream port on; when the port's state refuses it (the carrier
   * approved it, the window is not open), the port as it stands and the platform's words.
   */
  async function moveUpstream(
    { partitionId, accountId, upstreamPortRequestId }: UpstreamPortRef,
    move: () => Promise<PlatformPort>,
  ): Promise<{ port: PlatformPort; refusal?: string }> {
    try {
      return { port: await move() };
    } catch (error) {
      if (!(error instanceof PlatformConflictError)) throw asActivityFailure(error);
      const port = await callPlatform(() =>
        platform.getPort(partitionId, accountId, upstreamPortRequestId),
      );
      return { port, refusal: error.message };
    }
  }

  return {
    /**
     * Every number's portability, grouped by losing carrier so that a 20,000-number port's
     * answer stays small in history. A number the platform refuses to check is not portable,
     * with its reason.
     */
    async checkPortability(input: {
      partitionId: string;
      telephoneNumbers: string[];
    }): Promise<PortabilityChecks> {
      return checkEach(
        input.telephoneNumbers,
        (telephoneNumber) => {
          heartbeatUnlessLocal();
          return callPlatform(() => platform.checkPortability(input.partitionId, telephoneNumber));
        },
        (error) =>
          error instanceof ApplicationFailure && error.nonRetryable ? error.message : undefined,
      );
    },

    async submitPort(input: {
      partitionId: string;
      idempotencyKey: string;
      submission: PortSubmission;
    }): Promise<PlatformPort> {
      return callPlatform(() =>
        platform.submitPort(input.partitionId, input.submission, {
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },

    /**
     * Corrects a rejected port and sends it again (Alianza: in place; the seed: a new
     * submission under this key); answers the port to follow from now on.
     */
    async supplementPort(input: {
      partitionId: string;
      upstreamPortRequestId: string;
      idempotencyKey: string;
      submission: PortSubmission;
    }): Promise<PlatformPort> {
      return callPlatform(() =>
        platform.supplementPort(input.partitionId, input.upstreamPortRequestId, input.submission, {
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },

    /**
     * The carrier's port once its status differs from `knownStatus`, or (given `knownComments`)
     * once the carrier has more comments on it than that: the new ones come with it, a few at a
     * time. Nothing new fails the attempt so that Temporal polls again after the retry interval,
     * with no history event.
     */
    async awaitCarrierStatus(input: {
      partitionId: string;
      accountId: string;
      upstreamPortRequestId: string;
      knownStatus: string;
      knownComments?: number;
    }): Promise<PlatformPort & { carrierComments?: CarrierComment[] }> {
      const { partitionId, accountId, upstreamPortRequestId, knownComments } = input;
      const port = await callPlatform(() =>
        platform.getPort(partitionId, accountId, upstreamPortRequestId),
      );
      const comments =
        knownComments === undefined
          ? undefined
          : await callPlatform(() =>
              platform.portComments(partitionId, accountId, upstreamPortRequestId),
            );
      const carrierComments = comments?.slice(
        knownComments,
        (knownComments ?? 0) + CARRIER_COMMENTS_PER_POLL,
      );
      if (carrierComments?.length) return { ...port, carrierComments };
      if (port.status === input.knownStatus) {
        throw ApplicationFailure.create({
          type: 'CarrierStatusUnchanged',
          message: `the carrier still says ${port.status}`,
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      return port;
    },

    /** Cancels upstream; once the carrier has approved, says so instead of failing. */
    async cancelUpstreamPort(
      input: UpstreamPortRef,
    ): Promise<
      | { cancelled: true; port: PlatformPort }
      | { cancelled: false; port: PlatformPort; reason: string }
    > {
      const { port, refusal } = await moveUpstream(input, () =>
        platform.cancelPort(input.partitionId, input.accountId, input.upstreamPortRequestId, {
          idempotencyKey: `cancel-${input.upstreamPortRequestId}`,
        }),
      );
      return refusal === undefined
        ? { cancelled: true, port }
        : { cancelled: false, port, reason: refusal };
    },

    /** The carrier's activation window of an ON_DEMAND port's FOC date; undefined when the platform has none. */
    async activationWindow(input: {
      partitionId: string;
      date: string;
    }): Promise<ActivationWindow | undefined> {
      return callPlatform(() => platform.activationWindow(input.partitionId, input.date));
    },

    /** Activates an ON_DEMAND port upstream; a refusal (the window not open) is said, not failed. */
    async activateUpstreamPort(
      input: UpstreamPortRef,
    ): Promise<
      | { activated: true; port: PlatformPort }
      | { activated: false; port: PlatformPort; reason: string }
    > {
      const { port, refusal } = await moveUpstream(input, () =>
        platform.activatePort(input.partitionId, input.accountId, input.upstreamPortRequestId),
      );
      return refusal === undefined
        ? { activated: true, port }
        : { activated: false, port, reason: refusal };
    },

    /** Puts ported numbers to work: assigned with E911 and caller ID as the request asked. */
    async activateNumbers(input: {
      partitionId: string;
      accountId: string;
      telephoneNumbers: string[];
      activation: PortAssignment;
    }): Promise<void> {
      const { partitionId, accountId, activation } = input;
      for (const telephoneNumber of input.telephoneNumbers) {
        heartbeatUnlessLocal();
        const body =
          activation.target.type === 'USER' || activation.target.type === 'DEVICE_LINE'
            ? { telephoneNumber, primary: activation.primary, e911Address: activation.e911Address }
            : { telephoneNumber };
        await callPlatform(() => platform.assign(partitionId, accountId, activation.target, body));
        if (activation.callerIdName) {
          await callPlatform(() =>
            platform.updateNumber(partitionId, telephoneNumber, {
              callerIdName: activation.callerIdName,
            }),
          );
        }
      }
    },
  };
}
