import type { FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { z } from 'zod';

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
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send(body(error.code, error.message, error.details));
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
