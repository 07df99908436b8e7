import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { PlatformRejectedError } from '../../src/platform/errors';
import { seedPortRequest } from '../emulator/support';
import { unreachablePlatform } from '../helpers/portflow';
import { ACCOUNT_NUMBER, PIN } from '../helpers/secrets';

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

  it('keeps secrets out of activity and workflow logs at the depths they carry them', () => {
    const worker = capturingLogger();
    const sdk = worker.logger.child({ component: 'temporal-sdk' });
    const platformRefusal = new PlatformRejectedError('platform answered 400', {
      method: 'POST',
      path: '/v2/partition/p1/telephone-number/port',
      status: 400,
      details: [{ field: 'pin', pin: PIN, accountNumber: ACCOUNT_NUMBER }],
    });
    sdk.info({ activityType: 'submitPort', input: { submission: portRequest } }, 'started');
    sdk.info({ workflowType: 'portIn', args: [{ request: portRequest }] }, 'workflow started');
    sdk.warn({ err: { details: [{ details: platformRefusal.details }] } }, 'activity failed');
    sdk.error({ err: platformRefusal }, 'activity failed');
    sdk.info({ partition: { webhook: { secret: WEBHOOK_SECRET } }, token: TOKEN }, 'config');
    const logs = worker.text();
    expect(logs).toContain('submitPort');
    for (const hidden of HIDDEN) expect(logs).not.toContain(hidden);
  });
});
