import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { request } from 'undici';
import type { Logger } from '../logger';
import type { StartedWorkflowType } from '../operations/deps';

/** What the API counts. One registry per app, so that many apps in one process never collide. */
export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<HttpLabel>;
  httpDuration: Histogram<HttpLabel>;
  /** A start (update-with-start) of `workflowType` that Temporal accepted. */
  workflowStarted(workflowType: StartedWorkflowType): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/** Seconds: a read is milliseconds, an order may wait ORDER_RESPONSE_WAIT (up to 60 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** How long a scrape waits for the in-process worker's metrics. */
const WORKER_METRICS_TIMEOUT_MS = 2_000;

type HttpLabel = 'method' | 'route' | 'status';

/** `processMetrics`: also the Node process's own (CPU, memory, event loop), for an entry point. */
export function createApiMetrics({ processMetrics = false } = {}): ApiMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const starts = new Counter({
    name: 'portflow_workflow_starts_total',
    help: 'Workflow starts Temporal accepted from the API, by workflow type (a retry with the same Idempotency-Key that joins the running workflow counts again)',
    labelNames: ['workflow_type'],
    registers: [registry],
  });
  return {
    registry,
    workflowStarted: (workflowType) => starts.inc({ workflow_type: workflowType }),
    httpRequests: new Counter({
      name: 'portflow_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'portflow_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
  };
}

export interface MetricsOptions {
  metrics: ApiMetrics;
  /** The in-process worker's metrics (embedded mode), served with the API's. */
  workerMetricsUrl?: string;
  logger: Logger;
}

/**
 * `GET /metrics` (Prometheus text, outside the partition, no token) and a count and duration
 * of every answer by route pattern, never the raw URL: a number or an ID in a path would make
 * a series per value. Register it before any route, so that its hook sees them all.
 */
export function registerMetrics(
  app: FastifyInstance,
  { metrics, workerMetricsUrl, logger }: MetricsOptions,
): void {
  app.decorate('metrics', metrics);

  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1_000);
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const own = await metrics.registry.metrics();
    const worker = workerMetricsUrl ? await workerMetrics(workerMetricsUrl, logger) : '';
    return reply.type(metrics.registry.contentType).send(own + worker);
  });
}

/** The URL to scrape a `host:port` listen address at: a wildcard host is reached on loopback. */
export function scrapeUrlOf(address: string): string {
  const host = address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${host}/metrics`;
}

/** The worker's exposition text, or a comment saying why it is missing: the API's own still serve. */
async function workerMetrics(url: string, logger: Logger): Promise<string> {
  try {
    const response = await request(url, { signal: AbortSignal.timeout(WORKER_METRICS_TIMEOUT_MS) });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
    return text.endsWith('\n') ? text : `${text}\n`;
  } catch (error) {
    logger.warn({ err: error }, 'worker metrics unavailable');
    return '# worker metrics unavailable\n';
  }
}
