/** The emulator's Alianza dialect as a client meets it on the wire: logins, shapes, statuses. */
import { addDays, isBusinessDay, toIsoDate } from '../../src/domain';
import { partitionX, prevalidation } from '../../src/domain/alianza';
import { jsonRequest, startTestEmulator, type TestEmulator } from '../helpers/emulator';
import type { Json } from './support';

const PARTITION = 'p1';
const ACCOUNT = 'acc_1';

let emulator: TestEmulator;
let token: string;

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  authToken: string | null = token,
) =>
  jsonRequest<Json>(`${emulator.url}/v2${path}`, method, {
    headers: authToken === null ? {} : { 'x-auth-token': authToken },
    body,
  });

const portX = (requestedDate: string) => ({
  telephoneNumbers: ['16077981234'],
  customerServiceRecord: {
    firstName: 'John',
    lastName: 'Doe',
    businessName: 'Acme Corporation',
    streetNumber: '135',
    streetName: 'Front',
    streetSuffix: 'St',
    city: 'Binghamton',
    state: 'NY',
    postalCode: '13905',
  },
  crdDate: `${requestedDate}T00:00:00.000Z`,
  billingTelephoneNumber: '16077981234',
  portingAuthorizedName: 'John Doe',
  wirelessAccountNumber: '123456789',
  wirelessPin: '1234',
});

beforeAll(async () => {
  emulator = await startTestEmulator({ dialect: 'alianza' });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.control.reset();
  const login = await call(
    'POST',
    '/authorize',
    { username: emulator.username, password: emulator.token },
    null,
  );
  expect(login.status).toBe(200);
  token = login.body.authToken as string;
});

it("answers 401 in Alianza's error shape to a missing, unknown or expired token", async () => {
  expect(await call('GET', `/partition/${PARTITION}`, undefined, null)).toMatchObject({
    status: 401,
    body: { status: 401, messages: ['Invalid Auth Token'], data: null },
  });
  expect((await call('GET', `/partition/${PARTITION}`)).status).toBe(200);
  await emulator.control.expireSessions();
  expect(await call('GET', `/partition/${PARTITION}`)).toMatchObject({
    status: 401,
    body: { messages: ['Expired Auth Token'] },
  });
  const wrong = await call(
    'POST',
    '/authorize',
    { username: emulator.username, password: 'x' },
    null,
  );
  expect(wrong.body).toEqual({
    status: 401,
    messages: ['Invalid username or password'],
    data: null,
  });
});

it('refuses a body against the schema with a 400 naming the field', async () => {
  const answer = await call('POST', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`, {
    partitionId: PARTITION,
    accountId: ACCOUNT,
    telephoneNumbers: [{ phoneNumber: '+16077221000' }],
  });
  expect(answer.status).toBe(400);
  expect(answer.body.messages[0]).toMatch(/^telephoneNumbers\.0\.phoneNumber: must be 11 digits/);
  expect(answer.body.data).toEqual([
    expect.objectContaining({ in: 'body', path: 'telephoneNumbers.0.phoneNumber' }),
  ]);
});

it('adds numbers, deletes with a 204 into COOLDOWN, and recovers', async () => {
  const added = await call('POST', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`, {
    partitionId: PARTITION,
    accountId: ACCOUNT,
    telephoneNumbers: [{ phoneNumber: '16077221000' }],
  });
  expect(added.status).toBe(200);
  const number = `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber/16077221000`;
  const deleted = await call('DELETE', number);
  expect(deleted).toMatchObject({ status: 204, body: undefined });
  expect((await call('GET', number)).status).toBe(404);
  const view = await call('GET', `/partition/${PARTITION}/telephonenumber/16077221000`);
  expect(view.body).toMatchObject({ accountId: ACCOUNT, isInInventory: false });
  expect(view.body.cooldownExpireDate).toEqual(expect.any(String));
  const recovered = await call(
    'PUT',
    `/partition/${PARTITION}/telephonenumber/16077221000/cooldown/recover`,
  );
  expect(recovered.body).toMatchObject({ accountId: ACCOUNT, cooldownExpireDate: null });
  expect((await call('GET', number)).body).toMatchObject({
    phoneNumber: '16077221000',
    carrierStatus: 'ACTIVE',
  });
});

