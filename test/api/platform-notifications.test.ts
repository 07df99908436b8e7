/** POST /platform/notifications: the platform's signed news of a port, which nudges its workflow. */
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { PLATFORM_NOTIFICATION_SIGNATURE_HEADER } from '../../src/domain';
import { createLogger } from '../../src/logger';
import { signBody } from '../../src/signature';
import { portWorkflowId } from '../../src/workflows/definitions';
import { sleepThenComplete } from '../fixtures/workflows';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const SECRET = 'notification-secret-0123456789';
const partitionId = `pn-${randomBytes(4).toString('hex')}`;

let temporal: TestTemporal;
let app: App;

beforeAll(async () => {
  temporal = await connectToTestTemporal();
  app = await buildApp({
    client: temporal.client,
    config: loadConfig({
      API_TOKENS: JSON.stringify({ 'tok-operator-0123456789abcdef': ['*'] }),
      PLATFORM_NOTIFICATION_SECRET: SECRET,
    }),
    logger: createLogger({ level: 'silent' }),
    platform: unreachablePlatform(),
  });
});

afterAll(async () => {
  await app?.close();
  await temporal?.close();
});

const notification = (customerReference?: string) => ({
  id: `ntf_${randomBytes(6).toString('hex')}`,
  type: 'port.status_changed',
  partitionId,
  portRequestId: 'port_upstream1',
  customerReference,
  status: 'APPROVED',
  at: new Date().toISOString(),
  focDate: '2026-12-15',
});

const post = (body: string, signature?: string) =>
  app.inject({
    method: 'POST',
    url: '/platform/notifications',
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { [PLATFORM_NOTIFICATION_SIGNATURE_HEADER]: signature }),
    },
    payload: body,
  });
const now = () => Math.floor(Date.now() / 1000);

it('nudges the port the notification names by its customerReference', async () => {
  const portRequestId = `pr_${randomBytes(6).toString('hex')}`;
  // A stand-in for the port's workflow: no worker needed for it to take a signal.
  const handle = await temporal.client.workflow.start(sleepThenComplete, {
    taskQueue: uniqueTaskQueue('notified'),
    workflowId: portWorkflowId(partitionId, portRequestId),
    args: [60_000],
  });
  try {
    const body = JSON.stringify(notification(portRequestId));
    const answer = await post(body, signBody(SECRET, body, now()));
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toEqual({ nudged: true });
    const { events } = await handle.fetchHistory();
    const signaled = events?.find((event) => event.workflowExecutionSignaledEventAttributes);
    expect(signaled?.workflowExecutionSignaledEventAttributes?.signalName).toBe('carrierEvent');
  } finally {
    await handle.terminate();
  }
});

it('takes a notification of a port it does not know, nudging nothing', async () => {
  for (const reference of [undefined, 'pr_unknown']) {
    const body = JSON.stringify(notification(reference));
    const answer = await post(body, signBody(SECRET, body, now()));
    expect({ reference, status: answer.statusCode, body: answer.json() }).toEqual({
      reference,
      status: 202,
      body: { nudged: false },
    });
  }
});

it('answers 401 to a missing, forged, stale or other-secret signature, before reading the body', async () => {
  const body = JSON.stringify(notification('pr_x'));
  const refused: [string, string | undefined][] = [
    ['missing', undefined],
    ['malformed', 'sha256=abc'],
    ['other secret', signBody('another-secret-0123456789', body, now())],
    ['stale', signBody(SECRET, body, now() - 3_600)],
    ['other body', signBody(SECRET, `${body} `, now())],
    ['bad body, bad signature', signBody('another-secret-0123456789', '{', now())],
  ];
  for (const [why, signature] of refused) {
    const answer = await post(why.startsWith('bad body') ? '{' : body, signature);
    expect({ why, status: answer.statusCode }).toEqual({ why, status: 401 });
    expect(answer.json().error.code).toBe('UNAUTHORIZED');
  }
});

it('answers 400 naming the field to a signed body that is not a notification', async () => {
  const body = JSON.stringify({ ...notification('pr_x'), status: '', partitionId: undefined });
  const answer = await post(body, signBody(SECRET, body, now()));
  expect(answer.statusCode).toBe(400);
  const { error } = answer.json<{ error: { code: string; details: { field: string }[] } }>();
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.details.map(({ field }) => field).sort()).toEqual(['partitionId', 'status']);
  const broken = '{"id":';
  const unreadable = await post(broken, signBody(SECRET, broken, now()));
  expect(unreadable.statusCode).toBe(400);
  expect(unreadable.json().error.code).toBe('INVALID_JSON');
});

it('is not served without PLATFORM_NOTIFICATION_SECRET', async () => {
  const bare = await buildApp({
    client: temporal.client,
    config: loadConfig({}),
    logger: createLogger({ level: 'silent' }),
    platform: unreachablePlatform(),
  });
  try {
    const body = JSON.stringify(notification('pr_x'));
    const answer = await bare.inject({
      method: 'POST',
      url: '/platform/notifications',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(answer.statusCode).toBe(404);
  } finally {
    await bare.close();
  }
});
