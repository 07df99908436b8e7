import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { toIsoDate, type ReleaseObject } from '../../src/domain';
import { releaseWorkflowId } from '../../src/workflows/definitions';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { AT_AND_T_NUMBER, E911, seedCaller, seedPortRequest } from '../emulator/support';
import { csvRequest } from '../helpers/csv';
import { eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { AGED_TO_THE_END, EVERYTHING_REMOVED } from '../helpers/release';

/** A webhook receiver that keeps every event it is sent. */
async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: { id: string; type: string } }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('numbers over HTTP: assign, details, release, aging, reclaim (dev server, worker, API, emulator)', () => {
  const suffix = randomBytes(4).toString('hex');
  /** Ages 3 s (AGING_PERIOD): a release ends while the test waits for it. */
  const fast = `nf-${suffix}`;
  /** Ages an hour: a release stays AGING for the whole test. */
  const slow = `ns-${suffix}`;
  /** Ages business numbers 180 days: a residential one ages by its own bound. */
  const lines = `nl-${suffix}`;
  let portflow: Portflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const today = toIsoDate(new Date());

  beforeAll(async () => {
    receiver = await startReceiver();
    portflow = await startPortflow({
      env: {
        AGING_DEMO: 'true',
        AGING_PERIOD: '3s',
        AGING_PERIODS: JSON.stringify({
          [slow]: { period: '1h', lineType: 'BUSINESS' },
          [lines]: { period: '180d', lineType: 'BUSINESS' },
        }),
        WEBHOOKS: JSON.stringify({
          [fast]: { url: receiver.url, secret: 'a-webhook-secret-of-32-characters' },
        }),
      },
    });
  });
  afterAll(async () => {
    await portflow?.close();
    await receiver?.close();
  });

  const numberPath = (partitionId: string, number: string, rest = '') =>
    `/v2/partition/${partitionId}/telephone-number/${encodeURIComponent(number)}${rest}`;
  const accountPath = (partitionId: string, rest: string) =>
    `/v2/partition/${partitionId}/account/acc_123${rest}`;
  const releaseHandle = (partitionId: string, number: string) =>
    portflow.client.workflow.getHandle(releaseWorkflowId(partitionId, number));

  /** The seed's search and order through portflow: the number is ACTIVE and unassigned in acc_123. */
  async function orderedNumber(partitionId: string, index: number): Promise<string> {
    const search = await portflow.call(
      'GET',
      `/v2/partition/${partitionId}/telephone-number/search?npa=607&quantity=10`,
    );
    expect(search.status).toBe(200);
    const number = (search.body as { telephoneNumbers: { telephoneNumber: string }[] })
      .telephoneNumbers[index]?.telephoneNumber as string;
    const order = await portflow.call(
      'POST',
      `/v2/partition/${partitionId}/telephone-number/order`,
      {
        body: { telephoneNumbers: [number], accountId: 'acc_123' },
      },
    );
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      status: 'COMPLETED',
      telephoneNumbers: [{ telephoneNumber: number, status: 'ACTIVE', accountId: 'acc_123' }],
    });
    return number;
  }

  async function assignToUser(partitionId: string, number: string, userId = 'user_1') {
    return portflow.call('PUT', accountPath(partitionId, `/user/${userId}/telephone-number`), {
      body: { telephoneNumber: number, primary: true, e911Address: E911 },
    });
  }

  async function releaseStarted(partitionId: string, number: string, idempotencyKey?: string) {
    const released = await portflow.call('DELETE', numberPath(partitionId, number), {
      idempotencyKey,
    });
    expect(released.status).toBe(202);
    expect(released.headers.location).toBe(numberPath(partitionId, number, '/release'));
    return released.body as ReleaseObject;
  }

  const untilAging = (partitionId: string, number: string) =>
    eventually(
      async () =>
        (await portflow.call('GET', numberPath(partitionId, number, '/release')))
          .body as ReleaseObject,
      (release) => release.status === 'AGING',
    );

  it("runs the seed's search → order → assign with E911 → details, the path's + encoded or not", async () => {
    const number = await orderedNumber(fast, 0);
    const assigned = await assignToUser(fast, number);
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      telephoneNumber: number,
      assignedTo: 'user_1',
      assignmentType: 'END_USER',
      e911Registered: true,
    });

    const updated = await portflow.call('PUT', numberPath(fast, number), {
      body: { callerIdName: 'ACME SUPPORT', directoryListing: { listed: true, name: 'Acme' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ callerIdName: 'ACME SUPPORT', lifecycle: 'ACTIVE' });

    for (const path of [
      numberPath(fast, number),
      `/v2/partition/${fast}/telephone-number/${number}`,
    ]) {
      const details = await portflow.call('GET', path);
      expect(details.status).toBe(200);
      expect(details.body).toMatchObject({
        telephoneNumber: number,
        status: 'ACTIVE',
        accountId: 'acc_123',
        assignedTo: 'user_1',
        assignmentType: 'END_USER',
        e911: { registered: true, address: E911 },
        directoryListing: { listed: true, name: 'Acme' },
        callerIdName: 'ACME SUPPORT',
        lifecycle: 'ACTIVE',
      });
      expect(details.body.openOperation).toBeUndefined();
    }

    const listed = await portflow.call('GET', accountPath(fast, '/telephone-number'));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({
        telephoneNumber: number,
        assignedTo: 'user_1',
        lifecycle: 'ACTIVE',
      }),
    ]);
    // The same listing as a report for a spreadsheet.
    const report = await csvRequest(
      `${portflow.apiUrl}${accountPath(fast, '/telephone-number')}`,
      portflow.token,
    );
    expect(report.status).toBe(200);
    expect(report.headers['content-disposition']).toBe(
      `attachment; filename="numbers-${fast}-acc_123.csv"`,
    );
    const entry = listed.body[0] as Record<string, unknown>;
    expect(report.rows).toEqual([
      [
        'telephoneNumber',
        'formatted',
        'lifecycle',
        'status',
        'assignedTo',
        'assignmentType',
        'primary',
        'e911Registered',
      ],
      [number, entry.formatted, 'ACTIVE', entry.status, 'user_1', 'END_USER', 'true', 'true'],
    ]);

    const unassigned = await portflow.call(
      'DELETE',
      accountPath(fast, `/user/user_1/telephone-number/${encodeURIComponent(number)}`),
    );
    expect(unassigned.status).toBe(200);
    expect(unassigned.body).toMatchObject({ telephoneNumber: number, assignedTo: null });
  });

  it('assigns to a device line, an IVR and a call queue, and unassigns from each', async () => {
    const number = await orderedNumber(fast, 1);
    const places = [
      ['/device/dev_1/line/2', 'DEVICE_LINE', 'dev_1/line/2', { primary: false }],
      ['/ivr/ivr_1', 'IVR', 'ivr_1', {}],
      ['/call-queue/q_1', 'CALL_QUEUE', 'q_1', {}],
    ] as const;
    for (const [place, assignmentType, assignedTo, extra] of places) {
      const assigned = await portflow.call('PUT', accountPath(fast, `${place}/telephone-number`), {
        body: { telephoneNumber: number, ...extra },
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ assignedTo, assignmentType });
      const unassigned = await portflow.call(
        'DELETE',
        accountPath(fast, `${place}/telephone-number/${encodeURIComponent(number)}`),
      );
      expect(unassigned.status).toBe(200);
      expect(unassigned.body).toMatchObject({ assignedTo: null });
    }
  });

  it('releases a number: cleared, AGING for AGING_PERIOD, then RELEASED to inventory, with webhooks', async () => {
    const number = await orderedNumber(fast, 2);
    expect((await assignToUser(fast, number)).status).toBe(200);
    await portflow.call('PUT', numberPath(fast, number), {
      body: { callerIdName: 'ACME', directoryListing: { listed: true, name: 'Acme' } },
    });

    const started = await releaseStarted(fast, number);
    expect(started).toMatchObject({
      telephoneNumber: number,
      status: 'RELEASING',
      agingPeriodDays: 3 / 86_400,
    });

    const release = (await releaseHandle(fast, number).result()) as ReleaseObject;
    expect(release).toMatchObject({
      telephoneNumber: number,
      accountId: 'acc_123',
      status: 'RELEASED',
      removed: EVERYTHING_REMOVED,
    });
    expect(release.history.map((entry) => entry.status)).toEqual(AGED_TO_THE_END);
    const aged =
      Date.parse(release.releasedDate ?? '') - Date.parse(release.agingStartedDate ?? '');
    expect(aged).toBeGreaterThanOrEqual(3_000);

    expect((await portflow.call('GET', numberPath(fast, number, '/release'))).body).toEqual(
      release,
    );
    const details = await portflow.call('GET', numberPath(fast, number));
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ status: 'RELEASED', lifecycle: 'RELEASED' });

    // Back in the platform's inventory: no longer the partition's, orderable again.
    const platform = seedCaller(portflow.emulator, fast);
    expect((await platform('GET', `/telephone-number/${encodeURIComponent(number)}`)).status).toBe(
      404,
    );
    const releases = await portflow.emulator.control.calls({
      method: 'DELETE',
      path: `/v2/partition/${fast}/telephone-number/*`,
    });
    expect(releases).toHaveLength(1);
    expect(releases[0]?.idempotencyKey).toBeTruthy();

    const assign = await assignToUser(fast, number);
    expect(assign.status).toBe(409);
    expect(assign.body.error.code).toBe('NUMBER_BUSY');
    const reclaim = await portflow.call('POST', numberPath(fast, number, '/reclaim'));
    expect(reclaim.status).toBe(409);
    expect(reclaim.body.error.code).toBe('NOT_AGING');
    expect((await portflow.call('DELETE', numberPath(fast, number))).status).toBe(404);

    const events = await eventually(
      () =>
        Promise.resolve(receiver.received.filter((event) => event.body.type.startsWith('number.'))),
      (list) => list.length >= 2,
    );
    expect(events.map((event) => event.body.type)).toEqual([
      'number.aging_started',
      'number.released',
    ]);
    for (const event of events) {
      expect(event.body).toMatchObject({ partitionId: fast, data: { telephoneNumber: number } });
      expect(event.headers['x-portflow-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(event.headers['x-portflow-event-id']).toBe(event.body.id);
    }
  });

  it('ages a released number by its own line type when the platform tells it', async () => {
    const [business, residential] = [await orderedNumber(lines, 0), await orderedNumber(lines, 1)];
    await portflow.emulator.control.setCarrierRecord(residential, {
      ...defaultCarrierRecord(residential),
      lineType: 'RESIDENTIAL',
    });
    const businessRelease = await releaseStarted(lines, business);
    const residentialRelease = await releaseStarted(lines, residential);
    expect(businessRelease).toMatchObject({ agingPeriodDays: 180, lineType: 'BUSINESS' });
    // The FCC bound of a residential number is 90 days, whatever the partition's business period.
    expect(residentialRelease).toMatchObject({ agingPeriodDays: 90, lineType: 'RESIDENTIAL' });
    const aging = await untilAging(lines, residential);
    expect(Date.parse(aging.agingUntil ?? '') - Date.parse(aging.agingStartedDate ?? '')).toBe(
      90 * 86_400_000,
    );
    for (const number of [business, residential]) {
      await untilAging(lines, number);
      expect((await portflow.call('POST', numberPath(lines, number, '/reclaim'))).status).toBe(200);
    }
  });

  it('holds an aging number: assign, update and port refused (409), reclaim gives it back unassigned', async () => {
    const number = await orderedNumber(slow, 0);
    expect((await assignToUser(slow, number)).status).toBe(200);
    const first = await releaseStarted(slow, number, 'release-key-1');
    const aging = await untilAging(slow, number);
    expect(aging.agingPeriodDays).toBeCloseTo(1 / 24, 10);
    expect(Date.parse(aging.agingUntil ?? '') - Date.parse(aging.agingStartedDate ?? '')).toBe(
      3_600_000,
    );

    const details = await portflow.call('GET', numberPath(slow, number));
    expect(details.body).toMatchObject({
      lifecycle: 'AGING',
      assignedTo: null,
      e911: { registered: false },
      openOperation: { operation: 'RELEASE', heldBy: releaseWorkflowId(slow, number) },
    });

    const assign = await assignToUser(slow, number, 'user_2');
    expect(assign.status).toBe(409);
    expect(assign.body.error).toMatchObject({
      code: 'NUMBER_BUSY',
      details: [{ telephoneNumber: number, operation: 'RELEASE' }],
    });
    const update = await portflow.call('PUT', numberPath(slow, number), {
      body: { callerIdName: 'NEW OWNER' },
    });
    expect(update.status).toBe(409);
    const port = await portflow.call('POST', portflow.portsPath(slow), {
      body: seedPortRequest([number], today),
    });
    expect(port.status).toBe(409);
    expect(port.body.error.code).toBe('NUMBER_BUSY');
    expect(JSON.stringify(port.body.error.details)).toContain(releaseWorkflowId(slow, number));

    // The same release, whether asked again with its key or without one: nothing new starts.
    const { runId } = await releaseHandle(slow, number).describe();
    const again = await releaseStarted(slow, number, 'release-key-1');
    const withoutKey = await releaseStarted(slow, number);
    expect(again.agingStartedDate).toBe(aging.agingStartedDate);
    expect(withoutKey.agingStartedDate).toBe(aging.agingStartedDate);
    expect((await releaseHandle(slow, number).describe()).runId).toBe(runId);
    expect(first.telephoneNumber).toBe(number);

    const reclaimed = await portflow.call('POST', numberPath(slow, number, '/reclaim'));
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body).toMatchObject({ status: 'RECLAIMED', accountId: 'acc_123' });
    expect(((await releaseHandle(slow, number).result()) as ReleaseObject).status).toBe(
      'RECLAIMED',
    );
    const repeated = await portflow.call('POST', numberPath(slow, number, '/reclaim'));
    expect(repeated.status).toBe(200);
    expect(repeated.body.reclaimedDate).toBe(reclaimed.body.reclaimedDate);
    // The key's release, replayed: still that one, now reclaimed; nothing is released anew.
    const replayed = await releaseStarted(slow, number, 'release-key-1');
    expect(replayed.status).toBe('RECLAIMED');
    expect((await releaseHandle(slow, number).describe()).runId).toBe(runId);

    const back = await portflow.call('GET', numberPath(slow, number));
    expect(back.body).toMatchObject({
      status: 'ACTIVE',
      accountId: 'acc_123',
      assignedTo: null,
      e911: { registered: false },
      lifecycle: 'RECLAIMED',
    });
    const listed = await portflow.call('GET', accountPath(slow, '/telephone-number'));
    expect(listed.body).toEqual([
      expect.objectContaining({
        telephoneNumber: number,
        assignedTo: null,
        lifecycle: 'RECLAIMED',
      }),
    ]);
    expect((await assignToUser(slow, number, 'user_2')).status).toBe(200);
    const inventoryReleases = await portflow.emulator.control.calls({
      method: 'DELETE',
      path: `/v2/partition/${slow}/telephone-number/*`,
    });
    expect(inventoryReleases).toEqual([]);
  });

  it('never leaves an aging number assigned, however assignments race its release', async () => {
    const number = await orderedNumber(slow, 3);
    const [first, ...assigns] = await Promise.all([
      portflow.call('DELETE', numberPath(slow, number)),
      ...Array.from({ length: 6 }, (_, index) => assignToUser(slow, number, `user_${index}`)),
    ]);
    // An assignment holds the number for its call: a release asked meanwhile is refused, not interleaved.
    expect([202, 409]).toContain(first?.status);
    for (const assign of assigns) expect(assign.status).toBeLessThan(500);
    const released = await eventually(
      () => portflow.call('DELETE', numberPath(slow, number)),
      (answer) => answer.status === 202,
    );
    expect(released.status).toBe(202);
    await untilAging(slow, number);
    const details = await portflow.call('GET', numberPath(slow, number));
    expect(details.body).toMatchObject({ lifecycle: 'AGING', assignedTo: null });
    // And while it ages, every assignment is refused.
    expect((await assignToUser(slow, number, 'user_late')).status).toBe(409);
  });

  it('starts one release however many DELETEs race for the number', async () => {
    const number = await orderedNumber(slow, 1);
    expect((await assignToUser(slow, number)).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => portflow.call('DELETE', numberPath(slow, number))),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    const aging = await untilAging(slow, number);
    const { runId } = await releaseHandle(slow, number).describe();
    const runs = await portflow.temporal.client.workflowService.listWorkflowExecutions({
      namespace: portflow.temporal.client.options.namespace,
      query: `WorkflowId = '${releaseWorkflowId(slow, number)}'`,
    });
    expect(runs.executions?.map((run) => run.execution?.runId)).toEqual([runId]);
    const unassigns = await portflow.emulator.control.calls({
      method: 'DELETE',
      path: `/v2/partition/${slow}/account/acc_123/user/user_1/telephone-number/${encodeURIComponent(number)}`,
    });
    expect(unassigns).toHaveLength(1);
    expect(aging.removed).toEqual(['assignment to END_USER user_1', 'E911 registration']);
  });

  it('admits a release at once while no worker runs, reads it from the server, and runs it once a worker is back', async () => {
    const number = await orderedNumber(slow, 2);
    await portflow.stopWorker();
    try {
      const asked = Date.now();
      const admitted = await releaseStarted(slow, number);
      expect(admitted).toMatchObject({ telephoneNumber: number, status: 'RELEASING' });
      expect(Date.now() - asked).toBeLessThan(5_000);
      // What the server holds answers: the release and the number's lifecycle need no worker.
      const read = await portflow.call('GET', numberPath(slow, number, '/release'));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(admitted);
      const details = await portflow.call('GET', numberPath(slow, number));
      expect(details.body).toMatchObject({
        lifecycle: 'RELEASING',
        openOperation: { operation: 'RELEASE', heldBy: releaseWorkflowId(slow, number) },
      });
      // Held for the release already: an assignment meanwhile is refused.
      expect((await assignToUser(slow, number)).status).toBe(409);
    } finally {
      await portflow.startWorker();
    }
    // The same DELETE answers the same release, and starts nothing new.
    const { runId } = await releaseHandle(slow, number).describe();
    expect((await releaseStarted(slow, number)).telephoneNumber).toBe(number);
    await untilAging(slow, number);
    expect((await releaseHandle(slow, number).describe()).runId).toBe(runId);
  });

  it('refuses to release a number in an open port (409 naming the port), and the port meanwhile', async () => {
    const port = await portflow.call('POST', portflow.portsPath(slow), {
      body: seedPortRequest([AT_AND_T_NUMBER], today),
    });
    expect(port.status).toBe(202);
    const { portRequestId } = port.body;

    const release = await portflow.call('DELETE', numberPath(slow, AT_AND_T_NUMBER));
    expect(release.status).toBe(409);
    expect(release.body.error).toMatchObject({
      code: 'NUMBER_BUSY',
      details: [{ telephoneNumber: AT_AND_T_NUMBER, operation: 'PORT', portRequestId }],
    });
    const details = await portflow.call('GET', numberPath(slow, AT_AND_T_NUMBER));
    expect(details.body).toMatchObject({
      lifecycle: 'PORTING',
      openOperation: { operation: 'PORT', portRequestId },
    });
    const assign = await assignToUser(slow, AT_AND_T_NUMBER);
    expect(assign.status).toBe(409);
    expect(assign.body.error.code).toBe('NUMBER_BUSY');
    await expect(releaseHandle(slow, AT_AND_T_NUMBER).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );

    expect(
      (await portflow.call('DELETE', portflow.portsPath(slow, `/${portRequestId}`))).status,
    ).toBe(200);
  });

  it('answers every bad input with 400 naming the field, and starts no workflow', async () => {
    const number = await orderedNumber(fast, 3);
    const bad: [string, string, unknown, Record<string, string>, string][] = [
      [
        'GET',
        `/v2/partition/${fast}/telephone-number/%2B1607722123`,
        undefined,
        {},
        'telephoneNumber',
      ],
      [
        'GET',
        `/v2/partition/${fast}/telephone-number/%2B16071234567`,
        undefined,
        {},
        'telephoneNumber',
      ],
      ['DELETE', `/v2/partition/${fast}/telephone-number/12345`, undefined, {}, 'telephoneNumber'],
      [
        'DELETE',
        numberPath(fast, number),
        undefined,
        { 'idempotency-key': 'k'.repeat(300) },
        'idempotency-key',
      ],
      ['PUT', numberPath(fast, number), { callerIdName: 'acme corp!' }, {}, 'callerIdName'],
      [
        'PUT',
        numberPath(fast, number),
        { callerIdName: 'A VERY LONG CALLER NAME' },
        {},
        'callerIdName',
      ],
      ['PUT', numberPath(fast, number), {}, {}, ''],
      [
        'POST',
        `/v2/partition/${fast}/telephone-number/555/reclaim`,
        undefined,
        {},
        'telephoneNumber',
      ],
      [
        'PUT',
        accountPath(fast, '/user/user_1/telephone-number'),
        { telephoneNumber: number, e911Address: { ...E911, zipCode: '1390' } },
        {},
        'e911Address.zipCode',
      ],
      [
        'PUT',
        accountPath(fast, '/user/user_1/telephone-number'),
        { telephoneNumber: '607' },
        {},
        'telephoneNumber',
      ],
      [
        'PUT',
        accountPath(fast, '/device/dev_1/line/x/telephone-number'),
        { telephoneNumber: number },
        {},
        'lineNumber',
      ],
      [
        'PUT',
        accountPath(fast, '/ivr/ivr%201/telephone-number'),
        { telephoneNumber: number },
        {},
        'ivrId',
      ],
      [
        'DELETE',
        accountPath(fast, '/call-queue/q_1/telephone-number/nope'),
        undefined,
        {},
        'telephoneNumber',
      ],
      [
        'GET',
        `/v2/partition/${fast}/account/acc%20123/telephone-number`,
        undefined,
        {},
        'accountId',
      ],
    ];
    for (const [method, path, body, headers, field] of bad) {
      const answer = await portflow.call(method as 'GET', path, { body, headers });
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 400 });
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      const details = answer.body.error.details as { field: string }[];
      expect(details.map((detail) => detail.field)).toContain(field);
    }
    await expect(releaseHandle(fast, number).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );

    expect((await portflow.call('GET', numberPath(fast, number), { token: null })).status).toBe(
      401,
    );
    expect(
      (await portflow.call('DELETE', numberPath(fast, number), { token: portflow.tokenA })).status,
    ).toBe(403);
    const unknown = await portflow.call('DELETE', numberPath(fast, '+16077229999'));
    expect(unknown.status).toBe(404);
    await expect(releaseHandle(fast, '+16077229999').describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect((await portflow.call('GET', numberPath(fast, '+16077229999', '/release'))).status).toBe(
      404,
    );
  });
});
