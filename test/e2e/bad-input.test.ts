/**
 * Property-based bad input against every route: random and mutated path parameters, query
 * strings, headers and bodies, sent byte by byte. Every request carries at least one thing
 * that must be refused, so every answer is a 4xx with the JSON error shape, and nothing
 * ever reaches a workflow.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { errorBodySchema } from '../../src/api/errors';
import { toIsoDate } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { rawRequest, type RawAnswer } from '../helpers/raw-http';

const NUMBER = '+16077988001';
/** A number the emulator's inventory holds: the control order at the end takes it. */
const INVENTORY_NUMBER = '+16077221000';
const NUM_RUNS = Number(process.env.BAD_INPUT_RUNS ?? 300);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  method: Method;
  /** With `:name` parameters; `:partitionId` first. */
  path: string;
  /** A valid value of every parameter but the partition. */
  params: Record<string, string>;
  query?: Record<string, string>;
  /** Query refusals this route guarantees (a strict query refuses unknown names, say). */
  badQueries?: fc.Arbitrary<[string, string][]>;
  body?: Record<string, unknown>;
  /** Takes an Idempotency-Key. */
  idempotent?: boolean;
}

const PORT = '/v2/partition/:partitionId/telephone-number/port';
const NUMBER_PATH = '/v2/partition/:partitionId/telephone-number/:telephoneNumber';
const ACCOUNT = '/v2/partition/:partitionId/account/:accountId';

/** Characters no path parameter of the API takes (IDs, numbers, partitions, line numbers). */
const FORBIDDEN_CHARS = [
  '!',
  '"',
  '<',
  '>',
  '{',
  '|',
  '\\',
  '^',
  '`',
  "'",
  '(',
  '$',
  '=',
  ',',
  ';',
  '@',
  '&',
  '~',
  '[',
  '*',
  '%',
  '/',
  '?',
  '#',
  '\u0000',
  '\u0007',
  '\t',
  '\u00e9',
  '\u202e',
  '\u260e',
  '\u{1f600}',
];

/** A value no parameter takes, as it is put in a URL (encoded, or deliberately mis-encoded). */
const badValue: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom(...FORBIDDEN_CHARS),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([before, bad, after]) => encodeURIComponent(before + bad + after)),
  fc.integer({ min: 200, max: 5_000 }).map((length) => 'a'.repeat(length)),
  fc.constantFrom('%', '%ZZ', '%00', '%C0%AF', '%F0%9F%98', '%2e%2e%2f%2e%2e%2f', '__proto__%21'),
);

const unknownQueryName = fc
  .stringMatching(/^[a-z][A-Za-z]{0,15}$/)
  .filter((name) => !['npa', 'nxx', 'rateCenter', 'state', 'pattern', 'quantity'].includes(name));
const badQuantity = fc.constantFrom('0', '101', 'NaN', '-5', '1.5', '1e309', 'abc', '');

