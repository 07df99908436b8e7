import { defaultCarrierRecord } from '../../src/emulator/carrier';
import type { PlatformPort, PortObject } from '../../src/domain';
import { AT_AND_T_NUMBER, E911, seedCaller, seedPortRequest } from '../emulator/support';
import { csvRequest } from '../helpers/csv';
import {
  advanceCarrierUntil,
  eventually,
  usePortflow,
  type ApiAnswer,
  type Portflow,
} from '../helpers/portflow';

/** AT&T numbers outside the emulator's inventory, one per test so no test holds another's. */
const att = (line: number) => `+1607798${String(line).padStart(4, '0')}`;

describe('port-in over HTTP (dev server, worker, API, emulator)', () => {
  let portflow: Portflow;
  let A: string;
  /** The carrier judges dates on its own clock, which earlier tests moved on. */
  let today: string;

  usePortflow((parts) => ({ portflow, A, today } = parts));

  const submit = (body: unknown, idempotencyKey?: string, partitionId = A) =>
    portflow.call('POST', portflow.portsPath(partitionId), { body, idempotencyKey });
  const cancel = (portRequestId: string, partitionId = A) =>
    portflow.call('DELETE', portflow.portsPath(partitionId, `/${portRequestId}`));
  const read = (portRequestId: string, partitionId = A) =>
    portflow.call('GET', portflow.portsPath(partitionId, `/${portRequestId}`));
  /** The emulator's successful port submissions in a partition. */
  const upstreamSubmissions = async (partitionId = A) =>
    (
      await portflow.emulator.control.calls({
        method: 'POST',
        path: `/v2/partition/${partitionId}/telephone-number/port`,
      })
    ).filter((call) => call.status !== null && call.status < 300);
  const upstreamPort = async (upstreamPortRequestId: string | undefined, partitionId = A) =>
    (
      await seedCaller(portflow.emulator, partitionId)<PlatformPort>(
        'GET',
        `/telephone-number/port/${upstreamPortRequestId}`,
      )
    ).body;
  /** The port once every number was submitted to its carrier (and not as `previously`). */
  const submittedUpstream = (portRequestId: string, previously?: string) =>
    eventually(
      async () => (await read(portRequestId)).body as PortObject,
      (port) =>
        port.numbers.every(
          (n) => n.upstreamPortRequestId && n.upstreamPortRequestId !== previously,
        ),
    );

  it("runs the seed's port from check to an activated number", async () => {
    const check = await portflow.call(
      'GET',
      `/v2/partition/${A}/telephone-number/port/check?telephoneNumber=+${AT_AND_T_NUMBER.slice(1)}`,
    );
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      portable: true,
      currentCarrier: 'AT&T',
    });

    const submitted = await submit({
      ...seedPortRequest([AT_AND_T_NUMBER], today),
      activation: {
        target: { type: 'USER', userId: 'user_1' },
        primary: true,
        e911Address: E911,
        callerIdName: 'ACME CORP',
      },
    });
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body;
    expect(submitted.headers.location).toBe(portflow.portsPath(A, `/${portRequestId}`));
    expect(submitted.body).toMatchObject({
      status: 'PENDING',
      telephoneNumbers: [AT_AND_T_NUMBER],
      accountId: 'acc_123',
    });
    expect(JSON.stringify(submitted.body)).not.toMatch(/123456789|"pin":|"accountNumber":/);

    const port = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(port).toMatchObject({
      status: 'COMPLETED',
      phase: 'DONE',
      activation: { status: 'ACTIVATED' },
    });
    const history = port.history as { status: string }[];
    expect(history.map((h) => h.status)).toEqual(
      expect.arrayContaining(['PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED']),
    );
    expect(await upstreamSubmissions()).toHaveLength(1);
  });

  it('answers a resubmission with the same Idempotency-Key from the same port, before and after it ends', async () => {
    const number = att(2001);
    const body = seedPortRequest([number], today);
    const first = await submit(body, 'order-2001');
    expect(first.status).toBe(202);
    const { portRequestId } = first.body;

    // The same body with its fields in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await submit(reordered, 'order-2001');
    expect(again.status).toBe(202);
    expect(again.body.portRequestId).toBe(portRequestId);
    expect(again.headers.location).toBe(portflow.portsPath(A, `/${portRequestId}`));

    const otherBody = await submit({ ...body, accountId: 'acc_456' }, 'order-2001');
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // A key is the caller's name for a request in one partition: another partition's is another port.
    const elsewhere = await submit(body, 'order-2001', portflow.partitionB);
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.portRequestId).not.toBe(portRequestId);

    const runs = () =>
      portflow.temporal.client.workflow.count(
        `WorkflowId = '${portflow.handleOf(A, portRequestId).workflowId}'`,
      );
    expect((await eventually(runs, ({ count }) => count > 0)).count).toBe(1);

    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done.status).toBe('COMPLETED');
    const replay = await submit(body, 'order-2001');
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ portRequestId, status: 'COMPLETED', phase: 'DONE' });
    const reusedAfter = await submit({ ...body, pin: '9876' }, 'order-2001');
    expect(reusedAfter.status).toBe(409);
    expect(reusedAfter.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    expect((await runs()).count).toBe(1);
    const submissions = await upstreamSubmissions();
    const ofThisPort = submissions.filter((call) => call.idempotencyKey?.includes(portRequestId));
    expect(ofThisPort).toHaveLength(1);
  });

  it('lets exactly one of 20 concurrent ports of one number in, naming it to the other 19', async () => {
    const number = att(3001);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        submit(seedPortRequest([number], today), `race-${index}`),
      ),
    );
    const admitted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(admitted).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const holder = admitted[0]?.body.portRequestId as string;
    for (const { body } of refused) {
      expect(body.error.code).toBe('NUMBER_BUSY');
      expect(body.error.message).toContain(holder);
      expect(body.error.details).toEqual([
        expect.objectContaining({
          telephoneNumber: number,
          operation: 'PORT',
          portRequestId: holder,
        }),
      ]);
    }

    // While the first port is open the number enters no other; once it ends, it may.
    const second = await submit(seedPortRequest([number], today), 'after-race');
    expect(second.status).toBe(409);
    expect(second.body.error.details[0].portRequestId).toBe(holder);
    const cancelled = await cancel(holder);
    expect(cancelled.status).toBe(200);
    const third = await submit(seedPortRequest([number], today), 'after-cancel');
    expect(third.status).toBe(202);
    expect(third.body.portRequestId).not.toBe(holder);
  });

  it("waits out the platform refusing portflow's credentials instead of rejecting the port", async () => {
    await portflow.emulator.control.addFault({
      kind: 'status',
      status: 401,
      count: 2,
      match: { path: `/v2/partition/${A}/telephone-number/port*` },
    });
    const submitted = await submit(seedPortRequest([att(3401)], today), 'credentials-refused');
    expect(submitted.status).toBe(202);
    const port = await submittedUpstream(submitted.body.portRequestId);
    expect(port).toMatchObject({ status: 'PENDING', phase: 'AWAITING_CARRIER' });
    expect(port.rejectionReason).toBeUndefined();
    const refusals = await portflow.emulator.control.calls({ path: `/v2/partition/${A}/*` });
    expect(refusals.filter((call) => call.status === 401)).toHaveLength(2);
  });

  it('answers concurrent submissions under one key from one port', async () => {
    const body = seedPortRequest([att(3501)], today);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => submit(body, 'same-key-at-once')),
    );
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((answer) => answer.body.portRequestId as string)).size).toBe(1);
  });

  it('admits more ports at once than the worker has workflow task slots (40)', async () => {
    // A port's admission waits on its numbers' entities, whose workflow tasks need slots of
    // the same worker: held by ports awaiting their claims, they would never run.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => submit(seedPortRequest([att(8000 + index)], today))),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
  });

  it('admits a retry of a request refused as NUMBER_BUSY once the number is free', async () => {
    const number = att(3601);
    const holder = await submit(seedPortRequest([number], today), 'holds-3601');
    expect(holder.status).toBe(202);
    const body = { ...seedPortRequest([number], today), accountId: 'acc_789' };
    const refused = await submit(body, 'waits-for-3601');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('NUMBER_BUSY');
    // Still busy: the same refusal again.
    const stillBusy = await submit(body, 'waits-for-3601');
    expect(stillBusy.status).toBe(409);
    expect(stillBusy.body.error.code).toBe('NUMBER_BUSY');

    expect((await cancel(holder.body.portRequestId)).status).toBe(200);
    const retried = await submit(body, 'waits-for-3601');
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ accountId: 'acc_789', telephoneNumbers: [number] });
    // From then on the key names that port.
    const again = await submit(body, 'waits-for-3601');
    expect(again.status).toBe(202);
    expect(again.body.portRequestId).toBe(retried.body.portRequestId);
    const reused = await submit({ ...body, accountId: 'acc_000' }, 'waits-for-3601');
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('cancels a port before the carrier approves it, upstream too', async () => {
    const number = att(4001);
    const submitted = await submit(seedPortRequest([number], today), 'cancel-early');
    const { portRequestId } = submitted.body;
    const waiting = await submittedUpstream(portRequestId);
    const upstreamPortRequestId = waiting.numbers[0]?.upstreamPortRequestId;

    const cancelled = await cancel(portRequestId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ portRequestId, status: 'CANCELLED', phase: 'DONE' });
    expect(await upstreamPort(upstreamPortRequestId)).toMatchObject({ status: 'CANCELLED' });
    // Cancelling again is the same request, answered the same way (also from a client that
    // sends a JSON content type with no body).
    const again = await portflow.call('DELETE', portflow.portsPath(A, `/${portRequestId}`), {
      headers: { 'content-type': 'application/json' },
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    expect((await read(portRequestId)).body.status).toBe('CANCELLED');
  });

  it('cancels a port the moment it was submitted, before anything reached the carrier', async () => {
    const number = att(4002);
    const submitted = await submit(seedPortRequest([number], today), 'cancel-at-once');
    expect(submitted.status).toBe(202);
    const cancelled = await cancel(submitted.body.portRequestId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', phase: 'DONE' });
    // Whatever reached the carrier was withdrawn.
    for (const outcome of cancelled.body.numbers as { upstreamPortRequestId?: string }[]) {
      if (outcome.upstreamPortRequestId)
        expect(await upstreamPort(outcome.upstreamPortRequestId)).toMatchObject({
          status: 'CANCELLED',
        });
    }
  });

  it('refuses to cancel once the carrier has approved, and the port goes on', async () => {
    const number = att(5001);
    const submitted = await submit(seedPortRequest([number], today), 'cancel-late');
    const { portRequestId } = submitted.body;
    const approved = await advanceCarrierUntil(
      portflow,
      A,
      portRequestId,
      (p) => p.status === 'APPROVED',
    );
    expect(approved.focDate).toBe(seedPortRequest([number], today).requestedDate);

    const refused = await cancel(portRequestId);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('PORT_NOT_CANCELLABLE');
    const upstreamPortRequestId = approved.numbers[0]?.upstreamPortRequestId;
    expect(await upstreamPort(upstreamPortRequestId)).toMatchObject({ status: 'APPROVED' });

    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done.status).toBe('COMPLETED');
  });

  it('resubmits a rejected port once supplemented with the right PIN, and completes it', async () => {
    const number = att(6001);
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
    expect(rejected.rejectionReason).toMatch(/pin/i);
    expect(rejected).toMatchObject({
      rejectionCode: 'PIN_INVALID',
      fieldsToCorrect: ['pin'],
      supplementable: true,
    });
    expect(JSON.stringify(rejected)).not.toContain('4321');

    // A supplement that corrects none of the named fields is refused, naming them.
    const beside = await portflow.call('PATCH', portflow.portsPath(A, `/${portRequestId}`), {
      body: { accountNumber: '123456789' },
    });
    expect(beside.status).toBe(400);
    expect(beside.body.error).toMatchObject({
      code: 'SUPPLEMENT_CORRECTS_NO_REJECTED_FIELD',
      details: [expect.objectContaining({ in: 'body', field: 'pin' })],
    });
    expect(beside.body.error.message).toContain('pin');
    const searched = await eventually(
      () =>
        portflow.temporal.client.workflow.count(
          `PartitionId = '${A}' AND RejectionCode = 'PIN_INVALID'`,
        ),
      ({ count }) => count > 0,
    );
    expect(searched.count).toBeGreaterThan(0);

    const supplemented = await portflow.call('PATCH', portflow.portsPath(A, `/${portRequestId}`), {
      body: { pin: '4321' },
    });
    expect(supplemented.status).toBe(200);
    expect(JSON.stringify(supplemented.body)).not.toMatch(/4321|"pin":/);
    const resubmitted = await submittedUpstream(
      portRequestId,
      rejected.numbers[0]?.upstreamPortRequestId,
    );
    expect(resubmitted.status).toBe('PENDING');

    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done.status).toBe('COMPLETED');
    const keys = (await upstreamSubmissions())
      .map((call) => call.idempotencyKey ?? '')
      .filter((key) => key.includes(portRequestId));
    // The first submission and the resubmission: one each.
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  it('completes a port of an AT&T and a Verizon number, each part sent to its own carrier', async () => {
    const verizon = '+12127981001';
    // The request names AT&T, as a customer with two carriers would name the first.
    const submitted = await submit(seedPortRequest([att(6501), verizon], today), 'two-carriers');
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body;

    const port = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(port).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    expect(port.numbers).toEqual([
      expect.objectContaining({ currentCarrier: 'AT&T', status: 'COMPLETED' }),
      expect.objectContaining({ currentCarrier: 'Verizon', status: 'COMPLETED' }),
    ]);
    const [atAndT, verizonPart] = await Promise.all(
      port.numbers.map((n) => upstreamPort(n.upstreamPortRequestId)),
    );
    expect(atAndT).toMatchObject({ currentProvider: 'AT&T', telephoneNumbers: [att(6501)] });
    expect(verizonPart).toMatchObject({ currentProvider: 'Verizon', telephoneNumbers: [verizon] });
  });

  it('refuses a currentProvider that names none of the numbers, naming them, and starts nothing', async () => {
    const verizon = '+12127981002';
    const refused = await submit(
      { ...seedPortRequest([att(6502), verizon], today), currentProvider: 'T-Mobile' },
      'no-carrier-named',
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ in: 'body', field: 'currentProvider' }),
    ]);
    expect(refused.body.error.message).toContain(`${att(6502)} is with AT&T`);
    expect(refused.body.error.message).toContain(`${verizon} is with Verizon`);
    const { count } = await portflow.temporal.client.workflow.count(
      `TelephoneNumbers = '${verizon}' OR WorkflowId STARTS_WITH 'number-${A}-${verizon}'`,
    );
    expect(count).toBe(0);
  });

  it('keeps a rejection code it does not know raw beside OTHER, and refuses a supplement no correction can fix', async () => {
    const unknown = att(6601);
    const unportable = att(6602);
    await portflow.emulator.control.setCarrierRecord(unknown, {
      ...defaultCarrierRecord(unknown),
      rejectWith: { code: 'LSR-7Z', reason: 'end user moved' },
    });
    await portflow.emulator.control.setCarrierRecord(unportable, {
      ...defaultCarrierRecord(unportable),
      rejectWith: { code: 'NOT_PORTABLE', reason: 'line is under contract' },
    });
    const [first, second] = await Promise.all(
      [unknown, unportable].map((n) => submit(seedPortRequest([n], today), `codes-${n}`)),
    );
    const rejectedPort = (answer: ApiAnswer | undefined) =>
      advanceCarrierUntil(
        portflow,
        A,
        answer?.body.portRequestId as string,
        (p) => p.phase === 'AWAITING_SUPPLEMENT',
      );

    const other = await rejectedPort(first);
    expect(other).toMatchObject({ rejectionCode: 'OTHER', supplementable: true });
    expect(other.numbers[0]).toMatchObject({
      rejectionCode: 'OTHER',
      platformRejectionCode: 'LSR-7Z',
    });
    // OTHER names no field: any correction is taken.
    const taken = await portflow.call('PATCH', portflow.portsPath(A, `/${other.portRequestId}`), {
      body: { pin: '1234' },
    });
    expect(taken.status).toBe(200);

    const fixedByNone = await rejectedPort(second);
    expect(fixedByNone).toMatchObject({ rejectionCode: 'NOT_PORTABLE', supplementable: false });
    const refused = await portflow.call(
      'PATCH',
      portflow.portsPath(A, `/${fixedByNone.portRequestId}`),
      { body: { pin: '1234' } },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('REJECTION_NOT_SUPPLEMENTABLE');
  });

  it('lists the ports of a partition by status, account and number, page by page', async () => {
    const L = `${portflow.partitionB}-list`;
    const numbers = [att(7001), att(7002), att(7003)];
    const ids: string[] = [];
    for (const [index, number] of numbers.entries()) {
      const account = index < 2 ? 'acc_l1' : 'acc_l2';
      const answer = await submit(
        { ...seedPortRequest([number], today), accountId: account },
        undefined,
        L,
      );
      expect(answer.status).toBe(202);
      ids.push(answer.body.portRequestId);
    }
    expect((await cancel(ids[2] as string, L)).status).toBe(200);
    // The same account and number in another partition is not listed here.
    const elsewhere = await submit({
      ...seedPortRequest([numbers[0] as string], today),
      accountId: 'acc_l1',
    });
    expect(elsewhere.status).toBe(202);

    const list = (query: string) =>
      portflow.call('GET', `${portflow.portsPath(L)}?${query}`).then((answer) => {
        expect(answer.status).toBe(200);
        return answer.body as {
          ports: { portRequestId: string; status: string; telephoneNumbers: string[] }[];
          nextPageToken?: string;
        };
      });
    const idsOf = (page: { ports: { portRequestId: string }[] }) =>
      page.ports.map((p) => p.portRequestId).sort();
    // Listing reads Temporal's visibility store, which lags the workflows a little.
    const cancelled = await eventually(
      () => list('status=CANCELLED'),
      (page) => page.ports.length > 0,
    );
    expect(idsOf(cancelled)).toEqual([ids[2]]);
    const all = await eventually(
      () => list(''),
      (page) => page.ports.length >= 3,
    );
    expect(idsOf(all)).toEqual([...ids].sort());
    expect(all.ports.find((p) => p.portRequestId === ids[0])).toMatchObject({
      status: 'PENDING',
      telephoneNumbers: [numbers[0]],
      accountId: 'acc_l1',
    });

    expect(idsOf(await list('accountId=acc_l1'))).toEqual([ids[0], ids[1]].sort());
    expect(idsOf(await list('accountId=acc_l1&status=CANCELLED'))).toEqual([]);
    // The seed writes the number with a bare `+`, which a query string reads as a space.
    expect(idsOf(await list(`telephoneNumber=+${numbers[1]?.slice(1)}`))).toEqual([ids[1]]);
    expect(idsOf(await list(`telephoneNumber=${encodeURIComponent(numbers[1] ?? '')}`))).toEqual([
      ids[1],
    ]);

    const seen: string[] = [];
    let page = await list('pageSize=2');
    expect(page.ports).toHaveLength(2);
    expect(page.nextPageToken).toEqual(expect.any(String));
    // A token continues the listing that gave it, not one with other filters.
    const carried = await portflow.call(
      'GET',
      `${portflow.portsPath(L)}?pageSize=2&status=PENDING&nextPageToken=${encodeURIComponent(page.nextPageToken ?? '')}`,
    );
    expect(carried.status).toBe(400);
    expect(carried.body.error.details).toEqual([
      expect.objectContaining({ in: 'querystring', field: 'nextPageToken' }),
    ]);
    seen.push(...page.ports.map((p) => p.portRequestId));
    while (page.nextPageToken) {
      page = await list(`pageSize=2&nextPageToken=${encodeURIComponent(page.nextPageToken)}`);
      seen.push(...page.ports.map((p) => p.portRequestId));
    }
    expect(seen.sort()).toEqual([...ids].sort());

    // The same listing as a report: every page at once, with the same filters.
    const report = (query: string) =>
      csvRequest(`${portflow.apiUrl}${portflow.portsPath(L)}?${query}`, portflow.token);
    const everything = await report('pageSize=1');
    expect(everything.status).toBe(200);
    expect(everything.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(everything.headers['content-disposition']).toBe(`attachment; filename="ports-${L}.csv"`);
    const [header, ...rows] = everything.rows;
    expect(header).toEqual([
      'portRequestId',
      'status',
      'telephoneNumbers',
      'accountId',
      'currentProvider',
      'requestedDate',
      'createdDate',
    ]);
    expect(rows.map((row) => row[0]).sort()).toEqual([...ids].sort());
    expect(rows.find((row) => row[0] === ids[2])).toEqual([
      ids[2],
      'CANCELLED',
      numbers[2],
      'acc_l2',
      expect.any(String),
      expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      expect.any(String),
    ]);
    const byAccount = await report('accountId=acc_l1&pageSize=1');
    expect(
      byAccount.rows
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual([ids[0], ids[1]].sort());
    // A header line and nothing else when nothing matches; a bad filter is JSON's 400.
    expect((await report('accountId=acc_none')).rows).toEqual([header]);
    const refused = await report('status=SOMETIMES');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: { details: [expect.objectContaining({ field: 'status' })] },
    });
  });
});
