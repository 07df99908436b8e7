/** The emulator's notification extension: each port status change on its clock, posted signed. */
import type { PlatformPortNotification } from '../../src/domain';
import type { TestEmulator } from '../helpers/emulator';
import { eventually } from '../helpers/portflow';
import type { WebhookReceiver } from '../helpers/webhooks';
import { AT_AND_T_NUMBER, seedPortRequest, useStoppedEmulator, type SeedCaller } from './support';

let receiver: WebhookReceiver<PlatformPortNotification>;
let emulator: TestEmulator;
let call: SeedCaller;
let today: string;

useStoppedEmulator(
  'p1',
  (parts) => {
    ({ emulator, call, today } = parts);
    receiver = parts.receiver as WebhookReceiver<PlatformPortNotification>;
  },
  // The first delivery is refused: the emulator tries it again.
  { notifications: { refuse: (delivery) => delivery === 1 } },
);

/** The notifications taken (answered 2xx) so far, for one upstream port. */
const takenFor = (portRequestId: string) =>
  receiver.deliveries
    .filter(({ event, status }) => event.portRequestId === portRequestId && status < 300)
    .map(({ event, signed }) => ({ ...event, signed }));

it('posts each status change of a port, signed and in order, with the client’s reference', async () => {
  const submitted = await call('POST', '/telephone-number/port', {
    body: { ...seedPortRequest([AT_AND_T_NUMBER], today), customerReference: 'pr_mine' },
  });
  expect(submitted.status).toBe(201);
  const { portRequestId, requestedDate } = submitted.body;
  expect(submitted.body).toMatchObject({ customerReference: 'pr_mine', status: 'PENDING' });

  // One advance past the FOC date: three steps at once, each told.
  await emulator.control.advance({ days: 30 });
  const taken = await eventually(
    () => Promise.resolve(takenFor(portRequestId)),
    (events) => events.length === 3,
  );
  expect(taken.map(({ status }) => status)).toEqual(['APPROVED', 'IN_PROGRESS', 'COMPLETED']);
  for (const notification of taken) {
    expect(notification).toMatchObject({
      type: 'port.status_changed',
      partitionId: 'p1',
      portRequestId,
      customerReference: 'pr_mine',
      signed: true,
    });
  }
  expect(taken[0]?.focDate).toBe(requestedDate);
  // A refused delivery is retried with the same id.
  expect(receiver.deliveries[0]?.status).toBe(500);
  expect(receiver.deliveries[1]?.event.id).toBe(receiver.deliveries[0]?.event.id);

  // A poll that finds the port COMPLETED still reads every status it went through.
  const port = await call('GET', `/telephone-number/port/${portRequestId}`);
  expect(port.body.status).toBe('COMPLETED');
  expect(port.body.statusHistory).toEqual([
    { status: 'PENDING', at: submitted.body.submittedDate },
    { status: 'APPROVED', at: taken[0]?.at, focDate: requestedDate },
    { status: 'IN_PROGRESS', at: taken[1]?.at },
    { status: 'COMPLETED', at: taken[2]?.at },
  ]);
});

it('posts a rejection with its reason', async () => {
  const submitted = await call('POST', '/telephone-number/port', {
    body: { ...seedPortRequest([AT_AND_T_NUMBER], today), pin: '9999' },
  });
  const { portRequestId } = submitted.body;
  await emulator.control.advance({ days: 5 });
  const [rejected] = await eventually(
    () => Promise.resolve(takenFor(portRequestId)),
    (events) => events.length === 1,
  );
  expect(rejected).toMatchObject({ status: 'REJECTED', signed: true });
  expect(rejected?.rejectionReason).toContain('pin does not match');
  expect(rejected?.customerReference).toBeUndefined();
});
