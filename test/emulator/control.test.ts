/** Auth, Idempotency-Key, faults, the call log, the clock, reset and the file store, over HTTP. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startEmulator } from '../../src/emulator';
import {
  emulatorControl,
  jsonRequest,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator';
import {
  AT_AND_T_NUMBER,
  numbersOf,
  readJson,
  type Json,
  seedCaller,
  seedPortRequest,
  type SeedCaller,
} from './support';

let emulator: TestEmulator;
let call: SeedCaller;

beforeAll(async () => {
  emulator = await startTestEmulator();
  call = seedCaller(emulator, 'p1');
});

afterAll(() => emulator.close());

beforeEach(() => emulator.control.reset());

async function firstAvailable(count = 1): Promise<string[]> {
  const answer = await call('GET', `/telephone-number/search?npa=607&quantity=${count}`);
  return numbersOf(answer.body.telephoneNumbers);
}

/** A call outside the partition (`/healthz`, `/_emulator`), with no token. */
function plain(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
  return jsonRequest<Json>(`${emulator.url}${path}`, method, { body });
}

const get = (path: string) => plain('GET', path);

describe('auth', () => {
  it('answers 401 UNAUTHORIZED without the token or with another one', async () => {
    for (const token of [null, 'not-the-token', '', `${emulator.token}x`]) {
      const answer = await call('GET', '/telephone-number/search?npa=607', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: expect.any(String) },
      });
    }
    expect((await call('GET', '/telephone-number/search?npa=607')).status).toBe(200);
  });

  it('asks no token of /healthz and /_emulator', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await get('/_emulator/clock')).status).toBe(200);
  });

  it('listens on 127.0.0.1', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('Idempotency-Key', () => {
  it('replays an order: same status and body, no second effect', async () => {
    const numbers = await firstAvailable(2);
    const body = { telephoneNumbers: numbers, accountId: 'acc_123' };
    const first = await call('POST', '/telephone-number/order', { body, idempotencyKey: 'k-1' });
    const replay = await call('POST', '/telephone-number/order', {
      body: { accountId: 'acc_123', telephoneNumbers: numbers },
      idempotencyKey: 'k-1',
    });
    expect(replay.status).toBe(first.status);
    expect(replay.body).toEqual(first.body);
    expect(replay.body.status).toBe('COMPLETED');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const without = await call('POST', '/telephone-number/order', { body });
    expect(without.body.status).toBe('FAILED');
  });

  it('replays a port submission with its 201 and the same port', async () => {
    const today = (await emulator.control.now()).slice(0, 10);
    const body = seedPortRequest([AT_AND_T_NUMBER], today);
    const first = await call('POST', '/telephone-number/port', { body, idempotencyKey: 'port-1' });
    const replay = await call('POST', '/telephone-number/port', { body, idempotencyKey: 'port-1' });
    expect(first.status).toBe(201);
    expect(replay).toMatchObject({ status: 201, body: first.body });
    const other = await call('POST', '/telephone-number/port', { body, idempotencyKey: 'port-2' });
    expect(other.body.portRequestId).not.toBe(first.body.portRequestId);
  });

  it('replays a refusal and a release as they were first answered', async () => {
    const [telephoneNumber] = await firstAvailable(1);
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [telephoneNumber], accountId: 'acc_123' },
    });
    const released = await call('DELETE', `/telephone-number/${telephoneNumber}`, {
      idempotencyKey: 'release-1',
    });
    const again = await call(
      'DELETE',
      `/telephone-number/${encodeURIComponent(telephoneNumber!)}`,
      {
        idempotencyKey: 'release-1',
      },
    );
    expect(again).toMatchObject({ status: 200, body: released.body });
    expect((await call('DELETE', `/telephone-number/${telephoneNumber}`)).status).toBe(404);

    const missing = await call('DELETE', '/telephone-number/port/port_missing', {
      idempotencyKey: 'cancel-1',
    });
    const replayed = await call('DELETE', '/telephone-number/port/port_missing', {
      idempotencyKey: 'cancel-1',
    });
    expect(missing.status).toBe(404);
    expect(replayed).toMatchObject({ status: 404, body: missing.body });
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body or endpoint', async () => {
    const [one, two] = await firstAvailable(2);
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [one], accountId: 'acc_123' },
      idempotencyKey: 'k-2',
    });
    const otherBody = await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [two], accountId: 'acc_123' },
      idempotencyKey: 'k-2',
    });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherEndpoint = await call('DELETE', `/telephone-number/${one}`, {
      idempotencyKey: 'k-2',
    });
    expect(otherEndpoint.status).toBe(409);
    expect((await call('GET', `/telephone-number/${two}`)).status).toBe(404);
    expect((await call('GET', `/telephone-number/${one}`)).status).toBe(200);
  });

  it('keeps keys per partition', async () => {
    const [telephoneNumber] = await firstAvailable(1);
    const body = { telephoneNumbers: [telephoneNumber], accountId: 'acc_123' };
    const here = await call('POST', '/telephone-number/order', { body, idempotencyKey: 'shared' });
    const there = await seedCaller(emulator, 'p2')('POST', '/telephone-number/order', {
      body,
      idempotencyKey: 'shared',
    });
    expect(there.body.status).toBe('COMPLETED');
    expect(there.body.orderId).not.toBe(here.body.orderId);
  });

  it('refuses an over-long key with 400', async () => {
    const answer = await call('DELETE', '/telephone-number/port/port_1', {
      idempotencyKey: 'k'.repeat(256),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      expect.objectContaining({ in: 'headers', path: 'idempotency-key' }),
    ]);
  });
});

