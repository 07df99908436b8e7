import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Logger } from '../logger';
import { alianzaFaultBody, alianzaRoutes } from './alianza-routes';
import { controlRoutes } from './control';
import { EmulatorError, codeForStatus, handleError } from './errors';
import type { CallRecord } from './faults';
import { PortCallbacks } from './notifications';
import { EmulatedPlatform } from './platform';
import { seedRoutes } from './seed-routes';
import { Sessions } from './sessions';

export type EmulatorApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The APIs the emulator can speak over its one store and carrier. */
export const EMULATOR_DIALECTS = ['seed', 'alianza'] as const;
export type EmulatorDialect = (typeof EMULATOR_DIALECTS)[number];

/** The username the Alianza dialect takes when none is given; the password is the token. */
export const DEFAULT_ALIANZA_USERNAME = 'portflow';

export interface EmulatorAppOptions {
  /** The X-AUTH-TOKEN the seed endpoints accept; the Alianza dialect's login password. */
  token: string;
  /** `seed` (the default): the seed guide's routes; `alianza`: the Alianza API's. */
  dialect?: EmulatorDialect;
  /** The Alianza dialect's login username (DEFAULT_ALIANZA_USERNAME when absent). */
  username?: string;
  /** SQLite file for the store; memory when absent. */
  dataFile?: string;
  logger?: Logger;
  /** Where each port status change is posted, signed with `secret` (an extension to the seed). */
  callback?: { url: string; secret: string };
}

/** How often the carrier's clock is looked at, so a running clock's steps are notified too. */
const SETTLE_INTERVAL_MS = 1_000;

const SEED_PREFIX = '/v2/';
export const PARTITION_PREFIX = '/v2/partition/:partitionId';

const isSeedCall = (request: FastifyRequest) => request.url.startsWith(SEED_PREFIX);
const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0] ?? request.url;

/**
 * Answers are checked against their schema by parsing, not encoding: the domain's
 * telephone-number schema normalises (a one-way transform), which zod cannot encode.
 */
function serializerCompiler({ schema }: { schema: unknown }) {
  return (data: unknown) => JSON.stringify((schema as z.ZodType).parse(data));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The platform: the dialect's endpoints, `/_emulator` control and `/healthz`, over one store. */
export function buildEmulatorApp(options: EmulatorAppOptions): EmulatorApp {
  const dialect = options.dialect ?? 'seed';
  const sessions = new Sessions({
    username: options.username ?? DEFAULT_ALIANZA_USERNAME,
    password: options.token,
  });
  const platform = new EmulatedPlatform(options.dataFile, sessions);
  const app = Fastify({
    loggerInstance: options.logger,
    // Latency faults hold requests; closing should not wait for them.
    forceCloseConnections: true,
  }).withTypeProvider<ZodTypeProvider>() as unknown as EmulatorApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        new EmulatorError(404, 'NOT_FOUND', `no endpoint ${request.method} ${pathOf(request)}`)
          .body,
      ),
  );

  // A DELETE may come with a JSON content type and no body: that is no body, not bad JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(new EmulatorError(400, 'VALIDATION_FAILED', 'the body is not valid JSON'), undefined);
    }
  });

  const expectedToken = digest(options.token);
  const closing = new AbortController();
  const callOf = new WeakMap<FastifyRequest, CallRecord>();

  async function injectFaults(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const path = pathOf(request);
    const key = request.headers['idempotency-key'];
    const call = platform.calls.record({
      at: platform.clock.now(),
      method: request.method,
      path,
      status: null,
      idempotencyKey: typeof key === 'string' ? key : null,
    });
    callOf.set(request, call);
    const strike = platform.faults.strike(request.method, path);
    if (strike.latencyMs) {
      // Closing cuts the wait short; the connection goes with the server.
      await delay(strike.latencyMs, undefined, { signal: closing.signal }).catch(() => undefined);
    }
    if (strike.outcome?.kind === 'drop' || closing.signal.aborted) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (strike.outcome?.kind === 'status') {
      const { status, retryAfter } = strike.outcome;
      const wait = retryAfter ?? (status === 429 ? 1 : undefined);
      if (wait !== undefined) void reply.header('retry-after', String(wait));
      const code = codeForStatus(status);
      await reply
        .code(status)
        .send(
          dialect === 'alianza'
            ? alianzaFaultBody(status)
            : { error: { code, message: `injected fault: ${code}` } },
        );
    }
  }

  function authenticate(request: FastifyRequest): void {
    const given = request.headers['x-auth-token'];
    const token = typeof given === 'string' ? given : '';
    if (!timingSafeEqual(digest(token), expectedToken)) {
      throw new EmulatorError(401, 'UNAUTHORIZED', 'X-AUTH-TOKEN is missing or not valid');
    }
  }

  app.addHook('onRequest', async (request, reply) => {
    if (!isSeedCall(request)) return;
    await injectFaults(request, reply);
    if (reply.sent) return;
    // The Alianza dialect checks its session tokens itself.
    if (dialect === 'seed') authenticate(request);
    // Reads after a clock advance see the carrier steps (and ended cooldowns) that fell due meanwhile.
    platform.settle();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const call = callOf.get(request);
    if (call) call.status = reply.statusCode;
    done();
  });

  let settling: NodeJS.Timeout | undefined;
  let callbacks: PortCallbacks | undefined;
  if (options.callback) {
    const notifier = new PortCallbacks({ ...options.callback, logger: options.logger });
    platform.ports.onStatusChange = (partitionId, port) => notifier.notify(partitionId, port);
    settling = setInterval(() => platform.ports.settle(), SETTLE_INTERVAL_MS).unref();
    callbacks = notifier;
  }

  app.addHook('onClose', (_instance, done) => {
    clearInterval(settling);
    callbacks?.close();
    closing.abort();
    platform.close();
    done();
  });

  app.get('/healthz', () => ({ status: 'ok' }));
  if (dialect === 'alianza') {
    app.register(
      (alianza, _options, done) => {
        alianzaRoutes(alianza, platform, sessions);
        done();
      },
      { prefix: '/v2' },
    );
  } else {
    app.register(
      (seed, _options, done) => {
        seedRoutes(seed, platform);
        done();
      },
      { prefix: PARTITION_PREFIX },
    );
  }
  app.register(
    (control, _options, done) => {
      controlRoutes(control, platform);
      done();
    },
    { prefix: '/_emulator' },
  );
  return app;
}
