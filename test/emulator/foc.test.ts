/** The emulator's porting-calendar extensions: FOC dates, activation windows, on-demand activation. */
import {
  activationWindow,
  addBusinessDays,
  addDays,
  federalHolidays,
  focDatesAnswer,
  isBusinessDay,
  platformPort,
  zonedInstant,
} from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { carrierAnswerDate } from '../../src/emulator/ports';
import type { TestEmulator } from '../helpers/emulator';
import {
  AT_AND_T_NUMBER,
  seedCaller,
  seedPortRequest,
  useStoppedEmulator,
  type SeedCaller,
} from './support';

const VERIZON_NUMBER = '+12127360123';

let emulator: TestEmulator;
let call: SeedCaller;
let today: string;

useStoppedEmulator('p1', (parts) => ({ emulator, call, today } = parts));

async function focDates(...numbers: string[]) {
  const query = numbers.map((n) => `telephoneNumber=${encodeURIComponent(n)}`).join('&');
  const answer = await call('GET', `/telephone-number/port/foc-dates?${query}`);
  expect(answer.status).toBe(200);
  return focDatesAnswer.parse(answer.body).focDates;
}

/** Moves the emulator clock to the instant `at`. */
async function advanceTo(at: number): Promise<void> {
  const now = Date.parse(await emulator.control.now());
  await emulator.control.advance({ hours: (at - now) / 3_600_000 });
}

