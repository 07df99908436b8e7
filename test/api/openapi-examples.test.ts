/**
 * The examples in /openapi.json, each checked by the zod schema its route really validates or
 * serializes with: the compilers Fastify builds every route's validators and serializers with
 * are watched, and each example is run through the one its route got.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifySchemaCompiler } from 'fastify';
import type * as ZodProvider from 'fastify-type-provider-zod';
import { buildApp, type App } from '../../src/api/app';
import { SEED_DAY } from '../../src/api/examples';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { newCodecKey } from '../../src/temporal/codec';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, type TestTemporal } from '../helpers/temporal';

const zodProvider = jest.requireActual<typeof ZodProvider>('fastify-type-provider-zod');
const validators = jest.spyOn(zodProvider, 'validatorCompiler');
const serializers = jest.spyOn(zodProvider, 'serializerCompiler');

// The codec and platform-notification routes are served (and documented) only when configured.
const config = loadConfig({
  CODEC_KEYS: JSON.stringify({ k1: newCodecKey() }),
  PLATFORM_NOTIFICATION_SECRET: 'a-notification-secret-of-the-test',
});

interface Media {
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
type Paths = Record<string, Record<string, Operation>>;

/** One example of the document, where it stands. */
interface DocumentedExample {
  method: string;
  path: string;
  /** `body`, or the status whose answer it is. */
  part: string;
  contentType: string;
  name: string;
  value: unknown;
}

function examplesOf(paths: Paths): DocumentedExample[] {
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const media: [string, string, Media][] = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(
          ([type, m]): [string, string, Media] => ['body', type, m],
        ),
        ...Object.entries(operation.responses).flatMap(([status, answer]) =>
          Object.entries(answer.content ?? {}).map(([type, m]): [string, string, Media] => [
            status,
            type,
            m,
          ]),
        ),
      ];
      return media.flatMap(([part, contentType, m]) =>
        Object.entries(m.examples ?? {}).map(([name, { value }]) => ({
          method: method.toUpperCase(),
          path,
          part,
          contentType,
          name,
          value,
        })),
      );
    }),
  );
}

/** The route's path as the document writes it: `:partitionId` is `{partitionId}`. */
const documentedPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe("the OpenAPI document's examples", () => {
  let temporal: TestTemporal;
  let app: App;
  let paths: Paths;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    app = await buildApp({
      client: temporal.client,
      config,
      logger: createLogger({ level: 'silent' }),
      platform: unreachablePlatform(),
    });
    await app.ready();
    paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths;
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.close();
  });

  it('give every request body and every answer, success or error, a whole example', () => {
    const missing = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => {
        const bodies = Object.entries(operation.requestBody?.content ?? {}).map(
          ([type, media]) => [`${method} ${path} body ${type}`, media] as const,
        );
        const answers = Object.entries(operation.responses).flatMap(([status, answer]) =>
          Object.entries(answer.content ?? {}).map(
            ([type, media]) => [`${method} ${path} ${status} ${type}`, media] as const,
          ),
        );
        return [...bodies, ...answers]
          .filter(([, media]) => Object.keys(media.examples ?? {}).length === 0)
          .map(([where]) => where);
      }),
    );
    expect(missing).toEqual([]);
    expect(examplesOf(paths).length).toBeGreaterThan(100);
  });

  it("have every request example taken by its route's validator, on the guide's day", () => {
    const requests = examplesOf(paths).filter((example) => example.part === 'body');
    expect(requests.length).toBeGreaterThan(15);
    // The port request's date is judged against today: the guide's examples are of its own day.
    jest.useFakeTimers({ now: new Date(SEED_DAY), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const refused = requests.flatMap((example): object[] => {
        const validate = compiledFor(validators, (route) => route.httpPart === 'body', example);
        const result = validate(example.value) as {
          value?: unknown;
          error?: { instancePath: string; message: string }[];
        };
        if (result.error) {
          const problems = result.error.map((issue) => `${issue.instancePath} ${issue.message}`);
          return [{ ...where(example), problems }];
        }
        // A key the schema does not know is dropped without a word: none may be there.
        const dropped = droppedKeys(example.value, result.value);
        return dropped.length > 0 ? [{ ...where(example), dropped }] : [];
      });
      expect(refused).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("have every answer example, success or error, sent as it is by its route's serializer", () => {
    const answers = examplesOf(paths).filter((example) => example.part !== 'body');
    const failed = answers.flatMap((example): object[] => {
      const serialize = compiledFor(
        serializers,
        (route) =>
          String(route.httpStatus) === example.part &&
          (route.contentType === undefined || route.contentType === example.contentType),
        example,
      );
      try {
        const sent: unknown = JSON.parse(serialize(example.value) as string);
        return isDeepStrictEqual(sent, example.value) ? [] : [{ ...where(example), sent }];
      } catch (error) {
        return [{ ...where(example), error: String((error as Error).cause ?? error) }];
      }
    });
    expect(failed).toEqual([]);
  });

  it("are in the guide's words, with no number NANP refuses (the guide's own +1607123...)", () => {
    const text = JSON.stringify(examplesOf(paths).map((example) => example.value));
    expect(text).toContain('Acme Corporation');
    expect(text).toContain('135 Front St');
    expect(text).not.toMatch(/\+1[0-9]{3}1[0-9]{6}/);
  });
});

/** The paths of `given`'s keys that `taken` (its parsed form) lacks. */
function droppedKeys(given: unknown, taken: unknown, at = ''): string[] {
  if (typeof given !== 'object' || given === null) return [];
  const parsed = (typeof taken === 'object' && taken !== null ? taken : {}) as Record<
    string,
    unknown
  >;
  return Object.entries(given).flatMap(([key, value]) =>
    key in parsed ? droppedKeys(value, parsed[key], `${at}${key}.`) : [`${at}${key}`],
  );
}

function where({ method, path, part, name }: DocumentedExample) {
  return { route: `${method} ${path}`, part, name };
}

type Compiler = jest.SpiedFunction<typeof ZodProvider.validatorCompiler>;
type CompiledRoute = Parameters<typeof ZodProvider.validatorCompiler>[0] & {
  httpStatus?: string | number;
  contentType?: string;
};

/** The function Fastify compiled for the example's route and part, as it runs it. */
function compiledFor(
  compiler: Compiler | jest.SpiedFunction<typeof ZodProvider.serializerCompiler>,
  matches: (route: CompiledRoute) => boolean,
  example: DocumentedExample,
): ReturnType<FastifySchemaCompiler<unknown>> {
  const index = compiler.mock.calls.findIndex(([route]) => {
    const compiled = route as CompiledRoute;
    return (
      compiled.method === example.method &&
      documentedPath(compiled.url) === example.path &&
      matches(compiled)
    );
  });
  if (index < 0) throw new Error(`nothing compiled for ${example.method} ${example.path}`);
  return compiler.mock.results[index]?.value as ReturnType<FastifySchemaCompiler<unknown>>;
}
