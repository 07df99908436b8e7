/**
 * A fault storm: a hundred ports while the platform answers 503 and 429 (with Retry-After),
 * drops connections, lags (three submissions past the client's timeout, so the port exists
 * upstream though portflow never heard so), and the webhook receiver refuses every fourth
 * delivery. Every port must end in its right status, be submitted upstream once, and every
 * transition's event must arrive signed.
 */
import { randomBytes } from 'node:crypto';
import { mapConcurrently } from '../../src/activities/concurrency';
import { toIsoDate, type PortObject } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { portWorkflowId } from '../../src/workflows/definitions';
import { seedPortRequest } from '../emulator/support';
import { startPortflow, type Portflow } from '../helpers/portflow';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';

const PORTS = 100;
const SECRET = 'storm-webhook-secret-of-16+';

type Expected = 'COMPLETED' | 'NOT_PORTABLE' | 'PIN_REFUSED';

/** One number a port: every tenth not portable, every tenth the carrier refuses for its PIN. */
const cases = Array.from({ length: PORTS }, (_, index): { number: string; expected: Expected } => ({
  number: `+1607798${2000 + index}`,
  expected: index % 10 === 0 ? 'NOT_PORTABLE' : index % 10 === 5 ? 'PIN_REFUSED' : 'COMPLETED',
}));

describe('a hundred ports through a fault storm', () => {
  /** A partition of its own, named before portflow starts so that its webhook can be configured. */
  const A = `storm-${randomBytes(4).toString('hex')}`;
  let portflow: Portflow;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secret: SECRET, refuse: (n) => n % 4 === 0 });
    portflow = await startPortflow({
      env: {
        WEBHOOKS: JSON.stringify({ [A]: { url: receiver.url, secret: SECRET } }),
        // A port the carrier rejected ends, unsupplemented, within the test.
        SUPPLEMENT_WINDOW: '2s',
      },
    });
  });
  afterAll(async () => {
    await portflow?.close();
    await receiver?.close();
  });

  it('ends every port right, submits each once upstream, and loses no event', async () => {
    const { control } = portflow.emulator;
    await control.setCarrierPace('immediate');
    for (const { number, expected } of cases) {
      if (expected === 'NOT_PORTABLE')
        await control.setCarrierRecord(number, {
          ...defaultCarrierRecord(number),
          portable: false,
        });
      if (expected === 'PIN_REFUSED')
        await control.setCarrierRecord(number, { ...defaultCarrierRecord(number), pin: '9999' });
    }
    const seedPath = `/v2/partition/${A}/*`;
    const submissions = `/v2/partition/${A}/telephone-number/port`;
    // Latency first: the first matching latency fault delays a call, then the first other kind answers it.
    await control.addFault({
      kind: 'latency',
      latencyMs: 6_000,
      count: 3,
      match: { method: 'POST', path: submissions },
    });
    await control.addFault({
      kind: 'latency',
      latencyMs: 300,
      rate: 0.2,
      seed: 1,
      match: { path: seedPath },
    });
    await control.addFault({
      kind: 'status',
      status: 503,
      rate: 0.1,
      seed: 2,
      match: { path: seedPath },
    });
    await control.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      rate: 0.1,
      seed: 3,
      match: { path: seedPath },
    });
    await control.addFault({ kind: 'drop', rate: 0.05, seed: 4, match: { path: seedPath } });

    const today = toIsoDate(new Date(await control.now()));
    const ids = await mapConcurrently(cases, 10, async ({ number }) => {
      const answer = await portflow.call('POST', portflow.portsPath(A), {
        body: seedPortRequest([number], today),
        idempotencyKey: `storm-${number}`,
      });
      expect(answer.status).toBe(202);
      return answer.body.portRequestId as string;
    });
    const ports = await Promise.all(
      ids.map((id) => portflow.portResult(A, id)),
    );

    // The right end for each.
    expect(
      ports.map((port) => ({
        status: port.status,
        phase: port.phase,
        reason: port.rejectionReason,
      })),
    ).toEqual(
      cases.map(({ expected }) => ({
        status: expected === 'COMPLETED' ? 'COMPLETED' : 'REJECTED',
        phase: 'DONE',
        reason:
          expected === 'COMPLETED'
            ? undefined
            : expect.stringContaining(
                expected === 'NOT_PORTABLE' ? 'not portable' : 'pin does not match',
              ),
      })),
    );

    // The storm happened.
    const calls = await control.calls({ path: seedPath });
    for (const status of [503, 429, null]) {
      expect(calls.filter((call) => call.status === status).length).toBeGreaterThan(0);
    }

    // One submission upstream per submitted port: every retry (after a 503, a 429, a drop or a
    // timeout that the platform had already acted on) under the same Idempotency-Key.
    const posts = await control.calls({ method: 'POST', path: submissions });
    const upstream = ids.map((id, index) => {
      const workflowId = portWorkflowId(A, id);
      const ofPort = posts.filter((call) => call.idempotencyKey?.startsWith(`${workflowId}-`));
      return {
        keys: new Set(ofPort.map((call) => call.idempotencyKey)).size,
        made: ofPort.some((call) => call.status === 201),
        upstreamPortRequestId: ports[index]?.numbers[0]?.upstreamPortRequestId,
        expected: cases[index]?.expected,
      };
    });
    expect(upstream).toEqual(
      cases.map(({ expected }) =>
        expected === 'NOT_PORTABLE'
          ? { keys: 0, made: false, upstreamPortRequestId: undefined, expected }
          : { keys: 1, made: true, upstreamPortRequestId: expect.any(String), expected },
      ),
    );
    const upstreamIds = upstream.flatMap((u) =>
      u.upstreamPortRequestId ? [u.upstreamPortRequestId] : [],
    );
    expect(new Set(upstreamIds).size).toBe(upstreamIds.length);
    // Three submissions outlived the client's timeout: their retries were answered from the platform's store.
    expect(posts.length).toBeGreaterThan(upstreamIds.length);

    // Every transition's event arrived, signed, and was taken; no event was made up.
    const taken = new Map(
      receiver.deliveries
        .filter((delivery) => delivery.signed && delivery.status === 204)
        .map((delivery) => [delivery.event.id, delivery.event]),
    );
    expect(receiver.deliveries.every((delivery) => delivery.signed)).toBe(true);
    expect(receiver.deliveries.some((delivery) => delivery.status === 500)).toBe(true);
    const expectedIds = ports.flatMap((port, index) =>
      port.history.map((entry, at) => {
        const id = `${portWorkflowId(A, ids[index] as string)}-event-${at + 1}`;
        const event = taken.get(id);
        return {
          id,
          arrived: event && { status: event.data.status, phase: event.data.phase },
          sent: { status: entry.status, phase: entry.phase },
        };
      }),
    );
    expect(
      expectedIds.filter(
        (e) => !e.arrived || e.arrived.status !== e.sent.status || e.arrived.phase !== e.sent.phase,
      ),
    ).toEqual([]);
    expect(new Set(receiver.deliveries.map((d) => d.event.id))).toEqual(
      new Set(expectedIds.map((e) => e.id)),
    );
  });
});