describe('faults', () => {
  const portPath = '/v2/partition/*/telephone-number/port/*';

  it('answers a status fault with the error body, then normally once its count is spent', async () => {
    const fault = await emulator.control.addFault({ kind: 'status', status: 503, count: 2 });
    expect(fault).toMatchObject({ id: expect.any(String), kind: 'status', status: 503, count: 2 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await call('GET', '/telephone-number/search?npa=607');
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });
    }
    expect((await call('GET', '/telephone-number/search?npa=607')).status).toBe(200);
  });

  it('answers 429 RATE_LIMITED with Retry-After', async () => {
    await emulator.control.addFault({ kind: 'status', status: 429, retryAfter: 7, count: 1 });
    await emulator.control.addFault({ kind: 'status', status: 429, count: 1 });
    const first = await call('GET', '/telephone-number/port/port_1');
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.body.error.code).toBe('RATE_LIMITED');
    const second = await call('GET', '/telephone-number/port/port_1');
    expect(second.headers['retry-after']).toBe('1');
  });

  it('delays with a latency fault, then answers normally', async () => {
    await emulator.control.addFault({ kind: 'latency', latencyMs: 300, count: 1 });
    const started = Date.now();
    const slow = await call('GET', '/telephone-number/search?npa=607&quantity=1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.status).toBe(200);
    expect(slow.body.telephoneNumbers).toHaveLength(1);
  });

  it('drops the connection without an answer, and logs the call with no status', async () => {
    await emulator.control.addFault({ kind: 'drop', count: 1, match: { path: portPath } });
    await expect(call('GET', '/telephone-number/port/port_1')).rejects.toThrow();
    expect((await call('GET', '/telephone-number/port/port_1')).status).toBe(404);
    const calls = await emulator.control.calls({ path: portPath });
    expect(calls.map((logged) => logged.status)).toEqual([null, 404]);
  });

  it('strikes only calls matching its method and path pattern', async () => {
    await emulator.control.addFault({
      kind: 'status',
      status: 500,
      match: { method: 'delete', path: portPath },
    });
    expect((await call('GET', '/telephone-number/port/port_1')).status).toBe(404);
    expect((await call('DELETE', '/telephone-number/port/port_1')).status).toBe(500);
    expect((await call('DELETE', '/telephone-number/+16077221000')).status).toBe(404);
    expect((await plain('DELETE', '/_emulator/faults')).body).toEqual({ cleared: 1 });
    expect((await call('DELETE', '/telephone-number/port/port_1')).status).toBe(404);
  });

  it('strikes a rate of matching calls, the same calls on every run', async () => {
    async function run(): Promise<number[]> {
      await emulator.control.reset();
      await emulator.control.addFault({ kind: 'status', status: 503, rate: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 40; attempt++)
        statuses.push((await call('GET', '/telephone-number/port/port_1')).status);
      return statuses;
    }
    const first = await run();
    const struck = first.filter((status) => status === 503).length;
    expect(struck).toBeGreaterThan(10);
    expect(struck).toBeLessThan(30);
    expect(await run()).toEqual(first);
  });

  it('never strikes /_emulator or /healthz', async () => {
    await emulator.control.addFault({ kind: 'status', status: 503 });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/_emulator/clock')).status).toBe(200);
    expect((await call('GET', '/telephone-number/search')).status).toBe(503);
    await emulator.control.clearFaults();
    expect((await call('GET', '/telephone-number/search')).status).toBe(200);
  });

  it('refuses a malformed fault with 400 naming the field', async () => {
    for (const [fault, path] of [
      [{ kind: 'status' }, 'status'],
      [{ kind: 'latency' }, 'latencyMs'],
      [{ kind: 'drop', rate: 2 }, 'rate'],
      [{ kind: 'explode' }, 'kind'],
    ] as const) {
      const answer = await plain('POST', '/_emulator/faults', fault);
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([expect.objectContaining({ path })]);
    }
  });

  it('cuts a held call short when the emulator closes', async () => {
    const other = await startTestEmulator();
    await other.control.addFault({ kind: 'latency', latencyMs: 60_000 });
    const held = seedCaller(other, 'p1')('GET', '/telephone-number/search');
    const started = Date.now();
    await other.close();
    await expect(held).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('call log', () => {
  it('lists every seed call oldest first, faulted and refused ones too, filtered by method and path', async () => {
    await call('GET', '/telephone-number/search?npa=607');
    await call('GET', '/telephone-number/search', { token: null });
    await emulator.control.addFault({ kind: 'status', status: 503, count: 1 });
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: ['+16077221000'], accountId: 'acc_1' },
      idempotencyKey: 'order-1',
    });
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: ['+16077221000'], accountId: 'acc_1' },
      idempotencyKey: 'order-1',
    });
    await get('/healthz');

    const all = await emulator.control.calls();
    expect(all).toEqual([
      {
        at: expect.any(String),
        method: 'GET',
        path: '/v2/partition/p1/telephone-number/search',
        status: 200,
        idempotencyKey: null,
      },
      {
        at: expect.any(String),
        method: 'GET',
        path: '/v2/partition/p1/telephone-number/search',
        status: 401,
        idempotencyKey: null,
      },
      {
        at: expect.any(String),
        method: 'POST',
        path: '/v2/partition/p1/telephone-number/order',
        status: 503,
        idempotencyKey: 'order-1',
      },
      {
        at: expect.any(String),
        method: 'POST',
        path: '/v2/partition/p1/telephone-number/order',
        status: 200,
        idempotencyKey: 'order-1',
      },
    ]);
    expect([...all].sort((a, b) => a.at.localeCompare(b.at))).toEqual(all);

    expect(await emulator.control.calls({ method: 'post' })).toHaveLength(2);
    expect(
      await emulator.control.calls({ path: '/v2/partition/*/telephone-number/search' }),
    ).toHaveLength(2);
    expect(await emulator.control.calls({ path: '*/order', method: 'GET' })).toEqual([]);
    expect((await get('/_emulator/calls?method=&path=')).body).toHaveLength(4);
  });
});

