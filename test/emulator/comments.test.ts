/** The carrier-comments extension: posted through /_emulator, read with the port, notified. */
import type { PlatformPortNotification } from '../../src/domain';
import { jsonRequest, type TestEmulator } from '../helpers/emulator';
import { eventually } from '../helpers/portflow';
import type { WebhookReceiver } from '../helpers/webhooks';
import {
  AT_AND_T_NUMBER,
  seedCaller,
  seedPortRequest,
  useStoppedEmulator,
  type SeedCaller,
} from './support';

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
  { notifications: {} },
);

async function submitPort(): Promise<string> {
  const submitted = await call('POST', '/telephone-number/port', {
    body: seedPortRequest([AT_AND_T_NUMBER], today),
  });
  expect(submitted.status).toBe(201);
  return submitted.body.portRequestId as string;
}

it('keeps the carrier’s comments on a port, oldest first, and notifies the port of each', async () => {
  const portRequestId = await submitPort();
  expect(await call('GET', `/telephone-number/port/${portRequestId}/comments`)).toMatchObject({
    status: 200,
    body: { comments: [] },
  });

  const first = await emulator.control.carrierComment('p1', portRequestId, {
    text: 'Customer service record requested',
    author: 'AT&T porting desk',
  });
  await emulator.control.advance({ hours: 2 });
  const second = await emulator.control.carrierComment('p1', portRequestId, {
    text: 'CSR received',
  });
  expect(first).toEqual({
    commentId: expect.stringMatching(/^cc_/),
    text: 'Customer service record requested',
    author: 'AT&T porting desk',
    createdAt: expect.any(String),
  });
  // On the emulator's clock.
  expect(Date.parse(second.createdAt) - Date.parse(first.createdAt)).toBeGreaterThanOrEqual(
    2 * 3_600_000,
  );

  const read = await call('GET', `/telephone-number/port/${portRequestId}/comments`);
  expect(read.body.comments).toEqual([first, second]);
  // Each comment tells the port's client to look, as a status change does.
  const notified = await eventually(
    () =>
      Promise.resolve(receiver.deliveries.filter((d) => d.event.portRequestId === portRequestId)),
    (deliveries) => deliveries.length === 2,
  );
  expect(notified.map((d) => d.event.status)).toEqual(['PENDING', 'PENDING']);
  // Per partition, and emptied by a reset.
  expect(
    (await seedCaller(emulator, 'p2')('GET', `/telephone-number/port/${portRequestId}/comments`))
      .status,
  ).toBe(404);
  await emulator.control.reset();
  expect((await call('GET', `/telephone-number/port/${portRequestId}/comments`)).status).toBe(404);
});

it('refuses a comment on a port it does not have, and a blank or too long text', async () => {
  const control = (path: string, body: unknown) =>
    jsonRequest(`${emulator.url}/_emulator${path}`, 'POST', { body });
  expect((await control('/partitions/p1/ports/nope/comments', { text: 'hello' })).status).toBe(404);
  const portRequestId = await submitPort();
  const path = `/partitions/p1/ports/${portRequestId}/comments`;
  expect((await control(path, { text: '   ' })).status).toBe(400);
  expect((await control(path, { text: 'x'.repeat(2_001) })).status).toBe(400);
  expect((await control(path, { text: 'x'.repeat(2_000) })).status).toBe(201);
});

it('asks the token of the comments read', async () => {
  const portRequestId = await submitPort();
  const answer = await call('GET', `/telephone-number/port/${portRequestId}/comments`, {
    token: null,
  });
  expect(answer.status).toBe(401);
});
