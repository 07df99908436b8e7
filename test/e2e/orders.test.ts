import { loadConfig } from '../../src/config';
import {
  AccountIdKey,
  PartitionIdKey,
  OrderStatusKey,
  TelephoneNumbersKey,
} from '../../src/temporal/search-attribute-keys';
import { orderWorkflowId } from '../../src/workflows/definitions';
import { seedCaller } from '../emulator/support';
import { eventually, startPortflow, type ApiAnswer, type Portflow } from '../helpers/portflow';

/** The emulator's inventory holds lines 1000-1999 of 607-722: `count` of them from `first`. */
const binghamton = (first: number, count: number) =>
  Array.from({ length: count }, (_, index) => `+1607722${first + index}`);
/** 607-798 is not in the emulator's inventory: a number the platform cannot order. */
const NOT_IN_INVENTORY = '+16077981234';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect, not by types
type Json = any;

describe('search and order over HTTP (dev server, worker, API, emulator)', () => {
  let portflow: Portflow;
  /** A partition of its own per test: the emulator's numbers are per partition. */
  let partitionSequence = 0;
  const newPartition = () => `${portflow.partitionA}-o${++partitionSequence}`;

  beforeAll(async () => {
    portflow = await startPortflow({ env: { ORDER_RESPONSE_WAIT: '1s' } });
  });
  afterAll(async () => {
    await portflow?.close();
  });
  afterEach(async () => {
    await portflow.emulator.control.clearFaults();
  });

  const base = (partitionId: string) => `/v2/partition/${partitionId}/telephone-number`;
  const search = (partitionId: string, query: string) =>
    portflow.call('GET', `${base(partitionId)}/search${query}`);
  const order = (partitionId: string, body: unknown, idempotencyKey?: string) =>
    portflow.call('POST', `${base(partitionId)}/order`, {
      body,
      headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    });
  const workflowOf = (partitionId: string, orderId: string) =>
    portflow.client.workflow.getHandle(orderWorkflowId(partitionId, orderId));

  /** The finished order: the POST's own answer when it was done in time, else GET once the workflow ends. */
  async function settled(partitionId: string, answer: ApiAnswer): Promise<Json> {
    if (answer.status === 200) return answer.body;
    expect(answer.status).toBe(202);
    await workflowOf(partitionId, answer.body.orderId as string).result();
    const read = await portflow.call('GET', answer.headers.location as string);
    expect(read.status).toBe(200);
    return read.body;
  }

  /** The emulator's order calls in a partition, as it answered them. */
  const upstreamOrders = (partitionId: string) =>
    portflow.emulator.control.calls({ method: 'POST', path: `${base(partitionId)}/order*` });

  const accountNumbers = async (partitionId: string) =>
    (
      (await seedCaller(portflow.emulator, partitionId)('GET', '/account/acc_123/telephone-number'))
        .body as { telephoneNumber: string }[]
    ).map((entry) => entry.telephoneNumber);

  const entriesOf = (body: Json) => body.telephoneNumbers as Record<string, string>[];
  const numbersOf = (answer: ApiAnswer): string[] =>
    entriesOf(answer.body).map((n) => n.telephoneNumber as string);
  const fieldsOf = (answer: ApiAnswer): string[] =>
    (answer.body.error.details as { field: string }[]).map((detail) => detail.field);

  it('searches as the seed does: by NPA, NPA-NXX, rate center and state, patterns, toll-free', async () => {
    const p = newPartition();
    const byNpa = await search(p, '?npa=607');
    expect(byNpa.status).toBe(200);
    expect(byNpa.body.telephoneNumbers).toHaveLength(10);
    // The platform's answer, as the platform gave it.
    const upstream = await seedCaller(portflow.emulator, p)(
      'GET',
      '/telephone-number/search?npa=607',
    );
    expect(byNpa.body).toEqual(upstream.body);
    expect(byNpa.body.telephoneNumbers[0]).toMatchObject({
      telephoneNumber: '+16077220000',
      formatted: '(607) 722-0000',
      rateCenter: 'BINGHAMTON',
      available: true,
    });

    const byExchange = await search(p, '?npa=607&nxx=723&quantity=20');
    expect(byExchange.body.telephoneNumbers).toHaveLength(20);
    expect(entriesOf(byExchange.body).every((n) => n.nxx === '723')).toBe(true);

    const byRateCenter = await search(p, '?rateCenter=BINGHAMTON&state=NY&quantity=10');
    expect(byRateCenter.body.telephoneNumbers).toHaveLength(10);
    expect(
      entriesOf(byRateCenter.body).every((n) => n.rateCenter === 'BINGHAMTON' && n.state === 'NY'),
    ).toBe(true);

    const endingIn0000 = await search(p, '?pattern=*0000&npa=607');
    expect(numbersOf(endingIn0000)).toEqual([
      '+16077220000',
      '+16077230000',
      '+16077240000',
      '+16077290000',
    ]);

    const containing1234 = await search(p, '?pattern=*1234*&npa=607');
    expect(numbersOf(containing1234).length).toBeGreaterThan(0);
    expect(numbersOf(containing1234).every((n) => n.slice(2).includes('1234'))).toBe(true);

    const tollFree = await portflow.call(
      'GET',
      `${base(p)}/search/tollfree?pattern=*1234&quantity=10`,
    );
    expect(tollFree.status).toBe(200);
    expect(numbersOf(tollFree)).toHaveLength(10);
    expect(
      numbersOf(tollFree).every((n) =>
        ['800', '888', '877', '866', '855', '844', '833'].includes(n.slice(2, 5)),
      ),
    ).toBe(true);
    expect(numbersOf(tollFree).every((n) => n.endsWith('1234'))).toBe(true);
  });

  it('refuses a bad search with a 400 naming the field, and a platform outage with a 503', async () => {
    const p = newPartition();
    const cases: [string, string][] = [
      ['?npa=607&quantity=101', 'quantity'],
      ['?npa=607&quantity=0', 'quantity'],
      ['?npa=123', 'npa'],
      ['?nxx=722', 'nxx'],
      ['?rateCenter=BINGHAMTON', 'state'],
      ['?rateCenter=BINGHAMTON&state=XX', 'state'],
      ['?pattern=abc', 'pattern'],
    ];
    for (const [query, field] of cases) {
      const answer = await search(p, query);
      expect({ query, status: answer.status, code: answer.body.error.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(fieldsOf(answer)).toContain(field);
    }
    const unknownParameter = await search(p, '?areaCode=607');
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.error.message + JSON.stringify(unknownParameter.body)).toMatch(
      /areaCode/,
    );
    const notTollFree = await portflow.call('GET', `${base(p)}/search/tollfree?npa=607`);
    expect(notTollFree.status).toBe(400);
    expect(fieldsOf(notTollFree)).toEqual(['npa']);

    await portflow.emulator.control.addFault({
      kind: 'status',
      status: 503,
      match: { method: 'GET', path: `${base(p)}/search*` },
    });
    const outage = await search(p, '?npa=607');
    expect(outage.status).toBe(503);
    expect(outage.body.error.code).toBe('PLATFORM_UNAVAILABLE');
    expect(outage.headers['retry-after']).toBeDefined();
  });

  it('orders a few numbers found by search and answers the seed body in the same response', async () => {
    const p = newPartition();
    const found = numbersOf(await search(p, '?npa=607&nxx=724&quantity=3'));
    const answer = await order(p, { telephoneNumbers: found, accountId: 'acc_123' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      orderId: expect.stringMatching(/^order_[A-Za-z0-9_]+$/),
      status: 'COMPLETED',
      total: 3,
      ordered: 3,
      failed: 0,
    });
    expect(answer.body.telephoneNumbers).toEqual(
      found.map((telephoneNumber) => ({
        telephoneNumber,
        status: 'ACTIVE',
        accountId: 'acc_123',
        orderedDate: expect.any(String),
      })),
    );
    const { orderId } = answer.body;
    expect(answer.headers.location).toBe(`${base(p)}/order/${orderId}`);

    const read = await portflow.call('GET', `${base(p)}/order/${orderId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(answer.body);
    expect((await accountNumbers(p)).sort()).toEqual([...found].sort());
    expect(numbersOf(await search(p, '?npa=607&nxx=724&quantity=3'))).not.toContain(found[0]);

    const description = await workflowOf(p, orderId).describe();
    expect(await description.staticSummary()).toBe('Order 3 number(s) into account acc_123');
    expect(description.typedSearchAttributes.get(PartitionIdKey)).toBe(p);
    expect(description.typedSearchAttributes.get(AccountIdKey)).toBe('acc_123');
    expect(description.typedSearchAttributes.get(TelephoneNumbersKey)).toEqual(found);
  });

  it('answers a slow order with 202 and its Location, then every number once it is done', async () => {
    const p = newPartition();
    const numbers = binghamton(1000, 300);
    // Each platform order call takes 3 s: longer than the 1 s the API waits, twice.
    await portflow.emulator.control.addFault({
      kind: 'latency',
      latencyMs: 3_000,
      match: { method: 'POST', path: `${base(p)}/order` },
    });
    const body = { telephoneNumbers: numbers, accountId: 'acc_123' };
    const accepted = await order(p, body, 'bulk-300');
    expect(accepted.status).toBe(202);
    const { orderId } = accepted.body;
    expect(accepted.headers.location).toBe(`${base(p)}/order/${orderId}`);
    expect(accepted.body).toMatchObject({ orderId, status: 'IN_PROGRESS', total: 300 });
    expect(accepted.body.telephoneNumbers).toHaveLength(300);

    // The same key while it runs: the same order, nothing started again.
    const again = await order(p, body, 'bulk-300');
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(orderId);

    const done = await settled(p, accepted);
    expect(done).toMatchObject({
      orderId,
      status: 'COMPLETED',
      total: 300,
      ordered: 300,
      failed: 0,
    });
    expect(entriesOf(done).map((n) => n.telephoneNumber)).toEqual(numbers);
    expect(entriesOf(done).every((n) => n.status === 'ACTIVE')).toBe(true);
    const calls = await upstreamOrders(p);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(3);
    expect((await accountNumbers(p)).length).toBe(300);
  });

  it('orders a toll-free number on its own endpoint', async () => {
    const p = newPartition();
    const [tollFree] = numbersOf(
      await portflow.call('GET', `${base(p)}/search/tollfree?npa=888&quantity=1`),
    );
    const answer = await portflow.call('POST', `${base(p)}/order/tollfree`, {
      body: { telephoneNumber: tollFree, accountId: 'acc_123' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'COMPLETED',
      total: 1,
      ordered: 1,
      telephoneNumbers: [{ telephoneNumber: tollFree, status: 'ACTIVE', accountId: 'acc_123' }],
    });
    const upstream = await portflow.emulator.control.calls({
      method: 'POST',
      path: `${base(p)}/order/tollfree`,
    });
    expect(upstream).toHaveLength(1);
    const description = await workflowOf(p, answer.body.orderId).describe();
    expect(await description.staticSummary()).toBe(
      `Order toll-free ${tollFree} into account acc_123`,
    );
  });

  it('reports a number the platform cannot order as FAILED in a PARTIAL order', async () => {
    const p = newPartition();
    const free = binghamton(1500, 2);
    const answer = await order(p, {
      telephoneNumbers: [free[0], NOT_IN_INVENTORY, free[1]],
      accountId: 'acc_123',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'PARTIAL', total: 3, ordered: 2, failed: 1 });
    expect(answer.body.telephoneNumbers[1]).toEqual({
      telephoneNumber: NOT_IN_INVENTORY,
      status: 'FAILED',
      reason: "not in the platform's inventory",
    });
    expect((await accountNumbers(p)).sort()).toEqual([...free].sort());
  });

  it('lets an operator find every failed order, and every partial one, by OrderStatus', async () => {
    const p = newPartition();
    const failed = await order(p, { telephoneNumbers: [NOT_IN_INVENTORY], accountId: 'acc_123' });
    expect(failed.body).toMatchObject({ status: 'FAILED' });
    const partial = await order(p, {
      telephoneNumbers: [binghamton(1600, 1)[0], NOT_IN_INVENTORY],
      accountId: 'acc_123',
    });
    expect(partial.body).toMatchObject({ status: 'PARTIAL' });
    const ordersWith = async (status: string) => {
      const found: string[] = [];
      const query = `OrderStatus = '${status}' AND PartitionId = '${p}'`;
      for await (const execution of portflow.client.workflow.list({ query }))
        found.push(execution.workflowId);
      return found;
    };
    // Visibility follows the workflows by a moment.
    const failedOrders = await eventually(
      () => ordersWith('FAILED'),
      (found) => found.length > 0,
    );
    expect(failedOrders).toEqual([orderWorkflowId(p, failed.body.orderId as string)]);
    const partialOrders = await eventually(
      () => ordersWith('PARTIAL'),
      (found) => found.length > 0,
    );
    expect(partialOrders).toEqual([orderWorkflowId(p, partial.body.orderId as string)]);
  });

  it('orders every number exactly once through platform 503s', async () => {
    const p = newPartition();
    const numbers = binghamton(1200, 250);
    await portflow.emulator.control.addFault({
      kind: 'status',
      status: 503,
      count: 2,
      match: { method: 'POST', path: `${base(p)}/order` },
    });
    const done = await settled(
      p,
      await order(p, { telephoneNumbers: numbers, accountId: 'acc_123' }),
    );
    expect(done).toMatchObject({ status: 'COMPLETED', ordered: 250, failed: 0 });

    const calls = await upstreamOrders(p);
    expect(calls.filter((call) => call.status === 503)).toHaveLength(2);
    const taken = calls.filter((call) => call.status === 200);
    // Three batches (100, 100, 50), each taken once; the retries reused their batch's key.
    expect(taken).toHaveLength(3);
    expect(new Set(taken.map((call) => call.idempotencyKey)).size).toBe(3);
    expect(new Set(calls.map((call) => call.idempotencyKey)).size).toBe(3);
    expect((await accountNumbers(p)).sort()).toEqual([...numbers].sort());
  });

  it('keeps an Idempotency-Key to one order, and refuses it with another body', async () => {
    const p = newPartition();
    const body = { telephoneNumbers: binghamton(1700, 2), accountId: 'acc_123' };
    const first = await order(p, body, 'order-key-1');
    expect(first.status).toBe(200);

    const replay = await order(p, body, 'order-key-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await upstreamOrders(p)).toHaveLength(1);

    const otherBody = await order(p, { ...body, accountId: 'acc_456' }, 'order-key-1');
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherEndpoint = await portflow.call('POST', `${base(p)}/order/tollfree`, {
      body: { telephoneNumber: '+18882221200', accountId: 'acc_123' },
      headers: { 'idempotency-key': 'order-key-1' },
    });
    expect(otherEndpoint.status).toBe(409);
    expect(otherEndpoint.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await upstreamOrders(p)).toHaveLength(1);

    // The same key in another partition is another order.
    const elsewhere = await order(newPartition(), body, 'order-key-1');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.orderId).not.toBe(first.body.orderId);
  });

  it('refuses every bad order with a 400 naming the field, and starts no workflow', async () => {
    const p = newPartition();
    const local = binghamton(1800, 1)[0] as string;
    const cases: [unknown, string[], Record<string, string>?][] = [
      [{}, ['telephoneNumbers', 'accountId']],
      [{ telephoneNumbers: [], accountId: 'acc_123' }, ['telephoneNumbers']],
      [{ telephoneNumbers: ['+16071234567'], accountId: 'acc_123' }, ['telephoneNumbers.0']],
      [{ telephoneNumbers: ['6077221800'], accountId: 'acc_123' }, ['telephoneNumbers.0']],
      [{ telephoneNumbers: [local, local], accountId: 'acc_123' }, ['telephoneNumbers']],
      [
        {
          telephoneNumbers: binghamton(1000, 1000).concat(binghamton(1000, 1000)).slice(0, 10_001),
          accountId: 'acc_123',
        },
        ['telephoneNumbers'],
      ],
      [{ telephoneNumbers: [local], accountId: '' }, ['accountId']],
      [{ telephoneNumbers: [local, '+18002221200'], accountId: 'acc_123' }, ['telephoneNumbers.1']],
      [
        { telephoneNumbers: [local], accountId: 'acc_123' },
        ['idempotency-key'],
        { 'idempotency-key': 'ä' },
      ],
    ];
    for (const [body, fields, headers] of cases) {
      const answer = await portflow.call('POST', `${base(p)}/order`, { body, headers });
      expect({ body: JSON.stringify(body).slice(0, 80), status: answer.status }).toEqual({
        body: JSON.stringify(body).slice(0, 80),
        status: 400,
      });
      expect(fieldsOf(answer)).toEqual(expect.arrayContaining(fields));
    }
    const tollFreeCases: [unknown, string][] = [
      [{ telephoneNumber: local, accountId: 'acc_123' }, 'telephoneNumber'],
      [{ telephoneNumber: '+18002221200' }, 'accountId'],
    ];
    for (const [body, field] of tollFreeCases) {
      const answer = await portflow.call('POST', `${base(p)}/order/tollfree`, { body });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toContain(field);
    }
    const malformed = await portflow.call('POST', `${base(p)}/order`, {
      rawBody: '{"telephoneNumbers": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);

    // One good order as a control: once visibility shows it, it is the partition's only order.
    expect((await order(p, { telephoneNumbers: [local], accountId: 'acc_123' })).status).toBe(200);
    const query = `WorkflowType = 'orderNumbers' AND PartitionId = '${p}'`;
    await eventually(
      () => portflow.temporal.client.workflow.count(query),
      ({ count }) => count >= 1,
    );
    expect((await portflow.temporal.client.workflow.count(query)).count).toBe(1);
    expect(await upstreamOrders(p)).toHaveLength(1);
  });

  it("answers 404 for an unknown order or another partition's, 400 for a malformed ID, 401 without a token", async () => {
    const p = newPartition();
    const placed = await order(p, { telephoneNumbers: binghamton(1900, 1), accountId: 'acc_123' });
    const { orderId } = placed.body;
    const unknown = await portflow.call('GET', `${base(p)}/order/order_0123456789abcdef012345`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const otherPartition = await portflow.call('GET', `${base(newPartition())}/order/${orderId}`);
    expect(otherPartition.status).toBe(404);
    const malformed = await portflow.call('GET', `${base(p)}/order/order_x-order_y`);
    expect(malformed.status).toBe(400);
    expect(fieldsOf(malformed)).toEqual(['orderId']);
    const anonymous = await portflow.call('GET', `${base(p)}/order/${orderId}`, { token: null });
    expect(anonymous.status).toBe(401);
    const anonymousOrder = await portflow.call('POST', `${base(p)}/order`, {
      body: { telephoneNumbers: binghamton(1901, 1), accountId: 'acc_123' },
      token: null,
    });
    expect(anonymousOrder.status).toBe(401);
  });

  it('admits an order while no worker runs (202, its progress read from the server), and it goes on once one does', async () => {
    const p = newPartition();
    const body = { telephoneNumbers: binghamton(1950, 2), accountId: 'acc_123' };
    await portflow.stopWorker();
    try {
      const started = Date.now();
      const admitted = await order(p, body, 'while-down');
      expect(admitted.status).toBe(202);
      expect(admitted.body).toMatchObject({ status: 'IN_PROGRESS', total: 2, ordered: 0 });
      expect(Date.now() - started).toBeLessThan(10_000);
      const read = await portflow.call('GET', admitted.headers.location as string);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(admitted.body);
      // Searchable as IN_PROGRESS from its start, before any worker has seen it.
      const running = await workflowOf(p, admitted.body.orderId as string).describe();
      expect(running.typedSearchAttributes.get(OrderStatusKey)).toBe('IN_PROGRESS');
    } finally {
      await portflow.startWorker();
    }
    const retried = await order(p, body, 'while-down');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'COMPLETED', ordered: 2 });
    expect(await upstreamOrders(p)).toHaveLength(1);
  });
});

describe('order settings', () => {
  it('takes ORDER_BATCH_SIZE from 50 to 100, 100 by default', () => {
    expect(loadConfig({}).ORDER_BATCH_SIZE).toBe(100);
    expect(loadConfig({ ORDER_BATCH_SIZE: '50' }).ORDER_BATCH_SIZE).toBe(50);
    expect(() => loadConfig({ ORDER_BATCH_SIZE: '49' })).toThrow(/ORDER_BATCH_SIZE/);
    expect(() => loadConfig({ ORDER_BATCH_SIZE: '101' })).toThrow(/ORDER_BATCH_SIZE/);
    expect(loadConfig({}).ORDER_RESPONSE_WAIT).toBe(5_000);
    expect(() => loadConfig({ ORDER_RESPONSE_WAIT: '2m' })).toThrow(/ORDER_RESPONSE_WAIT/);
  });
});
