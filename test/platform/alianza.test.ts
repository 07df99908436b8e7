/** The Alianza adapter against the emulator's Alianza dialect, over HTTP. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { addDays, e911Address, isBusinessDay, portRequest, toIsoDate } from '../../src/domain';
import type { Prevalidation } from '../../src/domain/alianza';
import { focDateOf, focWindowOf } from '../../src/platform/alianza';
import {
  PlatformConflictError,
  PlatformNotFoundError,
  PlatformRejectedError,
  createAlianzaPlatform,
  type PlatformClient,
} from '../../src/platform';
import { jsonRequest, startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { AT_AND_T_NUMBER, E911 as E911_INPUT, seedPortRequest } from '../emulator/support';
import { platformFailure } from './support';

const PARTITION = 'p-alianza';
const E911 = e911Address.parse(E911_INPUT);
const portSubmission = (numbers: string[], today: string) =>
  portRequest.parse(seedPortRequest(numbers, today));
const ACCOUNT = 'acc_123';

let emulator: TestEmulator;
let platform: PlatformClient;
let logLines: string[];

function adapter(password = emulator.token): PlatformClient {
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  return createAlianzaPlatform({
    baseUrl: emulator.url,
    username: emulator.username,
    password,
    timeoutMs: 5_000,
    logger,
  });
}

beforeAll(async () => {
  emulator = await startTestEmulator({ dialect: 'alianza' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.control.reset();
  logLines = [];
  platform = adapter();
});
afterEach(async () => {
  await platform.close();
});

const today = async () => toIsoDate(new Date(await emulator.control.now()));

describe('the session', () => {
  it('logs in, logs in again once the token expires, and never logs a credential or token', async () => {
    await platform.orderNumbers(
      PARTITION,
      { accountId: ACCOUNT, telephoneNumbers: ['+16077221000'] },
      { idempotencyKey: 'order-1' },
    );
    expect(await emulator.control.expireSessions()).toBe(1);
    await expect(platform.getNumber(PARTITION, '+16077221000')).resolves.toMatchObject({
      accountId: ACCOUNT,
      status: 'ACTIVE',
    });
    const logins = await emulator.control.calls({ method: 'POST', path: '/v2/authorize' });
    expect(logins.map((call) => call.status)).toEqual([200, 200]);
    const log = logLines.join('\n');
    expect(log).toContain('/v2/authorize');
    expect(log).not.toContain(emulator.token);
    expect(log).not.toMatch(/[0-9a-f]{48}/);
  });

  it("fails with the platform's 401 when the password is wrong", async () => {
    const intruder = adapter('not-the-password');
    const error = await platformFailure(intruder.getNumber(PARTITION, '+16077221000'));
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error.status).toBe(401);
    expect(error.message).toBe('Invalid username or password');
    await intruder.close();
  });
});

describe('numbers', () => {
  it('orders by adding to the account, safe to retry, and fails a number the pool lacks', async () => {
    const order = {
      accountId: ACCOUNT,
      telephoneNumbers: ['+16077221000', '+16077221001', '+16077981234'],
    };
    const first = await platform.orderNumbers(PARTITION, order, { idempotencyKey: 'order-1' });
    expect(first).toMatchObject({ orderId: 'order-1', status: 'PARTIAL' });
    expect(first.telephoneNumbers).toEqual([
      expect.objectContaining({ telephoneNumber: '+16077221000', status: 'ACTIVE' }),
      expect.objectContaining({ telephoneNumber: '+16077221001', status: 'ACTIVE' }),
      {
        telephoneNumber: '+16077981234',
        status: 'FAILED',
        reason: "not in the platform's inventory",
      },
    ]);
    const again = await platform.orderNumbers(PARTITION, order, { idempotencyKey: 'order-1' });
    expect(again.telephoneNumbers.map((n) => n.status)).toEqual(['ACTIVE', 'ACTIVE', 'FAILED']);
    const adds = await emulator.control.calls({
      method: 'POST',
      path: `/v2/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`,
    });
    expect(adds).toHaveLength(1);
    expect(
      (await platform.listAccountNumbers(PARTITION, ACCOUNT)).map((n) => n.telephoneNumber),
    ).toEqual(['+16077221000', '+16077221001']);
  });

  it('searches by area code and exchange, and by rate center', async () => {
    const found = await platform.searchNumbers(PARTITION, { npa: '212', nxx: '736', quantity: 2 });
    expect(found.telephoneNumbers).toEqual([
      expect.objectContaining({ telephoneNumber: '+12127360000', available: true }),
      expect.objectContaining({ telephoneNumber: '+12127361000', available: true }),
    ]);
    const chicago = await platform.searchNumbers(PARTITION, {
      rateCenter: 'CHICAGO',
      state: 'IL',
      quantity: 1,
    });
    expect(chicago.telephoneNumbers[0]).toMatchObject({ rateCenter: 'CHICAGO', state: 'IL' });
    const tollFree = await platform.searchTollFree(PARTITION, { npa: '888', quantity: 1 });
    expect(tollFree.telephoneNumbers[0]?.telephoneNumber).toMatch(/^\+1888/);
  });

  it('assigns to a destination with a structured E911 address, and unassigns', async () => {
    const number = '+16077221000';
    await platform.orderNumbers(
      PARTITION,
      { accountId: ACCOUNT, telephoneNumbers: [number] },
      { idempotencyKey: 'order-1' },
    );
    const assigned = await platform.assign(
      PARTITION,
      ACCOUNT,
      { type: 'USER', userId: 'user_42' },
      { telephoneNumber: number, primary: true, e911Address: E911 },
    );
    expect(assigned).toMatchObject({
      assignedTo: 'user_42',
      assignmentType: 'END_USER',
      primary: true,
      e911Registered: true,
    });
    const details = await platform.getNumber(PARTITION, number);
    expect(details.e911).toEqual({ registered: true, address: E911 });

    const elsewhere = await platform
      .assign(PARTITION, ACCOUNT, { type: 'IVR', ivrId: 'ivr_1' }, { telephoneNumber: number })
      .catch((error: unknown) => error);
    expect(elsewhere).toBeInstanceOf(PlatformConflictError);

    await expect(
      platform.unassign(PARTITION, ACCOUNT, { type: 'USER', userId: 'user_42' }, number),
    ).resolves.toMatchObject({ assignedTo: null, assignmentType: null });
  });

  it('refuses an E911 address it cannot structure, naming the field, before any call', async () => {
    const number = '+16077221000';
    await platform.orderNumbers(
      PARTITION,
      { accountId: ACCOUNT, telephoneNumbers: [number] },
      { idempotencyKey: 'order-1' },
    );
    const error = await platformFailure(
      platform.updateNumber(PARTITION, number, {
        e911Address: { ...E911, street: 'Front Street' },
      }),
    );
    expect(error).toMatchObject({
      status: 400,
      details: [{ path: 'e911Address.street', message: expect.stringContaining('street number') }],
    });
    const patches = await emulator.control.calls({ method: 'PATCH' });
    expect(patches).toEqual([]);
  });

  it('releases into COOLDOWN and reclaims by cooldown/recover', async () => {
    const number = '+16077221000';
    await platform.orderNumbers(
      PARTITION,
      { accountId: ACCOUNT, telephoneNumbers: [number] },
      { idempotencyKey: 'order-1' },
    );
    await expect(platform.releaseNumber(PARTITION, number)).resolves.toEqual({
      telephoneNumber: number,
      status: 'COOLDOWN',
    });
    await expect(platform.getNumber(PARTITION, number)).rejects.toBeInstanceOf(
      PlatformNotFoundError,
    );
    await expect(platform.releaseNumber(PARTITION, number)).rejects.toBeInstanceOf(
      PlatformNotFoundError,
    );
    await expect(platform.numberCooldownDays(PARTITION)).resolves.toBe(30);
    await expect(platform.reclaimNumber(PARTITION, number)).resolves.toMatchObject({
      accountId: ACCOUNT,
      status: 'ACTIVE',
    });
    // Past the cooldown, a released number is the pool's again.
    await platform.releaseNumber(PARTITION, number);
    await emulator.control.advance({ days: 31 });
    const other = await platform.orderNumbers(
      PARTITION,
      { accountId: 'acc_other', telephoneNumbers: [number] },
      { idempotencyKey: 'order-2' },
    );
    expect(other.telephoneNumbers[0]?.status).toBe('ACTIVE');
  });

  it("answers the partition's tnDeleteCooldownDays, and a deleted number cools down that long", async () => {
    const number = '+16077221001';
    await emulator.control.setAlianzaSettings(PARTITION, { tnDeleteCooldownDays: 45 });
    await expect(platform.numberCooldownDays(PARTITION)).resolves.toBe(45);
    await platform.orderNumbers(
      PARTITION,
      { accountId: ACCOUNT, telephoneNumbers: [number] },
      { idempotencyKey: 'order-45' },
    );
    await platform.releaseNumber(PARTITION, number);
    await emulator.control.advance({ days: 44 });
    await expect(platform.reclaimNumber(PARTITION, number)).resolves.toMatchObject({
      accountId: ACCOUNT,
    });
    await platform.releaseNumber(PARTITION, number);
    await emulator.control.advance({ days: 46 });
    // Its cooldown over, the number has left the partition: there is nothing to recover.
    await expect(platform.reclaimNumber(PARTITION, number)).rejects.toBeInstanceOf(
      PlatformNotFoundError,
    );
  });
});

describe('ports', () => {
  it('checks portability with the carrier and the earliest and latest dates', async () => {
    const check = await platform.checkPortability(PARTITION, AT_AND_T_NUMBER);
    expect(check).toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      portable: true,
      currentCarrier: 'AT&T',
      lineType: 'BUSINESS',
    });
    expect(check.earliestCrd! >= addDays(await today(), 7)).toBe(true);
    expect(check.latestCrd! > check.earliestCrd!).toBe(true);
  });

  it('answers FOC dates from prevalidate: its CRD window and the dates it lists, those of every number asked together', async () => {
    const verizon = '+12127360123';
    const check = await platform.checkPortability(PARTITION, AT_AND_T_NUMBER);
    const [alone] = (await platform.focDates(PARTITION, [AT_AND_T_NUMBER])) ?? [];
    expect(alone).toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      currentCarrier: 'AT&T',
      earliestFocDate: check.earliestCrd,
      latestFocDate: check.latestCrd,
      blackoutDates: [],
    });
    // Alianza does not say whether a port is simple.
    expect(alone?.portType).toBeUndefined();
    const allowed = alone?.allowedFocDates ?? [];
    expect(allowed[0]).toBe(check.earliestCrd);
    expect(allowed.at(-1)).toBe(check.latestCrd);
    expect(allowed.every(isBusinessDay)).toBe(true);

    // A date AT&T and one Verizon blacks out leave availabilityList: blackouts within the window.
    const [atAndTOff, verizonOff] = [allowed[2] as string, allowed[3] as string];
    await emulator.control.setFocBlackouts('AT&T', [atAndTOff]);
    await emulator.control.setFocBlackouts('Verizon', [verizonOff]);
    const calls = await emulator.control.calls({ path: '/v2/partition/*/account/prevalidate' });
    const both = (await platform.focDates(PARTITION, [AT_AND_T_NUMBER, verizon])) ?? [];
    expect(both.map((dates) => dates.currentCarrier)).toEqual(['AT&T', 'Verizon']);
    expect(both[0]?.blackoutDates).toEqual([atAndTOff, verizonOff]);
    expect(both[1]?.allowedFocDates).toEqual(both[0]?.allowedFocDates);
    expect(both[0]?.allowedFocDates).toEqual(
      allowed.filter((date) => date !== atAndTOff && date !== verizonOff),
    );
    // One prevalidate for the numbers asked together.
    expect(
      await emulator.control.calls({ path: '/v2/partition/*/account/prevalidate' }),
    ).toHaveLength(calls.length + 1);
  });

  it('submits once per key, then follows the carrier to COMPLETED with the FOC date', async () => {
    const request = portSubmission([AT_AND_T_NUMBER], await today());
    const submitted = await platform.submitPort(PARTITION, request, { idempotencyKey: 'port-1' });
    expect(submitted).toMatchObject({
      status: 'PENDING',
      carrierStatus: 'PORT_PENDING / PENDING',
      telephoneNumbers: [AT_AND_T_NUMBER],
      requestedDate: request.requestedDate,
      currentProvider: 'AT&T',
    });
    const again = await platform.submitPort(PARTITION, request, { idempotencyKey: 'port-1' });
    expect(again.portRequestId).toBe(submitted.portRequestId);
    expect(await emulator.control.alianzaPorts(PARTITION)).toHaveLength(1);
    // Alianza's ports carry no carrier comments: the port follows without them.
    await expect(
      platform.portComments(PARTITION, ACCOUNT, submitted.portRequestId),
    ).resolves.toBeUndefined();

    const read = () => platform.getPort(PARTITION, ACCOUNT, submitted.portRequestId);
    await emulator.control.advance({ days: 4 });
    expect(await read()).toMatchObject({
      status: 'APPROVED',
      carrierStatus: 'PORT_PENDING / FOC_RECEIVED',
      focDate: request.requestedDate,
      focDateTimeZone: 'US/Eastern',
    });
    await emulator.control.advance({ days: 20 });
    expect(await read()).toMatchObject({
      status: 'COMPLETED',
      carrierStatus: 'ACTIVE / COMPLETED',
    });
    await expect(platform.getNumber(PARTITION, AT_AND_T_NUMBER)).resolves.toMatchObject({
      accountId: ACCOUNT,
      status: 'ACTIVE',
    });
  });

  it('reads the FOC date on the clocks of its focDateTimeZone', async () => {
    // 20:00 in Honolulu is 06:00 UTC of the next day: a date read off the instant would be a day late.
    await emulator.control.setAlianzaSettings(PARTITION, {
      focDateTimeZone: 'US/Hawaii',
      focTime: '20:00',
    });
    const request = portSubmission([AT_AND_T_NUMBER], await today());
    const submitted = await platform.submitPort(PARTITION, request, { idempotencyKey: 'port-tz' });
    await emulator.control.advance({ days: 4 });
    expect(await platform.getPort(PARTITION, ACCOUNT, submitted.portRequestId)).toMatchObject({
      status: 'APPROVED',
      focDate: request.requestedDate,
      focDateTimeZone: 'US/Hawaii',
      estimatedCompletionDate: addDays(request.requestedDate, 1),
    });
    const login = await jsonRequest<{ authToken: string }>(`${emulator.url}/v2/authorize`, 'POST', {
      body: { username: emulator.username, password: emulator.token },
    });
    const upstream = await jsonRequest<{ focDate: string; focDateTimeZone: string }>(
      `${emulator.url}/v2/partition/${PARTITION}/account/${ACCOUNT}/port/${submitted.portRequestId}`,
      'GET',
      { headers: { 'x-auth-token': login.body.authToken } },
    );
    expect(upstream.body).toMatchObject({
      focDate: `${addDays(request.requestedDate, 1)}T06:00:00.000Z`,
      focDateTimeZone: 'US/Hawaii',
    });
  });

  it('reads the rejection reason from the activation logs, and a supplement corrects the same port', async () => {
    const request = portSubmission([AT_AND_T_NUMBER], await today());
    const submitted = await platform.submitPort(
      PARTITION,
      { ...request, pin: '9999' },
      { idempotencyKey: 'port-1' },
    );
    await emulator.control.advance({ days: 4 });
    const rejected = await platform.getPort(PARTITION, ACCOUNT, submitted.portRequestId);
    expect(rejected).toMatchObject({
      status: 'REJECTED',
      carrierStatus: 'PORT_REJECTED / REJECTED',
      rejectionReason: `AT&T rejected the port: pin does not match the carrier's records (${AT_AND_T_NUMBER})`,
      // Alianza's codes as its logs carry them: the emulator's are portflow's.
      rejections: [
        {
          code: 'PIN_INVALID',
          reason: `AT&T rejected the port: pin does not match the carrier's records (${AT_AND_T_NUMBER})`,
        },
      ],
    });

    const later = portSubmission([AT_AND_T_NUMBER], await today());
    const corrected = await platform.supplementPort(PARTITION, submitted.portRequestId, later, {
      idempotencyKey: 'port-1-supplement-1',
    });
    expect(corrected).toMatchObject({ portRequestId: submitted.portRequestId, status: 'PENDING' });
    // A retried supplement neither corrects nor triggers again.
    await platform.supplementPort(PARTITION, submitted.portRequestId, later, {
      idempotencyKey: 'port-1-supplement-1',
    });
    expect(await emulator.control.calls({ method: 'PUT', path: '*/triggerport' })).toHaveLength(2);
    await emulator.control.advance({ days: 4 });
    await expect(
      platform.getPort(PARTITION, ACCOUNT, submitted.portRequestId),
    ).resolves.toMatchObject({ status: 'APPROVED' });
    expect(await emulator.control.alianzaPorts(PARTITION)).toHaveLength(1);
  });

  it('cancels a pending port (204, read back), and refuses once the carrier approved', async () => {
    const date = await today();
    const early = await platform.submitPort(PARTITION, portSubmission([AT_AND_T_NUMBER], date), {
      idempotencyKey: 'port-1',
    });
    await expect(
      platform.cancelPort(PARTITION, ACCOUNT, early.portRequestId),
    ).resolves.toMatchObject({
      status: 'CANCELLED',
      carrierStatus: 'CANCEL_PORT_COMPLETE / CANCELLED',
    });
    // Cancelled already: done, not a failure.
    await expect(
      platform.cancelPort(PARTITION, ACCOUNT, early.portRequestId),
    ).resolves.toMatchObject({ status: 'CANCELLED' });

    const late = await platform.submitPort(PARTITION, portSubmission(['+16077981235'], date), {
      idempotencyKey: 'port-2',
    });
    await emulator.control.advance({ days: 4 });
    const error = await platformFailure(
      platform.cancelPort(PARTITION, ACCOUNT, late.portRequestId),
    );
    expect(error).toBeInstanceOf(PlatformConflictError);
    expect(error.message).toContain('can no longer be cancelled');
  });

  it("passes Alianza's error messages on: an unknown port is not found", async () => {
    const error = await platformFailure(platform.getPort(PARTITION, ACCOUNT, 'no-such-port'));
    expect(error).toBeInstanceOf(PlatformNotFoundError);
    expect(error.message).toBe(`no port no-such-port in account ${ACCOUNT}`);
  });
});

