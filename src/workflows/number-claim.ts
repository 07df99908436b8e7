import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  HOLDER_CHECKED_ON_CLAIM_PATCH,
  LOCAL_RETRIES,
  claimNumberUpdate,
  numberClaimQuery,
  releaseClaimUpdate,
  type ClaimResult,
  type NumberClaim,
  type NumberClaimInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

const holderCheck = { startToCloseTimeout: '30 seconds' };
const { isWorkflowOpen } = proxyActivities<Activities>(holderCheck);
const { isWorkflowOpen: isWorkflowOpenLocally } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  ...holderCheck,
});

/** How often a held number checked that its holder still ran, before HOLDER_CHECKED_ON_CLAIM_PATCH. */
const HOLDER_CHECK_INTERVAL = '1 day';

/**
 * The entity of one telephone number in a partition: at most one open operation (a port or a
 * release) holds it. Claims arrive as Updates, so concurrent requests are decided one by one.
 * A holder that no longer runs (an operator terminated it) holds nothing: the next claim finds
 * out and takes the number.
 */
export async function numberClaim(input: NumberClaimInput): Promise<void> {
  let claim: NumberClaim | undefined = input.claim;
  const checkedOnClaim = patched(HOLDER_CHECKED_ON_CLAIM_PATCH);

  setHandler(claimNumberUpdate, async (request): Promise<ClaimResult> => {
    for (;;) {
      if (!claim || claim.holder === request.holder) {
        claim ??= { ...request, since: new Date().toISOString() };
        return { granted: true };
      }
      const heldBy = claim;
      if (!checkedOnClaim || (await isWorkflowOpenLocally({ workflowId: heldBy.holder }))) {
        // Another claim may have ended meanwhile: decide again against whoever holds it now.
        if (claim === heldBy) return { granted: false, heldBy };
        continue;
      }
      if (claim === heldBy) claim = undefined;
    }
  });
  setHandler(releaseClaimUpdate, ({ holder }) => {
    if (claim?.holder === holder) claim = undefined;
  });
  setHandler(numberClaimQuery, () => claim ?? null);

  for (;;) {
    if (checkedOnClaim) {
      await condition(() => claim === undefined || workflowInfo().continueAsNewSuggested);
    } else {
      const released = await condition(() => claim === undefined, HOLDER_CHECK_INTERVAL);
      if (!released && claim && !(await isWorkflowOpen({ workflowId: claim.holder }))) {
        claim = undefined;
      }
    }
    if (claim === undefined) {
      // A claim may arrive while the last updates finish: only a free number may close.
      await condition(allHandlersFinished);
      if (claim === undefined) return;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof numberClaim>({ ...input, claim });
    }
  }
}
