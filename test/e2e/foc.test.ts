/** FOC dates, on-demand activation and the platform's status history, over HTTP with real parts. */
import { focDatesAnswer, zonedInstant, type PortObject } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { eventually, usePortflow, type Portflow } from '../helpers/portflow';

/** AT&T numbers outside the emulator's inventory, one per test. */
const att = (line: number) => `+1607797${String(line).padStart(4, '0')}`;

describe('FOC dates and on-demand activation over HTTP (dev server, worker, API, emulator)', () => {
  let portflow: Portflow;
  let A: string;
  let today: string;

  usePortflow((parts) => ({ portflow, A, today } = parts));

  const ports = (rest = '') => portflow.portsPath(A, rest);
  const read = async (portRequestId: string) =>
    (await portflow.call('GET', ports(`/${portRequestId}`))).body as PortObject;
  const steps = (port: PortObject) => port.history.map((e) => `${e.status}/${e.phase}`);
  /** Moves the emulator clock to the instant `at`. */
  const advanceTo = async (at: number) => {
    const now = Date.parse(await portflow.emulator.control.now());
    await portflow.emulator.control.advance({ hours: (at - now) / 3_600_000 });
  };
  const submitted = (portRequestId: string) =>
    eventually(
      () => read(portRequestId),
      (port) => port.numbers.every((n) => n.upstreamPortRequestId),
    );

  it('answers the FOC dates of several numbers, and refuses a port on a date the carrier does not take', async () => {
    const numbers = [att(1), '+12127360123'];
    const answer = await portflow.call(
      'GET',
      // As the seed writes a number in a query: a bare +.
      ports(`/foc-dates?telephoneNumber=${numbers.join('&telephoneNumber=')}`),
    );
    expect(answer.status).toBe(200);
    const { focDates } = focDatesAnswer.parse(answer.body);
    expect(focDates.map((d) => [d.telephoneNumber, d.currentCarrier])).toEqual([
      [att(1), 'AT&T'],
      ['+12127360123', 'Verizon'],
    ]);
    expect(String(focDates[0]?.earliestFocDate) > today).toBe(true);

    const request = seedPortRequest([att(1)], today);
    await portflow.emulator.control.setFocBlackouts('AT&T', [request.requestedDate]);
    try {
      const refused = await portflow.call('POST', ports(), { body: request });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('FOC_DATE_NOT_ALLOWED');
      const next = focDates[0]?.allowedFocDates.find((d) => d > request.requestedDate);
      expect(refused.body.error.details).toEqual([
        {
          in: 'body',
          field: 'requestedDate',
          message: `${att(1)}: ${request.requestedDate} is not a FOC date AT&T accepts; the next allowed FOC date is ${next}`,
        },
      ]);
      // Nothing was submitted, and the number is free for the next request.
      const upstream = await portflow.emulator.control.calls({
        method: 'POST',
        path: `/v2/partition/${A}/telephone-number/port`,
      });
      expect(upstream).toHaveLength(0);
    } finally {
      await portflow.emulator.control.setFocBlackouts('AT&T', []);
    }
    const accepted = await portflow.call('POST', ports(), { body: request });
    expect(accepted.status).toBe(202);
    await portflow.call('DELETE', ports(`/${accepted.body.portRequestId}`));
  });

  it('tells APPROVED and IN_PROGRESS in the history even when one look finds the port COMPLETED', async () => {
    const accepted = await portflow.call('POST', ports(), {
      body: seedPortRequest([att(2)], today),
    });
    const { portRequestId } = accepted.body as PortObject;
    await submitted(portRequestId);
    await portflow.emulator.control.advance({ days: 30 });
    const done = await eventually(
      () => read(portRequestId),
      (port) => port.phase === 'DONE',
      60_000,
    );
    expect(done.status).toBe('COMPLETED');
    const path = steps(done);
    expect(path.slice(path.indexOf('PENDING/AWAITING_CARRIER'))).toEqual([
      'PENDING/AWAITING_CARRIER',
      'APPROVED/AWAITING_CARRIER',
      'IN_PROGRESS/AWAITING_CARRIER',
      'COMPLETED/DONE',
    ]);
  });

  it('waits for the activate of an ON_DEMAND port on its FOC date, inside the window', async () => {
    const request = {
      ...seedPortRequest([att(3)], today),
      activation: { mode: 'ON_DEMAND', target: { type: 'USER', userId: 'user_od' } },
    };
    const accepted = await portflow.call('POST', ports(), { body: request });
    expect(accepted.status).toBe(202);
    const { portRequestId } = accepted.body as PortObject;
    const activate = () => portflow.call('POST', ports(`/${portRequestId}/activate`));
    await submitted(portRequestId);
    const early = await activate();
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('PORT_NOT_AWAITING_ACTIVATION');

    // The FOC date begins (UTC): the carrier is IN_PROGRESS, the window opens at 06:00 Chicago.
    await advanceTo(Date.parse(`${request.requestedDate}T00:01:00Z`));
    const ready = await eventually(
      () => read(portRequestId),
      (port) => port.phase === 'AWAITING_ACTIVATION',
      60_000,
    );
    expect(ready.status).toBe('IN_PROGRESS');
    const opensAt = zonedInstant(request.requestedDate, '06:00', 'America/Chicago');
    const beforeWindow = await activate();
    expect(beforeWindow.status).toBe(409);
    expect(beforeWindow.body.error.code).toBe('ACTIVATION_WINDOW_NOT_OPEN');
    expect(beforeWindow.body.error.message).toContain(opensAt.toISOString());

    await advanceTo(opensAt.getTime() + 60_000);
    const activated = await activate();
    expect(activated.status).toBe(200);
    const done = await eventually(
      () => read(portRequestId),
      (port) => port.phase === 'DONE',
      60_000,
    );
    expect(done).toMatchObject({ status: 'COMPLETED', activation: { status: 'ACTIVATED' } });
    const path = steps(done);
    expect(path.slice(path.indexOf('IN_PROGRESS/AWAITING_ACTIVATION'))).toEqual([
      'IN_PROGRESS/AWAITING_ACTIVATION',
      'COMPLETED/ACTIVATING',
      'COMPLETED/DONE',
    ]);
    const number = await portflow.call('GET', `/v2/partition/${A}/telephone-number/${att(3)}`);
    expect(number.body).toMatchObject({ status: 'ACTIVE' });
  });
});
