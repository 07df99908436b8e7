import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { PlatformPort, PortabilityCheck, PortActivation } from '../domain';
import { PlatformRejectedError, type PlatformClient, type PortSubmission } from '../platform';
import { portWorkflowId } from '../workflows/definitions';
import { asActivityFailure, callPlatform } from './failures';
import { heartbeatUnlessLocal, mapConcurrently } from './concurrency';

/** How many numbers are checked at once against the platform. */
const CHECK_CONCURRENCY = 8;

/**
 * portflow's portRequestId, read from the ID of the port's submission child
 * (`port-<partition>-<portRequestId>-carrier-<n>`), so the platform's notifications name the
 * port. Stays until the port workflow sends `customerReference` itself (issue 11).
 */
function portRequestIdOfSubmitter(
  partitionId: string,
  workflowId: string | undefined,
): string | undefined {
  const prefix = portWorkflowId(partitionId, '');
  const parent = /^(.+)-carrier-\d+$/.exec(workflowId ?? '')?.[1];
  return parent?.startsWith(prefix) ? parent.slice(prefix.length) : undefined;
}

export function createPortActivities({ platform }: { platform: PlatformClient }) {
  return {
    /** Every number's portability; a number the platform refuses to check is not portable, with its reason. */
    async checkPortability(input: {
      partitionId: string;
      telephoneNumbers: string[];
    }): Promise<PortabilityCheck[]> {
      return mapConcurrently(input.telephoneNumbers, CHECK_CONCURRENCY, async (telephoneNumber) => {
        heartbeatUnlessLocal();
        try {
          return await callPlatform(() =>
            platform.checkPortability(input.partitionId, telephoneNumber),
          );
        } catch (error) {
          if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
          return {
            telephoneNumber,
            portable: false,
            currentCarrier: 'UNKNOWN',
            lineType: 'UNKNOWN',
            estimatedDays: 0,
            reason: error.message,
          };
        }
      });
    },

    async submitPort(input: {
      partitionId: string;
      idempotencyKey: string;
      submission: PortSubmission;
    }): Promise<PlatformPort> {
      const customerReference =
        input.submission.customerReference ??
        portRequestIdOfSubmitter(
          input.partitionId,
          Context.current().info.workflowExecution?.workflowId,
        );
      return callPlatform(() =>
        platform.submitPort(
          input.partitionId,
          { ...input.submission, customerReference },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
    },

    /**
     * The carrier's port once its status differs from `knownStatus`. An unchanged status fails
     * the attempt so that Temporal polls again after the retry interval, with no history event.
     */
    async awaitCarrierStatus(input: {
      partitionId: string;
      upstreamPortRequestId: string;
      knownStatus: string;
    }): Promise<PlatformPort> {
      const port = await callPlatform(() =>
        platform.getPort(input.partitionId, input.upstreamPortRequestId),
      );
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
    async cancelUpstreamPort(input: {
      partitionId: string;
      upstreamPortRequestId: string;
    }): Promise<
      | { cancelled: true; port: PlatformPort }
      | { cancelled: false; port: PlatformPort; reason: string }
    > {
      try {
        const port = await platform.cancelPort(input.partitionId, input.upstreamPortRequestId, {
          idempotencyKey: `cancel-${input.upstreamPortRequestId}`,
        });
        return { cancelled: true, port };
      } catch (error) {
        if (error instanceof PlatformRejectedError && error.status === 409) {
          const port = await callPlatform(() =>
            platform.getPort(input.partitionId, input.upstreamPortRequestId),
          );
          return { cancelled: false, port, reason: error.message };
        }
        throw asActivityFailure(error);
      }
    },

    /** Puts ported numbers to work: assigned with E911 and caller ID as the request asked. */
    async activateNumbers(input: {
      partitionId: string;
      accountId: string;
      telephoneNumbers: string[];
      activation: PortActivation;
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
