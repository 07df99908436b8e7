/** The emulator's numbers over HTTP: search, orders, details and updates, release, assignments. */
import {
  TOLL_FREE_NPAS,
  matchesPattern,
  numberDetails,
  numberSearchResult,
} from '../../src/domain';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { E911, numbersOf, problemPaths, seedCaller, type SeedCaller } from './support';

let emulator: TestEmulator;
let call: SeedCaller;

beforeAll(async () => {
  emulator = await startTestEmulator();
  call = seedCaller(emulator, 'p1');
});

afterAll(() => emulator.close());

beforeEach(() => emulator.control.reset());

async function search(query: string): Promise<string[]> {
  const answer = await call('GET', `/telephone-number/search?${query}`);
  expect(answer.status).toBe(200);
  return numberSearchResult
    .parse(answer.body)
    .telephoneNumbers.map((found) => found.telephoneNumber);
}

async function order(telephoneNumbers: string[], accountId = 'acc_123', key?: string) {
  return call('POST', '/telephone-number/order', {
    body: { telephoneNumbers, accountId },
    idempotencyKey: key,
  });
}

/** Orders the first `count` available 607 numbers into acc_123. */
async function ordered(count = 1): Promise<string[]> {
  const numbers = await search(`npa=607&quantity=${count}`);
  expect((await order(numbers)).body.status).toBe('COMPLETED');
  return numbers;
}

describe('search', () => {
  it('finds the seed numbers of Binghamton by NPA, NPA-NXX and rate center, valid and in a stable order', async () => {
    const answer = await call('GET', '/telephone-number/search?npa=607');
    expect(answer.status).toBe(200);
    const { telephoneNumbers } = numberSearchResult.parse(answer.body);
    expect(telephoneNumbers).toHaveLength(10);
    expect(telephoneNumbers[0]).toEqual({
      telephoneNumber: '+16077220000',
      formatted: '(607) 722-0000',
      npa: '607',
      nxx: '722',
      line: '0000',
      rateCenter: 'BINGHAMTON',
      state: 'NY',
      lata: '132',
      available: true,
    });
    const sorted = [...telephoneNumbers].sort((a, b) =>
      a.telephoneNumber.localeCompare(b.telephoneNumber),
    );
    expect(telephoneNumbers).toEqual(sorted);
    expect(await search('npa=607')).toEqual(telephoneNumbers.map((found) => found.telephoneNumber));

    for (const nxx of ['722', '723', '724', '729']) {
      const numbers = await search(`npa=607&nxx=${nxx}&quantity=100`);
      expect(numbers).toHaveLength(100);
      expect(numbers.every((number) => number.startsWith(`+1607${nxx}`))).toBe(true);
    }
    const byRateCenter = await search('rateCenter=binghamton&state=NY&quantity=100');
    expect(byRateCenter.every((number) => number.startsWith('+1607'))).toBe(true);
    expect(await search('rateCenter=CHICAGO&state=IL&quantity=1')).toEqual([
      expect.stringMatching(/^\+1312/),
    ]);
  });

  it('matches the seed patterns *0000 and *1234*', async () => {
    const roundNumbers = await search('pattern=*0000&npa=607');
    expect(roundNumbers).toEqual(['+16077220000', '+16077230000', '+16077240000', '+16077290000']);
    const containing = await search('pattern=*1234*&npa=607&quantity=100');
    expect(containing).toContain('+16077221234');
    expect(containing.every((number) => matchesPattern(number, '*1234*'))).toBe(true);
  });

  it('holds several NPAs, a few thousand numbers each', async () => {
    for (const npa of ['212', '312', '415', '512']) {
      expect(await search(`npa=${npa}&quantity=100`)).toHaveLength(100);
    }
  });

  it('finds toll-free numbers of every prefix and no local ones', async () => {
    for (const npa of TOLL_FREE_NPAS) {
      const answer = await call('GET', `/telephone-number/search/tollfree?npa=${npa}&quantity=2`);
      expect(answer.status).toBe(200);
      expect(answer.body.telephoneNumbers).toHaveLength(2);
      expect(answer.body.telephoneNumbers[0]).toMatchObject({ npa, available: true });
    }
    const vanity = await call('GET', '/telephone-number/search/tollfree?pattern=*1234&quantity=10');
    expect(vanity.body.telephoneNumbers).toHaveLength(10);
    for (const found of vanity.body.telephoneNumbers) {
      expect(TOLL_FREE_NPAS).toContain(found.npa);
      expect(found.line).toBe('1234');
    }
    const local = await search('pattern=*1234&quantity=100');
    expect(
      local.some((number) => TOLL_FREE_NPAS.some((npa) => number.startsWith(`+1${npa}`))),
    ).toBe(false);
  });

  it('refuses a quantity over 100 and other bad queries with 400 naming each field', async () => {
    const answer = await call('GET', '/telephone-number/search?npa=123&nxx=45&quantity=101');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'querystring', path: 'npa' }),
        expect.objectContaining({ in: 'querystring', path: 'nxx' }),
        expect.objectContaining({ in: 'querystring', path: 'quantity' }),
      ]),
    );
    const noState = await call('GET', '/telephone-number/search?rateCenter=BINGHAMTON');
    expect(noState.status).toBe(400);
    expect(noState.body.error.details).toEqual([expect.objectContaining({ path: 'state' })]);
    expect((await call('GET', '/telephone-number/search?pattern=abc')).status).toBe(400);
    expect((await call('GET', '/telephone-number/search/tollfree?npa=607')).status).toBe(400);
    expect((await search('npa=607&quantity=100')).length).toBe(100);
  });

  it('shows only AVAILABLE numbers: an ordered one leaves this partition’s search, not another’s', async () => {
    const [first] = await ordered(1);
    expect(await search('npa=607&quantity=100')).not.toContain(first);
    const other = seedCaller(emulator, 'p2');
    const elsewhere = await other('GET', '/telephone-number/search?npa=607&quantity=1');
    expect(elsewhere.body.telephoneNumbers[0].telephoneNumber).toBe(first);
  });
});

