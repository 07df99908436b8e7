import { z } from 'zod';
import { buildApp, type App } from '../../src/api/app';
import { ApiError } from '../../src/api/errors';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, type TestTemporal } from '../helpers/temporal';

const config = loadConfig({});
const logger = createLogger({ level: 'silent' });

describe('the API app', () => {
  let temporal: TestTemporal;
  let app: App;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    app = await buildApp({
      client: temporal.client,
      config,
      logger,
      platform: unreachablePlatform(),
    });
    app.post(
      '/probe/:partitionId',
      {
        schema: {
          params: z.object({ partitionId: z.string().regex(/^p\d+$/) }),
          body: z.object({ telephoneNumber: z.string().startsWith('+1'), quantity: z.number() }),
        },
      },
      () => ({ ok: true }),
    );
    app.get('/probe/crash', () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 at db.internal');
    });
    app.get('/probe/conflict', () => {
      throw new ApiError(409, 'NUMBER_BUSY', 'The number is held by port p-1', { portId: 'p-1' });
    });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.close();
  });

  it('answers /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('names each bad field of a request in a 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/probe/p1',
      payload: { telephoneNumber: '6071234567' },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      expect.objectContaining({ in: 'body', field: 'telephoneNumber' }),
      expect.objectContaining({ in: 'body', field: 'quantity' }),
    ]);
    expect(error.message).toContain('telephoneNumber');
  });

  it('validates path parameters the same way', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/probe/nope',
      payload: { telephoneNumber: '+16072345678', quantity: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      expect.objectContaining({ in: 'params', field: 'partitionId' }),
    ]);
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/probe/p1',
      headers: { 'content-type': 'application/json' },
      payload: '{"telephoneNumber":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/v2/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({
      code: 'NOT_FOUND',
      message: 'No route for GET /v2/nothing-here',
      details: null,
    });
  });

  it('passes a route error through with its status, code and details', async () => {
    const response = await app.inject({ method: 'GET', url: '/probe/conflict' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: {
        code: 'NUMBER_BUSY',
        message: 'The number is held by port p-1',
        details: { portId: 'p-1' },
      },
    });
  });

  it('hides the internals of an unexpected error behind 500 INTERNAL', async () => {
    const response = await app.inject({ method: 'GET', url: '/probe/crash' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Internal server error', details: null },
    });
    expect(response.body).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|db\.internal|at /);
  });

  it('serves its OpenAPI 3.1 document, saying the rules it validates by', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths).toHaveProperty('/healthz');
    const search = document.paths['/v2/partition/{partitionId}/telephone-number/search'].get;
    // Cross-field rules need the query as one object: a form-exploded parameter.
    expect(search.parameters).toContainEqual(
      expect.objectContaining({
        in: 'query',
        style: 'form',
        explode: true,
        schema: expect.objectContaining({
          dependentRequired: { nxx: ['npa'], rateCenter: ['state'] },
        }),
      }),
    );
    const order = document.paths['/v2/partition/{partitionId}/telephone-number/order'].post;
    const orderBody = order.requestBody.content['application/json'].schema;
    expect(orderBody.properties.telephoneNumbers.items.pattern).toBe(
      '^\\+1[2-9]([02-9][0-9]|1[02-9])[2-9][0-9]{6}$',
    );
    expect(Object.keys(order.responses)).toEqual(
      expect.arrayContaining([
        '200',
        '202',
        '400',
        '401',
        '403',
        '404',
        '409',
        '413',
        '415',
        '429',
        '431',
        '503',
      ]),
    );
    expect(order.responses['409'].content['application/json'].schema.properties).toHaveProperty(
      'error',
    );
  });

  it("documents a port's comments: 201 with the comment, every refusal, the text's bounds", async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const path =
      document.paths['/v2/partition/{partitionId}/telephone-number/port/{portRequestId}/comments'];
    expect(Object.keys(path.post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409', '413', '415', '503']),
    );
    expect(Object.keys(path.get.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '503']),
    );
    const body = path.post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['text', 'authorName']);
    expect(body.properties.text).toMatchObject({ type: 'string', maxLength: 2_000 });
    expect(path.post.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
    );
  });

  it('answers a method a known path does not serve with 405 and Allow, an unknown path with 404', async () => {
    const search = await app.inject({
      method: 'PUT',
      url: '/v2/partition/p1/telephone-number/search',
      headers: { 'x-auth-token': 'unknown' },
    });
    // Not the number update `PUT /telephone-number/:telephoneNumber` of a number "search".
    expect(search.statusCode).toBe(405);
    expect(search.headers.allow).toBe('GET, HEAD');
    expect(search.json().error.code).toBe('METHOD_NOT_ALLOWED');
    const health = await app.inject({ method: 'DELETE', url: '/healthz' });
    expect(health.statusCode).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    const unknown = await app.inject({ method: 'GET', url: '/v2/nothing-here' });
    expect(unknown.statusCode).toBe(404);
  });
});
