import type { OrderProgress } from '../../src/domain';
import { fromOrderMemo, startingOrder, toOrderMemo } from '../../src/domain/order-memo';

const numbers = (count: number) =>
  Array.from({ length: count }, (_, index) => `+1607722${String(index).padStart(4, '0')}`);

describe('the order memo', () => {
  it('reads back every number with its outcome, in the order of the order', () => {
    const telephoneNumbers = numbers(7);
    const order = startingOrder(
      { orderId: 'order_1', accountId: 'acc_123', createdDate: '2026-01-05T10:00:00Z' },
      telephoneNumbers,
    );
    const active = { status: 'ACTIVE', accountId: 'acc_123', orderedDate: '2026-01-05T10:00:01Z' };
    const progress: OrderProgress = {
      ...order,
      ordered: 3,
      failed: 2,
      telephoneNumbers: telephoneNumbers.map((telephoneNumber, index) => ({
        telephoneNumber,
        ...(index < 3
          ? active
          : index < 5
            ? { status: 'FAILED', reason: "not in the platform's inventory" }
            : { status: 'PENDING' }),
      })),
    };
    const memo = toOrderMemo(progress);
    expect(memo.runs).toEqual([
      [0, 3],
      [1, 2],
      [2, 2],
    ]);
    expect(fromOrderMemo(memo, telephoneNumbers)).toEqual(progress);
  });

  it('keeps a 10,000-number order a few KiB once its numbers are ordered batch by batch', () => {
    const telephoneNumbers = numbers(10_000);
    const progress: OrderProgress = {
      ...startingOrder(
        { orderId: 'order_big', accountId: 'acc_123', createdDate: '2026-01-05T10:00:00Z' },
        telephoneNumbers,
      ),
      status: 'COMPLETED',
      ordered: 10_000,
      telephoneNumbers: telephoneNumbers.map((telephoneNumber, index) => ({
        telephoneNumber,
        status: 'ACTIVE',
        accountId: 'acc_123',
        // Each batch of 100 its own time, as the platform answers them.
        orderedDate: new Date(Date.UTC(2026, 0, 5, 10, 0, Math.floor(index / 100))).toISOString(),
      })),
    };
    const memo = toOrderMemo(progress);
    expect(JSON.stringify(memo).length).toBeLessThan(16 * 1024);
    expect(fromOrderMemo(memo, telephoneNumbers)).toEqual(progress);
  });
});
