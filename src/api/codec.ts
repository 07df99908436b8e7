import fastifyCors from '@fastify/cors';
import type { Payload } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  EncryptionCodec,
  fromRemotePayload,
  toRemotePayload,
  withoutCustomerSecrets,
} from '../temporal/codec';
import type { App } from './app';
import { createTokenChecker, type Caller } from './auth';
import { ApiError } from './errors';
import {
  decodeAnswerExamples,
  decodeRequestExamples,
  encodeAnswerExamples,
  encodeRequestExamples,
  sessionExamples,
  type Examples,
} from './examples';
import { errorResponses, withExamples } from './openapi';

export interface CodecRouteOptions {
  codecKeys: Record<string, string>;
  tokens: Record<string, string[]>;
  /** Browser origins (the Temporal Web UI's) that may call the endpoint. */
  corsOrigins: readonly string[];
  /** Embedded demo mode: loopback callers with no credential decode too (CODEC_WITHOUT_SIGN_IN). */
  withoutSignIn?: boolean;
}

/**
 * Temporal's remote-codec JSON, `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`, as
 * protojson writes it: an empty field is left out, so `{}` is an empty list (the CLI sends it).
 */
const remotePayload = z.object({
  metadata: z.record(z.string(), z.base64()).default({}),
  data: z.base64().default(''),
});
const remotePayloads = z.object({ payloads: z.array(remotePayload).default([]) });

const SESSION_COOKIE = 'portflow-codec-session';
const SESSION_MS = 8 * 3_600_000;
/** A history page sends many payloads at once. */
const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * A session a browser keeps in an HttpOnly cookie: its expiry signed with an all-partitions
 * token, so it holds no token, needs no server state and ends when that token is removed.
 */
function sessionSignature(token: string, expiresAt: number): Buffer {
  return createHmac('sha256', token).update(`${SESSION_COOKIE}.${expiresAt}`).digest();
}

