/*
 * An order as its workflow keeps it in its memo, so the API reads an order with one describe
 * and no worker. Zod-free: workflow code imports it.
 */
import type { OrderedNumber } from './numbers';
import type { OrderProgress } from './order';
import { NOT_YET_ORDERED } from './order-status';

type Outcome = Omit<OrderedNumber, 'telephoneNumber'>;

/**
 * The order without its numbers, which the memo holds once, as the API started the order
 * (MEMO.orderNumbers): the workflow upserts only this. Each number's outcome is run-length
 * encoded in the order's own order of numbers: a batch is a slice of it, so a 10,000-number
 * order's outcomes are a few hundred runs at most, and an upsert stays a few KiB.
 */
export interface OrderMemo extends Omit<OrderProgress, 'telephoneNumbers'> {
  /** The distinct outcomes; `runs` refers to them by position. */
  outcomes: Outcome[];
  /** `[outcome, count]` pairs, in the order of the numbers. */
  runs: [number, number][];
}

/** An order as it begins: every number PENDING. The API's first memo and the workflow's start. */
export function startingOrder(
  order: Pick<OrderProgress, 'orderId' | 'accountId' | 'createdDate'>,
  telephoneNumbers: string[],
): OrderProgress {
  return {
    ...order,
    status: 'IN_PROGRESS',
    total: telephoneNumbers.length,
    ordered: 0,
    failed: 0,
    telephoneNumbers: telephoneNumbers.map((telephoneNumber) => ({
      telephoneNumber,
      status: NOT_YET_ORDERED,
    })),
  };
}

export function toOrderMemo(progress: OrderProgress): OrderMemo {
  const { telephoneNumbers, ...rest } = progress;
  const outcomes: Outcome[] = [];
  const positionOf = new Map<string, number>();
  const runs: [number, number][] = [];
  for (const { telephoneNumber: _number, ...outcome } of telephoneNumbers) {
    const key = JSON.stringify(outcome);
    let position = positionOf.get(key);
    if (position === undefined) {
      position = outcomes.push(outcome) - 1;
      positionOf.set(key, position);
    }
    const last = runs.at(-1);
    if (last?.[0] === position) last[1] += 1;
    else runs.push([position, 1]);
  }
  return { ...rest, outcomes, runs };
}

/** The order a memo holds, each of `telephoneNumbers` (the order's numbers) with its outcome. */
export function fromOrderMemo(memo: OrderMemo, telephoneNumbers: string[]): OrderProgress {
  const { outcomes, runs, ...rest } = memo;
  const entries: OrderedNumber[] = [];
  for (const [position, count] of runs) {
    const outcome = outcomes[position] as Outcome;
    for (let i = 0; i < count; i++) {
      entries.push({ telephoneNumber: telephoneNumbers[entries.length] as string, ...outcome });
    }
  }
  return { ...rest, telephoneNumbers: entries };
}