describe('orders', () => {
  it('orders numbers with the seed answer and keeps the order', async () => {
    const numbers = await search('npa=607&quantity=3');
    const answer = await order(numbers);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      orderId: expect.stringMatching(/^order_[a-z0-9]+$/),
      status: 'COMPLETED',
      telephoneNumbers: numbers.map((telephoneNumber) => ({
        telephoneNumber,
        status: 'ACTIVE',
        accountId: 'acc_123',
        orderedDate: expect.any(String),
      })),
    });
    // Ordered on the emulator clock, not the wall clock.
    expect(answer.body.telephoneNumbers[0].orderedDate <= (await emulator.control.now())).toBe(
      true,
    );
    const again = await call('GET', `/telephone-number/order/${answer.body.orderId}`);
    expect(again).toMatchObject({ status: 200, body: answer.body });
    const listing = await call('GET', '/account/acc_123/telephone-number');
    expect(numbersOf(listing.body)).toEqual(numbers);
  });

  it('fails per number without failing the rest: PARTIAL, then FAILED', async () => {
    const [taken, free] = await search('npa=607&quantity=2');
    await order([taken!]);
    const partial = await order([taken!, free!, '+16077981234']);
    expect(partial.body.status).toBe('PARTIAL');
    expect(partial.body.telephoneNumbers).toEqual([
      {
        telephoneNumber: taken,
        status: 'FAILED',
        reason: expect.stringContaining('already active'),
      },
      expect.objectContaining({ telephoneNumber: free, status: 'ACTIVE' }),
      {
        telephoneNumber: '+16077981234',
        status: 'FAILED',
        reason: expect.stringContaining('inventory'),
      },
    ]);
    const failed = await order([taken!, free!]);
    expect(failed.status).toBe(200);
    expect(failed.body.status).toBe('FAILED');
  });

  it('takes at most 100 numbers per order, and refuses bad bodies naming the field', async () => {
    const numbers = await search('npa=607&quantity=100');
    const extra = await search('npa=212&quantity=1');
    const tooMany = await order([...numbers, ...extra]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details).toEqual([
      expect.objectContaining({
        path: 'telephoneNumbers',
        message: expect.stringContaining('100'),
      }),
    ]);
    expect((await order(numbers)).body.status).toBe('COMPLETED');

    const bad = await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: ['+16071234567', '+16077221000', '+16077221000'] },
    });
    expect(bad.status).toBe(400);
    const paths = problemPaths(bad.body);
    expect(paths).toEqual(expect.arrayContaining(['telephoneNumbers.0', 'accountId']));
  });

  it('orders a toll-free number on its own endpoint only', async () => {
    const found = await call('GET', '/telephone-number/search/tollfree?npa=800&quantity=1');
    const tollFree = found.body.telephoneNumbers[0].telephoneNumber as string;
    const viaLocal = await order([tollFree]);
    expect(viaLocal.body.telephoneNumbers[0]).toMatchObject({ status: 'FAILED' });
    const answer = await call('POST', '/telephone-number/order/tollfree', {
      body: { telephoneNumber: tollFree, accountId: 'acc_123' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'COMPLETED',
      telephoneNumbers: [{ telephoneNumber: tollFree, status: 'ACTIVE', accountId: 'acc_123' }],
    });
    const local = await call('POST', '/telephone-number/order/tollfree', {
      body: { telephoneNumber: '+16077221000', accountId: 'acc_123' },
    });
    expect(local.status).toBe(400);
    expect(local.body.error.details[0].path).toBe('telephoneNumber');
  });

  it('answers 404 NOT_FOUND for an unknown order, and for an order of another partition', async () => {
    const answer = await order(await search('npa=607&quantity=1'));
    const missing = await call('GET', '/telephone-number/order/order_missing');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const elsewhere = await seedCaller(emulator, 'p2')(
      'GET',
      `/telephone-number/order/${answer.body.orderId}`,
    );
    expect(elsewhere.status).toBe(404);
  });
});

