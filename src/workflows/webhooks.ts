import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

/**
 * How every workflow sends a webhook event: a receiver may be down for hours, so the event
 * (same id) is retried for up to a day.
 */
export const { deliverWebhook } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { maximumInterval: '30 minutes' },
});
