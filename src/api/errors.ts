import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { failureError } from './outcomes';

/** The one error body of the API: `{ "error": { "code", "message", "details" } }`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    message: z.string(),
    details: z.unknown(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error a route means the client to see, with its status and UPPER_SNAKE code. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    /** Headers the answer carries, such as Retry-After on a 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function notFound(message: string, details: unknown = null): ApiError {
  return new ApiError(404, 'NOT_FOUND', message, details);
}

/** Codes for the client errors Fastify and its plugins raise themselves (bad JSON, 413, 415...). */
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** A body the app cannot read: a 400 naming the body or its content type, like any bad field. */
const UNREADABLE_BODIES: Record<
  string,
  { code: string; message: string; problem: { in: string; field: string; message: string } }
> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'BAD_REQUEST',
    message: 'The body is not valid JSON',
    problem: {
      in: 'body',
      field: '',
      message: 'must be valid JSON, without __proto__ or constructor.prototype keys',
    },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The body must be JSON, sent as application/json',
    problem: { in: 'headers', field: 'content-type', message: 'must be application/json' },
  },
};

function body(code: string, message: string, details: unknown = null): ErrorBody {
  return { error: { code, message, details } };
}

/** One error handler for the whole app: 400 names each bad field, 5xx never shows internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(body('NOT_FOUND', `No route for ${request.method} ${request.url}`)),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const unreadable = UNREADABLE_BODIES[error.code];
    if (unreadable) {
      return reply
        .code(400)
        .send(body(unreadable.code, unreadable.message, [{ ...unreadable.problem }]));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const location = error.validationContext ?? 'request';
      const details = error.validation.map((issue) => ({
        in: location,
        field: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        message: issue.message ?? 'is invalid',
      }));
      return reply
        .code(400)
        .send(body('VALIDATION_FAILED', `Invalid ${location}: ${fieldList(details)}`, details));
    }
    const failure = error instanceof ApiError ? error : failureError(error);
    if (failure) {
      // A 501 is a feature the platform lacks, not a failure.
      if (failure.statusCode >= 500 && failure.statusCode !== 501)
        request.log.error({ err: error }, 'request failed');
      return reply
        .code(failure.statusCode)
        .headers(failure.headers)
        .send(body(failure.code, failure.message, failure.details));
    }
    const status = error.statusCode ?? 500;
    if (status < 500 && !isResponseSerializationError(error)) {
      return reply
        .code(status)
        .send(body(CLIENT_ERROR_CODES[status] ?? 'BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('INTERNAL', 'Internal server error'));
  });
}

function fieldList(details: { field: string }[]): string {
  return details.map((detail) => detail.field || '(root)').join(', ');
}

/** What Node's HTTP parser refuses before any route runs, in the API's words. */
const PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    message: 'The request line and headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'The request took too long to arrive',
  },
};

/**
 * Fastify's `clientErrorHandler`: a request Node cannot parse (a control character in a
 * header, headers over 16 KB, a broken request line) gets the API's error body too, not
 * Fastify's own shape. The connection is closed after it, as Node would.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = PARSER_ERRORS[error.code ?? ''] ?? {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'The request is not valid HTTP',
  };
  const payload = JSON.stringify(body(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `content-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(payload)}\r\n` +
        `connection: close\r\n\r\n${payload}`,
    );
  }
  socket.destroy(error);
}

/** The longest path parameter the router takes: a release's webhook event id is up to some 150 characters. */
export const MAX_PATH_PARAMETER_LENGTH = 200;

/** URLs the router refuses before any route or hook runs. */
const URL_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'The URL is not validly percent-encoded',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'URI_TOO_LONG',
    message: `A path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`,
  },
};

/** Fastify's `frameworkErrors`: a URL the router cannot read gets the API's error body too. */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = URL_ERRORS[error.code];
  if (!known) request.log.error({ err: error }, 'request failed');
  const { status, code, message } = known ?? {
    status: 500,
    code: 'INTERNAL',
    message: 'Internal server error',
  };
  void reply.code(status).send(body(code, message));
}