describe('clock', () => {
  it('reads now, and advances by days or hours', async () => {
    const { body: reading } = await get('/_emulator/clock');
    expect(Object.keys(reading)).toEqual(['now']);
    expect(Math.abs(Date.parse(reading.now) - Date.now())).toBeLessThan(60_000);

    await emulator.control.setSpeed(0);
    const stopped = await emulator.control.now();
    const later = await emulator.control.advance({ days: 2 });
    expect(Date.parse(later) - Date.parse(stopped)).toBe(2 * 86_400_000);
    const evenLater = await emulator.control.advance({ hours: 5 });
    expect(Date.parse(evenLater) - Date.parse(later)).toBe(5 * 3_600_000);
    expect(await emulator.control.now()).toBe(evenLater);
  });

  it('refuses a backwards or empty advance with 400', async () => {
    for (const body of [{}, { days: -1 }, { hours: 'two' }]) {
      expect((await plain('POST', '/_emulator/clock/advance', body)).status).toBe(400);
    }
  });

  it('lets simulated time run on its own at msPerDay, and stops it with 0 or nothing', async () => {
    const fast = await emulator.control.setSpeed(1_000);
    expect(fast.msPerDay).toBe(1_000);
    const started = Date.now();
    // Simulated time is measured against real time here: a short real wait is the point.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const elapsedReal = Date.now() - started;
    const now = await emulator.control.now();
    const elapsedDays = (Date.parse(now) - Date.parse(fast.now)) / 86_400_000;
    expect(elapsedDays).toBeGreaterThanOrEqual(0.2);
    expect(elapsedDays).toBeLessThan((elapsedReal + 200) / 1_000);

    const { body: stopped } = await plain('PUT', '/_emulator/clock', {});
    expect(stopped.msPerDay).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await emulator.control.now()).toBe(stopped.now);
  });
});

