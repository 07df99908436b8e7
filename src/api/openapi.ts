import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { errorBodySchema } from './errors';
import { ERROR_EXAMPLES, type Examples } from './examples';

/** Why each error status is answered, as the document says it. */
const ERROR_STATUSES = {
  400: 'Bad input: `details` names each bad field (also a URL or request that is not valid HTTP)',
  401: 'No credential, or one that is not known (or not valid)',
  403: 'The token may not use this partition (or endpoint)',
  404: 'No such resource in this partition',
  409: 'A conflict: the number is busy with another operation, the Idempotency-Key was used with another body, or the state refuses it',
  413: 'The body is too large',
  414: 'A path parameter is longer than 200 characters',
  415: 'The body is not application/json',
  429: 'Too many requests for this token, or portflow is admitting all it can: retry after `Retry-After`',
  431: 'The request line and headers are too large',
  501: 'The platform lacks the extension this feature needs (`FEATURE_UNAVAILABLE`): everything else goes on',
  502: 'The platform refused or failed the call',
  503: 'Temporal or the platform is unreachable: retry after `Retry-After`',
} as const;
export type ErrorStatus = keyof typeof ERROR_STATUSES;

/**
 * A body schema with whole examples: the document shows them as its media type's named
 * `examples` (@fastify/swagger moves `x-examples` there), which the Swagger UI offers and
 * schemathesis sends. test/api/openapi-examples.test.ts checks each against `schema`.
 */
export function withExamples<S extends z.ZodType>(schema: S, examples: Examples<unknown>): S {
  return schema.meta({ 'x-examples': examples });
}

/** Response schemas of error statuses, each with the API's one error body: spread into a route's `response`. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => {
      const example = ERROR_EXAMPLES[status];
      return [
        status,
        errorBodySchema.meta({
          description: ERROR_STATUSES[status],
          'x-examples': { [example.value.error.code]: example },
        }),
      ];
    }),
  );
}

/** What any route may answer, whatever it does: from the HTTP parser, the router and the body parser. */
function transportErrors(route: RouteOptions): ErrorStatus[] {
  return [
    400,
    431,
    ...(route.url.includes(':') ? ([414] as const) : []),
    ...(route.schema?.body ? ([413, 415] as const) : []),
  ];
}

/**
 * JSON Schema keywords that tie query parameters together (`rateCenter` needs `state`): OpenAPI
 * can say them only of the query as one object, a form-exploded parameter, so the query is
 * documented as one then. It is sent the same way: each property is its own `name=value`.
 */
const OBJECT_KEYWORDS = ['dependentRequired', 'dependentSchemas', 'oneOf', 'anyOf', 'allOf', 'not'];

function asOneQueryParameter(querystring: Record<string, unknown>): Record<string, unknown> {
  if (!OBJECT_KEYWORDS.some((keyword) => keyword in querystring)) return querystring;
  return {
    type: 'object',
    properties: { query: querystring },
    style: 'form',
    explode: true,
  };
}

type MediaTypes = Record<string, { schema: { 'x-examples'?: unknown } & Record<string, unknown> }>;

/**
 * A response declared with its media types (the sign-in page's text/html) goes into the document
 * as it is, so its examples are moved from its schema to the media type here, where they belong.
 */
function examplesBesideSchemas(response: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(response).map(([status, answer]) => {
      const content = (answer as { content?: MediaTypes }).content;
      if (!content) return [status, answer];
      const media = Object.entries(content).map(([type, { schema, ...rest }]): [string, object] => {
        const { 'x-examples': examples, ...bare } = schema;
        return [type, { ...rest, schema: bare, ...(examples === undefined ? {} : { examples }) }];
      });
      return [status, { ...(answer as object), content: Object.fromEntries(media) }];
    }),
  );
}

const zodTransform = createJsonSchemaTransform({});

/**
 * The OpenAPI 3.1 document at `/openapi.json` (and its UI at `/docs`), made from each route's
 * zod schemas: what a route declares is what the document says, with the errors every route
 * can answer added to it. Routes registered after this get it through their schemas alone.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.schema?.hide) return;
    route.schema = {
      ...route.schema,
      response: {
        ...errorResponses(...transportErrors(route)),
        ...(route.schema?.response as Record<string, unknown> | undefined),
      },
    };
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'portflow',
        description:
          'Durable telephone-number lifecycle: port in, order, assign, release. Errors are `{ "error": { "code", "message", "details" } }`; a method a path does not serve is 405 with `Allow`.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          authToken: { type: 'apiKey', in: 'header', name: 'X-AUTH-TOKEN' },
        },
      },
    },
    transform: (document) => {
      const transformed = zodTransform(document);
      const { querystring, response } = transformed.schema as Record<
        string,
        Record<string, unknown> | undefined
      >;
      return {
        ...transformed,
        schema: {
          ...transformed.schema,
          ...(querystring ? { querystring: asOneQueryParameter(querystring) } : {}),
          ...(response ? { response: examplesBesideSchemas(response) } : {}),
        },
      };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