describe('number details, updates and release', () => {
  it('reads details with the number written as the seed writes it, encoded or not', async () => {
    const [telephoneNumber] = await ordered(1);
    for (const written of [telephoneNumber!, encodeURIComponent(telephoneNumber!)]) {
      const answer = await call('GET', `/telephone-number/${written}`);
      expect(answer.status).toBe(200);
      expect(numberDetails.parse(answer.body)).toEqual({
        telephoneNumber,
        formatted: '(607) 722-0000',
        npa: '607',
        nxx: '722',
        status: 'ACTIVE',
        accountId: 'acc_123',
        assignedTo: null,
        assignmentType: null,
        e911: { registered: false },
        directoryListing: { listed: false },
        callerIdName: null,
        // The emulator's extension: the line type of the number's carrier record.
        lineType: 'BUSINESS',
      });
    }
  });

  it('answers 404 for a number the partition does not hold and 400 for a malformed one', async () => {
    expect((await call('GET', '/telephone-number/+16077221000')).status).toBe(404);
    const bad = await call('GET', '/telephone-number/+16071234567');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ in: 'params', path: 'telephoneNumber' }),
    ]);
  });

  it('updates caller ID, E911 and listing, and null clears', async () => {
    const [telephoneNumber] = await ordered(1);
    const updated = await call('PUT', `/telephone-number/${telephoneNumber}`, {
      body: {
        callerIdName: 'ACME SUPPORT',
        e911Address: E911,
        directoryListing: {
          listed: true,
          name: 'Acme Corporation',
          address: '135 Front St, Binghamton, NY',
        },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      callerIdName: 'ACME SUPPORT',
      e911: { registered: true, address: E911 },
      directoryListing: {
        listed: true,
        name: 'Acme Corporation',
        address: '135 Front St, Binghamton, NY',
      },
    });

    const partly = await call('PUT', `/telephone-number/${telephoneNumber}`, {
      body: { callerIdName: null },
    });
    expect(partly.body).toMatchObject({ callerIdName: null, e911: { registered: true } });

    const cleared = await call('PUT', `/telephone-number/${telephoneNumber}`, {
      body: { e911Address: null, directoryListing: { listed: false } },
    });
    expect(cleared.body).toMatchObject({
      callerIdName: null,
      e911: { registered: false },
      directoryListing: { listed: false },
    });
    expect(cleared.body.e911.address).toBeUndefined();
  });

  it('refuses bad updates with 400 naming each field', async () => {
    const [telephoneNumber] = await ordered(1);
    const bad = await call('PUT', `/telephone-number/${telephoneNumber}`, {
      body: {
        callerIdName: 'Acme support line!',
        e911Address: { ...E911, state: 'XX', zipCode: '1390' },
      },
    });
    expect(bad.status).toBe(400);
    const paths = problemPaths(bad.body);
    expect(paths).toEqual(
      expect.arrayContaining(['callerIdName', 'e911Address.state', 'e911Address.zipCode']),
    );
    expect((await call('PUT', `/telephone-number/${telephoneNumber}`, { body: {} })).status).toBe(
      400,
    );
  });

  it('releases a number: unassigned, E911 and listing gone, AVAILABLE again', async () => {
    const [telephoneNumber] = await ordered(1);
    await call('PUT', `/account/acc_123/user/user_1/telephone-number`, {
      body: { telephoneNumber, e911Address: E911 },
    });
    await call('PUT', `/telephone-number/${telephoneNumber}`, {
      body: { callerIdName: 'ACME', directoryListing: { listed: true, name: 'Acme' } },
    });
    expect(await search('npa=607&quantity=1')).not.toEqual([telephoneNumber]);

    const released = await call('DELETE', `/telephone-number/${telephoneNumber}`);
    expect(released).toMatchObject({ status: 200, body: { telephoneNumber, status: 'RELEASED' } });
    expect((await call('GET', `/telephone-number/${telephoneNumber}`)).status).toBe(404);
    expect((await call('GET', '/account/acc_123/telephone-number')).body).toEqual([]);
    expect(await search('npa=607&quantity=1')).toEqual([telephoneNumber]);

    await order([telephoneNumber!], 'acc_456');
    const details = await call('GET', `/telephone-number/${telephoneNumber}`);
    expect(details.body).toMatchObject({
      accountId: 'acc_456',
      assignedTo: null,
      e911: { registered: false },
      directoryListing: { listed: false },
      callerIdName: null,
    });
    expect((await call('DELETE', '/telephone-number/+16077981234')).status).toBe(404);
  });
});

