/** Porting on the emulator: the losing carrier's checks, its timeline on the emulator clock, rejections, cancel. */
import {
  addDays,
  federalHolidays,
  isBusinessDay,
  platformPort,
  portabilityCheck,
} from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { carrierAnswerDate } from '../../src/emulator/ports';
import type { TestEmulator } from '../helpers/emulator';
import {
  AT_AND_T_NUMBER,
  problemPaths,
  seedCaller,
  seedPortRequest,
  useStoppedEmulator,
  type SeedCaller,
} from './support';

let emulator: TestEmulator;
let call: SeedCaller;
let today: string;

useStoppedEmulator('p1', (parts) => ({ emulator, call, today } = parts));

/** Moves the emulator clock to `minutes` after midnight (UTC) of `isoDate`. */
async function advanceTo(isoDate: string, minutes = 1): Promise<void> {
  const now = Date.parse(await emulator.control.now());
  const target = Date.parse(`${isoDate}T00:00:00Z`) + minutes * 60_000;
  await emulator.control.advance({ hours: (target - now) / 3_600_000 });
}

async function submit(body: unknown, idempotencyKey?: string) {
  return call('POST', '/telephone-number/port', { body, idempotencyKey });
}

async function status(portRequestId: string): Promise<string> {
  const answer = await call('GET', `/telephone-number/port/${portRequestId}`);
  expect(answer.status).toBe(200);
  return platformPort.parse(answer.body).status;
}

const firstBusinessDayFrom = (isoDate: string) => {
  let date = isoDate;
  while (!isBusinessDay(date)) date = addDays(date, 1);
  return date;
};

