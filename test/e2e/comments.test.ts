/**
 * Comments on a port over HTTP (dev server, worker, API, emulator): the customer's through the
 * API, the losing carrier's through the emulator's control endpoint, both in the port's
 * comments and both announced by `port.comment_added`; reads with no worker running.
 */
import { randomBytes } from 'node:crypto';
import { MAX_COMMENTS_PER_PORT, type PortCommentsAnswer, type PortObject } from '../../src/domain';
import { mapConcurrently } from '../../src/domain/concurrency';
import type { WebhookEvent } from '../../src/domain/webhook-event';
import { seedPortRequest } from '../emulator/support';
import { advanceCarrierUntil, eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';

const SECRET = 'comments-webhook-secret-16+';
/** AT&T numbers outside the emulator's inventory, one per test so no test holds another's. */
const att = (line: number) => `+1607798${String(line).padStart(4, '0')}`;

describe('comments on a port over HTTP', () => {
  /** A partition of its own, named before portflow starts so that its webhook can be configured. */
  const A = `cmt-${randomBytes(4).toString('hex')}`;
  let portflow: Portflow;
  let receiver: WebhookReceiver<WebhookEvent>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver<WebhookEvent>({ secret: SECRET });
    portflow = await startPortflow({
      env: { WEBHOOKS: JSON.stringify({ [A]: { url: receiver.url, secret: SECRET } }) },
    });
  });
  afterAll(async () => {
    await portflow?.close();
    await receiver?.close();
  });

  const commentsPath = (portRequestId: string, partitionId = A) =>
    portflow.portsPath(partitionId, `/${portRequestId}/comments`);
  const comment = (portRequestId: string, body: unknown, idempotencyKey?: string) =>
    portflow.call('POST', commentsPath(portRequestId), { body, idempotencyKey });
  const comments = (portRequestId: string) => portflow.call('GET', commentsPath(portRequestId));
  const announced = (portRequestId: string) =>
    receiver.deliveries
      .filter(({ event, status }) => event.type === 'port.comment_added' && status < 300)
      .map(({ event }) => event)
      .filter((event) => event.data.portRequestId === portRequestId);

  /** A port the carrier has taken: its upstream ID, to comment on as the carrier. */
  async function portAwaitingCarrier(
    number: string,
  ): Promise<{ portRequestId: string; upstream: string }> {
    const today = (await portflow.emulator.control.now()).slice(0, 10);
    const submitted = await portflow.call('POST', portflow.portsPath(A), {
      body: seedPortRequest([number], today),
    });
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body as PortObject;
    const port = await eventually(
      async () =>
        (await portflow.call('GET', portflow.portsPath(A, `/${portRequestId}`))).body as PortObject,
      (p) => p.phase === 'AWAITING_CARRIER',
    );
    return { portRequestId, upstream: port.numbers[0]?.upstreamPortRequestId as string };
  }

  it("shows the customer's and the carrier's comments, announces each, and reads them with no worker", async () => {
    const { portRequestId, upstream } = await portAwaitingCarrier(att(6101));
    expect(await comments(portRequestId)).toMatchObject({
      status: 200,
      body: { portRequestId, comments: [], total: 0, complete: true },
    });

    const posted = await comment(portRequestId, {
      text: '  The end user will be on site on the FOC date.  ',
      authorName: 'Jane at Acme',
    });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({
      commentId: 'cmt_1',
      text: 'The end user will be on site on the FOC date.',
      author: { type: 'PARTITION', partitionId: A, name: 'Jane at Acme' },
      createdAt: expect.any(String),
    });

    // The losing carrier comments upstream: the emulator notifies, the port looks and takes it.
    await portflow.emulator.control.carrierComment(A, upstream, {
      text: 'CSR received, PIN verified',
      author: 'AT&T porting desk',
    });
    const both = await eventually(
      async () => (await comments(portRequestId)).body as PortCommentsAnswer,
      (answer) => answer.total === 2,
    );
    expect(both.comments[1]).toEqual({
      commentId: 'cmt_2',
      text: 'CSR received, PIN verified',
      author: { type: 'CARRIER', carrier: 'AT&T', name: 'AT&T porting desk' },
      createdAt: expect.any(String),
      carrierCommentId: expect.stringMatching(/^cc_/),
      carrierCreatedAt: expect.any(String),
    });

    // Each announced once, signed, with the comment.
    const events = await eventually(
      () => Promise.resolve(announced(portRequestId)),
      (found) => found.length === 2,
    );
    expect(events.map((e) => e.data.comment)).toEqual(both.comments);
    expect(events[0]).toMatchObject({ partitionId: A, type: 'port.comment_added' });
    expect(
      receiver.deliveries
        .filter((d) => d.event.type === 'port.comment_added')
        .every((d) => d.signed),
    ).toBe(true);

    // Read from the memo: no worker needed.
    await portflow.stopWorker();
    try {
      expect((await comments(portRequestId)).body).toEqual(both);
    } finally {
      await portflow.startWorker();
    }
  });

  it('answers a long thread in full from the workflow, and its newest ten without a worker', async () => {
    const { portRequestId } = await portAwaitingCarrier(att(6102));
    for (let n = 1; n <= 12; n++) {
      const posted = await comment(portRequestId, { text: `note ${n}`, authorName: 'Ops' });
      expect(posted.status).toBe(201);
    }
    const every = (await comments(portRequestId)).body as PortCommentsAnswer;
    expect(every).toMatchObject({ total: 12, complete: true });
    expect(every.comments.map((c) => c.text)).toEqual(
      Array.from({ length: 12 }, (_, i) => `note ${i + 1}`),
    );

    await portflow.stopWorker();
    try {
      const newest = await comments(portRequestId);
      expect(newest.status).toBe(200);
      expect(newest.body).toMatchObject({ total: 12, complete: false });
      expect(newest.body.comments).toEqual(every.comments.slice(-10));
    } finally {
      await portflow.startWorker();
    }
  });

  it('refuses bad comments, another partition, a reused key, and a port that has ended', async () => {
    const { portRequestId } = await portAwaitingCarrier(att(6103));
    for (const body of [
      { text: '', authorName: 'Jane' },
      { text: '   ', authorName: 'Jane' },
      { text: 'x'.repeat(2_001), authorName: 'Jane' },
      { text: 'hello' },
      { text: 'hello', authorName: 'x'.repeat(101) },
    ]) {
      const refused = await comment(portRequestId, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await comment(portRequestId, { text: 'x'.repeat(2_000), authorName: 'J' })).status,
    ).toBe(201);
    expect((await comment('pr_none', { text: 'hello', authorName: 'Jane' })).status).toBe(404);
    expect((await portflow.call('GET', commentsPath('pr_none'))).status).toBe(404);
    // The port is A's: another partition does not see it.
    const elsewhere = await portflow.call('GET', commentsPath(portRequestId, `${A}-other`));
    expect(elsewhere.status).toBe(404);
    expect(
      (await portflow.call('GET', commentsPath(portRequestId), { token: portflow.tokenA })).status,
    ).toBe(403);

    const first = await comment(portRequestId, { text: 'once', authorName: 'Jane' }, 'key-1');
    const again = await comment(portRequestId, { text: 'once', authorName: 'Jane' }, 'key-1');
    expect(again.body).toEqual(first.body);
    const reused = await comment(portRequestId, { text: 'other', authorName: 'Jane' }, 'key-1');
    expect(reused).toMatchObject({
      status: 409,
      body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } },
    });
    expect((await comments(portRequestId)).body.total).toBe(2);

    await advanceCarrierUntil(portflow, A, portRequestId, (port) => port.phase === 'DONE');
    await eventually(
      async () => (await portflow.handleOf(A, portRequestId).describe()).status.name,
      (status) => status === 'COMPLETED',
    );
    const late = await comment(portRequestId, { text: 'after the end', authorName: 'Jane' });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'PORT_CLOSED' } } });
    expect((await comments(portRequestId)).body.total).toBe(2);
  });

  it('takes at most 200 comments on a port', async () => {
    const { portRequestId } = await portAwaitingCarrier(att(6110));
    const answers = await mapConcurrently(
      Array.from({ length: MAX_COMMENTS_PER_PORT }, (_, i) => i),
      4,
      (n) => comment(portRequestId, { text: `note ${n}`, authorName: 'Ops' }),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const full = await comment(portRequestId, { text: 'one more', authorName: 'Ops' });
    expect(full).toMatchObject({ status: 409, body: { error: { code: 'COMMENT_LIMIT_REACHED' } } });
    const thread = (await comments(portRequestId)).body as PortCommentsAnswer;
    expect(thread).toMatchObject({ total: MAX_COMMENTS_PER_PORT, complete: true });
    expect(new Set(thread.comments.map((c) => c.commentId)).size).toBe(MAX_COMMENTS_PER_PORT);
  });
});
