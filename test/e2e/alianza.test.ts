/**
 * portflow with PLATFORM_KIND=alianza against the emulator's Alianza dialect, over HTTP: the
 * seed e2e scenarios where the platform is the Alianza API (its login, 11-digit numbers,
 * createOrAdd + triggerport, PortX words, COOLDOWN), and a worker SIGKILLed mid-port.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { toIsoDate, type PortObject, type ReleaseObject } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { E911, seedPortRequest } from '../emulator/support';
import { compileApp, startNodeProcess, type NodeProcess } from '../helpers/compiled-app';
import { jsonRequest } from '../helpers/emulator';
import {
  advanceCarrierUntil,
  eventually,
  openPorts,
  readPort,
  startPortflow,
  type Portflow,
} from '../helpers/portflow';
import { testTemporalAddress } from '../helpers/temporal';

/** AT&T numbers outside the emulator's inventory, one per test. */
const att = (line: number) => `+1607798${String(line).padStart(4, '0')}`;
const ACCOUNT = 'acc_123';

/** A number's partition-level view on the Alianza emulator, as its own login reads it. */
async function alianzaView(portflow: Portflow, partitionId: string, number: string) {
  const login = await jsonRequest<{ authToken: string }>(
    `${portflow.emulator.url}/v2/authorize`,
    'POST',
    { body: { username: portflow.emulator.username, password: portflow.emulator.token } },
  );
  return jsonRequest<{ accountId: string | null; cooldownExpireDate: string | null }>(
    `${portflow.emulator.url}/v2/partition/${partitionId}/telephonenumber/${number.slice(1)}`,
    'GET',
    { headers: { 'x-auth-token': login.body.authToken } },
  );
}

