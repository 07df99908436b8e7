import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { buildApp } from '../../src/api/app';
import { createApiMetrics, scrapeUrlOf } from '../../src/api/metrics';
import { loadConfig } from '../../src/config';
import { toIsoDate } from '../../src/domain';
import { createLogger } from '../../src/logger';
import { seedPortRequest } from '../emulator/support';
import { sampleValue } from '../helpers/metrics';
import { startPortflow, unreachablePlatform, type Portflow } from '../helpers/portflow';
import { connectToTestTemporal } from '../helpers/temporal';

const PORT_BY_ID = '/v2/partition/:partitionId/telephone-number/port/:portRequestId';
const PORTS = '/v2/partition/:partitionId/telephone-number/port';

/** GET /metrics as Prometheus scrapes it: no token. */
async function scrape(baseUrl: string) {
  const response = await request(`${baseUrl}/metrics`);
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type']),
    text: await response.body.text(),
  };
}

describe('GET /metrics', () => {
  let portflow: Portflow;

  beforeAll(async () => {
    portflow = await startPortflow();
  });
  afterAll(async () => {
    await portflow?.close();
  });

  it('serves Prometheus text without a token', async () => {
    const metrics = await scrape(portflow.apiUrl);
    expect(metrics.status).toBe(200);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toContain('# TYPE portflow_http_requests_total counter');
    expect(metrics.text).toContain('# TYPE portflow_http_request_duration_seconds histogram');
  });

  it('counts requests by route pattern and status, never by raw URL', async () => {
    const A = portflow.partitionA;
    for (const id of ['pr_missing1', 'pr_missing2']) {
      expect((await portflow.call('GET', portflow.portsPath(A, `/${id}`))).status).toBe(404);
    }
    expect((await portflow.call('GET', portflow.portsPath(A), { token: null })).status).toBe(401);
    expect((await portflow.call('GET', '/no/such/route')).status).toBe(404);

    const { text } = await scrape(portflow.apiUrl);
    const byId = { method: 'GET', route: PORT_BY_ID, status: '404' };
    expect(sampleValue(text, 'portflow_http_requests_total', byId)).toBe(2);
    expect(sampleValue(text, 'portflow_http_request_duration_seconds_count', byId)).toBe(2);
    expect(
      sampleValue(text, 'portflow_http_request_duration_seconds_bucket', { ...byId, le: '+Inf' }),
    ).toBe(2);
    expect(
      sampleValue(text, 'portflow_http_requests_total', {
        method: 'GET',
        route: PORTS,
        status: '401',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'portflow_http_requests_total', {
        method: 'GET',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    for (const raw of [A, 'pr_missing1', '/no/such/route']) expect(text).not.toContain(raw);
  });

  it('counts the workflows the API starts, by type, and not a refused request', async () => {
    const A = portflow.partitionA;
    const before = sampleValue(
      (await scrape(portflow.apiUrl)).text,
      'portflow_workflow_starts_total',
      {
        workflow_type: 'portIn',
      },
    );
    const today = toIsoDate(new Date(await portflow.emulator.control.now()));
    const refused = await portflow.call('POST', portflow.portsPath(A), {
      body: { ...seedPortRequest(['+16077987001'], today), telephoneNumbers: ['+16071234567'] },
    });
    expect(refused.status).toBe(400);
    const started = await portflow.call('POST', portflow.portsPath(A), {
      body: seedPortRequest(['+16077987001'], today),
      idempotencyKey: 'metrics-start',
    });
    expect(started.status).toBe(202);

    const { text } = await scrape(portflow.apiUrl);
    expect(sampleValue(text, 'portflow_workflow_starts_total', { workflow_type: 'portIn' })).toBe(
      before + 1,
    );
    expect(
      sampleValue(text, 'portflow_http_requests_total', {
        method: 'POST',
        route: PORTS,
        status: '202',
      }),
    ).toBe(1);
  });
});

describe('GET /metrics with an in-process worker (embedded mode)', () => {
  const config = loadConfig({});
  const logger = createLogger({ level: 'silent' });
  let worker: Server;
  let workerAnswer = { status: 200, text: '' };

  beforeAll(async () => {
    worker = createServer((_request, response) =>
      response.writeHead(workerAnswer.status).end(workerAnswer.text),
    );
    worker.listen(0, '127.0.0.1');
    await once(worker, 'listening');
  });
  afterAll(async () => {
    worker?.closeAllConnections();
    await new Promise((resolve) => worker?.close(resolve));
  });

  async function embeddedScrape(workerMetricsUrl: string) {
    const temporal = await connectToTestTemporal();
    const platform = unreachablePlatform();
    const app = await buildApp({
      client: temporal.client,
      config,
      logger,
      platform,
      metrics: createApiMetrics(),
      workerMetricsUrl,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      return { status: response.statusCode, text: response.body };
    } finally {
      await app.close();
      await platform.close();
      await temporal.close();
    }
  }

  it("serves the worker's metrics after the API's own", async () => {
    const { port } = worker.address() as AddressInfo;
    workerAnswer = {
      status: 200,
      text: '# TYPE temporal_worker_task_slots_available gauge\ntemporal_worker_task_slots_available{worker_type="WorkflowWorker"} 40',
    };
    const metrics = await embeddedScrape(scrapeUrlOf(`0.0.0.0:${port}`));
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE portflow_http_requests_total counter');
    expect(
      sampleValue(metrics.text, 'temporal_worker_task_slots_available', {
        worker_type: 'WorkflowWorker',
      }),
    ).toBe(40);
  });

  it("still serves the API's own when the worker's cannot be read", async () => {
    const { port } = worker.address() as AddressInfo;
    workerAnswer = { status: 500, text: 'broken' };
    const metrics = await embeddedScrape(scrapeUrlOf(`127.0.0.1:${port}`));
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE portflow_http_requests_total counter');
    expect(metrics.text).toContain('# worker metrics unavailable');
    expect(metrics.text).not.toContain('broken');
  });
});
