/** The platform client against a real emulator over HTTP: every seed endpoint, its flows and its faults. */
import Fastify from 'fastify';
import {
  addBusinessDays,
  addDays,
  daysBetween,
  portRequest as portRequestSchema,
  type PortRequest,
} from '../../src/domain';
import {
  createSeedPlatform,
  PlatformNotFoundError,
  PlatformRateLimitedError,
  PlatformRejectedError,
  PlatformTimeoutError,
  PlatformUnavailableError,
  type SeedPlatform,
} from '../../src/platform';
import { platformFailure } from './support';
import { AT_AND_T_NUMBER, seedPortRequest } from '../emulator/support';
import { startTestEmulator } from '../helpers/emulator';

type TestEmulator = Awaited<ReturnType<typeof startTestEmulator>>;

const PARTITION = 'p1';
const ACCOUNT = 'acc_123';
const E911 = {
  street: '135 Front St',
  city: 'Binghamton',
  state: 'NY' as const,
  zipCode: '13905',
  location: 'Suite 200',
};

let emulator: TestEmulator;
let client: SeedPlatform;

beforeAll(async () => {
  emulator = await startTestEmulator();
  client = createSeedPlatform({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 2_000 });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

beforeEach(async () => {
  await emulator.control.clearFaults();
  await emulator.control.reset();
});

/** The emulator's today, as YYYY-MM-DD. */
async function emulatorToday(): Promise<string> {
  return (await emulator.control.now()).slice(0, 10);
}

/** Moves the emulator clock on to the same time of day on `isoDate`. */
async function advanceTo(isoDate: string): Promise<void> {
  await emulator.control.advance({ days: daysBetween(await emulatorToday(), isoDate) });
}

/** The contract's carrier answer day: two business days after the day of submission. */
async function carrierAnswerDay(): Promise<string> {
  return addBusinessDays(addDays(await emulatorToday(), 1), 1);
}

/** An available local number, ordered into ACCOUNT. */
async function orderedNumber(): Promise<string> {
  const { telephoneNumbers } = await client.searchNumbers(PARTITION, { npa: '607', quantity: 1 });
  const telephoneNumber = telephoneNumbers[0]!.telephoneNumber;
  await client.orderNumbers(
    PARTITION,
    { telephoneNumbers: [telephoneNumber], accountId: ACCOUNT },
    { idempotencyKey: `order-${telephoneNumber}` },
  );
  return telephoneNumber;
}

/** The seed's port request for a number the losing carrier holds, parsed as the domain reads it. */
async function portRequest(telephoneNumber: string): Promise<PortRequest> {
  return portRequestSchema.parse(seedPortRequest([telephoneNumber], await emulatorToday()));
}

describe('search, order, assign with E911, details (the seed flow)', () => {
  it('searches local numbers by NPA, NPA-NXX, rate center and pattern', async () => {
    const byNpa = await client.searchNumbers(PARTITION, { npa: '607', quantity: 5 });
    expect(byNpa.telephoneNumbers).toHaveLength(5);
    for (const number of byNpa.telephoneNumbers) {
      expect(number).toMatchObject({ npa: '607', available: true });
    }

    const byExchange = await client.searchNumbers(PARTITION, { npa: '607', nxx: '722' });
    expect(byExchange.telephoneNumbers.length).toBeGreaterThan(0);
    expect(byExchange.telephoneNumbers.every((number) => number.nxx === '722')).toBe(true);

    const byRateCenter = await client.searchNumbers(PARTITION, {
      rateCenter: 'BINGHAMTON',
      state: 'NY',
      quantity: 3,
    });
    expect(byRateCenter.telephoneNumbers[0]).toMatchObject({
      rateCenter: 'BINGHAMTON',
      state: 'NY',
      lata: '132',
    });

    const byPattern = await client.searchNumbers(PARTITION, { npa: '607', pattern: '*0000' });
    expect(byPattern.telephoneNumbers.length).toBeGreaterThan(0);
    expect(byPattern.telephoneNumbers.every((number) => number.line === '0000')).toBe(true);
  });

  it('searches and orders a toll-free number', async () => {
    const { telephoneNumbers } = await client.searchTollFree(PARTITION, { quantity: 3 });
    expect(telephoneNumbers).toHaveLength(3);
    const tollFree = telephoneNumbers[0]!.telephoneNumber;
    expect(['800', '888', '877', '866', '855', '844', '833']).toContain(telephoneNumbers[0]!.npa);

    const order = await client.orderTollFree(
      PARTITION,
      { telephoneNumber: tollFree, accountId: ACCOUNT },
      { idempotencyKey: 'tollfree-1' },
    );
    expect(order.status).toBe('COMPLETED');
    expect(order.telephoneNumbers).toEqual([
      expect.objectContaining({ telephoneNumber: tollFree, status: 'ACTIVE', accountId: ACCOUNT }),
    ]);
  });

  it('orders, assigns to a user with E911, reads and updates the details', async () => {
    const { telephoneNumbers } = await client.searchNumbers(PARTITION, { npa: '607', quantity: 2 });
    const numbers = telephoneNumbers.map((number) => number.telephoneNumber);

    const order = await client.orderNumbers(
      PARTITION,
      { telephoneNumbers: numbers, accountId: ACCOUNT },
      { idempotencyKey: 'order-1' },
    );
    expect(order.status).toBe('COMPLETED');
    expect(order.telephoneNumbers.map((number) => number.status)).toEqual(['ACTIVE', 'ACTIVE']);
    await expect(client.getOrder(PARTITION, order.orderId)).resolves.toMatchObject({
      orderId: order.orderId,
      status: 'COMPLETED',
    });

    const [telephoneNumber] = numbers as [string];
    const assignment = await client.assign(
      PARTITION,
      ACCOUNT,
      { type: 'USER', userId: 'user_xyz789' },
      { telephoneNumber, primary: true, e911Address: E911 },
    );
    expect(assignment).toMatchObject({
      telephoneNumber,
      accountId: ACCOUNT,
      assignedTo: 'user_xyz789',
      assignmentType: 'END_USER',
      primary: true,
      e911Registered: true,
    });

    const details = await client.getNumber(PARTITION, telephoneNumber);
    expect(details).toMatchObject({
      telephoneNumber,
      status: 'ACTIVE',
      accountId: ACCOUNT,
      assignedTo: 'user_xyz789',
      assignmentType: 'END_USER',
      e911: { registered: true, address: E911 },
    });

    const listing = await client.listAccountNumbers(PARTITION, ACCOUNT);
    expect(listing.map((entry) => entry.telephoneNumber).sort()).toEqual([...numbers].sort());

    const updated = await client.updateNumber(PARTITION, telephoneNumber, {
      callerIdName: 'ACME SUPPORT',
      e911Address: { ...E911, location: 'Suite 300' },
      directoryListing: { listed: true, name: 'Acme Corporation' },
    });
    expect(updated).toMatchObject({
      callerIdName: 'ACME SUPPORT',
      e911: { registered: true, address: { location: 'Suite 300' } },
      directoryListing: { listed: true, name: 'Acme Corporation' },
    });

    const cleared = await client.updateNumber(PARTITION, telephoneNumber, {
      callerIdName: null,
      e911Address: null,
      directoryListing: { listed: false },
    });
    expect(cleared).toMatchObject({
      callerIdName: null,
      e911: { registered: false },
      directoryListing: { listed: false },
    });
  });

  it.each([
    [{ type: 'USER' as const, userId: 'user_1' }, 'END_USER', 'user_1'],
    [{ type: 'DEVICE_LINE' as const, deviceId: 'dev_1', lineNumber: 2 }, 'DEVICE_LINE', undefined],
    [{ type: 'IVR' as const, ivrId: 'ivr_abc123' }, 'IVR', 'ivr_abc123'],
    [{ type: 'CALL_QUEUE' as const, queueId: 'queue_1' }, 'CALL_QUEUE', 'queue_1'],
  ])('assigns to and unassigns from %j', async (target, assignmentType, assignedTo) => {
    const telephoneNumber = await orderedNumber();
    const assignment = await client.assign(PARTITION, ACCOUNT, target, { telephoneNumber });
    expect(assignment.assignmentType).toBe(assignmentType);
    if (assignedTo) expect(assignment.assignedTo).toBe(assignedTo);

    const unassigned = await client.unassign(PARTITION, ACCOUNT, target, telephoneNumber);
    expect(unassigned).toMatchObject({ telephoneNumber, assignedTo: null });
    const details = await client.getNumber(PARTITION, telephoneNumber);
    expect(details).toMatchObject({ assignedTo: null, assignmentType: null, accountId: ACCOUNT });
  });

  it('sends the Idempotency-Key on orders, and a replay gives the same order', async () => {
    const { telephoneNumbers } = await client.searchNumbers(PARTITION, { npa: '212', quantity: 1 });
    const order = { telephoneNumbers: [telephoneNumbers[0]!.telephoneNumber], accountId: ACCOUNT };
    const first = await client.orderNumbers(PARTITION, order, { idempotencyKey: 'order-once' });
    const replay = await client.orderNumbers(PARTITION, order, { idempotencyKey: 'order-once' });
    expect(replay).toEqual(first);
    expect(replay.status).toBe('COMPLETED');

    const calls = await emulator.control.calls({
      method: 'POST',
      path: '*/telephone-number/order',
    });
    expect(calls.map((call) => call.idempotencyKey)).toEqual(['order-once', 'order-once']);
  });

  it('releases a number to the inventory', async () => {
    const telephoneNumber = await orderedNumber();
    const release = await client.releaseNumber(PARTITION, telephoneNumber, {
      idempotencyKey: 'release-1',
    });
    expect(release).toEqual({ telephoneNumber, status: 'RELEASED' });
    const listing = await client.listAccountNumbers(PARTITION, ACCOUNT);
    expect(listing.map((entry) => entry.telephoneNumber)).not.toContain(telephoneNumber);
  });

  it('answers a number not held, an unknown order and port with PlatformNotFoundError', async () => {
    for (const call of [
      client.getNumber(PARTITION, '+16077220000'),
      client.getOrder(PARTITION, 'order_missing'),
      client.getPort(PARTITION, 'acc_123', 'port_missing'),
    ]) {
      const error = await platformFailure(call);
      expect(error).toBeInstanceOf(PlatformNotFoundError);
      expect(error).toMatchObject({ status: 404, retryable: false });
      expect(error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});

describe('porting (the seed flow)', () => {
  it('checks portability with the losing carrier and its seed values', async () => {
    await expect(client.checkPortability(PARTITION, AT_AND_T_NUMBER)).resolves.toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      portable: true,
      currentCarrier: 'AT&T',
    });

    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      currentCarrier: 'Verizon',
      lineType: 'RESIDENTIAL',
      portable: false,
      subscriber: { firstName: 'Jane', lastName: 'Roe', authorizedName: 'Jane Roe' },
      accountNumber: '987654321',
      pin: '4321',
    });
    await expect(client.checkPortability(PARTITION, AT_AND_T_NUMBER)).resolves.toMatchObject({
      portable: false,
      currentCarrier: 'Verizon',
      lineType: 'RESIDENTIAL',
    });
  });

  it('follows a port from PENDING to COMPLETED on the emulator clock', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const submitted = await client.submitPort(
      PARTITION,
      { ...submission, customerReference: 'pr_mine' },
      { idempotencyKey: 'port-1' },
    );
    expect(submitted).toMatchObject({
      status: 'PENDING',
      telephoneNumbers: [AT_AND_T_NUMBER],
      requestedDate: submission.requestedDate,
      customerReference: 'pr_mine',
    });
    const { portRequestId } = submitted;
    await expect(client.getPort(PARTITION, 'acc_123', portRequestId)).resolves.toMatchObject({
      status: 'PENDING',
    });

    await advanceTo(await carrierAnswerDay());
    await expect(client.getPort(PARTITION, 'acc_123', portRequestId)).resolves.toMatchObject({
      status: 'APPROVED',
      focDate: submission.requestedDate,
    });

    await advanceTo(submission.requestedDate);
    await expect(client.getPort(PARTITION, 'acc_123', portRequestId)).resolves.toMatchObject({
      status: 'IN_PROGRESS',
    });

    await emulator.control.advance({ days: 1 });
    const completed = await client.getPort(PARTITION, 'acc_123', portRequestId);
    expect(completed.status).toBe('COMPLETED');
    // The statusHistory extension: every status the port went through, in order.
    expect(completed.statusHistory?.map(({ status }) => status)).toEqual([
      'PENDING',
      'APPROVED',
      'IN_PROGRESS',
      'COMPLETED',
    ]);
    expect(completed.statusHistory?.[1]?.focDate).toBe(submission.requestedDate);
    const listing = await client.listAccountNumbers(PARTITION, ACCOUNT);
    expect(listing.map((entry) => entry.telephoneNumber)).toContain(AT_AND_T_NUMBER);
  });

  it('is rejected with a reason when the subscriber does not match the carrier record', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const port = await client.submitPort(
      PARTITION,
      { ...submission, pin: '9999' },
      { idempotencyKey: 'port-wrong-pin' },
    );
    await advanceTo(await carrierAnswerDay());
    const rejected = await client.getPort(PARTITION, 'acc_123', port.portRequestId);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.rejectionReason).toEqual(expect.any(String));
    expect(rejected.rejectionReason).not.toContain('9999');
  });

  it('cancels before approval and is refused with PORT_NOT_CANCELLABLE after it', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const early = await client.submitPort(PARTITION, submission, { idempotencyKey: 'port-a' });
    await expect(
      client.cancelPort(PARTITION, 'acc_123', early.portRequestId, { idempotencyKey: 'cancel-a' }),
    ).resolves.toMatchObject({ portRequestId: early.portRequestId, status: 'CANCELLED' });

    const late = await client.submitPort(PARTITION, submission, { idempotencyKey: 'port-b' });
    await advanceTo(await carrierAnswerDay());
    const error = await platformFailure(
      client.cancelPort(PARTITION, 'acc_123', late.portRequestId),
    );
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error).toMatchObject({ status: 409, code: 'PORT_NOT_CANCELLABLE', retryable: false });
    await expect(client.getPort(PARTITION, 'acc_123', late.portRequestId)).resolves.toMatchObject({
      status: 'APPROVED',
    });
  });

  it('sends the Idempotency-Key, and a replay gives the same port', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const first = await client.submitPort(PARTITION, submission, { idempotencyKey: 'port-once' });
    const replay = await client.submitPort(PARTITION, submission, { idempotencyKey: 'port-once' });
    expect(replay.portRequestId).toBe(first.portRequestId);
    const another = await client.submitPort(PARTITION, submission, { idempotencyKey: 'port-new' });
    expect(another.portRequestId).not.toBe(first.portRequestId);
    const reused = await platformFailure(
      client.submitPort(PARTITION, { ...submission, pin: '4321' }, { idempotencyKey: 'port-once' }),
    );
    expect(reused).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED', retryable: false });

    const calls = await emulator.control.calls({
      method: 'POST',
      path: '/v2/partition/*/telephone-number/port',
    });
    expect(calls.map((call) => call.idempotencyKey)).toEqual([
      'port-once',
      'port-once',
      'port-new',
      'port-once',
    ]);
  });

  it('refuses a bad request with a 400 naming the field', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const error = await platformFailure(
      client.submitPort(
        PARTITION,
        { ...submission, requestedDate: await emulatorToday() },
        { idempotencyKey: 'port-too-soon' },
      ),
    );
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(error.details).toEqual([expect.objectContaining({ path: 'requestedDate' })]);
  });
});