function routes(today: string): Route[] {
  const account = { accountId: 'acc_1' };
  const lineBody = { telephoneNumber: NUMBER, primary: true };
  const serviceBody = { telephoneNumber: NUMBER };
  const assignments: [string, Record<string, string>, Record<string, unknown>][] = [
    ['/user/:userId', { userId: 'user_1' }, lineBody],
    ['/device/:deviceId/line/:lineNumber', { deviceId: 'dev_1', lineNumber: '1' }, lineBody],
    ['/ivr/:ivrId', { ivrId: 'ivr_1' }, serviceBody],
    ['/call-queue/:queueId', { queueId: 'q_1' }, serviceBody],
  ];
  const portId = { portRequestId: 'pr_fuzz' };
  return [
    {
      method: 'GET',
      path: `${PORT}/check`,
      params: {},
      query: { telephoneNumber: NUMBER },
      badQueries: fc.oneof(
        fc.constant<[string, string][]>([]),
        badValue.map((value): [string, string][] => [['telephoneNumber', value]]),
        fc.constant<[string, string][]>([
          ['telephoneNumber', encodeURIComponent(NUMBER)],
          ['telephoneNumber', encodeURIComponent(NUMBER)],
        ]),
      ),
    },
    {
      method: 'POST',
      path: PORT,
      params: {},
      body: seedPortRequest([NUMBER], today),
      idempotent: true,
    },
    {
      method: 'GET',
      path: PORT,
      params: {},
      badQueries: fc.oneof(
        badValue.map((value): [string, string][] => [['status', value]]),
        badValue.map((value): [string, string][] => [['telephoneNumber', value]]),
        badQuantity.map((value): [string, string][] => [['pageSize', value]]),
        fc
          .string({ minLength: 1, maxLength: 200 })
          .map((token): [string, string][] => [['nextPageToken', encodeURIComponent(token)]]),
        fc.constant<[string, string][]>([['nextPageToken', 'a'.repeat(5_000)]]),
      ),
    },
    { method: 'GET', path: `${PORT}/:portRequestId`, params: portId },
    { method: 'DELETE', path: `${PORT}/:portRequestId`, params: portId, idempotent: true },
    {
      method: 'PATCH',
      path: `${PORT}/:portRequestId`,
      params: portId,
      body: { pin: '4321', accountNumber: '987654321' },
    },
    {
      method: 'POST',
      path: `${PORT}/:portRequestId/events`,
      params: portId,
      body: { status: 'APPROVED', detail: 'approved' },
    },
    ...(['search', 'search/tollfree'] as const).map((search): Route => ({
      method: 'GET',
      path: `/v2/partition/:partitionId/telephone-number/${search}`,
      params: {},
      query: { quantity: '1' },
      badQueries: fc.oneof(
        fc
          .tuple(unknownQueryName, fc.string({ maxLength: 20 }))
          .map(([name, value]): [string, string][] => [[name, encodeURIComponent(value)]]),
        badQuantity.map((value): [string, string][] => [['quantity', value]]),
        badValue.map((value): [string, string][] => [['npa', value]]),
        badValue.map((value): [string, string][] => [['pattern', value]]),
      ),
    })),
    {
      method: 'POST',
      path: '/v2/partition/:partitionId/telephone-number/order',
      params: {},
      body: { telephoneNumbers: [INVENTORY_NUMBER], ...account },
      idempotent: true,
    },
    {
      method: 'POST',
      path: '/v2/partition/:partitionId/telephone-number/order/tollfree',
      params: {},
      body: { telephoneNumber: '+18002221200', ...account },
      idempotent: true,
    },
    {
      method: 'GET',
      path: '/v2/partition/:partitionId/telephone-number/order/:orderId',
      params: { orderId: 'order_fuzz' },
    },
    { method: 'GET', path: NUMBER_PATH, params: { telephoneNumber: NUMBER } },
    {
      method: 'PUT',
      path: NUMBER_PATH,
      params: { telephoneNumber: NUMBER },
      body: { callerIdName: 'ACME CORP' },
    },
    {
      method: 'DELETE',
      path: NUMBER_PATH,
      params: { telephoneNumber: NUMBER },
      idempotent: true,
    },
    { method: 'GET', path: `${NUMBER_PATH}/release`, params: { telephoneNumber: NUMBER } },
    {
      method: 'POST',
      path: `${NUMBER_PATH}/reclaim`,
      params: { telephoneNumber: NUMBER },
      idempotent: true,
    },
    { method: 'GET', path: `${ACCOUNT}/telephone-number`, params: account },
    ...assignments.flatMap(([place, params, body]): Route[] => [
      {
        method: 'PUT',
        path: `${ACCOUNT}${place}/telephone-number`,
        params: { ...account, ...params },
        body,
      },
      {
        method: 'DELETE',
        path: `${ACCOUNT}${place}/telephone-number/:telephoneNumber`,
        params: { ...account, ...params, telephoneNumber: NUMBER },
        idempotent: true,
      },
    ]),
  ];
}

