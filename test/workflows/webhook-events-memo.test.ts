/**
 * What a workflow keeps of its webhook events in its memo and answers by query stays bounded
 * however large the events: a 20,000-number port's events each hold all its numbers.
 */
import {
  WEBHOOK_EVENTS_IN_MEMO,
  WEBHOOK_EVENTS_PAGE_MAX,
  type WebhookEvent,
} from '../../src/domain/webhook-event';
import { WebhookEvents } from '../../src/workflows/webhooks';

const numbers = Array.from({ length: 20_000 }, (_, i) => `+1607${String(2_000_000 + i)}`);

function eventOf(sequence: number, data: Record<string, unknown>): WebhookEvent {
  return {
    id: `port-p1-pr_big-event-${sequence}`,
    type: 'port.status_changed',
    occurredAt: '2026-12-14T15:00:00.000Z',
    partitionId: 'p1',
    data,
  };
}

/** Events kept with no delivery (a partition without a webhook): no workflow needed. */
function kept(events: WebhookEvent[]): WebhookEvents {
  const log = new WebhookEvents({
    partitionId: 'p1',
    configured: false,
    recordsAttempts: true,
    local: true,
  });
  for (const event of events) log.emit(event);
  return log;
}

describe('the webhook events of a workflow, in its memo and by query', () => {
  it("keeps a 20,000-number port's events in a memo of a few KiB, their data left to the query", () => {
    const big = Array.from({ length: 12 }, (_, i) =>
      eventOf(i + 1, { status: 'PENDING', telephoneNumbers: numbers }),
    );
    const log = kept(big);
    const memo = log.memo();
    expect(memo.total).toBe(12);
    expect(memo.newest).toHaveLength(12);
    expect(memo.newest.every((e) => e.data === undefined)).toBe(true);
    expect(JSON.stringify(memo).length).toBeLessThan(8 * 1024);

    // The query answers them all, about 1 MB a page, so a page stays under Temporal's 2 MiB.
    const pages = [];
    for (let from = 0; from < memo.total;) {
      const page = log.page(from);
      expect(page.total).toBe(12);
      expect(JSON.stringify(page).length).toBeLessThan(WEBHOOK_EVENTS_PAGE_MAX + 64 * 1024);
      pages.push(page);
      from += page.events.length;
    }
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((p) => p.events).map(({ delivery: _d, ...event }) => event)).toEqual(big);
  });

  it('keeps small data in the memo, and only the newest events', () => {
    const log = kept(
      Array.from({ length: WEBHOOK_EVENTS_IN_MEMO + 5 }, (_, i) => eventOf(i + 1, { n: i })),
    );
    const memo = log.memo();
    expect(memo.total).toBe(WEBHOOK_EVENTS_IN_MEMO + 5);
    expect(memo.newest.map((e) => e.data)).toEqual(
      Array.from({ length: WEBHOOK_EVENTS_IN_MEMO }, (_, i) => ({ n: i + 5 })),
    );
    expect(memo.newest[0]?.delivery).toEqual({ outcome: 'NOT_CONFIGURED', attempts: [] });
    // Nothing changed since: nothing to publish.
    expect(log.memoIfChanged()).toBeDefined();
    expect(log.memoIfChanged()).toBeUndefined();
  });
});