/** A peer on this machine (the API listens on loopback whenever sign-in is off). */
function fromLoopback(request: FastifyRequest): boolean {
  const peer = request.socket.remoteAddress ?? '';
  return peer === '::1' || /^(::ffff:)?127\./.test(peer);
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * The codec endpoint of the Temporal Web UI and CLI (`/codec/decode`, `/codec/encode`), for
 * tokens allowed every partition only: decoded payloads hold every partition's requests.
 * Decoding shows no customer secret: only the worker reads a PIN or an account number.
 * Payloads are never logged.
 */
export async function codecRoutes(codecScope: App, options: CodecRouteOptions): Promise<void> {
  const codec = EncryptionCodec.fromBase64(options.codecKeys);
  const callerOf = createTokenChecker(options.tokens);
  const operatorTokens = Object.entries(options.tokens)
    .filter(([, partitions]) => partitions.includes('*'))
    .map(([token]) => token);

  await codecScope.register(fastifyCors, {
    origin: [...options.corsOrigins],
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'x-auth-token'],
    maxAge: 600,
  });

  const presentedTokens = (request: FastifyRequest): string[] => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const header = request.headers['x-auth-token'];
    return [bearer, typeof header === 'string' ? header : undefined].filter(
      (token): token is string => Boolean(token),
    );
  };

  const validSession = (request: FastifyRequest): boolean => {
    const [expiry, signature] = (cookieOf(request, SESSION_COOKIE) ?? '').split('.');
    const expiresAt = Number(expiry);
    if (!signature || !Number.isSafeInteger(expiresAt) || expiresAt < Date.now()) return false;
    const presented = Buffer.from(signature, 'base64url');
    let valid = false;
    for (const token of operatorTokens) {
      const expected = sessionSignature(token, expiresAt);
      if (presented.length === expected.length && timingSafeEqual(expected, presented))
        valid = true;
    }
    return valid;
  };

  /** 401 when no credential is known; 403 when the only known ones are held to partitions. */
  const requireOperator = (request: FastifyRequest, { sessions = true } = {}): void => {
    const presented = presentedTokens(request);
    if (sessions && options.withoutSignIn && presented.length === 0 && fromLoopback(request)) {
      return;
    }
    const callers = presented
      .map(callerOf)
      .filter((caller): caller is Caller => caller !== undefined);
    if (callers.some((caller) => caller.partitions === 'ALL')) return;
    if (sessions && validSession(request)) return;
    if (callers.length > 0) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        'Only a token allowed every partition ("*") may use the codec endpoint',
      );
    }
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      'A token allowed every partition is required: Authorization: Bearer <token>, X-AUTH-TOKEN, or a session from /codec/session',
    );
  };

  const operatorOnly =
    (accepting?: { sessions: boolean }) =>
    (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
      try {
        requireOperator(request, accepting);
        done();
      } catch (error) {
        done(error as Error);
      }
    };

  const codecSchema = (summary: string, bodies: Examples<unknown>, answers: Examples<unknown>) => ({
    summary,
    tags: ['codec'],
    body: withExamples(remotePayloads, bodies),
    response: { 200: withExamples(remotePayloads, answers), ...errorResponses(401, 403) },
  });

  codecScope.post(
    '/decode',
    {
      bodyLimit: BODY_LIMIT,
      schema: codecSchema(
        'Decrypt payloads for the Temporal Web UI or CLI (secrets redacted)',
        decodeRequestExamples,
        decodeAnswerExamples,
      ),
      onRequest: operatorOnly(),
    },
    async (request) => {
      const payloads = await Promise.all(
        request.body.payloads.map(async (payload, index) => {
          try {
            const [decoded] = await codec.decode([fromRemotePayload(payload)]);
            return toRemotePayload(withoutCustomerSecrets(decoded as Payload));
          } catch (error) {
            throw new ApiError(
              400,
              'PAYLOAD_NOT_DECODABLE',
              `Payload ${index} cannot be decrypted with the configured keys`,
              [{ in: 'body', field: `payloads.${index}`, message: (error as Error).message }],
            );
          }
        }),
      );
      return { payloads };
    },
  );

  codecScope.post(
    '/encode',
    {
      bodyLimit: BODY_LIMIT,
      schema: codecSchema(
        'Encrypt payloads with the active key',
        encodeRequestExamples,
        encodeAnswerExamples,
      ),
      onRequest: operatorOnly(),
    },
    async (request) => ({
      payloads: (await codec.encode(request.body.payloads.map(fromRemotePayload))).map(
        toRemotePayload,
      ),
    }),
  );

  const setSession = (request: FastifyRequest, reply: FastifyReply, value: string, ms: number) =>
    reply.header(
      'set-cookie',
      [
        `${SESSION_COOKIE}=${value}`,
        'Path=/codec',
        `Max-Age=${Math.floor(ms / 1000)}`,
        'HttpOnly',
        'SameSite=Strict',
        ...(request.protocol === 'https' ? ['Secure'] : []),
      ].join('; '),
    );

  codecScope.post(
    '/session',
    {
      schema: {
        summary: 'Sign a browser in to the codec endpoint (an HttpOnly cookie for 8 hours)',
        tags: ['codec'],
        response: {
          200: withExamples(z.object({ expiresAt: z.iso.datetime() }), sessionExamples),
          ...errorResponses(401, 403),
        },
      },
      onRequest: operatorOnly({ sessions: false }),
    },
    (request, reply) => {
      const expiresAt = Date.now() + SESSION_MS;
      const token = presentedTokens(request).find(
        (presented) => callerOf(presented)?.partitions === 'ALL',
      ) as string;
      const signature = sessionSignature(token, expiresAt).toString('base64url');
      setSession(request, reply, `${expiresAt}.${signature}`, SESSION_MS);
      return { expiresAt: new Date(expiresAt).toISOString() };
    },
  );

  codecScope.delete(
    '/session',
    {
      schema: {
        summary: 'Sign a browser out of the codec endpoint',
        tags: ['codec'],
        response: { 204: z.null().describe('Signed out: the session cookie is cleared') },
      },
    },
    async (request, reply) => {
      setSession(request, reply, '', 0);
      return reply.code(204).send(null);
    },
  );

  codecScope.get(
    '/session',
    {
      schema: {
        summary: 'The page where an operator signs a browser in to the codec endpoint',
        tags: ['codec'],
        response: {
          200: {
            content: {
              'text/html': {
                schema: withExamples(z.string(), {
                  page: { summary: 'The sign-in page', value: SIGN_IN_PAGE },
                }),
              },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      void reply.type('text/html; charset=utf-8');
      return SIGN_IN_PAGE;
    },
  );
}

/** Where an operator's browser signs in, so the Web UI may send the session cookie along. */
const SIGN_IN_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>portflow codec sign-in</title></head>
<body>
<h1>portflow codec endpoint</h1>
<p>Sign this browser in with an API token allowed every partition, so the Temporal Web UI can
decode payloads (customer PINs and account numbers stay redacted). Then, in the Web UI's codec
settings, use this browser's setting with the endpoint <code id="endpoint"></code> and
tick "Include cross-origin credentials".</p>
<form id="sign-in">
<label>API token <input id="token" type="password" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
<p id="outcome" role="status"></p>
<script>
document.getElementById('endpoint').textContent = location.origin + '/codec';
document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token');
  const answer = await fetch('/codec/session', { method: 'POST', headers: { 'x-auth-token': token.value } });
  token.value = '';
  const body = await answer.json();
  document.getElementById('outcome').textContent = answer.ok
    ? 'Signed in until ' + body.expiresAt + '.'
    : 'Not signed in: ' + body.error.message;
});
</script>
</body>
</html>
`;