/** The codec endpoint, when this build has one: an operator's token, payloads in and out. */
const CODEC_ROUTES: Route[] = [
  { method: 'POST', path: '/codec/decode', params: {}, body: { payloads: [] } },
  { method: 'POST', path: '/codec/encode', params: {}, body: { payloads: [] } },
];

/** One request as it will be written: encoded parameters and query, raw headers and body. */
interface Attempt {
  route: Route;
  params: Record<string, string>;
  query: [string, string][];
  headers: [string, string][];
  body?: string;
  /** What makes it bad, for the failure report. */
  breaker: string;
}

function validAttempt(route: Route, partitionId: string, token: string): Attempt {
  const params = Object.fromEntries(
    Object.entries({ partitionId, ...route.params }).map(([name, value]) => [
      name,
      encodeURIComponent(value),
    ]),
  );
  return {
    route,
    params,
    query: Object.entries(route.query ?? {}).map(([name, value]) => [
      name,
      encodeURIComponent(value),
    ]),
    headers: [
      ['x-auth-token', token],
      ...(route.body ? ([['content-type', 'application/json']] as [string, string][]) : []),
    ],
    body: route.body && JSON.stringify(route.body),
    breaker: 'none',
  };
}

function targetOf(attempt: Attempt): string {
  const path = attempt.route.path.replace(
    /:([A-Za-z]+)/g,
    (_match, name: string) => attempt.params[name] ?? '',
  );
  const query = attempt.query.map(([name, value]) => `${name}=${value}`).join('&');
  return query ? `${path}?${query}` : path;
}

const withHeader = (attempt: Attempt, name: string, value: string): Attempt => ({
  ...attempt,
  headers: [...attempt.headers.filter(([n]) => n !== name), [name, value]],
});

/** A JSON value of another type than `value`, and not null (a nullable field takes null). */
function wrongType(value: unknown): fc.Arbitrary<unknown> {
  const kinds: fc.Arbitrary<unknown>[] = [];
  if (typeof value !== 'number') kinds.push(fc.oneof(fc.integer(), fc.double({ noNaN: true })));
  if (typeof value !== 'boolean') kinds.push(fc.boolean());
  if (typeof value !== 'string') kinds.push(fc.string({ maxLength: 30 }));
  if (!Array.isArray(value)) kinds.push(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }));
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    kinds.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })));
  return fc.oneof(...kinds);
}

const INVALID_JSON = [
  '{',
  '{"a":}',
  '{"a":NaN}',
  '{"a":Infinity}',
  "{'a':1}",
  '[1,2,',
  '{"a":1,}',
  'undefined',
  'nul',
  '\u0000',
  '{"a":"\\x41"}',
];

