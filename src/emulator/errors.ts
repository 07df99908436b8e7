import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../domain';

/** One bad field of a request: where it was (`body`, `querystring`, `params`), its dotted path and what is wrong. */
export interface FieldProblem {
  in: string;
  path: string;
  message: string;
}

/** A refusal the platform answers on purpose: a status, an UPPER_SNAKE code and a message. */
export class EmulatorError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EmulatorError';
  }

  get body(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export const notFound = (message: string) => new EmulatorError(404, 'NOT_FOUND', message);

export const validationFailed = (problems: FieldProblem[]) =>
  new EmulatorError(
    400,
    'VALIDATION_FAILED',
    problems.map((problem) => `${problem.path || problem.in}: ${problem.message}`).join('; '),
    problems,
  );

/** The code of an answer with only a status, as the platform words it. */
export function codeForStatus(status: number): string {
  if (status === 503) return 'UNAVAILABLE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 500) return 'INTERNAL';
  const text = STATUS_CODES[status] ?? `HTTP ${status}`;
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function validationProblems(error: FastifyError): FieldProblem[] {
  return (error.validation ?? []).map((issue) => ({
    in: error.validationContext ?? 'body',
    path: issue.instancePath.split('/').filter(Boolean).join('.'),
    message: issue.message ?? 'is invalid',
  }));
}

/** Every failure becomes the platform's error body; a 5xx never tells its internals. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof EmulatorError) return reply.code(error.statusCode).send(error.body);
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.code(400).send(validationFailed(validationProblems(error)).body);
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own refusals of bad input (malformed JSON, wrong content type, too large).
    const code = status === 400 ? 'VALIDATION_FAILED' : codeForStatus(status);
    return reply.code(status).send({ error: { code, message: error.message } });
  }
  request.log.error({ err: error }, 'emulator failed');
  return reply
    .code(500)
    .send({ error: { code: 'INTERNAL', message: 'the emulator failed; see its log' } });
}