describe('portability check', () => {
  it('answers the seed check, with the bare + of the seed query arriving as a space', async () => {
    for (const written of ['+16077981234', '%2B16077981234', '16077981234']) {
      const answer = await call('GET', `/telephone-number/port/check?telephoneNumber=${written}`);
      expect(answer.status).toBe(200);
      expect(portabilityCheck.parse(answer.body)).toEqual({
        telephoneNumber: AT_AND_T_NUMBER,
        portable: true,
        currentCarrier: 'AT&T',
        lineType: 'BUSINESS',
        estimatedDays: 7,
      });
    }
  });

  it.each([
    ['+16077981234', 'AT&T'],
    ['+12127360123', 'Verizon'],
    ['+13123460123', 'Lumen'],
    ['+14152410123', 'Comcast Business'],
    ['+15124720123', 'Spectrum'],
    ['+18002220123', 'Verizon Business'],
    ['+17162550123', 'Frontier'],
  ])('names the default carrier of %s: %s', async (telephoneNumber, currentCarrier) => {
    const answer = await call(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${telephoneNumber}`,
    );
    expect(answer.body).toMatchObject({ currentCarrier, portable: true });
  });

  it('says a number already active on the platform is not portable, in that partition only', async () => {
    const found = await call('GET', '/telephone-number/search?npa=607&quantity=1');
    const telephoneNumber = found.body.telephoneNumbers[0].telephoneNumber as string;
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [telephoneNumber], accountId: 'acc_123' },
    });
    const answer = await call(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${telephoneNumber}`,
    );
    expect(answer.body).toMatchObject({
      portable: false,
      estimatedDays: 0,
      reason: expect.stringContaining('already active on this platform'),
    });
    const elsewhere = await seedCaller(emulator, 'p2')(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${telephoneNumber}`,
    );
    expect(elsewhere.body.portable).toBe(true);
  });

  it('answers the carrier record set through /_emulator', async () => {
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      currentCarrier: 'Windstream',
      lineType: 'RESIDENTIAL',
      portable: false,
      subscriber: { firstName: 'Jane', lastName: 'Roe', authorizedName: 'Jane Roe' },
      accountNumber: '555000111',
    });
    const answer = await call(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${AT_AND_T_NUMBER}`,
    );
    expect(answer.body).toEqual({
      telephoneNumber: AT_AND_T_NUMBER,
      portable: false,
      currentCarrier: 'Windstream',
      lineType: 'RESIDENTIAL',
      estimatedDays: 0,
      reason: 'Windstream marks the number not portable',
    });
  });

  it('refuses a missing or malformed number with 400 naming telephoneNumber', async () => {
    for (const query of ['', '?telephoneNumber=+1607123456', '?telephoneNumber=+16071234567']) {
      const answer = await call('GET', `/telephone-number/port/check${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ in: 'querystring', path: 'telephoneNumber' })],
      });
    }
  });
});

describe('port submission', () => {
  it('answers 201 with the seed body and keeps the port', async () => {
    const request = seedPortRequest([AT_AND_T_NUMBER], today);
    const now = await emulator.control.now();
    const answer = await submit({
      ...request,
      allowPartial: true,
      activation: { target: { type: 'USER', userId: 'user_1' } },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      portRequestId: expect.stringMatching(/^port_[a-z0-9]+$/),
      status: 'PENDING',
      telephoneNumbers: [AT_AND_T_NUMBER],
      submittedDate: now,
      requestedDate: request.requestedDate,
      estimatedCompletionDate: addDays(request.requestedDate, 1),
      currentProvider: 'AT&T',
      accountId: 'acc_123',
      // The extension: every status so far.
      statusHistory: [{ status: 'PENDING', at: now }],
    });
    const read = await call('GET', `/telephone-number/port/${answer.body.portRequestId}`);
    expect(read).toMatchObject({ status: 200, body: answer.body });
    const elsewhere = await seedCaller(emulator, 'p2')(
      'GET',
      `/telephone-number/port/${answer.body.portRequestId}`,
    );
    expect(elsewhere).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('refuses a requested date under 7 days ahead, on a weekend or on a federal holiday, naming requestedDate', async () => {
    const soon = firstBusinessDayFrom(addDays(today, 1));
    let weekend = addDays(today, 7);
    while (new Date(`${weekend}T00:00:00Z`).getUTCDay() !== 6) weekend = addDays(weekend, 1);
    const year = Number(today.slice(0, 4));
    const holiday = [...federalHolidays(year), ...federalHolidays(year + 1)]
      .sort()
      .find(
        (date) =>
          date >= addDays(today, 7) && ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()),
      );
    for (const requestedDate of [soon, addDays(today, 6), weekend, holiday!]) {
      const answer = await submit({ ...seedPortRequest([AT_AND_T_NUMBER], today), requestedDate });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ in: 'body', path: 'requestedDate' })],
      });
    }
    const bad = await submit({
      ...seedPortRequest([AT_AND_T_NUMBER], today),
      requestedDate: '2026-02-30',
    });
    expect(bad.body.error.details[0].path).toBe('requestedDate');
  });

  it('refuses numbers of different losing carriers with 400 MIXED_CARRIERS', async () => {
    const verizon = '+12127360199';
    const answer = await submit(seedPortRequest([AT_AND_T_NUMBER, verizon], today));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'MIXED_CARRIERS',
      details: [
        { currentCarrier: 'AT&T', telephoneNumbers: [AT_AND_T_NUMBER] },
        { currentCarrier: 'Verizon', telephoneNumbers: [verizon] },
      ],
    });
  });

  it('refuses a malformed body with 400 naming each field, and never answers 500', async () => {
    const answer = await submit({
      ...seedPortRequest([AT_AND_T_NUMBER], today),
      subscriber: { firstName: '', lastName: 'Doe' },
      serviceAddress: {
        street: '135 Front St',
        city: 'Binghamton',
        state: 'New York',
        zipCode: '13905',
      },
      pin: '12-34',
    });
    expect(answer.status).toBe(400);
    const paths = problemPaths(answer.body);
    expect(paths).toEqual(
      expect.arrayContaining([
        'subscriber.firstName',
        'subscriber.authorizedName',
        'serviceAddress.state',
        'pin',
      ]),
    );
    for (const body of ['[]', 'null', '"port"', '{"telephoneNumbers": {}}']) {
      const odd = await submit(JSON.parse(body));
      expect(odd.status).toBe(400);
    }
  });
});

describe('the losing carrier timeline', () => {
  it('goes PENDING → APPROVED (FOC) → IN_PROGRESS → COMPLETED and activates the numbers', async () => {
    const second = '+16077981235';
    const request = seedPortRequest([AT_AND_T_NUMBER, second], today);
    const { body: port } = await submit(request);
    const answerDate = carrierAnswerDate(today);

    await advanceTo(answerDate, -1);
    expect(await status(port.portRequestId)).toBe('PENDING');

    await advanceTo(answerDate);
    const approved = await call('GET', `/telephone-number/port/${port.portRequestId}`);
    expect(approved.body).toMatchObject({ status: 'APPROVED', focDate: request.requestedDate });
    expect((await call('GET', `/telephone-number/${AT_AND_T_NUMBER}`)).status).toBe(404);

    await advanceTo(request.requestedDate, -1);
    expect(await status(port.portRequestId)).toBe('APPROVED');
    await advanceTo(request.requestedDate);
    expect(await status(port.portRequestId)).toBe('IN_PROGRESS');
    expect((await call('GET', '/account/acc_123/telephone-number')).body).toEqual([]);

    await advanceTo(addDays(request.requestedDate, 1));
    const completed = await call('GET', `/telephone-number/port/${port.portRequestId}`);
    expect(completed.body).toMatchObject({ status: 'COMPLETED', focDate: request.requestedDate });
    const listing = await call('GET', '/account/acc_123/telephone-number');
    expect(listing.body).toEqual(
      [AT_AND_T_NUMBER, second].map((telephoneNumber): unknown =>
        expect.objectContaining({
          telephoneNumber,
          status: 'ACTIVE',
          assignedTo: null,
          assignmentType: null,
        }),
      ),
    );
    const details = await call('GET', `/telephone-number/${AT_AND_T_NUMBER}`);
    expect(details.body).toMatchObject({ status: 'ACTIVE', accountId: 'acc_123' });
    const check = await call(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${AT_AND_T_NUMBER}`,
    );
    expect(check.body.portable).toBe(false);
  });

  it('reaches COMPLETED in one jump of the clock, with the number active for every read', async () => {
    const { body: port } = await submit(seedPortRequest([AT_AND_T_NUMBER], today));
    await emulator.control.advance({ days: 30 });
    const details = await call('GET', `/telephone-number/${AT_AND_T_NUMBER}`);
    expect(details.body).toMatchObject({ status: 'ACTIVE', accountId: 'acc_123' });
    expect(await status(port.portRequestId)).toBe('COMPLETED');
  });

  it('approves names that differ only in case and spacing, and a PIN the carrier does not ask for', async () => {
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      ...defaultCarrierRecord(AT_AND_T_NUMBER),
      pin: undefined,
      subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
    });
    const request = seedPortRequest([AT_AND_T_NUMBER], today);
    const { body: port } = await submit({
      ...request,
      subscriber: { firstName: 'JOHN', lastName: ' doe', authorizedName: 'John  Doe' },
      pin: undefined,
      currentProvider: 'at&t',
    });
    await advanceTo(carrierAnswerDate(today));
    expect(await status(port.portRequestId)).toBe('APPROVED');
  });

  const seed = seedPortRequest([AT_AND_T_NUMBER], '2000-01-01');
  it.each([
    [
      'firstName',
      { subscriber: { ...seed.subscriber, firstName: 'Jane' } },
      'subscriber firstName',
    ],
    ['lastName', { subscriber: { ...seed.subscriber, lastName: 'Roe' } }, 'subscriber lastName'],
    [
      'companyName',
      { subscriber: { ...seed.subscriber, companyName: 'Other Corp' } },
      'subscriber companyName',
    ],
    [
      'authorizedName',
      { subscriber: { ...seed.subscriber, authorizedName: 'Jim Doe' } },
      'subscriber authorizedName',
    ],
    ['accountNumber', { accountNumber: '555000111' }, 'accountNumber does not match'],
    ['pin', { pin: '9999' }, 'pin does not match'],
    ['pin (absent)', { pin: undefined }, 'pin does not match'],
    [
      'currentProvider',
      { currentProvider: 'Verizon' },
      'currentProvider (the number is with AT&T)',
    ],
  ])('rejects a mismatched %s with a reason that names it', async (field, change, named) => {
    const { body: port } = await submit({
      ...seedPortRequest([AT_AND_T_NUMBER], today),
      ...change,
    });
    await advanceTo(carrierAnswerDate(today));
    const rejected = await call('GET', `/telephone-number/port/${port.portRequestId}`);
    expect(rejected.body).toMatchObject({ status: 'REJECTED' });
    expect(rejected.body.focDate).toBeUndefined();
    const reason = rejected.body.rejectionReason as string;
    expect(reason).toContain(named);
    expect(reason).toContain(AT_AND_T_NUMBER);
    expect(reason).toMatch(/^AT&T rejected the port: /);
    for (const secret of ['555000111', '123456789', '9999']) expect(reason).not.toContain(secret);
    // The extension: each reason with its code and numbers.
    const code =
      {
        accountNumber: 'ACCOUNT_NUMBER_MISMATCH',
        pin: 'PIN_INVALID',
        'pin (absent)': 'PIN_INVALID',
        currentProvider: 'CURRENT_PROVIDER_MISMATCH',
      }[field] ?? 'SUBSCRIBER_NAME_MISMATCH';
    expect(rejected.body.rejections).toEqual([
      { code, reason: expect.stringContaining(named), telephoneNumbers: [AT_AND_T_NUMBER] },
    ]);

    // A rejected port stays rejected: a corrected request is a new POST.
    await emulator.control.advance({ days: 30 });
    expect(await status(port.portRequestId)).toBe('REJECTED');
    expect((await call('GET', `/telephone-number/${AT_AND_T_NUMBER}`)).status).toBe(404);
  });

  it('rejects a number that is not portable, or became active on the platform meanwhile', async () => {
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      ...defaultCarrierRecord(AT_AND_T_NUMBER),
      portable: false,
    });
    const { body: blocked } = await submit(seedPortRequest([AT_AND_T_NUMBER], today));

    const found = await call('GET', '/telephone-number/search?npa=607&quantity=1');
    const inventoryNumber = found.body.telephoneNumbers[0].telephoneNumber as string;
    const { body: raced } = await submit(seedPortRequest([inventoryNumber], today));
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [inventoryNumber], accountId: 'acc_9' },
    });

    await advanceTo(carrierAnswerDate(today));
    const first = await call('GET', `/telephone-number/port/${blocked.portRequestId}`);
    expect(first.body).toMatchObject({
      status: 'REJECTED',
      rejectionReason: expect.stringContaining('not portable: AT&T marks the number not portable'),
    });
    const second = await call('GET', `/telephone-number/port/${raced.portRequestId}`);
    expect(second.body.rejectionReason).toContain(
      'already active on this platform (account acc_9)',
    );
  });

  it('rejects with the code and reason a carrier record says, for tests of codes portflow does not know', async () => {
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      ...defaultCarrierRecord(AT_AND_T_NUMBER),
      rejectWith: { code: 'LSR-7Z', reason: 'end user moved' },
    });
    const { body: port } = await submit(seedPortRequest([AT_AND_T_NUMBER], today));
    await advanceTo(carrierAnswerDate(today));
    const rejected = await call('GET', `/telephone-number/port/${port.portRequestId}`);
    expect(rejected.body).toMatchObject({
      status: 'REJECTED',
      rejectionReason: `AT&T rejected the port: end user moved (${AT_AND_T_NUMBER})`,
      rejections: [
        { code: 'LSR-7Z', reason: 'end user moved', telephoneNumbers: [AT_AND_T_NUMBER] },
      ],
    });
  });

  it('judges a port by the carrier record as it stood when the answer fell due', async () => {
    const { body: port } = await submit(seedPortRequest([AT_AND_T_NUMBER], today));
    await advanceTo(carrierAnswerDate(today));
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      ...defaultCarrierRecord(AT_AND_T_NUMBER),
      accountNumber: '000000000',
    });
    expect(await status(port.portRequestId)).toBe('APPROVED');
  });
});

