import { Context } from '@temporalio/activity';

/**
 * Adds one to the counter `name` of the SDK's activity meter, so a worker's /metrics serves it;
 * outside an activity (a test calling the function directly) there is nothing to count with.
 */
export function countInActivity(
  name: string,
  unit: string,
  description: string,
  labels: Record<string, string> = {},
): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.metricMeter.createCounter(name, unit, description).add(1, labels);
}
