/**
 * The webhook event log and redelivery over HTTP (dev server, worker, API, emulator, a receiver):
 * GET .../events lists what portflow sent of a port, an order and a release, with every attempt;
 * POST .../webhook-events/{eventId}/redeliver sends one again, also for a workflow long ended.
 */
import { randomBytes } from 'node:crypto';
import type { PortObject, ReleaseObject } from '../../src/domain';
import type { WebhookEventEntry, WebhookEventLog } from '../../src/domain/webhook-event-log';
import type { WebhookEvent } from '../../src/domain/webhook-event';
import { seedPortRequest } from '../emulator/support';
import { advanceCarrierUntil, eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** AT&T numbers outside the emulator's inventory, one per test so no test holds another's. */
const att = (line: number) => `+1607798${String(line).padStart(4, '0')}`;

describe('webhook events and their redelivery over HTTP', () => {
  const suffix = randomBytes(4).toString('hex');
  /** Its receiver refuses the first two attempts of every event. */
  const FLAKY = `whf-${suffix}`;
  /** Its receiver refuses every attempt. */
  const DOWN = `whd-${suffix}`;
  /** Its receiver takes every event. */
  const UP = `whu-${suffix}`;
  /** No webhook at all. */
  const QUIET = `whq-${suffix}`;
  let portflow: Portflow;
  let receiver: WebhookReceiver<WebhookEvent>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver<WebhookEvent>({
      secret: SECRET,
      refuse: (_n, event, earlier) =>
        event.partitionId === DOWN ||
        (event.partitionId === FLAKY && earlier.filter((d) => d.event.id === event.id).length < 2),
    });
    const webhook = { url: receiver.url, secret: SECRET };
    portflow = await startPortflow({
      env: {
        // Three attempts, a second and two apart: the whole schedule within a test.
        WEBHOOK_RETRY_SCHEDULE: '1s,2s',
        AGING_DEMO: 'true',
        AGING_PERIOD: '2s',
        WEBHOOKS: JSON.stringify({ [FLAKY]: webhook, [DOWN]: webhook, [UP]: webhook }),
      },
    });
  });
  afterAll(async () => {
    await portflow?.close();
    await receiver?.close();
  });

  const numbersPath = (partitionId: string) => `/v2/partition/${partitionId}/telephone-number`;
  const redeliverPath = (partitionId: string, eventId: string) =>
    `/v2/partition/${partitionId}/webhook-events/${encodeURIComponent(eventId)}/redeliver`;
  const portEvents = async (partitionId: string, portRequestId: string) => {
    const answer = await portflow.call(
      'GET',
      portflow.portsPath(partitionId, `/${portRequestId}/events`),
    );
    expect(answer.status).toBe(200);
    return answer.body as WebhookEventLog & { portRequestId: string };
  };
  const settled = (log: WebhookEventLog) =>
    log.events.length > 0 && log.events.every((e) => e.outcome !== 'PENDING');
  const deliveriesOf = (eventId: string) =>
    receiver.deliveries.filter((delivery) => delivery.event.id === eventId);

  async function portAwaitingCarrier(partitionId: string, number: string): Promise<string> {
    const today = (await portflow.emulator.control.now()).slice(0, 10);
    const submitted = await portflow.call('POST', portflow.portsPath(partitionId), {
      body: seedPortRequest([number], today),
    });
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body as PortObject;
    await eventually(
      async () =>
        (await portflow.call('GET', portflow.portsPath(partitionId, `/${portRequestId}`)))
          .body as PortObject,
      (port) => port.phase === 'AWAITING_CARRIER',
    );
    return portRequestId;
  }

  it('shows three attempts of an event its receiver refused twice, DELIVERED, and reads with no worker', async () => {
    const portRequestId = await portAwaitingCarrier(FLAKY, att(6201));
    const log = await eventually(() => portEvents(FLAKY, portRequestId), settled);

    expect(log).toMatchObject({ portRequestId, complete: true, total: log.events.length });
    expect(log.events.map((e) => `${e.data?.status as string}/${e.data?.phase as string}`)).toEqual(
      expect.arrayContaining(['PENDING/SUBMITTING', 'PENDING/AWAITING_CARRIER']),
    );
    for (const event of log.events) {
      expect(event).toMatchObject({
        type: 'port.status_changed',
        outcome: 'DELIVERED',
        data: { portRequestId },
        redeliveries: [],
      });
      expect(event.nextAttemptAt).toBeUndefined();
      expect(event.attempts.map((a) => a.httpStatus)).toEqual([500, 500, 204]);
      // Each refusal says when the next try was due: the schedule's wait after it.
      const [first, second, third] = event.attempts;
      expect(Date.parse(first?.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(first?.at ?? '') + 1_000,
      );
      expect(Date.parse(second?.at ?? '')).toBeGreaterThanOrEqual(
        Date.parse(first?.nextAttemptAt ?? ''),
      );
      expect(Date.parse(third?.at ?? '') - Date.parse(second?.at ?? '')).toBeGreaterThanOrEqual(
        2_000,
      );
      expect(third?.nextAttemptAt).toBeUndefined();
      // What the receiver got: three times the same body, signed.
      const received = deliveriesOf(event.id);
      expect(received.map((d) => d.status)).toEqual([500, 500, 204]);
      expect(received.every((d) => d.signed && d.webhookId === event.id)).toBe(true);
      const { id, type, occurredAt, data } = event;
      expect(received[2]?.event).toEqual({ id, type, occurredAt, partitionId: FLAKY, data });
    }

    // The memo answers: no worker needed.
    await portflow.stopWorker();
    try {
      expect(await portEvents(FLAKY, portRequestId)).toEqual(log);
    } finally {
      await portflow.startWorker();
    }
  });

  it('ends FAILED, its retries used up, when the receiver refuses every attempt', async () => {
    const portRequestId = await portAwaitingCarrier(DOWN, att(6202));
    const log = await eventually(() => portEvents(DOWN, portRequestId), settled);
    for (const event of log.events) {
      expect(event.outcome).toBe('FAILED');
      expect(event.attempts.map((a) => a.httpStatus)).toEqual([500, 500, 500]);
      expect(event.attempts.map((a) => a.nextAttemptAt !== undefined)).toEqual([true, true, false]);
    }
  });

  it("redelivers a completed port's event, same webhook-id, signed, and shows it in GET events", async () => {
    const portRequestId = await portAwaitingCarrier(UP, att(6203));
    await advanceCarrierUntil(portflow, UP, portRequestId, (port) => port.status === 'COMPLETED');
    await portflow.handleOf(UP, portRequestId).result();
    const log = await eventually(() => portEvents(UP, portRequestId), settled);
    const completed = log.events.find((e) => e.data?.status === 'COMPLETED') as WebhookEventEntry;
    expect(completed).toMatchObject({ outcome: 'DELIVERED', type: 'port.status_changed' });
    const firstBody = deliveriesOf(completed.id)[0]?.event;

    const answer = await portflow.call('POST', redeliverPath(UP, completed.id), {
      idempotencyKey: `again-${suffix}`,
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      id: completed.id,
      data: completed.data,
      redeliveries: [{ redeliveryId: expect.stringMatching(/^rdl_/), outcome: 'PENDING' }],
    });
    const { redeliveryId } = (answer.body as WebhookEventEntry).redeliveries[0] as {
      redeliveryId: string;
    };

    // The same body reaches the receiver again, webhook-id the event's, the signature valid.
    const again = await eventually(
      () => Promise.resolve(deliveriesOf(completed.id)),
      (found) => found.length === 2,
    );
    expect(again[1]).toMatchObject({ signed: true, webhookId: completed.id, status: 204 });
    expect(again[1]?.event).toEqual(firstBody);

    const shown = await eventually(
      async () => (await portEvents(UP, portRequestId)).events.find((e) => e.id === completed.id),
      (event) => event?.redeliveries[0]?.outcome === 'DELIVERED',
    );
    expect(shown?.redeliveries).toEqual([
      { redeliveryId, requestedAt: expect.any(String), outcome: 'DELIVERED' },
    ]);
    expect(shown?.attempts.map((a) => a.redeliveryId)).toEqual([undefined, redeliveryId]);
    expect(shown?.outcome).toBe('DELIVERED');

    // The same Idempotency-Key answers the same redelivery, and sends nothing again.
    const replay = await portflow.call('POST', redeliverPath(UP, completed.id), {
      idempotencyKey: `again-${suffix}`,
    });
    expect(replay.status).toBe(202);
    expect((replay.body as WebhookEventEntry).redeliveries).toEqual([
      expect.objectContaining({ redeliveryId, outcome: 'DELIVERED' }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveriesOf(completed.id)).toHaveLength(2);
  });

  it("redelivers an order's event and a release's, each shown in its own GET events", async () => {
    const search = await portflow.call('GET', `${numbersPath(UP)}/search?npa=607&quantity=1`);
    const number = (search.body as { telephoneNumbers: { telephoneNumber: string }[] })
      .telephoneNumbers[0]?.telephoneNumber as string;
    const order = await portflow.call('POST', `${numbersPath(UP)}/order`, {
      body: { telephoneNumbers: [number], accountId: 'acc_123' },
    });
    expect(order.body).toMatchObject({ status: 'COMPLETED' });
    const orderEventsPath = `${numbersPath(UP)}/order/${order.body.orderId as string}/events`;
    const orderLog = await eventually(
      async () => (await portflow.call('GET', orderEventsPath)).body as WebhookEventLog,
      settled,
    );
    const [completed] = orderLog.events;
    expect(completed).toMatchObject({
      type: 'order.completed',
      outcome: 'DELIVERED',
      data: { orderId: order.body.orderId, status: 'COMPLETED' },
    });

    const releasePath = `${numbersPath(UP)}/${encodeURIComponent(number)}/release`;
    expect(
      (await portflow.call('DELETE', `${numbersPath(UP)}/${encodeURIComponent(number)}`)).status,
    ).toBe(202);
    await eventually(
      async () => (await portflow.call('GET', releasePath)).body as ReleaseObject,
      (release) => release.status === 'RELEASED',
    );
    const releaseLog = await eventually(
      async () => (await portflow.call('GET', `${releasePath}/events`)).body as WebhookEventLog,
      (log) => log.events.length === 2 && settled(log),
    );
    expect(releaseLog.events.map((e) => [e.type, e.outcome])).toEqual([
      ['number.aging_started', 'DELIVERED'],
      ['number.released', 'DELIVERED'],
    ]);
    const released = releaseLog.events[1] as WebhookEventEntry;

    for (const [event, eventsPath] of [
      [completed as WebhookEventEntry, orderEventsPath],
      [released, `${releasePath}/events`],
    ] as const) {
      // A release's id holds `/` and `+`: sent percent-encoded.
      const answer = await portflow.call('POST', redeliverPath(UP, event.id));
      expect(answer.status).toBe(202);
      const shown = await eventually(
        async () =>
          ((await portflow.call('GET', eventsPath)).body as WebhookEventLog).events.find(
            (e) => e.id === event.id,
          ),
        (found) => found?.redeliveries[0]?.outcome === 'DELIVERED',
      );
      expect(shown?.attempts).toHaveLength(2);
      const received = deliveriesOf(event.id);
      expect(received).toHaveLength(2);
      expect(received[1]).toMatchObject({ signed: true, webhookId: event.id });
      expect(received[1]?.event).toEqual(received[0]?.event);
    }
  });

  it('answers 404 for an event the partition never emitted, 400 for no event id, 409 without a webhook', async () => {
    const unknown = await portflow.call(
      'POST',
      redeliverPath(UP, `port-${UP}-pr_nosuchport-event-1`),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await portflow.call('POST', redeliverPath(UP, 'evt_made_up'))).status).toBe(404);

    // An event of another partition is none of this one's.
    const portRequestId = await portAwaitingCarrier(QUIET, att(6204));
    const quiet = await portEvents(QUIET, portRequestId);
    expect(quiet.events.length).toBeGreaterThan(0);
    for (const event of quiet.events) {
      expect(event).toMatchObject({ outcome: 'NOT_CONFIGURED', attempts: [] });
    }
    const theirs = quiet.events[0] as WebhookEventEntry;
    expect((await portflow.call('POST', redeliverPath(UP, theirs.id))).status).toBe(404);
    const notConfigured = await portflow.call('POST', redeliverPath(QUIET, theirs.id));
    expect(notConfigured.status).toBe(409);
    expect(notConfigured.body.error.code).toBe('WEBHOOK_NOT_CONFIGURED');

    const bad = await portflow.call('POST', redeliverPath(UP, 'an id with spaces'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'eventId' })]);
    expect(
      (await portflow.call('GET', portflow.portsPath(UP, '/pr_nosuchport/events'))).status,
    ).toBe(404);
  });
});
