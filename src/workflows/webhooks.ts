import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { LOCAL_RETRIES } from './definitions';

type Activities = ReturnType<typeof createActivities>;

/**
 * How every workflow sends a webhook event: a receiver may be down for hours, so the event
 * (same id) is retried for up to a day.
 */
const delivery: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '30 minutes' },
};

export const { deliverWebhook } = proxyActivities<Activities>(delivery);
/** The same as a local activity: one marker event per delivered event. */
export const { deliverWebhook: deliverWebhookLocally } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  ...delivery,
});
