/**
 * A fault storm: a hundred ports while the platform answers 503 and 429 (with Retry-After),
 * drops connections, lags (three submissions past the client's timeout, so the port exists
 * upstream though portflow never heard so), and the webhook receiver refuses every fourth
 * delivery. Every port must end in its right status, exist upstream once, and every
 * transition's event must arrive signed.
 */
import { randomBytes } from 'node:crypto';
import { mapConcurrently } from '../../src/domain/concurrency';
import { toIsoDate } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { portWorkflowId } from '../../src/workflows/definitions';
import { seedPortRequest } from '../emulator/support';
import { eventually, startPortflow, type Portflow } from '../helpers/portflow';
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
        // An event refused twice is tried again within seconds, not the 5 minutes of production.
        WEBHOOK_RETRY_SCHEDULE: '1s,2s,4s,8s,16s',
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
    // The first three submissions outlive the client's timeout by less than Temporal's first
    // retry interval (1 s): the platform makes each port after portflow gave up on its call.
    const timeoutMs = portflow.config.PLATFORM_TIMEOUT;
    await control.addFault({
      kind: 'latency',
      latencyMs: timeoutMs + 500,
      count: 3,
      match: { method: 'POST', path: submissions },
    });

    const today = toIsoDate(new Date(await control.now()));
    const submitting = mapConcurrently(cases, 10, async ({ number }) => {
      const answer = await portflow.call('POST', portflow.portsPath(A), {
        body: seedPortRequest([number], today),
        idempotencyKey: `storm-${number}`,
      });
      expect(answer.status).toBe(202);
      return answer.body.portRequestId as string;
    });
    // A fault strikes a call as it arrives: the storm begins once the late three are held, so it
    // cannot answer them itself.
    const late = await eventually(
      () => control.calls({ method: 'POST', path: submissions }),
      (calls) => calls.length >= 3,
    ).then((calls) => calls.slice(0, 3));
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
    const ids = await submitting;
    const ports = await Promise.all(ids.map((id) => portflow.portResult(A, id)));

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

    // One port upstream per submitted port, whatever keys its retries (after a 503, a 429, a
    // drop or a timeout the platform had already acted on) were sent under: the one portflow knows.
    const upstream = await control.ports(A);
    const upstreamOf = (number: string) =>
      upstream.filter((port) => port.telephoneNumbers.includes(number));
    expect(
      cases.map(({ number }) => ({
        number,
        upstream: upstreamOf(number).map((port) => port.portRequestId),
      })),
    ).toEqual(
      cases.map(({ number, expected }, index) => ({
        number,
        upstream:
          expected === 'NOT_PORTABLE' ? [] : [ports[index]?.numbers[0]?.upstreamPortRequestId],
      })),
    );
    expect(upstream).toHaveLength(cases.filter((c) => c.expected !== 'NOT_PORTABLE').length);

    // The late three: each port was made after portflow's call had timed out, and portflow
    // learnt it from a retry under the same key, answered from the platform's store.
    const posts = await control.calls({ method: 'POST', path: submissions });
    for (const call of late) {
      const index = ids.findIndex((id) =>
        call.idempotencyKey?.startsWith(`${portWorkflowId(A, id)}-`),
      );
      const [made] = upstreamOf(cases[index]?.number ?? 'none');
      expect(Date.parse(made?.submittedDate ?? '') - Date.parse(call.at)).toBeGreaterThanOrEqual(
        timeoutMs,
      );
      const retries = posts.filter(
        (post) =>
          post.idempotencyKey === call.idempotencyKey && Date.parse(post.at) > Date.parse(call.at),
      );
      expect(retries.filter((retry) => retry.status === 201)).toHaveLength(1);
    }

    // Every transition's event arrived, signed, and was taken; no event was made up. A port
    // shows DONE before its last refused events are tried again (1 s to 16 s later).
    const eventIds = ports.flatMap((port, index) =>
      port.history.map((_, at) => `${portWorkflowId(A, ids[index] as string)}-event-${at + 1}`),
    );
    await eventually(
      () => Promise.resolve(receiver.deliveries.filter((d) => d.signed && d.status === 204)),
      (delivered) => {
        const arrived = new Set(delivered.map((delivery) => delivery.event.id));
        return eventIds.every((id) => arrived.has(id));
      },
      60_000,
    );
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