describe('assignments', () => {
  const targets = [
    ['/user/user_xyz789', 'END_USER', 'user_xyz789'],
    ['/device/dev_1/line/2', 'DEVICE_LINE', 'dev_1/line/2'],
    ['/ivr/ivr_abc123', 'IVR', 'ivr_abc123'],
    ['/call-queue/queue_1', 'CALL_QUEUE', 'queue_1'],
  ] as const;

  it.each(targets)('assigns to %s and unassigns', async (target, assignmentType, assignedTo) => {
    const [telephoneNumber] = await ordered(1);
    const path = `/account/acc_123${target}/telephone-number`;
    const assigned = await call('PUT', path, { body: { telephoneNumber } });
    expect(assigned).toMatchObject({
      status: 200,
      body: {
        telephoneNumber,
        formatted: expect.any(String),
        accountId: 'acc_123',
        assignedTo,
        assignmentType,
        status: 'ACTIVE',
        e911Registered: false,
      },
    });
    const again = await call('PUT', path, { body: { telephoneNumber } });
    expect(again).toMatchObject({ status: 200, body: { assignedTo, assignmentType } });

    const unassigned = await call('DELETE', `${path}/${telephoneNumber}`);
    expect(unassigned).toMatchObject({
      status: 200,
      body: { telephoneNumber, assignedTo: null, assignmentType: null, primary: false },
    });
    const listing = await call('GET', '/account/acc_123/telephone-number');
    expect(listing.body).toEqual([
      {
        telephoneNumber,
        formatted: '(607) 722-0000',
        assignedTo: null,
        assignmentType: null,
        primary: false,
        status: 'ACTIVE',
        e911Registered: false,
      },
    ]);
  });

  it('assigns to a user with E911 as the seed does, and the details show it', async () => {
    const [telephoneNumber, other] = await ordered(2);
    const assigned = await call('PUT', '/account/acc_123/user/user_xyz789/telephone-number', {
      body: { telephoneNumber, primary: true, e911Address: E911 },
    });
    expect(assigned.body).toMatchObject({ primary: true, e911Registered: true });
    await call('PUT', '/account/acc_123/ivr/ivr_abc123/telephone-number', {
      body: { telephoneNumber: other },
    });
    const details = await call('GET', `/telephone-number/${telephoneNumber}`);
    expect(details.body).toMatchObject({
      assignedTo: 'user_xyz789',
      assignmentType: 'END_USER',
      e911: { registered: true, address: E911 },
    });
    const listing = await call('GET', '/account/acc_123/telephone-number');
    expect(listing.body).toEqual([
      expect.objectContaining({ telephoneNumber, assignmentType: 'END_USER', primary: true }),
      expect.objectContaining({
        telephoneNumber: other,
        assignedTo: 'ivr_abc123',
        assignmentType: 'IVR',
        primary: false,
      }),
    ]);
  });

  it('answers 404 for a number of another account and 409 NUMBER_ASSIGNED when assigned elsewhere', async () => {
    const [telephoneNumber] = await ordered(1);
    const notMine = await call('PUT', '/account/acc_other/user/user_1/telephone-number', {
      body: { telephoneNumber },
    });
    expect(notMine).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

    await call('PUT', '/account/acc_123/user/user_1/telephone-number', {
      body: { telephoneNumber },
    });
    for (const target of [
      '/user/user_2',
      '/device/dev_1/line/1',
      '/ivr/ivr_1',
      '/call-queue/q_1',
    ]) {
      const taken = await call('PUT', `/account/acc_123${target}/telephone-number`, {
        body: { telephoneNumber },
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error).toMatchObject({
        code: 'NUMBER_ASSIGNED',
        details: { assignedTo: 'user_1', assignmentType: 'END_USER' },
      });
    }
    const otherLine = await call(
      'DELETE',
      `/account/acc_123/user/user_2/telephone-number/${telephoneNumber}`,
    );
    expect(otherLine.status).toBe(409);
    const deviceLines = await ordered(1);
    await call('PUT', '/account/acc_123/device/dev_1/line/1/telephone-number', {
      body: { telephoneNumber: deviceLines[0] },
    });
    const secondLine = await call('PUT', '/account/acc_123/device/dev_1/line/2/telephone-number', {
      body: { telephoneNumber: deviceLines[0] },
    });
    expect(secondLine.status).toBe(409);
  });

  it('refuses bad assignment input with 400', async () => {
    const [telephoneNumber] = await ordered(1);
    const badLine = await call('PUT', '/account/acc_123/device/dev_1/line/zero/telephone-number', {
      body: { telephoneNumber },
    });
    expect(badLine.status).toBe(400);
    expect(badLine.body.error.details[0]).toMatchObject({ in: 'params', path: 'lineNumber' });
    const badE911 = await call('PUT', '/account/acc_123/user/user_1/telephone-number', {
      body: { telephoneNumber, e911Address: { street: '135 Front St' } },
    });
    expect(badE911.status).toBe(400);
    expect(problemPaths(badE911.body)).toEqual(
      expect.arrayContaining(['e911Address.city', 'e911Address.state', 'e911Address.zipCode']),
    );
  });
});
