import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { addBusinessDays, addDays, type PortObject } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { advanceCarrierUntil, eventually, usePortflow, type Portflow } from '../helpers/portflow';

/** AT&T numbers outside the emulator's inventory, one set per test so no test holds another's. */
const att = (line: number) => `+1607798${String(line).padStart(4, '0')}`;

describe("a port's numbers over HTTP (dev server, worker, API, emulator)", () => {
  let portflow: Portflow;
  let A: string;
  let today: string;

  usePortflow((parts) => ({ portflow, A, today } = parts));

  const submit = (body: unknown, idempotencyKey?: string) =>
    portflow.call('POST', portflow.portsPath(A), { body, idempotencyKey });
  const read = async (portRequestId: string) =>
    (await portflow.call('GET', portflow.portsPath(A, `/${portRequestId}`))).body as PortObject;
  const removeNumber = (portRequestId: string, telephoneNumber: string) =>
    portflow.call(
      'DELETE',
      portflow.portsPath(A, `/${portRequestId}/telephone-number/${telephoneNumber}`),
    );
  /** The port once its carrier's request is (re)submitted with exactly `numbers`. */
  const submittedWith = async (portRequestId: string, numbers: string[]) => {
    const upstream = await eventually(
      async () => {
        const port = await read(portRequestId);
        const id = port.numbers.find(
          (n) => n.telephoneNumber === numbers[0],
        )?.upstreamPortRequestId;
        const ports = await portflow.emulator.control.ports(A);
        return ports.find((p) => p.portRequestId === id);
      },
      (p) => p?.status === 'PENDING' && p.telephoneNumbers.join() === numbers.join(),
    );
    return upstream;
  };

  it('takes numbers out before approval (withdrawn upstream, freed), refuses once approved, the last one, and an ended port', async () => {
    const [first, second, third] = [att(7101), att(7102), att(7103)];
    const submitted = await submit(seedPortRequest([first, second, third], today), 'three');
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body as PortObject;
    const original = await submittedWith(portRequestId, [first, second, third]);

    const badNumber = await removeNumber(portRequestId, '+16071234567');
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.details).toEqual([
      expect.objectContaining({ in: 'params', field: 'telephoneNumber' }),
    ]);
    const notInPort = await removeNumber(portRequestId, att(7199));
    expect(notInPort.status).toBe(404);
    expect(notInPort.body.error.message).toContain(att(7199));

    const removed = await removeNumber(portRequestId, third);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ telephoneNumbers: [first, second], status: 'PENDING' });
    expect(removed.body.numbers).toEqual([
      expect.objectContaining({ telephoneNumber: first }),
      expect.objectContaining({ telephoneNumber: second }),
      expect.objectContaining({ telephoneNumber: third, status: 'REMOVED' }),
    ]);
    expect((removed.body as PortObject).history.at(-1)?.detail).toContain(
      `${third} removed from the port`,
    );
    // A retry answers the port as it stands.
    const again = await removeNumber(portRequestId, third);
    expect(again.status).toBe(200);
    expect(again.body.telephoneNumbers).toEqual([first, second]);

    // Upstream: the request was withdrawn and resubmitted without it.
    const resubmitted = await submittedWith(portRequestId, [first, second]);
    const upstream = await portflow.emulator.control.ports(A);
    expect(upstream.find((p) => p.portRequestId === original?.portRequestId)?.status).toBe(
      'CANCELLED',
    );
    expect(resubmitted?.portRequestId).not.toBe(original?.portRequestId);
    // The number is free at once: another port takes it.
    const next = await submit(seedPortRequest([third], today), 'third-again');
    expect(next.status).toBe(202);
    const { portRequestId: nextId } = next.body as PortObject;
    expect((await portflow.call('DELETE', portflow.portsPath(A, `/${nextId}`))).status).toBe(200);

    expect((await removeNumber(portRequestId, second)).status).toBe(200);
    await submittedWith(portRequestId, [first]);
    const last = await removeNumber(portRequestId, first);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('LAST_NUMBER_IN_PORT');
    expect(last.body.error.message).toContain('cannot be left empty');

    await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.status === 'APPROVED');
    const approved = await removeNumber(portRequestId, first);
    expect(approved.status).toBe(409);
    expect(approved.body.error.code).toBe('NUMBER_ALREADY_APPROVED');
    expect(approved.body.error.message).toMatch(/losing carrier \(AT&T\) has approved/);

    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done).toMatchObject({ status: 'COMPLETED', telephoneNumbers: [first] });
    expect(done.numbers.map((n) => [n.telephoneNumber, n.status])).toEqual([
      [first, 'COMPLETED'],
      [third, 'REMOVED'],
      [second, 'REMOVED'],
    ]);
    await eventually(
      () => portflow.handleOf(A, portRequestId).describe(),
      (d) => d.status.name === 'COMPLETED',
    );
    const ended = await removeNumber(portRequestId, first);
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('PORT_NOT_OPEN');
  });

  it('refuses a 4th supplement once a FOC date is set with 409 SUPPLEMENT_LIMIT_REACHED', async () => {
    // AT&T approves its part (the port's FOC date); Verizon rejects its part for the PIN each time.
    const [atAndT, verizon] = [att(7201), '+12127987201'];
    await portflow.emulator.control.setCarrierRecord(verizon, {
      ...defaultCarrierRecord(verizon),
      pin: '9999',
    });
    // Far enough ahead that AT&T's part stays APPROVED through every resubmission.
    const requestedDate = addBusinessDays(addDays(today, 30), 0);
    const submitted = await submit(
      { ...seedPortRequest([atAndT, verizon], today), requestedDate },
      'supplement-limit',
    );
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body as PortObject;
    const path = portflow.portsPath(A, `/${portRequestId}`);
    const rejectedAgain = (previous?: string) =>
      advanceCarrierUntil(
        portflow,
        A,
        portRequestId,
        (p) =>
          p.phase === 'AWAITING_SUPPLEMENT' &&
          p.numbers[0]?.status === 'APPROVED' &&
          p.numbers[1]?.status === 'REJECTED' &&
          p.numbers[1]?.upstreamPortRequestId !== previous,
      );

    let port = await rejectedAgain();
    expect(port).toMatchObject({ status: 'REJECTED', focDate: requestedDate });
    expect(port.numbers[0]).toMatchObject({ status: 'APPROVED', focDate: requestedDate });
    for (const pin of ['1111', '2222', '3333']) {
      const supplemented = await portflow.call('PATCH', path, { body: { pin } });
      expect(supplemented.status).toBe(200);
      port = await rejectedAgain(port.numbers[1]?.upstreamPortRequestId);
      expect(port.numbers[0]?.status).toBe('APPROVED');
    }

    const fourth = await portflow.call('PATCH', path, { body: { pin: '4444' } });
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.code).toBe('SUPPLEMENT_LIMIT_REACHED');
    expect(fourth.body.error.message).toContain('at most 3 supplements');
    // Four submissions of Verizon's part, one of AT&T's: the 4th supplement reached no carrier.
    const upstream = (await portflow.emulator.control.ports(A)).filter((p) =>
      p.telephoneNumbers.includes(verizon),
    );
    expect(upstream).toHaveLength(4);
  });
});