describe('faults', () => {
  const portPath = '/v2/partition/*/telephone-number/port/*';

  it('surfaces a 503 as PlatformUnavailableError, retryable', async () => {
    await emulator.control.addFault({
      kind: 'status',
      status: 503,
      count: 1,
      match: { method: 'GET', path: portPath },
    });
    const error = await platformFailure(client.getPort(PARTITION, 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformUnavailableError);
    expect(error).toMatchObject({ status: 503, retryable: true });
  });

  it('surfaces a 429 with Retry-After as PlatformRateLimitedError with retryAfterMs', async () => {
    await emulator.control.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 7,
      count: 1,
      match: { method: 'GET', path: portPath },
    });
    const error = await platformFailure(client.getPort(PARTITION, 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformRateLimitedError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7_000 });
  });

  it('surfaces a dropped connection as retryable PlatformUnavailableError', async () => {
    await emulator.control.addFault({
      kind: 'drop',
      count: 1,
      match: { method: 'GET', path: portPath },
    });
    const error = await platformFailure(client.getPort(PARTITION, 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
  });

  it('gives up on a slow answer after timeoutMs with a retryable PlatformTimeoutError', async () => {
    await emulator.control.addFault({
      kind: 'latency',
      latencyMs: 1_500,
      count: 1,
      match: { method: 'GET', path: portPath },
    });
    const impatient = createSeedPlatform({
      baseUrl: emulator.url,
      token: emulator.token,
      timeoutMs: 300,
    });
    const started = Date.now();
    const error = await platformFailure(impatient.getPort(PARTITION, 'acc_123', 'port_1'));
    await impatient.close();
    expect(error).toBeInstanceOf(PlatformTimeoutError);
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('answers a wrong token with a 401 PlatformRejectedError', async () => {
    const intruder = createSeedPlatform({
      baseUrl: emulator.url,
      token: 'not-the-token',
      timeoutMs: 2_000,
    });
    const error = await platformFailure(intruder.searchNumbers(PARTITION, { npa: '607' }));
    await intruder.close();
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});

describe('the porting-calendar extensions', () => {
  it('reads FOC dates of several numbers in one call, and an activation window', async () => {
    const today = await emulatorToday();
    const dates = await client.focDates(PARTITION, [AT_AND_T_NUMBER, '+12127360123']);
    expect(dates?.map((d) => [d.telephoneNumber, d.earliestFocDate])).toEqual([
      [AT_AND_T_NUMBER, addBusinessDays(today, 3)],
      ['+12127360123', addBusinessDays(today, 4)],
    ]);
    const date = addBusinessDays(addDays(today, 10), 0);
    await expect(client.activationWindow(PARTITION, date)).resolves.toMatchObject({
      date,
      timeZone: 'America/Chicago',
    });
  });

  it('sends ON_DEMAND and activates the port on its FOC date inside the window', async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const port = await client.submitPort(
      PARTITION,
      { ...submission, activationMode: 'ON_DEMAND' },
      { idempotencyKey: 'port-on-demand' },
    );
    expect(port.activationMode).toBe('ON_DEMAND');
    const window = await client.activationWindow(PARTITION, submission.requestedDate);
    const now = Date.parse(await emulator.control.now());
    await emulator.control.advance({
      hours: (Date.parse(window?.opensAt ?? '') + 60_000 - now) / 3_600_000,
    });
    const activated = await client.activatePort(PARTITION, ACCOUNT, port.portRequestId);
    expect(activated.status).toBe('COMPLETED');
  });

  it('answers undefined for an extension the platform lacks', async () => {
    // A seed platform without them: every path it is asked is a 404.
    const platform = Fastify();
    const bare = createSeedPlatform({
      baseUrl: await platform.listen({ host: '127.0.0.1', port: 0 }),
      token: 'x',
      timeoutMs: 2_000,
    });
    try {
      await expect(bare.focDates(PARTITION, [AT_AND_T_NUMBER])).resolves.toBeUndefined();
      await expect(bare.activationWindow(PARTITION, '2027-01-04')).resolves.toBeUndefined();
      await expect(bare.portComments(PARTITION, ACCOUNT, 'PR-1')).resolves.toBeUndefined();
    } finally {
      await bare.close();
      await platform.close();
    }
  });
});

describe('the carrier-comments extension', () => {
  it("reads the losing carrier's comments on a port, oldest first", async () => {
    const submission = await portRequest(AT_AND_T_NUMBER);
    const port = await client.submitPort(PARTITION, submission, { idempotencyKey: 'commented' });
    await expect(client.portComments(PARTITION, ACCOUNT, port.portRequestId)).resolves.toEqual([]);
    const first = await emulator.control.carrierComment(PARTITION, port.portRequestId, {
      text: 'CSR requested',
      author: 'AT&T porting desk',
    });
    const second = await emulator.control.carrierComment(PARTITION, port.portRequestId, {
      text: 'Waiting on the end user',
    });
    await expect(client.portComments(PARTITION, ACCOUNT, port.portRequestId)).resolves.toEqual([
      first,
      second,
    ]);
  });
});