/** Ways to break `route`, each bound to be refused. */
function breakers(route: Route): fc.Arbitrary<(attempt: Attempt) => Attempt>[] {
  const ways: fc.Arbitrary<(attempt: Attempt) => Attempt>[] = [];
  const paramNames = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  if (paramNames.length > 0) {
    ways.push(
      fc
        .tuple(
          fc.constantFrom(...paramNames),
          fc.oneof(badValue, fc.constantFrom('', '0', '65', '1.5', 'NaN', '-1')),
        )
        .filter(
          ([name, value]) =>
            // Only a line number refuses these; elsewhere an empty segment is another route.
            name === 'lineNumber' || !['', '0', '65', '1.5', 'NaN', '-1'].includes(value),
        )
        .map(([name, value]) => (attempt) => ({
          ...attempt,
          params: { ...attempt.params, [name]: value },
          breaker: `param ${name}=${value.slice(0, 60)}`,
        })),
    );
  }
  if (route.badQueries) {
    ways.push(
      route.badQueries.map((pairs) => (attempt) => {
        const replaced = new Set(pairs.map(([name]) => name));
        const query: [string, string][] =
          pairs.length === 0
            ? []
            : [...attempt.query.filter(([name]) => !replaced.has(name)), ...pairs];
        return { ...attempt, query, breaker: `query ${JSON.stringify(pairs).slice(0, 120)}` };
      }),
    );
  }
  const body = route.body;
  if (body) {
    const keys = Object.keys(body);
    ways.push(
      fc
        .oneof(
          fc.integer(),
          fc.string({ maxLength: 40 }),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
          fc.boolean(),
          fc.constant(null),
        )
        .map((json) => (attempt) => ({
          ...attempt,
          body: JSON.stringify(json),
          breaker: `body ${JSON.stringify(json).slice(0, 60)}`,
        })),
      fc
        .constantFrom(...keys)
        .chain((key) => wrongType(body[key]).map((value) => [key, value] as const))
        .map(([key, value]) => (attempt) => ({
          ...attempt,
          body: JSON.stringify({ ...body, [key]: value }),
          breaker: `body.${key}=${JSON.stringify(value).slice(0, 60)}`,
        })),
      fc.constantFrom(...INVALID_JSON).map((text) => (attempt) => ({
        ...attempt,
        body: text,
        breaker: `invalid JSON ${text}`,
      })),
      fc
        .constantFrom(
          '{"__proto__":{"admin":true},',
          '{"constructor":{"prototype":{"admin":true}},',
        )
        .map((prefix) => (attempt) => ({
          ...attempt,
          body: prefix + JSON.stringify(body).slice(1),
          breaker: `prototype key ${prefix}`,
        })),
      fc.constant((attempt: Attempt) => ({
        ...attempt,
        body: JSON.stringify({ ...body, padding: 'x'.repeat(9 * 1024 * 1024) }),
        breaker: 'a 9 MB body',
      })),
      fc.integer({ min: 10_000, max: 200_000 }).map((depth) => (attempt) => ({
        ...attempt,
        body: '['.repeat(depth) + ']'.repeat(depth),
        breaker: `arrays ${depth} deep`,
      })),
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonx',
          '',
        )
        .map((type) => (attempt) => ({
          ...withHeader(attempt, 'content-type', type),
          breaker: `content-type '${type}'`,
        })),
      fc.constant((attempt: Attempt) => ({
        ...attempt,
        headers: attempt.headers.filter(([name]) => name !== 'content-type'),
        breaker: 'a body without a content type',
      })),
    );
  }
  if (route.idempotent) {
    ways.push(
      fc
        .oneof(
          fc.constantFrom('a b', '', 'x'.repeat(256), 'ключ', 'k\u00e9y', '\u{1f511}'),
          fc
            .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
            // A space inside the value: one at either end is not part of a header's value.
            .map(([a, b]) => `${a}k y${b}`),
        )
        .map((key) => (attempt) => ({
          ...withHeader(attempt, 'idempotency-key', key),
          breaker: `idempotency-key '${key.slice(0, 40)}'`,
        })),
    );
  }
  ways.push(
    fc
      .constantFrom<[string, string][]>(
        [],
        [['x-auth-token', 'tok-nobody-knows-this-one']],
        [['x-auth-token', '']],
        [['x-auth-token', 'jeton-\u00e9t\u00e9-\u{1f511}']],
        [['authorization', 'Bearer nobody']],
      )
      .map((tokenHeaders) => (attempt) => ({
        ...attempt,
        headers: [...attempt.headers.filter(([name]) => name !== 'x-auth-token'), ...tokenHeaders],
        breaker: `auth ${JSON.stringify(tokenHeaders)}`,
      })),
    fc.constantFrom(20_000, 70_000).map((size) => (attempt) => ({
      ...withHeader(attempt, 'x-filler', 'a'.repeat(size)),
      breaker: `a ${size}-byte header`,
    })),
    fc.constantFrom('a\u0001b', 'a\rb', 'a\u0000b', 'a\u007fb').map((value) => (attempt) => ({
      ...withHeader(attempt, 'x-auth-token', value),
      breaker: `a control character in a header (${JSON.stringify(value)})`,
    })),
  );
  return ways;
}