describe('portflow on the Alianza API (dev server, worker, API, Alianza emulator)', () => {
  const suffix = randomBytes(4).toString('hex');
  /** Ports, orders and assignments; releases here age 3 s (AGING_PERIOD). */
  const A = `af-${suffix}`;
  /** Releases here age an hour: they stay AGING for the test. */
  const B = `as-${suffix}`;
  let portflow: Portflow;
  let today: string;

  beforeAll(async () => {
    portflow = await startPortflow({
      platformKind: 'alianza',
      env: {
        AGING_DEMO: 'true',
        AGING_PERIOD: '3s',
        AGING_PERIODS: JSON.stringify({ [B]: { period: '1h', lineType: 'BUSINESS' } }),
      },
    });
  });
  beforeEach(async () => {
    today = toIsoDate(new Date(await portflow.emulator.control.now()));
  });
  afterAll(async () => {
    await portflow?.close();
  });

  const submit = (body: unknown, idempotencyKey: string) =>
    portflow.call('POST', portflow.portsPath(A), { body, idempotencyKey });
  const upstreamPortsOf = async (number: string) =>
    (await portflow.emulator.control.alianzaPorts(A)).filter((port) =>
      port.telephoneNumbers.includes(number.slice(1)),
    );
  const numberPath = (partitionId: string, number: string, rest = '') =>
    `/v2/partition/${partitionId}/telephone-number/${encodeURIComponent(number)}${rest}`;

  async function orderOne(partitionId: string, number: string): Promise<void> {
    const ordered = await portflow.call(
      'POST',
      `/v2/partition/${partitionId}/telephone-number/order`,
      {
        body: { telephoneNumbers: [number], accountId: ACCOUNT },
      },
    );
    expect(ordered.status).toBe(200);
    expect(ordered.body.status).toBe('COMPLETED');
  }

  it('checks with prevalidate, ports, and activates the number with its E911 address', async () => {
    const number = att(1001);
    const check = await portflow.call(
      'GET',
      `/v2/partition/${A}/telephone-number/port/check?telephoneNumber=${encodeURIComponent(number)}`,
    );
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ portable: true, currentCarrier: 'AT&T' });
    expect(check.body.earliestCrd).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const request = seedPortRequest([number], today);
    const submitted = await submit(
      {
        ...request,
        activation: {
          target: { type: 'USER', userId: 'user_1' },
          primary: true,
          e911Address: E911,
        },
      },
      'lifecycle',
    );
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body;
    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done).toMatchObject({
      status: 'COMPLETED',
      focDate: request.requestedDate,
      activation: { status: 'ACTIVATED' },
    });
    expect(done.numbers[0]).toMatchObject({
      status: 'COMPLETED',
      carrierStatus: 'ACTIVE / COMPLETED',
    });
    expect(done.history.map((entry) => entry.status)).toEqual(
      expect.arrayContaining(['PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED']),
    );

    const details = await portflow.call('GET', numberPath(A, number));
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({
      accountId: ACCOUNT,
      assignedTo: 'user_1',
      assignmentType: 'END_USER',
      e911: { registered: true, address: E911 },
    });
    expect(await upstreamPortsOf(number)).toEqual([
      expect.objectContaining({ status: 'ACTIVE', activationStatusType: 'COMPLETED' }),
    ]);
  });

  it('shows the rejection reason from the activation logs, and ports once supplemented', async () => {
    const number = att(2001);
    await portflow.emulator.control.setCarrierRecord(number, {
      ...defaultCarrierRecord(number),
      pin: '4321',
    });
    const submitted = await submit(seedPortRequest([number], today), 'wrong-pin');
    const { portRequestId } = submitted.body;
    const rejected = await advanceCarrierUntil(
      portflow,
      A,
      portRequestId,
      (p) => p.status === 'REJECTED' && p.phase === 'AWAITING_SUPPLEMENT',
    );
    expect(rejected.rejectionReason).toBe(
      `AT&T rejected the port: pin does not match the carrier's records (${number})`,
    );
    expect(rejected.numbers[0]?.carrierStatus).toBe('PORT_REJECTED / REJECTED');

    const supplemented = await portflow.call('PATCH', portflow.portsPath(A, `/${portRequestId}`), {
      body: { pin: '4321' },
    });
    expect(supplemented.status).toBe(200);
    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done.status).toBe('COMPLETED');
    // Today's workflow resubmits a supplement as a new port (Alianza's correction in place is
    // supplementPort, for the redesigned workflow): the rejected one and the one that ported.
    expect((await upstreamPortsOf(number)).map((port) => port.status)).toEqual([
      'PORT_REJECTED',
      'ACTIVE',
    ]);
  });

  it('cancels a pending port upstream (cancelport), and refuses once the carrier approved', async () => {
    const early = att(3001);
    const submitted = await submit(seedPortRequest([early], today), 'cancel-early');
    const { portRequestId } = submitted.body;
    await eventually(
      () => readPort(portflow, A, portRequestId),
      (port) => port?.numbers.every((n) => n.upstreamPortRequestId) ?? false,
    );
    const cancelled = await portflow.call('DELETE', portflow.portsPath(A, `/${portRequestId}`));
    expect(cancelled.status).toBe(200);
    await eventually(
      () => readPort(portflow, A, portRequestId),
      (port) => port?.status === 'CANCELLED' && port.phase === 'DONE',
    );
    expect(await upstreamPortsOf(early)).toEqual([
      expect.objectContaining({
        status: 'CANCEL_PORT_COMPLETE',
        activationStatusType: 'CANCELLED',
      }),
    ]);

    const late = att(3002);
    const second = await submit(seedPortRequest([late], today), 'cancel-late');
    await advanceCarrierUntil(
      portflow,
      A,
      second.body.portRequestId,
      (p) => p.status === 'APPROVED',
    );
    const refused = await portflow.call(
      'DELETE',
      portflow.portsPath(A, `/${second.body.portRequestId}`),
    );
    expect(refused.status).toBe(409);
    const done = await advanceCarrierUntil(
      portflow,
      A,
      second.body.portRequestId,
      (p) => p.phase === 'DONE',
    );
    expect(done.status).toBe('COMPLETED');
  });

  it('orders numbers by adding them to the account, one failing alone', async () => {
    const found = await portflow.call(
      'GET',
      `/v2/partition/${A}/telephone-number/search?npa=212&nxx=737&quantity=2`,
    );
    expect(found.status).toBe(200);
    const numbers = (found.body.telephoneNumbers as { telephoneNumber: string }[]).map(
      (n) => n.telephoneNumber,
    );
    expect(numbers).toHaveLength(2);
    const ordered = await portflow.call('POST', `/v2/partition/${A}/telephone-number/order`, {
      body: { telephoneNumbers: [...numbers, att(4001)], accountId: ACCOUNT },
    });
    expect(ordered.status).toBe(200);
    expect(ordered.body).toMatchObject({ status: 'PARTIAL', ordered: 2, failed: 1 });
    expect(ordered.body.telephoneNumbers[2]).toMatchObject({
      telephoneNumber: att(4001),
      status: 'FAILED',
      reason: "not in the platform's inventory",
    });
    const listed = await portflow.call(
      'GET',
      `/v2/partition/${A}/account/${ACCOUNT}/telephone-number`,
    );
    const entries = listed.body as { telephoneNumber: string }[];
    expect(entries.map((entry) => entry.telephoneNumber)).toEqual(expect.arrayContaining(numbers));
  });

  it('assigns with a structured E911 address, and names the field of one it cannot structure', async () => {
    const number = '+12127391000';
    await orderOne(A, number);
    const assign = (e911Address: unknown) =>
      portflow.call('PUT', `/v2/partition/${A}/account/${ACCOUNT}/user/user_7/telephone-number`, {
        body: { telephoneNumber: number, primary: true, e911Address },
      });
    const refused = await assign({ ...E911, street: 'Front Street' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ path: 'e911Address.street' }),
    ]);
    const assigned = await assign(E911);
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignedTo: 'user_7', e911Registered: true });
    const details = await portflow.call('GET', numberPath(A, number));
    expect(details.body.e911).toEqual({ registered: true, address: E911 });
  });

  it('releases a number into Alianza COOLDOWN once aged, and reclaims one still aging', async () => {
    const aged = '+13123461000';
    await orderOne(A, aged);
    const released = await portflow.call('DELETE', numberPath(A, aged));
    expect(released.status).toBe(202);
    const release = await eventually(
      async () =>
        (await portflow.call('GET', numberPath(A, aged, '/release'))).body as ReleaseObject,
      (body) => body.status === 'RELEASED',
    );
    expect(release.accountId).toBe(ACCOUNT);
    const view = await alianzaView(portflow, A, aged);
    expect(view.body).toMatchObject({ accountId: ACCOUNT, cooldownExpireDate: expect.any(String) });

    const kept = '+13123461001';
    await orderOne(B, kept);
    const aging = await portflow.call('DELETE', numberPath(B, kept));
    expect(aging.status).toBe(202);
    await eventually(
      async () =>
        (await portflow.call('GET', numberPath(B, kept, '/release'))).body as ReleaseObject,
      (body) => body.status === 'AGING',
    );
    const reclaimed = await portflow.call('POST', numberPath(B, kept, '/reclaim'));
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body.status).toBe('RECLAIMED');
    const details = await portflow.call('GET', numberPath(B, kept));
    expect(details.body).toMatchObject({ accountId: ACCOUNT, status: 'ACTIVE', assignedTo: null });
  });
});

