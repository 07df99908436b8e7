import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { DAY_MS, PORT_STATUSES } from '../domain';
import type { Logger } from '../logger';

/** A port still open this long after its requested date is overdue: the FOC should have come. */
export const PORT_OVERDUE_AFTER_DAYS = 2;
const COUNT_TIMEOUT_MS = 2_000;
/** One count per status per scrape is plenty; several scrapers within this share one. */
const CACHE_MS = 15_000;

interface PortCounts {
  open: Record<string, number>;
  overdue: Record<string, number>;
}

/**
 * `portflow_ports_open{status}` and `portflow_ports_overdue{status}`: the open ports by their
 * `PortStatus`, counted from Temporal's visibility when scraped (the whole namespace: every API
 * replica reports the same, so alerts take `max`).
 */
export function registerPortGauges(registry: Registry, client: Client, logger: Logger): void {
  let cached: { at: number; counts: Promise<PortCounts> } | undefined;
  const countsNow = async (): Promise<PortCounts> => {
    const overdueBefore = new Date(Date.now() - PORT_OVERDUE_AFTER_DAYS * DAY_MS).toISOString();
    // A scrape must not hang on a Temporal that does not answer.
    const count = (query: string) =>
      client.withDeadline(Date.now() + COUNT_TIMEOUT_MS, async () => {
        return (await client.workflow.count(query)).count;
      });
    const rows = await Promise.all(
      PORT_STATUSES.map(async (status) => {
        const running = `ExecutionStatus = 'Running' AND PortStatus = '${status}'`;
        return [
          status,
          await count(running),
          await count(`${running} AND RequestedDate < '${overdueBefore}'`),
        ] as const;
      }),
    );
    return {
      open: Object.fromEntries(rows.map(([status, open]) => [status, open])),
      overdue: Object.fromEntries(rows.map(([status, , overdue]) => [status, overdue])),
    };
  };
  const counts = (): Promise<PortCounts> => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const counting = countsNow();
      // A failed count is not kept: the next scrape asks again.
      counting.catch(() => (cached = undefined));
      cached = { at: Date.now(), counts: counting };
    }
    return cached.counts;
  };
  const gauge = (
    name: string,
    help: string,
    pick: (counts: PortCounts) => Record<string, number>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        try {
          const byStatus = pick(await counts());
          for (const [status, value] of Object.entries(byStatus)) this.set({ status }, value);
        } catch (error) {
          // Temporal down: the series are left out of this scrape, and /readyz says why.
          this.reset();
          logger.warn({ err: error }, 'could not count open ports for /metrics');
        }
      },
    });
  gauge('portflow_ports_open', 'Open ports (running port workflows) by PortStatus', (c) => c.open);
  gauge(
    'portflow_ports_overdue',
    `Open ports whose requested date is more than ${PORT_OVERDUE_AFTER_DAYS} days past, by PortStatus`,
    (c) => c.overdue,
  );
}