describe('FOC dates', () => {
  it("answers a business line's earliest date after its carrier's interval, business days only", async () => {
    const [dates] = await focDates(AT_AND_T_NUMBER);
    // AT&T takes 3 business days for a non-simple port; the default record is a business line.
    expect(dates).toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      currentCarrier: 'AT&T',
      portType: 'NON_SIMPLE',
      earliestFocDate: addBusinessDays(today, 3),
      blackoutDates: [],
    });
    expect(dates?.allowedFocDates[0]).toBe(dates?.earliestFocDate);
    expect(dates?.allowedFocDates.every(isBusinessDay)).toBe(true);
    // US federal holidays are never offered.
    const holidays = [...federalHolidays(Number(today.slice(0, 4)) + 1)];
    expect(dates?.allowedFocDates.some((date) => holidays.includes(date))).toBe(false);
    expect(dates?.allowedFocDates.every((date) => date <= addDays(today, 90))).toBe(true);
  });

  it('gives a single residential line the one-business-day simple port, not a multi-line account', async () => {
    const residential = { ...defaultCarrierRecord(AT_AND_T_NUMBER), lineType: 'RESIDENTIAL' };
    await emulator.control.setCarrierRecord(AT_AND_T_NUMBER, residential);
    await emulator.control.setCarrierRecord('+16077985678', residential);
    const [alone] = await focDates(AT_AND_T_NUMBER);
    expect(alone).toMatchObject({ portType: 'SIMPLE', earliestFocDate: addBusinessDays(today, 1) });

    // Two lines of one carrier account: a non-simple port.
    const both = await focDates(AT_AND_T_NUMBER, '+16077985678');
    expect(both.map((d) => d.portType)).toEqual(['NON_SIMPLE', 'NON_SIMPLE']);
    // Each carrier its own interval.
    const [verizon] = await focDates(VERIZON_NUMBER);
    expect(verizon?.earliestFocDate).toBe(addBusinessDays(today, 4));
  });

  it("leaves out a carrier's blackout dates and names them", async () => {
    const [before] = await focDates(AT_AND_T_NUMBER);
    const blackout = before?.allowedFocDates.slice(0, 2) as string[];
    await emulator.control.setFocBlackouts('AT&T', blackout);
    const [after] = await focDates(AT_AND_T_NUMBER);
    expect(after?.blackoutDates).toEqual(blackout);
    expect(after?.earliestFocDate).toBe(before?.allowedFocDates[2]);
    expect(after?.allowedFocDates).not.toContain(blackout[0]);
    // Another carrier's dates are untouched.
    const [verizon] = await focDates(VERIZON_NUMBER);
    expect(verizon?.blackoutDates).toEqual([]);
  });

  it('refuses a query without a number, with a bad one, or with more than 100', async () => {
    for (const query of [
      '',
      '?telephoneNumber=123',
      `?${'telephoneNumber=%2B16077981234&'.repeat(101)}`,
    ]) {
      const answer = await call('GET', `/telephone-number/port/foc-dates${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('on-demand activation', () => {
  it('answers the window of a day, 06:00-20:00 America/Chicago unless the partition sets one', async () => {
    const date = addBusinessDays(addDays(today, 10), 0);
    const answer = await call('GET', `/telephone-number/port/activation-window?date=${date}`);
    expect(activationWindow.parse(answer.body)).toEqual({
      date,
      timeZone: 'America/Chicago',
      opensAt: zonedInstant(date, '06:00', 'America/Chicago').toISOString(),
      closesAt: zonedInstant(date, '20:00', 'America/Chicago').toISOString(),
      now: await emulator.control.now(),
    });
    // 06:00 in Chicago is 11:00 or 12:00 UTC, by daylight saving time.
    expect(['11', '12']).toContain(String(answer.body.opensAt).slice(11, 13));
    await emulator.control.setActivationWindow('p2', {
      opens: '08:00',
      closes: '17:00',
      timeZone: 'America/New_York',
    });
    const p2 = await seedCaller(emulator, 'p2')(
      'GET',
      `/telephone-number/port/activation-window?date=${date}`,
    );
    expect(p2.body.opensAt).toBe(zonedInstant(date, '08:00', 'America/New_York').toISOString());
  });

  it('holds an ON_DEMAND port IN_PROGRESS on its FOC date until activated inside the window', async () => {
    const request = { ...seedPortRequest([AT_AND_T_NUMBER], today), activationMode: 'ON_DEMAND' };
    const submitted = await call('POST', '/telephone-number/port', { body: request });
    expect(submitted.status).toBe(201);
    const id = submitted.body.portRequestId as string;
    expect(submitted.body.activationMode).toBe('ON_DEMAND');
    const activate = () => call('POST', `/telephone-number/port/${id}/activate`);

    // Not yet on its FOC date: nothing to activate.
    await advanceTo(Date.parse(`${carrierAnswerDate(today)}T00:01:00Z`));
    expect((await activate()).body.error.code).toBe('PORT_NOT_ACTIVATABLE');

    // On the FOC date, before the window opens.
    const focDate = request.requestedDate;
    await advanceTo(Date.parse(`${focDate}T00:01:00Z`));
    const early = await activate();
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ACTIVATION_WINDOW_NOT_OPEN');
    const opensAt = zonedInstant(focDate, '06:00', 'America/Chicago');
    expect(early.body.error.message).toContain(opensAt.toISOString());

    // The next day's start (UTC) no longer completes it: it waits for its activate.
    await advanceTo(opensAt.getTime() + 60_000);
    const got = await call('GET', `/telephone-number/port/${id}`);
    expect(got.body.status).toBe('IN_PROGRESS');
    const activated = await activate();
    expect(activated.status).toBe(200);
    expect(platformPort.parse(activated.body).status).toBe('COMPLETED');
    // Asked again: the same answer.
    expect((await activate()).body.status).toBe('COMPLETED');
  });

  it('activates an ON_DEMAND port by itself when the window closes; an automatic port is not activatable', async () => {
    const request = { ...seedPortRequest([AT_AND_T_NUMBER], today), activationMode: 'ON_DEMAND' };
    const id = (await call('POST', '/telephone-number/port', { body: request })).body
      .portRequestId as string;
    const automatic = seedPortRequest(['+16077985678'], today);
    const other = (await call('POST', '/telephone-number/port', { body: automatic })).body
      .portRequestId as string;
    const closesAt = zonedInstant(request.requestedDate, '20:00', 'America/Chicago');
    await advanceTo(closesAt.getTime() - 60_000);
    expect((await call('GET', `/telephone-number/port/${id}`)).body.status).toBe('IN_PROGRESS');
    // The automatic port completed at the start of the next day (UTC), and takes no activate.
    const refused = await call('POST', `/telephone-number/port/${other}/activate`);
    expect(refused.body.error.code).toBe('PORT_NOT_ACTIVATABLE');
    expect(refused.body.error.details).toEqual({ status: 'COMPLETED' });
    await advanceTo(closesAt.getTime());
    expect((await call('GET', `/telephone-number/port/${id}`)).body.status).toBe('COMPLETED');
  });
});
