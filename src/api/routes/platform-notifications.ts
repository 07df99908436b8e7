import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PLATFORM_NOTIFICATION_SIGNATURE_HEADER, platformPortNotification } from '../../domain';
import { signatureProblem } from '../../signature';
import type { Operations } from '../../operations';
import { accepted } from '../../operations/outcomes';
import type { App } from '../app';
import { ApiError } from '../errors';
import { nudgedExamples, platformNotificationExamples } from '../examples';
import { errorResponses, withExamples } from '../openapi';
import { send } from '../outcomes';

/** A notification signed longer ago than this is refused as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface PlatformNotificationOptions {
  ports: Operations['ports'];
  /** PLATFORM_NOTIFICATION_SECRET: the route is not served without one. */
  secret: string | undefined;
}

const answer = z.object({ nudged: z.boolean() });
/** Checked before the body is read (see the preValidation hook); declared so the document says it. */
const signatureHeader = z.object({
  [PLATFORM_NOTIFICATION_SIGNATURE_HEADER]: z.string().meta({
    pattern: '^t=[0-9]+,v1=[0-9a-f]{64}$',
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
  }),
});

/**
 * `POST /platform/notifications`: the platform says a port's status changed. The signature is
 * the authentication (no X-AUTH-TOKEN); the port is told to look at the carrier now, and the
 * poll stays as the safety net for a notification that never comes.
 */
export async function platformNotificationRoutes(
  app: App,
  { ports, secret }: PlatformNotificationOptions,
): Promise<void> {
  if (!secret) return;
  await app.register((scope: App, _options, registered) => {
    // The signature is over the body as sent: keep it as text until it is verified.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, String(body)),
    );
    scope.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
      const text = typeof request.body === 'string' ? request.body : '';
      const problem = signatureProblem({
        header: request.headers[PLATFORM_NOTIFICATION_SIGNATURE_HEADER],
        body: text,
        secret,
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: SIGNATURE_TOLERANCE_SECONDS,
      });
      if (problem) {
        return done(
          new ApiError(401, 'UNAUTHORIZED', `${PLATFORM_NOTIFICATION_SIGNATURE_HEADER} ${problem}`),
        );
      }
      try {
        request.body = JSON.parse(text);
        done();
      } catch {
        done(
          new ApiError(400, 'INVALID_JSON', 'The body is not valid JSON', [
            { in: 'body', field: '', message: 'is not valid JSON' },
          ]),
        );
      }
    });

    scope.post(
      '/platform/notifications',
      {
        schema: {
          summary: "The platform's signed notification that a port's status changed",
          tags: ['platform'],
          headers: signatureHeader,
          body: withExamples(platformPortNotification, platformNotificationExamples),
          response: { 202: withExamples(answer, nudgedExamples), ...errorResponses(401) },
        },
      },
      async (request, reply) => {
        const { partitionId, customerReference, portRequestId, status } = request.body;
        const outcome = customerReference
          ? await ports.platformNotification(partitionId, customerReference, {
              upstreamPortRequestId: portRequestId,
              status,
            })
          : accepted({ nudged: false });
        request.log.info({ partitionId, portRequestId, status, outcome }, 'platform notification');
        return send(reply, outcome);
      },
    );
    registered();
  });
}
