import fastifyRateLimit from '@fastify/rate-limit';
import type { Client } from '@temporalio/client';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { PlatformClient } from '../platform';
import { createAuthenticator } from './auth';
import { codecRoutes } from './codec';
import { acceptJsonBodiesOnly } from './content-types';
import {
  ApiError,
  MAX_PATH_PARAMETER_LENGTH,
  answerClientError,
  answerFrameworkError,
  registerErrorHandling,
} from './errors';
import { healthRoutes } from './health';
import { answerOtherMethodsWith405 } from './methods';
import { errorResponses, registerOpenApi } from './openapi';
import { createApiMetrics, registerMetrics, type ApiMetrics } from './metrics';
import { registerPortGauges } from './port-gauges';
import { orderRoutes } from './routes/orders';
import { numberRoutes } from './routes/numbers';
import { platformNotificationRoutes } from './routes/platform-notifications';
import { portRoutes } from './routes/ports';
import { webhookEventRoutes } from './routes/webhook-events';
import { AdmissionGate } from '../operations/admission';
import { createOperations } from '../operations';
import { numberHolds } from '../temporal/number-holds';

export interface AppDeps {
  client: Client;
  config: Config;
  logger: Logger;
  platform: PlatformClient;
  /** The registry `/metrics` serves; a fresh one when absent. */
  metrics?: ApiMetrics;
  /** The in-process worker's metrics endpoint (embedded mode), served under `/metrics` too. */
  workerMetricsUrl?: string;
  /** Shared with an in-process worker that yields to it (embedded mode); a fresh one when absent. */
  gate?: AdmissionGate;
}

/** The app with zod as its type provider: routes declare zod schemas for params, body, response. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Builds the HTTP API; the caller listens (server.ts) or injects requests (tests). */
export async function buildApp({
  client,
  config,
  logger,
  platform,
  metrics = createApiMetrics(),
  workerMetricsUrl,
  gate = new AdmissionGate(config.API_MAX_ADMISSIONS),
}: AppDeps): Promise<App> {
  const base = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: logger,
    maxParamLength: MAX_PATH_PARAMETER_LENGTH,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  base.setValidatorCompiler(validatorCompiler);
  base.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(base);
  acceptJsonBodiesOnly(base);
  registerMetrics(base, { metrics, workerMetricsUrl, logger });
  registerPortGauges(metrics.registry, client, logger);
  const app = base.withTypeProvider<ZodTypeProvider>();

  answerOtherMethodsWith405(app);
  await registerOpenApi(app);

  healthRoutes(app, { client, platform, logger });
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const operations = createOperations({
    client,
    config,
    platform,
    logger,
    taskQueue,
    holds: numberHolds({ client, taskQueue }),
    gate,
    workflowStarted: (workflowType) => metrics.workflowStarted(workflowType),
  });
  await platformNotificationRoutes(app, {
    ports: operations.ports,
    secret: config.PLATFORM_NOTIFICATION_SECRET,
  });

  const authenticate = createAuthenticator(config.API_TOKENS ?? {});
  await app.register(
    async (partition: App) => {
      // Every partition route takes the token and may answer each of the API's errors: say so.
      partition.addHook('onRoute', (route) => {
        route.schema = {
          security: [{ authToken: [] }],
          ...route.schema,
          response: {
            ...errorResponses(401, 403, 404, 429, 501, 502, 503),
            ...(route.method === 'GET' ? {} : errorResponses(409)),
            ...(route.schema?.response as Record<string, unknown> | undefined),
          },
        };
      });
      partition.addHook('onRequest', (request, _reply, done) => {
        const { partitionId } = request.params as { partitionId: string };
        try {
          request.caller = authenticate(request, partitionId);
          done();
        } catch (error) {
          done(error as Error);
        }
      });
      await partition.register(fastifyRateLimit, {
        max: config.RATE_LIMIT_PER_MINUTE,
        timeWindow: '1 minute',
        keyGenerator: (request) => request.caller?.tokenId ?? request.ip,
        errorResponseBuilder: (_request, context) =>
          new ApiError(429, 'RATE_LIMITED', `Too many requests: retry in ${context.after}`, {
            limitPerMinute: context.max,
          }),
      });
      portRoutes(partition, operations.ports);
      orderRoutes(partition, operations);
      numberRoutes(partition, operations);
      webhookEventRoutes(partition, operations);
    },
    { prefix: '/v2/partition/:partitionId' },
  );

  if (config.CODEC_KEYS) {
    await app.register(codecRoutes, {
      prefix: '/codec',
      codecKeys: config.CODEC_KEYS,
      tokens: config.API_TOKENS ?? {},
      corsOrigins: config.CODEC_CORS_ORIGINS ?? [],
      withoutSignIn: config.CODEC_WITHOUT_SIGN_IN ?? false,
    });
  }

  return app;
}