describe("the translation of Alianza's dates", () => {
  const answer = (dates: Partial<Prevalidation>): Prevalidation => ({
    serviceAvailable: true,
    lnp: true,
    wirelessPort: false,
    ...dates,
  });

  it("takes the dates availabilityList gives in the CRD window, the window's other business days as blackouts", () => {
    expect(
      focWindowOf(
        answer({
          earliestCRD: '2026-12-10',
          latestCRD: '2026-12-18',
          availabilityList: ['2026-12-15', '2026-12-10', '2026-12-15', '2026-12-21'],
        }),
      ),
    ).toEqual({
      earliestFocDate: '2026-12-10',
      latestFocDate: '2026-12-18',
      allowedFocDates: ['2026-12-10', '2026-12-15'],
      blackoutDates: ['2026-12-11', '2026-12-14', '2026-12-16', '2026-12-17', '2026-12-18'],
    });
  });

  it('takes every business day of the window when no list is given, and the list alone for a window', () => {
    expect(
      focWindowOf(answer({ earliestCRD: '2026-12-10', latestCRD: '2026-12-15' }))?.allowedFocDates,
    ).toEqual(['2026-12-10', '2026-12-11', '2026-12-14', '2026-12-15']);
    expect(focWindowOf(answer({ availabilityList: ['2026-12-14', '2026-12-11'] }))).toMatchObject({
      earliestFocDate: '2026-12-11',
      latestFocDate: '2026-12-14',
      blackoutDates: [],
    });
    // No window at all: the platform gave no FOC dates.
    expect(focWindowOf(answer({}))).toBeUndefined();
  });

  it('reads the FOC date as the day of its instant in focDateTimeZone, else as written', () => {
    expect(focDateOf({ focDate: '2026-12-11T06:00:00.000Z', focDateTimeZone: 'US/Hawaii' })).toBe(
      '2026-12-10',
    );
    expect(
      focDateOf({ focDate: '2026-12-11T03:30:00.000Z', focDateTimeZone: 'Canada/Newfoundland' }),
    ).toBe('2026-12-11');
    expect(focDateOf({ focDate: '2026-12-11T06:00:00.000Z' })).toBe('2026-12-11');
    expect(focDateOf({ focDate: '2026-12-10T20:00:00-10:00' })).toBe('2026-12-10');
    expect(focDateOf({}, { focDate: '2026-12-09T05:00:00Z' })).toBe('2026-12-09');
    expect(focDateOf({})).toBeUndefined();
  });
});