describe('cancel', () => {
  it('cancels while PENDING, stays CANCELLED, and the carrier never answers it', async () => {
    const { body: port } = await submit(seedPortRequest([AT_AND_T_NUMBER], today));
    const cancelled = await call('DELETE', `/telephone-number/port/${port.portRequestId}`);
    expect(cancelled).toMatchObject({
      status: 200,
      body: { portRequestId: port.portRequestId, status: 'CANCELLED' },
    });
    expect((await call('DELETE', `/telephone-number/port/${port.portRequestId}`)).body.status).toBe(
      'CANCELLED',
    );
    await emulator.control.advance({ days: 30 });
    expect(await status(port.portRequestId)).toBe('CANCELLED');
    expect((await call('GET', `/telephone-number/${AT_AND_T_NUMBER}`)).status).toBe(404);
  });

  it('cancels a REJECTED port', async () => {
    const { body: port } = await submit({
      ...seedPortRequest([AT_AND_T_NUMBER], today),
      pin: '0000',
    });
    await advanceTo(carrierAnswerDate(today));
    expect(await status(port.portRequestId)).toBe('REJECTED');
    const cancelled = await call('DELETE', `/telephone-number/port/${port.portRequestId}`);
    expect(cancelled.body.status).toBe('CANCELLED');
  });

  it('refuses with 409 PORT_NOT_CANCELLABLE once APPROVED, IN_PROGRESS or COMPLETED', async () => {
    const request = seedPortRequest([AT_AND_T_NUMBER], today);
    const { body: port } = await submit(request);
    const steps: [string, string][] = [
      [carrierAnswerDate(today), 'APPROVED'],
      [request.requestedDate, 'IN_PROGRESS'],
      [addDays(request.requestedDate, 1), 'COMPLETED'],
    ];
    for (const [date, expected] of steps) {
      await advanceTo(date);
      const refused = await call('DELETE', `/telephone-number/port/${port.portRequestId}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: 'PORT_NOT_CANCELLABLE',
        details: { status: expected },
      });
      expect(await status(port.portRequestId)).toBe(expected);
    }
  });

  it('answers 404 for an unknown port', async () => {
    const answer = await call('DELETE', '/telephone-number/port/port_missing');
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});
