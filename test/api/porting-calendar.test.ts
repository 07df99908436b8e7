/** FOC dates and on-demand activation against platforms without the extensions: 501, the rest goes on. */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { addBusinessDays, addDays, toIsoDate } from '../../src/domain';
import { createLogger } from '../../src/logger';
import { createSeedPlatform } from '../../src/platform';
import { seedPortRequest } from '../emulator/support';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const TOKEN = 'tok-porting-calendar-0123456789';
const headers = { 'x-auth-token': TOKEN };
const config = loadConfig({
  API_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }),
  TEMPORAL_TASK_QUEUE: uniqueTaskQueue('porting-calendar'),
});
const logger = createLogger({ level: 'silent' });
const today = toIsoDate(new Date());
const ports = '/v2/partition/p1/telephone-number/port';

describe('the porting calendar against a platform without its extensions', () => {
  let temporal: TestTemporal;
  /** A seed platform that knows no extension: every path it is asked is a 404. */
  let bare: FastifyInstance;
  let app: App;
  let offline: App;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    bare = Fastify();
    const url = await bare.listen({ host: '127.0.0.1', port: 0 });
    const platform = createSeedPlatform({ baseUrl: url, token: 'unused', timeoutMs: 2_000 });
    app = await buildApp({ client: temporal.client, config, logger, platform });
    offline = await buildApp({
      client: temporal.client,
      config,
      logger,
      platform: unreachablePlatform(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await offline?.close();
    await bare?.close();
    await temporal?.close();
  });

  it('answers 501 FEATURE_UNAVAILABLE for FOC dates and an ON_DEMAND port, nothing started', async () => {
    const dates = await app.inject({
      method: 'GET',
      url: `${ports}/foc-dates?telephoneNumber=+16077981234`,
      headers,
    });
    expect(dates.statusCode).toBe(501);
    expect(dates.json().error).toMatchObject({
      code: 'FEATURE_UNAVAILABLE',
      message: expect.stringContaining('FOC dates'),
    });

    const onDemand = await app.inject({
      method: 'POST',
      url: ports,
      headers: { ...headers, 'idempotency-key': `od-${Date.now()}` },
      payload: {
        ...seedPortRequest(['+16077981234'], today),
        activation: { mode: 'ON_DEMAND' },
      },
    });
    expect(onDemand.statusCode).toBe(501);
    expect(onDemand.json().error.message).toMatch(/activation windows/);
  });

  it('admits an automatic port when the platform has no FOC dates, or cannot answer now', async () => {
    for (const api of [app, offline]) {
      const key = `auto-${Math.random().toString(36).slice(2)}`;
      const answer = await api.inject({
        method: 'POST',
        url: ports,
        headers: { ...headers, 'idempotency-key': key },
        payload: seedPortRequest(
          [`+1607796${String(Math.floor(Math.random() * 9000) + 1000)}`],
          today,
        ),
      });
      expect(answer.statusCode).toBe(202);
      await temporal.client.workflow
        .getHandle(`port-p1-${answer.json().portRequestId}`)
        .terminate();
    }
  });

  it('names the field of a bad FOC-dates query and of an activation without a target', async () => {
    const query = await app.inject({
      method: 'GET',
      url: `${ports}/foc-dates?telephoneNumber=12345`,
      headers,
    });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details[0]).toMatchObject({ field: 'telephoneNumber' });

    const request = {
      ...seedPortRequest(['+16077981234'], today),
      requestedDate: addBusinessDays(addDays(today, 10), 0),
      activation: { mode: 'AUTOMATIC' },
    };
    const noTarget = await app.inject({ method: 'POST', url: ports, headers, payload: request });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().error.details).toEqual([
      expect.objectContaining({ field: 'activation.target' }),
    ]);
  });
});
