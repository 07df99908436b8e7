/** The Alianza adapter against the emulator's Alianza dialect, over HTTP. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { e911Address, portRequest, toIsoDate } from '../../src/domain';
import {
  PlatformConflictError,
  PlatformNotFoundError,
  PlatformRejectedError,
  createAlianzaPlatform,
  type PlatformClient,
} from '../../src/platform';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
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
    expect(check.earliestCrd! > (await today())).toBe(true);
    expect(check.latestCrd! > check.earliestCrd!).toBe(true);
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
