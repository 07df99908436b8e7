/**
 * portflow with PLATFORM_KIND=alianza against the emulator's Alianza dialect, over HTTP: the
 * seed e2e scenarios where the platform is the Alianza API (its login, 11-digit numbers,
 * createOrAdd + triggerport, PortX words, COOLDOWN), what Alianza tells beyond the seed
 * (prevalidate's CRD dates, the FOC date's time zone, the partition's cooldown), and a worker
 * SIGKILLed mid-port.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  addBusinessDays,
  addDays,
  focDatesAnswer,
  toIsoDate,
  type PortObject,
  type ReleaseObject,
} from '../../src/domain';
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
  /** Ports, orders and assignments; releases here age the partition's cooldown, set to 0 days. */
  const A = `af-${suffix}`;
  /** Releases here age the partition's cooldown of 45 days: they stay AGING for the test. */
  const B = `as-${suffix}`;
  let portflow: Portflow;
  let today: string;

  beforeAll(async () => {
    // portflow's own aging period is not what ages a number on Alianza: the partition's cooldown is.
    portflow = await startPortflow({ platformKind: 'alianza', env: { AGING_PERIOD: '90d' } });
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

  it("ages a released number in Alianza's COOLDOWN for the partition's tnDeleteCooldownDays, and reclaims it from there", async () => {
    const releaseOf = async (partitionId: string, number: string) =>
      (await portflow.call('GET', numberPath(partitionId, number, '/release')))
        .body as ReleaseObject;

    // A partition whose cooldown is 0 days: the number is given up and its aging is over at once.
    await portflow.emulator.control.setAlianzaSettings(A, { tnDeleteCooldownDays: 0 });
    const aged = '+13123461000';
    await orderOne(A, aged);
    const released = await portflow.call('DELETE', numberPath(A, aged));
    expect(released.status).toBe(202);
    expect(released.body).toMatchObject({ agingPeriodDays: 0, platformCooldownDays: 0 });
    const release = await eventually(
      () => releaseOf(A, aged),
      (body) => body.status === 'RELEASED',
    );
    expect(release).toMatchObject({ accountId: ACCOUNT, agingPeriodDays: 0 });
    expect(release.agingUntil).toBe(release.agingStartedDate);
    expect(release.history.find((entry) => entry.status === 'AGING')?.detail).toContain(
      "given up to the platform, which keeps it in COOLDOWN for the partition's 0 day(s)",
    );
    // Its cooldown over, Alianza has given it back: no account holds it.
    const view = await alianzaView(portflow, A, aged);
    expect(view.body).toMatchObject({ accountId: null, cooldownExpireDate: null });

    // A partition whose cooldown is 45 days: the release ages 45 days, the number in COOLDOWN.
    await portflow.emulator.control.setAlianzaSettings(B, { tnDeleteCooldownDays: 45 });
    const kept = '+13123461001';
    await orderOne(B, kept);
    const aging = await portflow.call('DELETE', numberPath(B, kept));
    expect(aging.status).toBe(202);
    const agingRelease = await eventually(
      () => releaseOf(B, kept),
      (body) => body.status === 'AGING',
    );
    expect(agingRelease).toMatchObject({ agingPeriodDays: 45, platformCooldownDays: 45 });
    expect(
      Date.parse(agingRelease.agingUntil ?? '') - Date.parse(agingRelease.agingStartedDate ?? ''),
    ).toBe(45 * 86_400_000);
    const cooling = await alianzaView(portflow, B, kept);
    expect(cooling.body).toMatchObject({
      accountId: ACCOUNT,
      cooldownExpireDate: expect.any(String),
    });

    const reclaimed = await portflow.call('POST', numberPath(B, kept, '/reclaim'));
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body.status).toBe('RECLAIMED');
    const recovers = await portflow.emulator.control.calls({
      method: 'PUT',
      path: `/v2/partition/${B}/telephonenumber/*/cooldown/recover`,
    });
    expect(recovers.map((call) => call.status)).toEqual([200]);
    const details = await portflow.call('GET', numberPath(B, kept));
    expect(details.body).toMatchObject({ accountId: ACCOUNT, status: 'ACTIVE', assignedTo: null });
  });

  it('answers FOC dates from prevalidate, and refuses a requestedDate outside its CRD window, naming it', async () => {
    const number = att(5001);
    const query = `?telephoneNumber=${encodeURIComponent(number)}`;
    const check = await portflow.call('GET', portflow.portsPath(A, `/check${query}`));
    const answer = await portflow.call('GET', portflow.portsPath(A, `/foc-dates${query}`));
    expect(answer.status).toBe(200);
    const [dates] = focDatesAnswer.parse(answer.body).focDates;
    expect(dates).toMatchObject({
      telephoneNumber: number,
      currentCarrier: 'AT&T',
      earliestFocDate: check.body.earliestCrd,
      latestFocDate: check.body.latestCrd,
    });
    const { earliestFocDate: earliest, latestFocDate: latest } = dates!;
    const request = seedPortRequest([number], today);
    const refusal = (requestedDate: string, window: string, after: string) => ({
      code: 'FOC_DATE_NOT_ALLOWED',
      details: [
        {
          in: 'body',
          field: 'requestedDate',
          message: `${number}: ${requestedDate} is outside the FOC dates AT&T accepts (${window})${after}`,
        },
      ],
    });

    // After latestCRD: nothing later is accepted.
    const tooLate = addBusinessDays(latest!, 1);
    const late = await submit({ ...request, requestedDate: tooLate }, 'foc-late');
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject(
      refusal(tooLate, `${earliest} to ${latest}`, '; it accepts none after it'),
    );

    // Before earliestCRD: AT&T takes no port for the next four weeks, so the window begins later.
    const closed = Array.from({ length: 28 }, (_, day) => addDays(today, day));
    await portflow.emulator.control.setFocBlackouts('AT&T', closed);
    try {
      const later = await portflow.call('GET', portflow.portsPath(A, `/foc-dates${query}`));
      const opens = focDatesAnswer.parse(later.body).focDates[0]!.earliestFocDate;
      expect(opens > addDays(today, 27)).toBe(true);
      const early = await submit(request, 'foc-early');
      expect(early.status).toBe(400);
      expect(early.body.error).toMatchObject(
        refusal(
          request.requestedDate,
          `${opens} to ${latest}`,
          `; the next allowed FOC date is ${opens}`,
        ),
      );
      expect(early.body.error.message).toMatch(/^requestedDate must be a FOC date/);
    } finally {
      await portflow.emulator.control.setFocBlackouts('AT&T', []);
    }
    // Nothing was made upstream for the refused requests.
    expect(await upstreamPortsOf(number)).toEqual([]);

    // In the window: admitted.
    const accepted = await submit(request, 'foc-in-window');
    expect(accepted.status).toBe(202);
    const cancelled = await portflow.call(
      'DELETE',
      portflow.portsPath(A, `/${accepted.body.portRequestId}`),
    );
    expect(cancelled.status).toBe(200);
  });

  it("shows the FOC date as a day of the PortX's focDateTimeZone, and the zone", async () => {
    // 20:00 in Honolulu is 06:00 UTC the next day: the PortX's instant names the next day in UTC.
    await portflow.emulator.control.setAlianzaSettings(A, {
      focDateTimeZone: 'US/Hawaii',
      focTime: '20:00',
    });
    try {
      const request = seedPortRequest([att(6001)], today);
      const submitted = await submit(request, 'foc-zone');
      expect(submitted.status).toBe(202);
      const approved = await advanceCarrierUntil(
        portflow,
        A,
        submitted.body.portRequestId,
        (p) => p.status === 'APPROVED',
      );
      expect(approved).toMatchObject({
        focDate: request.requestedDate,
        focDateTimeZone: 'US/Hawaii',
        estimatedCompletionDate: addDays(request.requestedDate, 1),
      });
      expect(approved.numbers[0]).toMatchObject({
        focDate: request.requestedDate,
        carrierStatus: 'PORT_PENDING / FOC_RECEIVED',
      });
      const done = await advanceCarrierUntil(
        portflow,
        A,
        submitted.body.portRequestId,
        (p) => p.phase === 'DONE',
      );
      expect(done).toMatchObject({ status: 'COMPLETED', focDateTimeZone: 'US/Hawaii' });
    } finally {
      await portflow.emulator.control.setAlianzaSettings(A, {});
    }
    // Alianza has no activation windows: an ON_DEMAND port cannot be reckoned on one.
    const now = toIsoDate(new Date(await portflow.emulator.control.now()));
    const onDemand = await submit(
      { ...seedPortRequest([att(6002)], now), activation: { mode: 'ON_DEMAND' } },
      'on-demand',
    );
    expect(onDemand.status).toBe(501);
    expect(onDemand.body.error.code).toBe('FEATURE_UNAVAILABLE');
  });

  it('takes a number out of a pending port (cancelport, a new PortX without it), and refuses once approved', async () => {
    const [first, second, third] = [att(7001), att(7002), att(7003)];
    const submitted = await submit(seedPortRequest([first, second, third], today), 'remove');
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body as PortObject;
    const removeNumber = (number: string) =>
      portflow.call(
        'DELETE',
        portflow.portsPath(A, `/${portRequestId}/telephone-number/${number}`),
      );
    /** The PortX the port follows once it holds exactly `numbers`, sent to the carrier. */
    const upstreamWith = (numbers: string[]) =>
      eventually(
        async () => {
          const port = await readPort(portflow, A, portRequestId);
          const id = port?.numbers.find(
            (n) => n.telephoneNumber === numbers[0],
          )?.upstreamPortRequestId;
          return (await portflow.emulator.control.alianzaPorts(A)).find((p) => p.id === id);
        },
        (port) =>
          port?.activationStatusType === 'PENDING' &&
          port.telephoneNumbers.join() === numbers.map((n) => n.slice(1)).join(),
      );
    const original = await upstreamWith([first, second, third]);

    const removed = await removeNumber(third);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ telephoneNumbers: [first, second], status: 'PENDING' });
    expect((removed.body as PortObject).numbers.at(-1)).toMatchObject({
      telephoneNumber: third,
      status: 'REMOVED',
    });
    const resent = await upstreamWith([first, second]);
    expect(resent?.id).not.toBe(original?.id);
    const ports = await portflow.emulator.control.alianzaPorts(A);
    expect(ports.find((p) => p.id === original?.id)).toMatchObject({
      status: 'CANCEL_PORT_COMPLETE',
      activationStatusType: 'CANCELLED',
    });
    // The number is free at once: another port takes it.
    const next = await submit(seedPortRequest([third], today), 'remove-third-again');
    expect(next.status).toBe(202);
    expect(
      (await portflow.call('DELETE', portflow.portsPath(A, `/${next.body.portRequestId}`))).status,
    ).toBe(200);

    await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.status === 'APPROVED');
    const approved = await removeNumber(second);
    expect(approved.status).toBe(409);
    expect(approved.body.error.code).toBe('NUMBER_ALREADY_APPROVED');
    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done).toMatchObject({ status: 'COMPLETED', telephoneNumbers: [first, second] });
    expect(done.numbers.map((n) => [n.telephoneNumber, n.status])).toEqual([
      [first, 'COMPLETED'],
      [second, 'COMPLETED'],
      [third, 'REMOVED'],
    ]);
    expect((await upstreamPortsOf(first)).map((port) => port.status)).toEqual([
      'CANCEL_PORT_COMPLETE',
      'ACTIVE',
    ]);
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