it('prevalidates with the dates as the document writes them: earliestCRD, latestCRD, availabilityList', async () => {
  const today = toIsoDate(new Date(await emulator.control.now()));
  const numbers = ['16077981234', '12127360123'];
  const answer = await call('POST', `/partition/${PARTITION}/account/prevalidate`, {
    telephoneNumbers: numbers.map((phoneNumber) => ({ phoneNumber })),
  });
  expect(answer.status).toBe(200);
  const { earliestCRD, latestCRD, availabilityList, numberAvailability } = prevalidation.parse(
    answer.body,
  );
  // `format: date`, not a date-time.
  expect(earliestCRD).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(latestCRD).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  // The carrier holds a port to the seed's 7 days ahead; the list is its business days from then.
  expect(earliestCRD! >= addDays(today, 7)).toBe(true);
  expect(availabilityList?.[0]).toBe(earliestCRD);
  expect(availabilityList?.at(-1)).toBe(latestCRD);
  expect(availabilityList?.every(isBusinessDay)).toBe(true);
  expect(numberAvailability?.map((number) => number.losingCarrier)).toEqual(['AT&T', 'Verizon']);

  // A blackout of either carrier leaves the list: the dates are those both numbers can port on.
  const [first, second] = [availabilityList![1]!, availabilityList![2]!];
  await emulator.control.setFocBlackouts('Verizon', [first]);
  await emulator.control.setFocBlackouts('AT&T', [earliestCRD!, second]);
  const later = prevalidation.parse(
    (
      await call('POST', `/partition/${PARTITION}/account/prevalidate`, {
        telephoneNumbers: numbers.map((phoneNumber) => ({ phoneNumber })),
      })
    ).body,
  );
  expect(later.availabilityList).toEqual(
    availabilityList!.filter((date) => ![earliestCRD, first, second].includes(date)),
  );
  expect(later.earliestCRD).toBe(later.availabilityList?.[0]);
});

it("serves each partition's tnDeleteCooldownDays as set, and cools a deleted number down that long", async () => {
  expect(partitionX.parse((await call('GET', `/partition/${PARTITION}`)).body)).toEqual({
    id: PARTITION,
    tnDeleteCooldownDays: 30,
  });
  await emulator.control.setAlianzaSettings(PARTITION, { tnDeleteCooldownDays: 60 });
  expect((await call('GET', `/partition/${PARTITION}`)).body.tnDeleteCooldownDays).toBe(60);
  expect((await call('GET', '/partition/another')).body.tnDeleteCooldownDays).toBe(30);
  await call('POST', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`, {
    partitionId: PARTITION,
    accountId: ACCOUNT,
    telephoneNumbers: [{ phoneNumber: '16077221000' }],
  });
  const before = Date.parse(await emulator.control.now());
  await call('DELETE', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber/16077221000`);
  const after = Date.parse(await emulator.control.now());
  const view = await call('GET', `/partition/${PARTITION}/telephonenumber/16077221000`);
  const expires = Date.parse(view.body.cooldownExpireDate as string);
  expect(expires).toBeGreaterThanOrEqual(before + 60 * 86_400_000);
  expect(expires).toBeLessThanOrEqual(after + 60 * 86_400_000);
  const refused = await jsonRequest<Json>(
    `${emulator.url}/_emulator/partitions/${PARTITION}/alianza-settings`,
    'PUT',
    { body: { tnDeleteCooldownDays: -1, focDateTimeZone: 'Europe/Paris' } },
  );
  expect(refused.status).toBe(400);
});

it('makes a port by createOrAdd, sends it by triggerport, and cancels it with a 204', async () => {
  const requestedDate = toIsoDate(
    new Date(Date.parse(await emulator.control.now()) + 14 * 86_400_000),
  );
  const created = await call('POST', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`, {
    partitionId: PARTITION,
    accountId: ACCOUNT,
    telephoneNumbers: [{ phoneNumber: '16077981234' }],
    port: portX(requestedDate),
  });
  expect(created.status).toBe(200);
  const portId = created.body.port.id as string;
  const port = `/partition/${PARTITION}/account/${ACCOUNT}/port/${portId}`;
  const event = `/partition/${PARTITION}/account/${ACCOUNT}/reference/${portId}/type/PORT`;
  expect((await call('GET', event)).body.activationStatusType).toBe('RESELLER_PENDING');
  expect((await call('PUT', `${port}/triggerport`)).body.status).toBe('PORT_PENDING');
  expect((await call('GET', event)).body.activationStatusType).toBe('PENDING');
  // Sent already: a second trigger is refused.
  expect((await call('PUT', `${port}/triggerport`)).status).toBe(400);
  const listed = await call('GET', `/partition/${PARTITION}/account/${ACCOUNT}/telephonenumber`);
  expect(listed.body).toEqual([
    expect.objectContaining({ phoneNumber: '16077981234', operationalStatus: 'STAGED', portId }),
  ]);
  expect(await call('DELETE', `${port}/cancelport`)).toMatchObject({
    status: 204,
    body: undefined,
  });
  expect((await call('GET', port)).body.status).toBe('CANCEL_PORT_COMPLETE');
  expect(await call('DELETE', `${port}/cancelport`)).toMatchObject({
    status: 400,
    body: { status: 400, messages: [expect.stringContaining('terminal state')] },
  });
});

it("answers injected faults and unknown routes in Alianza's error shape", async () => {
  await emulator.control.addFault({
    kind: 'status',
    status: 503,
    match: { path: '/v2/partition/*' },
  });
  expect(await call('GET', `/partition/${PARTITION}`)).toMatchObject({
    status: 503,
    body: { status: 503, messages: ['injected fault: UNAVAILABLE'] },
  });
  await emulator.control.clearFaults();
  expect(await call('GET', `/partition/${PARTITION}/nothing-here`)).toMatchObject({
    status: 404,
    body: { status: 404, messages: [expect.stringContaining('no endpoint GET')] },
  });
});