describe('carrier pace', () => {
  it('completes a port at its first read with an immediate carrier, until reset', async () => {
    expect((await get('/_emulator/carrier')).body).toEqual({ pace: 'business-days' });
    expect((await plain('PUT', '/_emulator/carrier', { pace: 'immediate' })).body).toEqual({
      pace: 'immediate',
    });
    await emulator.control.setSpeed(0);
    const today = (await emulator.control.now()).slice(0, 10);
    const body = seedPortRequest([AT_AND_T_NUMBER], today);
    const submitted = await call('POST', '/telephone-number/port', { body });
    expect(submitted.body.status).toBe('PENDING');
    const read = await call('GET', `/telephone-number/port/${submitted.body.portRequestId}`);
    expect(read.body).toMatchObject({ status: 'COMPLETED', focDate: body.requestedDate });

    expect((await plain('PUT', '/_emulator/carrier', { pace: 'soon' })).status).toBe(400);
    await plain('POST', '/_emulator/reset');
    expect((await get('/_emulator/carrier')).body).toEqual({ pace: 'business-days' });
  });
});

describe('port list', () => {
  it('lists the ports made in a partition, oldest first, a replayed submission once', async () => {
    const today = (await emulator.control.now()).slice(0, 10);
    const submit = (caller: SeedCaller, numbers: string[], idempotencyKey: string) =>
      caller('POST', '/telephone-number/port', {
        body: seedPortRequest(numbers, today),
        idempotencyKey,
      });
    const first = await submit(call, [AT_AND_T_NUMBER], 'first');
    await submit(call, [AT_AND_T_NUMBER], 'first');
    const second = await submit(call, ['+16077985555'], 'second');
    await submit(seedCaller(emulator, 'p2'), ['+16077986666'], 'first');

    const listed = await emulator.control.ports('p1');
    expect(listed.map((port) => [port.portRequestId, port.telephoneNumbers])).toEqual([
      [first.body.portRequestId, [AT_AND_T_NUMBER]],
      [second.body.portRequestId, ['+16077985555']],
    ]);
    expect(listed[0]).toEqual(first.body);
    expect(await emulator.control.ports('p2')).toHaveLength(1);
    expect(await emulator.control.ports('nobody')).toEqual([]);
  });
});

describe('reset', () => {
  it('empties the state, seeds the inventory again, and brings back real now and no faults', async () => {
    const [telephoneNumber] = await firstAvailable(1);
    await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [telephoneNumber], accountId: 'acc_123' },
      idempotencyKey: 'k',
    });
    const today = (await emulator.control.now()).slice(0, 10);
    const port = await call('POST', '/telephone-number/port', {
      body: seedPortRequest([AT_AND_T_NUMBER], today),
    });
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, {
      currentCarrier: 'Windstream',
      lineType: 'BUSINESS',
      portable: true,
      subscriber: { firstName: 'A', lastName: 'B', authorizedName: 'A B' },
      accountNumber: '1',
    });
    await emulator.control.advance({ days: 100 });
    await emulator.control.addFault({ kind: 'latency', latencyMs: 1, match: { path: '/nothing' } });

    const reset = await plain('POST', '/_emulator/reset');
    expect(reset).toMatchObject({
      status: 200,
      body: { status: 'reset', now: expect.any(String) },
    });

    expect((await call('GET', `/telephone-number/${telephoneNumber}`)).status).toBe(404);
    expect(await firstAvailable(1)).toEqual([telephoneNumber]);
    expect((await call('GET', `/telephone-number/port/${port.body.portRequestId}`)).status).toBe(
      404,
    );
    const check = await call(
      'GET',
      `/telephone-number/port/check?telephoneNumber=${AT_AND_T_NUMBER}`,
    );
    expect(check.body.currentCarrier).toBe('AT&T');
    expect(Math.abs(Date.parse(await emulator.control.now()) - Date.now())).toBeLessThan(60_000);
    expect((await get('/_emulator/faults')).body).toEqual([]);
    const calls = await emulator.control.calls();
    expect(calls.map((logged) => logged.path)).toEqual([
      '/v2/partition/p1/telephone-number/+16077220000',
      '/v2/partition/p1/telephone-number/search',
      `/v2/partition/p1/telephone-number/port/${port.body.portRequestId}`,
      '/v2/partition/p1/telephone-number/port/check',
    ]);
    const replay = await call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [telephoneNumber], accountId: 'acc_other' },
      idempotencyKey: 'k',
    });
    expect(replay.body.telephoneNumbers[0].accountId).toBe('acc_other');
  });
});