/** Headers and query a caller may add to anything: they must change no refusal into a 5xx. */
const noiseHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'accept',
      'accept-language',
      'user-agent',
      'x-request-id',
      'x-forwarded-for',
      'cookie',
      'x-portflow-test',
      'if-none-match',
      'range',
    ),
    fc
      .oneof(
        fc.string({ maxLength: 60 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.constantFrom('*/*', 'application/json', 'bytes=0-1', '__proto__', 'a'.repeat(4_000)),
      )
      .map((value) => value.replace(/[\r\n]/g, '')),
  ),
  { maxLength: 4 },
);
const noiseQuery = fc.array(
  fc.tuple(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'x', 'quantity[]'),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
  ),
  { maxLength: 2 },
);

function attemptsFor(all: Route[], partitionId: string, token: string): fc.Arbitrary<Attempt> {
  return fc.constantFrom(...all).chain((route) =>
    fc
      .tuple(
        fc.array(fc.oneof(...breakers(route)), { minLength: 1, maxLength: 2 }),
        noiseHeaders,
        noiseQuery,
      )
      .map(([breaks, headers, query]) => {
        const broken = breaks.reduce(
          (attempt, breakIt) => {
            const next = breakIt(attempt);
            return {
              ...next,
              breaker: [attempt.breaker, next.breaker].filter((b) => b !== 'none').join(' + '),
            };
          },
          validAttempt(route, partitionId, token),
        );
        return {
          ...broken,
          headers: [...broken.headers, ...headers],
          query: [...broken.query, ...query],
        };
      }),
  );
}

function isErrorShape(answer: RawAnswer): boolean {
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return false;
  }
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success && Object.hasOwn(parsed.data.error, 'details');
}

