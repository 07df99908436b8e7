/**
 * portflow's webhooks as a receiver in another language checks them: a Python server verifies
 * every real delivery with PyPI's standardwebhooks (tools/webhook-verifier, in the venv
 * `npm run ensure-runtimes` makes).
 */
import { randomBytes } from 'node:crypto';
import { webhookHeaders } from '../../src/activities/webhooks';
import { startChild, type ManagedChild } from '../../src/dev/child-process';
import { isExecutable } from '../../src/dev/temporal-cli';
import { WEBHOOK_RECEIVER_SCRIPT, webhookVerifierPython } from '../../src/dev/webhook-verifier';
import type { ReleaseObject } from '../../src/domain';
import type { WebhookEvent } from '../../src/domain/webhook-event';
import { createLogger } from '../../src/logger';
import { jsonRequest } from '../helpers/emulator';
import { advanceCarrierUntil, eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { submitPortWithSecretsAt } from '../helpers/secrets';

interface VerifiedDelivery {
  path: string;
  webhookId: string | null;
  verified: boolean;
  event?: WebhookEvent;
  error?: string;
}

interface PythonReceiver {
  url: string;
  deliveries: VerifiedDelivery[];
  stop(): Promise<void>;
}

/** Starts receiver.py with a whsec_ secret per path; its deliveries are what it printed. */
async function startPythonReceiver(secrets: Record<string, string>): Promise<PythonReceiver> {
  const python = webhookVerifierPython();
  if (!isExecutable(python)) {
    throw new Error(
      `${python} is missing: run \`npm run ensure-runtimes\` once (as .ci/run does) to make the venv of tools/webhook-verifier/requirements.txt`,
    );
  }
  const deliveries: VerifiedDelivery[] = [];
  let listening: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => (listening = resolve));
  const child: ManagedChild = startChild(python, [WEBHOOK_RECEIVER_SCRIPT], {
    logger: createLogger({ level: 'warn' }),
    env: { ...process.env, WEBHOOK_SECRETS: JSON.stringify(secrets) },
    onLine: (line) => {
      const started = /^listening (\d+)$/.exec(line);
      if (started) listening(Number(started[1]));
      else if (line.startsWith('{')) deliveries.push(JSON.parse(line) as VerifiedDelivery);
    },
  });
  const answered = await Promise.race([port, child.exited]);
  if (typeof answered !== 'number') throw new Error(`receiver.py: ${child.recentOutput()}`);
  return { url: `http://127.0.0.1:${answered}`, deliveries, stop: () => child.stop() };
}

describe('webhooks signed after Standard Webhooks, verified by Python standardwebhooks', () => {
  const suffix = randomBytes(4).toString('hex');
  /** A partition with a whsec_ secret. */
  const standard = `sw-${suffix}`;
  /** A partition with a secret of portflow's older form: its key is the string's bytes. */
  const older = `so-${suffix}`;
  const STANDARD_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
  const OLDER_SECRET = 'an-older-portflow-secret-of-40-characters';
  const NUMBER = '+16077986470';
  let receiver: PythonReceiver;
  let portflow: Portflow;

  beforeAll(async () => {
    receiver = await startPythonReceiver({
      '/hooks/standard': STANDARD_SECRET,
      '/hooks/older': `whsec_${Buffer.from(OLDER_SECRET).toString('base64')}`,
    });
    portflow = await startPortflow({
      env: {
        AGING_DEMO: 'true',
        AGING_PERIOD: '2s',
        WEBHOOKS: JSON.stringify({
          [standard]: { url: `${receiver.url}/hooks/standard`, secret: STANDARD_SECRET },
          [older]: { url: `${receiver.url}/hooks/older`, secret: OLDER_SECRET },
        }),
      },
    });
  });
  afterAll(async () => {
    await portflow?.close();
    await receiver?.stop();
  });

  const numbersPath = (partitionId: string) => `/v2/partition/${partitionId}/telephone-number`;

  /** Orders a number of the emulator's inventory into acc_123 and releases it to the end. */
  async function orderAndRelease(partitionId: string): Promise<void> {
    const search = await portflow.call('GET', `${numbersPath(partitionId)}/search?npa=607`);
    const number = (search.body as { telephoneNumbers: { telephoneNumber: string }[] })
      .telephoneNumbers[0]?.telephoneNumber as string;
    const order = await portflow.call('POST', `${numbersPath(partitionId)}/order`, {
      body: { telephoneNumbers: [number], accountId: 'acc_123' },
    });
    expect(order.body).toMatchObject({ status: 'COMPLETED' });
    const releasePath = `${numbersPath(partitionId)}/${encodeURIComponent(number)}`;
    expect((await portflow.call('DELETE', releasePath)).status).toBe(202);
    await eventually(
      async () => (await portflow.call('GET', `${releasePath}/release`)).body as ReleaseObject,
      (release) => release.status === 'RELEASED',
    );
  }

  const deliveredTo = (path: string) =>
    receiver.deliveries.filter((delivery) => delivery.path === path);

  it('delivers port, order and release events that verify, webhook-id the stable event id', async () => {
    const portRequestId = await submitPortWithSecretsAt(
      {
        control: portflow.emulator.control,
        submit: (body) => portflow.call('POST', portflow.portsPath(standard), { body }),
      },
      NUMBER,
    );
    await advanceCarrierUntil(
      portflow,
      standard,
      portRequestId,
      (port) => port.status === 'APPROVED',
    );
    await orderAndRelease(standard);

    const types = [
      'port.status_changed',
      'order.completed',
      'number.aging_started',
      'number.released',
    ];
    const delivered = await eventually(
      () => Promise.resolve(deliveredTo('/hooks/standard')),
      (found) => types.every((type) => found.some((delivery) => delivery.event?.type === type)),
    );
    for (const delivery of delivered) {
      expect(delivery).toMatchObject({ verified: true });
      expect(delivery.webhookId).toBe(delivery.event?.id);
      expect(delivery.event?.partitionId).toBe(standard);
    }
  });

  it('signs for a secret of the older form too: the receiver configures whsec_ and its base64', async () => {
    await orderAndRelease(older);
    const delivered = await eventually(
      () => Promise.resolve(deliveredTo('/hooks/older')),
      (found) => found.some((delivery) => delivery.event?.type === 'number.released'),
    );
    expect(delivered.map((delivery) => delivery.verified)).not.toContain(false);
    expect(delivered.length).toBeGreaterThanOrEqual(3);
  });

  it('is a verification that can fail: the receiver refuses a body changed after signing', async () => {
    const id = `evt-${suffix}`;
    const body = JSON.stringify({ id, type: 'number.aging_started' });
    const headers = webhookHeaders(STANDARD_SECRET, { id }, body, new Date());
    const post = (rawBody: string) =>
      jsonRequest(`${receiver.url}/hooks/standard`, 'POST', { headers, rawBody });
    expect((await post(body)).status).toBe(204);
    // As a forger would: those headers, replayed with another body.
    expect((await post(body.replace('aging_started', 'released'))).status).toBe(401);
    expect(receiver.deliveries.at(-1)).toMatchObject({
      verified: false,
      error: expect.stringContaining('WebhookVerificationError'),
    });
  });
});