describe('file store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'portflow-emulator-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  async function start(dataFile: string) {
    const token = 'file-store-token';
    const running = await startEmulator({ host: '127.0.0.1', port: 0, token, dataFile });
    const testEmulator = {
      url: running.url,
      token,
      control: emulatorControl(running.url),
      close: running.close,
    };
    return { ...testEmulator, call: seedCaller(testEmulator, 'p1') };
  }

  it('keeps numbers, ports and a stopped clock across a restart', async () => {
    const dataFile = join(directory, 'not-yet', 'stopped.sqlite');
    const first = await start(dataFile);
    expect(existsSync(`${dataFile}-wal`)).toBe(true);
    await first.control.setSpeed(0);
    const found = await first.call('GET', '/telephone-number/search?npa=607&quantity=1');
    const telephoneNumber = found.body.telephoneNumbers[0].telephoneNumber as string;
    await first.call('POST', '/telephone-number/order', {
      body: { telephoneNumbers: [telephoneNumber], accountId: 'acc_123' },
    });
    const today = (await first.control.now()).slice(0, 10);
    const port = await first.call('POST', '/telephone-number/port', {
      body: seedPortRequest([AT_AND_T_NUMBER], today),
      idempotencyKey: 'port-1',
    });
    // The carrier answers within five days of a submission; the FOC date is 10+ days out.
    const now = await first.control.advance({ days: 6 });
    await first.close();

    const second = await start(dataFile);
    try {
      expect(await second.control.now()).toBe(now);
      expect((await second.call('GET', `/telephone-number/${telephoneNumber}`)).body).toMatchObject(
        {
          status: 'ACTIVE',
          accountId: 'acc_123',
        },
      );
      const read = await second.call('GET', `/telephone-number/port/${port.body.portRequestId}`);
      expect(read.body).toMatchObject({ status: 'APPROVED' });
      const replay = await second.call('POST', '/telephone-number/port', {
        body: seedPortRequest([AT_AND_T_NUMBER], today),
        idempotencyKey: 'port-1',
      });
      expect(replay.body.portRequestId).toBe(port.body.portRequestId);
      const search = await second.call('GET', '/telephone-number/search?npa=607&quantity=1');
      expect(search.body.telephoneNumbers[0].telephoneNumber).not.toBe(telephoneNumber);
    } finally {
      await second.close();
    }
  });

  it('keeps the offset of a real-time clock across a restart', async () => {
    const dataFile = join(directory, 'running.sqlite');
    const first = await start(dataFile);
    await first.control.advance({ days: 10 });
    await first.close();
    const second = await start(dataFile);
    try {
      const offset = Date.parse(await second.control.now()) - Date.now();
      expect(Math.abs(offset - 10 * 86_400_000)).toBeLessThan(60_000);
    } finally {
      await second.close();
    }
  });
});

describe('bad input and unknown paths', () => {
  it('answers 404 NOT_FOUND for an unknown endpoint', async () => {
    const answer = await call('GET', '/telephone-number/port/check/extra/segments');
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await get('/_emulator/nothing')).status).toBe(404);
  });

  it('answers 400 VALIDATION_FAILED for a body that is not JSON', async () => {
    const response = await request(`${emulator.url}/v2/partition/p1/telephone-number/order`, {
      method: 'POST',
      headers: { 'x-auth-token': emulator.token, 'content-type': 'application/json' },
      body: '{"telephoneNumbers": [',
    });
    expect(response.statusCode).toBe(400);
    expect((await readJson(response)).error.code).toBe('VALIDATION_FAILED');
  });

  it('takes a DELETE with a JSON content type and no body', async () => {
    const response = await request(`${emulator.url}/v2/partition/p1/telephone-number/port/port_1`, {
      method: 'DELETE',
      headers: { 'x-auth-token': emulator.token, 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(404);
    expect((await readJson(response)).error.code).toBe('NOT_FOUND');
  });
});
