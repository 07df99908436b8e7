import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  claimNumberUpdate,
  numberClaimQuery,
  releaseClaimUpdate,
  type NumberClaim,
  type NumberClaimInput,
} from './definitions';

const { isWorkflowOpen } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
});

/** How often a held number checks that its holder still runs (an operator may terminate one). */
const HOLDER_CHECK_INTERVAL = '1 day';

/**
 * The entity of one telephone number in a partition: at most one open operation (a port or a
 * release) holds it. Claims arrive as Updates, so concurrent requests are decided one by one.
 */
export async function numberClaim(input: NumberClaimInput): Promise<void> {
  let claim: NumberClaim | undefined = input.claim;

  setHandler(claimNumberUpdate, (request) => {
    if (claim && claim.holder !== request.holder) return { granted: false, heldBy: claim };
    claim ??= { ...request, since: new Date().toISOString() };
    return { granted: true };
  });
  setHandler(releaseClaimUpdate, ({ holder }) => {
    if (claim?.holder === holder) claim = undefined;
  });
  setHandler(numberClaimQuery, () => claim ?? null);

  for (;;) {
    const released = await condition(() => claim === undefined, HOLDER_CHECK_INTERVAL);
    if (!released && claim && !(await isWorkflowOpen({ workflowId: claim.holder }))) {
      claim = undefined;
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
