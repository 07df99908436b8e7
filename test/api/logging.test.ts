import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { freePort } from '../../src/dev/net';
import { toIsoDate, type PortObject } from '../../src/domain';
import { defaultCarrierRecord } from '../../src/emulator/carrier';
import { createLogger } from '../../src/logger';
import { newCodecKey } from '../../src/temporal/codec';
import { seedPortRequest } from '../emulator/support';
import { compileApp, startNodeProcess, type NodeProcess } from '../helpers/compiled-app';
import { jsonRequest, startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { eventually, unreachablePlatform } from '../helpers/portflow';
import { ACCOUNT_NUMBER, PIN } from '../helpers/secrets';
import { testTemporalAddress, uniqueTaskQueue } from '../helpers/temporal';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';

const TOKEN = 'tok-logging-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec-0123456789abcdef';
const portRequest = {
  ...seedPortRequest(['+16077981234'], '2030-01-02'),
  pin: PIN,
  accountNumber: ACCOUNT_NUMBER,
};
const HIDDEN = [PIN, ACCOUNT_NUMBER, TOKEN, WEBHOOK_SECRET];

/** A logger of the API's kind whose lines the test reads. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), text: () => lines.join('') };
}

describe('log redaction', () => {
  let app: App;
  let connection: Connection;
  const api = capturingLogger();

  beforeAll(async () => {
    connection = Connection.lazy({ address: '127.0.0.1:9' });
    app = await buildApp({
      client: new Client({ connection }),
      config: loadConfig({ API_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }) }),
      logger: api.logger,
      platform: unreachablePlatform(),
    });
    // What a careless route might log: the whole request, body and headers.
    app.post('/probe/log-everything', (request) => {
      request.log.info({ body: request.body, headers: request.headers }, 'request received');
      request.log.info({ req: { headers: request.headers }, request: request.body }, 'again');
      return { ok: true };
    });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
  });

  it('keeps secrets of a request body and its credentials out of the API’s request logs', async () => {
    for (const url of ['/probe/log-everything', '/v2/partition/p1/telephone-number/port/check']) {
      await app.inject({
        method: 'POST',
        url,
        headers: {
          'x-auth-token': TOKEN,
          authorization: `Bearer ${TOKEN}`,
          cookie: `portflow-codec-session=${TOKEN}`,
        },
        payload: { ...portRequest, webhook: { secret: WEBHOOK_SECRET } },
      });
    }
    const logs = api.text();
    expect(logs).toContain('request received');
    expect(logs).toContain('acc_123');
    expect(logs).toContain('[REDACTED]');
    for (const hidden of HIDDEN) expect(logs).not.toContain(hidden);
  });
});

/**
 * The logs of a real worker and API, as `npm run start:worker` and `start:api` write them at
 * trace level, while a port carrying a PIN and an account number runs to its end through a
 * platform that refuses its first submission and a webhook receiver that refuses its first event.
 */
describe('log redaction in a running worker and API', () => {
  const codecKey = newCodecKey();
  const partitionId = `logs-${randomBytes(4).toString('hex')}`;
  let appRoot: string;
  let emulator: TestEmulator;
  let receiver: WebhookReceiver;
  const processes: NodeProcess[] = [];

  beforeAll(async () => {
    [appRoot, emulator, receiver] = await Promise.all([
      compileApp(),
      startTestEmulator(),
      startWebhookReceiver({ secret: WEBHOOK_SECRET, refuse: (n) => n === 1 }),
    ]);
  });
  afterAll(async () => {
    for (const running of processes) await running.stop('SIGTERM');
    await receiver?.close();
    await emulator?.close();
    if (appRoot) rmSync(appRoot, { recursive: true, force: true });
  });

  it('never writes the PIN, the account number, a token or a secret', async () => {
    const telephoneNumber = '+16077981777';
    const apiPort = await freePort();
    const env = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'trace',
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('logging'),
      PLATFORM_BASE_URL: emulator.url,
      PLATFORM_TOKEN: emulator.token,
      PORT_POLL_INTERVAL: '1s',
      CODEC_KEYS: JSON.stringify({ 'k-logging': codecKey }),
      WEBHOOKS: JSON.stringify({ [partitionId]: { url: receiver.url, secret: WEBHOOK_SECRET } }),
      API_PORT: String(apiPort),
      API_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }),
    };
    const worker = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), env);
    const api = startNodeProcess(join(appRoot, 'dist', 'api', 'server.js'), env);
    processes.push(worker, api);
    await Promise.all([
      worker.waitForLine((line) => line.includes('worker polling')),
      api.waitForLine((line) => line.includes('Server listening')),
    ]);

    await emulator.control.setCarrierPace('immediate');
    await emulator.control.setCarrierRecord(telephoneNumber, {
      ...defaultCarrierRecord(telephoneNumber),
      pin: PIN,
      accountNumber: ACCOUNT_NUMBER,
    });
    await emulator.control.addFault({
      kind: 'status',
      status: 503,
      count: 1,
      match: { method: 'POST', path: `/v2/partition/${partitionId}/telephone-number/port` },
    });
    const today = toIsoDate(new Date(await emulator.control.now()));
    const portsUrl = `http://127.0.0.1:${apiPort}/v2/partition/${partitionId}/telephone-number/port`;
    const submitted = await jsonRequest<{ portRequestId: string }>(portsUrl, 'POST', {
      headers: { 'x-auth-token': TOKEN },
      body: {
        ...seedPortRequest([telephoneNumber], today),
        pin: PIN,
        accountNumber: ACCOUNT_NUMBER,
      },
    });
    expect(submitted.status).toBe(202);
    const read = () =>
      jsonRequest<PortObject>(`${portsUrl}/${submitted.body.portRequestId}`, 'GET', {
        headers: { 'x-auth-token': TOKEN },
      });
    const { body: port } = await eventually(read, (answer) => answer.body.phase === 'DONE');
    expect(port.status).toBe('COMPLETED');
    // An event taken for every transition, the refused first one again: the worker is done.
    await eventually(
      () => Promise.resolve(receiver.deliveries.filter((d) => d.status === 204).length),
      (taken) => taken === port.history.length,
    );
    for (const running of processes.splice(0)) await running.stop('SIGTERM');

    const workerLogs = worker.output();
    const apiLogs = api.output();
    // What was logged: the platform's refusal and each call, the SDK's activity lines, each request.
    expect(workerLogs).toContain('platform call failed');
    expect(workerLogs).toContain('"component":"temporal-sdk"');
    expect(workerLogs).toContain('submitPort');
    expect(apiLogs).toContain('incoming request');
    for (const hidden of [...HIDDEN, emulator.token, codecKey]) {
      expect(workerLogs).not.toContain(hidden);
      expect(apiLogs).not.toContain(hidden);
    }
  });
});
