import { activityInfo, heartbeat } from '@temporalio/activity';

/** Tells Temporal a long activity still runs; a local activity's workflow task is kept alive instead. */
export function heartbeatUnlessLocal(): void {
  if (!activityInfo().isLocal) heartbeat();
}