describe('bad input against every route', () => {
  let portflow: Portflow;
  let port: number;
  /** Where the refused requests go: nothing may ever start there. */
  let partitionId: string;

  beforeAll(async () => {
    portflow = await startPortflow({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    port = Number(new URL(portflow.apiUrl).port);
    partitionId = `${portflow.partitionB}-fuzz`;
  });
  afterAll(async () => {
    await portflow?.close();
  });

  const workflowsOnTaskQueue = async () =>
    (await portflow.temporal.client.workflow.count(`TaskQueue = '${portflow.taskQueue}'`)).count;

  it('answers every bad request with a 4xx in the error shape, and starts nothing', async () => {
    const today = toIsoDate(new Date());
    const codec = await rawRequest('127.0.0.1', port, {
      method: 'POST',
      target: '/codec/decode',
      headers: [],
    });
    const all = [...routes(today), ...(codec.status === 404 ? [] : CODEC_ROUTES)];
    expect(await workflowsOnTaskQueue()).toBe(0);

    const seen = new Map<string, number>();
    let runs = 0;
    // No time limit: a slow machine runs every one of NUM_RUNS or fails on jest's timeout.
    await fc.assert(
      fc.asyncProperty(attemptsFor(all, partitionId, portflow.token), async (attempt) => {
        const target = targetOf(attempt);
        const answer = await rawRequest('127.0.0.1', port, {
          method: attempt.route.method,
          target,
          headers: attempt.headers,
          body: attempt.body,
        });
        runs += 1;
        const route = `${attempt.route.method} ${attempt.route.path}`;
        seen.set(route, (seen.get(route) ?? 0) + 1);
        const summary = {
          route,
          breaker: attempt.breaker,
          status: answer.status,
          body: answer.body.slice(0, 300),
        };
        expect({ ...summary, clientError: answer.status >= 400 && answer.status < 500 }).toEqual({
          ...summary,
          clientError: true,
        });
        expect({ ...summary, errorShape: isErrorShape(answer) }).toEqual({
          ...summary,
          errorShape: true,
        });
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs).toBe(NUM_RUNS);
    // Every route was tried.
    expect([...seen.keys()].sort()).toEqual(all.map((r) => `${r.method} ${r.path}`).sort());

    // Nothing refused reached the platform either.
    expect(await portflow.emulator.control.calls()).toEqual([]);
    // A good order as a control: once visibility shows it, it is all that ever started.
    const control = await portflow.call(
      'POST',
      `/v2/partition/${partitionId}/telephone-number/order`,
      { body: { telephoneNumbers: [INVENTORY_NUMBER], accountId: 'acc_1' } },
    );
    expect([200, 202]).toContain(control.status);
    await eventually(
      () =>
        portflow.temporal.client.workflow.count(
          `WorkflowId = 'order-${partitionId}-${control.body.orderId}'`,
        ),
      ({ count }) => count === 1,
    );
    expect(await workflowsOnTaskQueue()).toBe(1);
  });
});

describe('refusals the router and the HTTP parser make, in the error shape', () => {
  let portflow: Portflow;
  let port: number;

  beforeAll(async () => {
    portflow = await startPortflow({ worker: false });
    port = Number(new URL(portflow.apiUrl).port);
  });
  afterAll(async () => {
    await portflow?.close();
  });

  const send = (target: string, headers: [string, string][] = []) =>
    rawRequest('127.0.0.1', port, {
      method: 'GET',
      target,
      headers: [['x-auth-token', portflow.token], ...headers],
    });
  const portPath = (id: string) => `/v2/partition/p-router/telephone-number/port/${id}`;
  const cases: [string, string, [string, string][], number, string][] = [
    ['a URL that is not validly percent-encoded', portPath('pr_%ZZ'), [], 400, 'BAD_REQUEST'],
    [
      'a path parameter over 200 characters',
      portPath(`pr_${'a'.repeat(220)}`),
      [],
      414,
      'URI_TOO_LONG',
    ],
    [
      'headers over 16 KB',
      portPath('pr_x'),
      [['x-filler', 'a'.repeat(20_000)]],
      431,
      'HEADERS_TOO_LARGE',
    ],
    [
      'a control character in a header',
      portPath('pr_x'),
      [['x-note', 'a\u0001b']],
      400,
      'BAD_REQUEST',
    ],
  ];

  it.each(cases)('%s', async (_case, target, headers, status, code) => {
    const answer = await send(target, headers);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code, message: expect.any(String), details: null },
    });
  });
});

describe('partition IDs that are also Object.prototype keys', () => {
  let portflow: Portflow;
  let webhooks: Server;

  beforeAll(async () => {
    webhooks = createServer((_request, response) => response.writeHead(204).end());
    webhooks.listen(0, '127.0.0.1');
    await once(webhooks, 'listening');
    const { port } = webhooks.address() as AddressInfo;
    // Webhooks and an aging period for one partition only: no other may take them for its own.
    portflow = await startPortflow({
      env: {
        WEBHOOKS: JSON.stringify({
          'with-webhooks': { url: `http://127.0.0.1:${port}/`, secret: 'a-secret-of-16-chars' },
        }),
      },
    });
    await portflow.emulator.control.setCarrierPace('immediate');
  });
  afterAll(async () => {
    await portflow?.close();
    webhooks?.closeAllConnections();
    await new Promise((resolve) => webhooks?.close(resolve));
  });

  it.each(['__proto__', 'constructor', 'toString'])(
    'a port in partition %s runs to its end like any other',
    async (partitionId) => {
      const today = toIsoDate(new Date(await portflow.emulator.control.now()));
      const answer = await portflow.call('POST', portflow.portsPath(partitionId), {
        body: seedPortRequest([NUMBER], today),
      });
      expect(answer.status).toBe(202);
      const result = await portflow.portResult(partitionId, answer.body.portRequestId);
      expect(result).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    },
    30_000,
  );
});