describe('a worker on the Alianza API SIGKILLed between the port call and its record', () => {
  const NUMBERS = [att(9001), att(9002)];
  let appRoot: string;
  let portflow: Portflow;
  let worker: NodeProcess | undefined;

  beforeAll(async () => {
    [appRoot, portflow] = await Promise.all([
      compileApp(),
      startPortflow({ worker: false, platformKind: 'alianza' }),
    ]);
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await portflow?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  async function startWorkerProcess(): Promise<NodeProcess> {
    const started = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), {
      PATH: process.env.PATH,
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_TASK_QUEUE: portflow.taskQueue,
      PLATFORM_KIND: 'alianza',
      PLATFORM_BASE_URL: portflow.emulator.url,
      PLATFORM_USERNAME: portflow.emulator.username,
      PLATFORM_PASSWORD: portflow.emulator.token,
      PORT_POLL_INTERVAL: '1s',
      CODEC_KEYS: JSON.stringify(portflow.config.CODEC_KEYS),
    });
    await started.waitForLine((line) => line.includes('worker polling'));
    return started;
  }

  it('finds the port its lost try made and makes no second one', async () => {
    const A = portflow.partitionA;
    // Each trigger is held long enough to kill the worker after its port was made upstream.
    await portflow.emulator.control.addFault({
      kind: 'latency',
      latencyMs: 5_000,
      match: { method: 'PUT', path: `/v2/partition/${A}/account/*/triggerport` },
    });
    worker = await startWorkerProcess();
    const today = toIsoDate(new Date(await portflow.emulator.control.now()));
    const ids = await openPorts(portflow, A, NUMBERS, { requestedDate: today, keyPrefix: 'crash' });
    const calls = (method: string, path: string) =>
      portflow.emulator.control.calls({ method, path: `/v2/partition/${A}/account/*${path}` });
    await eventually(
      () => calls('PUT', '/triggerport'),
      (triggers) => triggers.length === NUMBERS.length,
    );
    expect(await worker.stop('SIGKILL')).toBeNull();
    // Made upstream, not yet sent to the carrier (the held trigger still waits), and no worker knows it.
    const left = await portflow.emulator.control.alianzaPorts(A);
    expect(left.map((port) => port.activationStatusType)).toEqual(
      NUMBERS.map(() => 'RESELLER_PENDING'),
    );
    await portflow.emulator.control.clearFaults();

    worker = await startWorkerProcess();
    for (const id of ids) {
      const done = await advanceCarrierUntil(
        portflow,
        A,
        id,
        (port: PortObject) => port.phase === 'DONE',
      );
      expect(done.status).toBe('COMPLETED');
    }
    const ports = await portflow.emulator.control.alianzaPorts(A);
    expect(ports.map((port) => port.telephoneNumbers).sort()).toEqual(
      NUMBERS.map((number) => [number.slice(1)]).sort(),
    );
    expect(ports.map((port) => port.status)).toEqual(NUMBERS.map(() => 'ACTIVE'));
    // The retry read its port back instead of making another: one createOrAdd per port. (The
    // held trigger still reached the carrier, answering nobody; the retry sends a port only if
    // it finds it unsent.)
    expect(await calls('POST', '/telephonenumber')).toHaveLength(NUMBERS.length);
  });
});
