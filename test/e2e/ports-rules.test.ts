import fc from 'fast-check';
import { addDays, federalHolidays, isBusinessDay, toIsoDate } from '../../src/domain';
import { E911, seedPortRequest } from '../emulator/support';
import { eventually, startPortflow, type ApiAnswer, type Portflow } from '../helpers/portflow';

const VALID = '+16077988001';

/** The first date on or after `from` that `accept` takes. */
function firstDate(from: string, accept: (date: string) => boolean): string {
  let date = from;
  while (!accept(date)) date = addDays(date, 1);
  return date;
}

/** The field paths a 400 names, as `in:field`. */
function fieldsOf(answer: ApiAnswer): string[] {
  const details = answer.body?.error?.details as { in: string; field: string }[] | null;
  return (details ?? []).map((detail) => `${detail.in}:${detail.field}`);
}

describe('the rules every port route keeps, over HTTP', () => {
  let portflow: Portflow;
  /** A partition only refused requests go to: nothing may ever start in it. */
  let refused: string;
  const today = toIsoDate(new Date());
  const valid = () => seedPortRequest([VALID], today);
  const activation = {
    target: { type: 'USER', userId: 'user_1' },
    primary: true,
    e911Address: E911,
    callerIdName: 'ACME CORP',
  };

  beforeAll(async () => {
    portflow = await startPortflow();
    refused = `${portflow.partitionB}-refused`;
  });
  afterAll(async () => {
    await portflow?.close();
  });

  const submitTo = (partitionId: string, body: unknown, options: { key?: string } = {}) =>
    portflow.call('POST', portflow.portsPath(partitionId), {
      body,
      idempotencyKey: options.key,
    });

  /** Workflows whose ID says they belong to `partitionId`: ports and number entities. */
  const workflowsOf = async (partitionId: string) => {
    const { count } = await portflow.temporal.client.workflow.count(
      `WorkflowId STARTS_WITH 'port-${partitionId}-' OR WorkflowId STARTS_WITH 'number-${partitionId}-'`,
    );
    return count;
  };

  describe('bad input: 400 naming the field, and nothing started', () => {
    const lastWeek = addDays(today, 3);
    const saturday = firstDate(
      addDays(today, 8),
      (d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 6,
    );
    const holiday = firstDate(
      addDays(today, 8),
      (d) => federalHolidays(Number(d.slice(0, 4))).has(d) && !isBusinessDay(d),
    );
    const { subscriber } = valid();
    const cases: [string, () => unknown, string[]][] = [
      [
        'a number without +1',
        () => ({ ...valid(), telephoneNumbers: ['6077988001'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        "the seed's own sample number (NXX 123)",
        () => ({ ...valid(), telephoneNumbers: ['+16071234567'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'a number one digit short',
        () => ({ ...valid(), telephoneNumbers: ['+1607798800'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'a number outside NANP',
        () => ({ ...valid(), telephoneNumbers: ['+442071234567'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'an area code starting 1',
        () => ({ ...valid(), telephoneNumbers: ['+11077988001'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'an N11 area code (411)',
        () => ({ ...valid(), telephoneNumbers: ['+14117988001'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'an N11 area code (911)',
        () => ({ ...valid(), telephoneNumbers: ['+19117988001'] }),
        ['body:telephoneNumbers.0'],
      ],
      [
        'a bad billing number',
        () => ({ ...valid(), billingTelephoneNumber: '+16071234567' }),
        ['body:billingTelephoneNumber'],
      ],
      [
        'a number twice',
        () => ({ ...valid(), telephoneNumbers: [VALID, VALID] }),
        ['body:telephoneNumbers'],
      ],
      ['no numbers', () => ({ ...valid(), telephoneNumbers: [] }), ['body:telephoneNumbers']],
      [
        'a date less than 7 days ahead',
        () => ({ ...valid(), requestedDate: lastWeek }),
        ['body:requestedDate'],
      ],
      [
        'a date on a Saturday',
        () => ({ ...valid(), requestedDate: saturday }),
        ['body:requestedDate'],
      ],
      [
        'a date on a federal holiday',
        () => ({ ...valid(), requestedDate: holiday }),
        ['body:requestedDate'],
      ],
      [
        'a date that does not exist',
        () => ({ ...valid(), requestedDate: '2031-02-30' }),
        ['body:requestedDate'],
      ],
      [
        'a date in another format',
        () => ({ ...valid(), requestedDate: '03/14/2031' }),
        ['body:requestedDate'],
      ],
      [
        'a state that is not one',
        () => ({ ...valid(), serviceAddress: { ...valid().serviceAddress, state: 'XX' } }),
        ['body:serviceAddress.state'],
      ],
      [
        'a state spelled out',
        () => ({ ...valid(), serviceAddress: { ...valid().serviceAddress, state: 'New York' } }),
        ['body:serviceAddress.state'],
      ],
      [
        'a 4-digit ZIP',
        () => ({ ...valid(), serviceAddress: { ...valid().serviceAddress, zipCode: '1390' } }),
        ['body:serviceAddress.zipCode'],
      ],
      [
        'a ZIP+2',
        () => ({ ...valid(), serviceAddress: { ...valid().serviceAddress, zipCode: '13905-12' } }),
        ['body:serviceAddress.zipCode'],
      ],
      [
        'a bad E911 state and ZIP',
        () => ({
          ...valid(),
          activation: { ...activation, e911Address: { ...E911, state: 'ZZ', zipCode: 'ABCDE' } },
        }),
        ['body:activation.e911Address.state', 'body:activation.e911Address.zipCode'],
      ],
      [
        'a caller-ID name in lower case',
        () => ({ ...valid(), activation: { ...activation, callerIdName: 'Acme Corp' } }),
        ['body:activation.callerIdName'],
      ],
      [
        'a caller-ID name of 16 characters',
        () => ({ ...valid(), activation: { ...activation, callerIdName: 'ACME CORPORATION' } }),
        ['body:activation.callerIdName'],
      ],
      [
        'a caller-ID name with punctuation',
        () => ({ ...valid(), activation: { ...activation, callerIdName: 'ACME-CORP.' } }),
        ['body:activation.callerIdName'],
      ],
      [
        'an activation target of no known type',
        () => ({ ...valid(), activation: { ...activation, target: { type: 'FAX' } } }),
        ['body:activation.target.type'],
      ],
      [
        'no subscriber first name',
        () => ({ ...valid(), subscriber: { ...subscriber, firstName: undefined } }),
        ['body:subscriber.firstName'],
      ],
      [
        'a blank subscriber last name',
        () => ({ ...valid(), subscriber: { ...subscriber, lastName: '  ' } }),
        ['body:subscriber.lastName'],
      ],
      [
        'no authorized name',
        () => ({ ...valid(), subscriber: { ...subscriber, authorizedName: undefined } }),
        ['body:subscriber.authorizedName'],
      ],
      ['no subscriber', () => ({ ...valid(), subscriber: undefined }), ['body:subscriber']],
      [
        'no account number',
        () => ({ ...valid(), accountNumber: undefined }),
        ['body:accountNumber'],
      ],
      ['a PIN with punctuation', () => ({ ...valid(), pin: '12-34' }), ['body:pin']],
      ['a list for a body', () => [valid()], ['body:']],
      ['null for a body', () => null, ['body:']],
    ];

    it.each(cases)('refuses %s', async (_name, body, fields) => {
      const answer = await submitTo(refused, body(), { key: `bad-${_name.replace(/\W+/g, '-')}` });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(answer)).toEqual(expect.arrayContaining(fields));
      for (const field of fields) expect(answer.body.error.message).toContain(field.split(':')[1]);
    });

    it('names every bad field of one request at once', async () => {
      const answer = await submitTo(refused, {
        ...valid(),
        telephoneNumbers: ['+16071234567'],
        serviceAddress: { ...valid().serviceAddress, state: 'XX', zipCode: '1' },
        subscriber: { ...subscriber, firstName: '' },
      });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual(
        expect.arrayContaining([
          'body:telephoneNumbers.0',
          'body:serviceAddress.state',
          'body:serviceAddress.zipCode',
          'body:subscriber.firstName',
        ]),
      );
    });

    it('refuses malformed JSON, naming the body', async () => {
      const answer = await portflow.call('POST', portflow.portsPath(refused), {
        rawBody: '{"telephoneNumbers": ["+16077988001"',
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('BAD_REQUEST');
      expect(fieldsOf(answer)).toEqual(['body:']);
    });

    it('refuses a body that is not JSON, naming the content type', async () => {
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
      ]) {
        const answer = await portflow.call('POST', portflow.portsPath(refused), {
          rawBody: JSON.stringify(valid()),
          headers: { 'content-type': contentType },
        });
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
        expect(fieldsOf(answer)).toEqual(['headers:content-type']);
      }
    });

    it('refuses no body at all', async () => {
      const answer = await portflow.call('POST', portflow.portsPath(refused));
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual(['body:']);
    });

    it('refuses a body that would poison prototypes', async () => {
      const answer = await portflow.call('POST', portflow.portsPath(refused), {
        rawBody: `{"__proto__": {"admin": true}, ${JSON.stringify(valid()).slice(1)}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('BAD_REQUEST');
    });

    it('refuses a body over the size limit with 413', async () => {
      const answer = await portflow.call('POST', portflow.portsPath(refused), {
        body: { ...valid(), padding: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses an Idempotency-Key that is too long', async () => {
      const answer = await submitTo(refused, valid(), { key: 'k'.repeat(256) });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual(['headers:idempotency-key']);
    });

    it.each([
      ['a dollar sign', 'p$a'],
      ['a dot', 'p.a'],
      ['a space', 'p%20a'],
      ['65 characters', 'p'.repeat(65)],
    ])('refuses a partition ID with %s', async (_name, partitionId) => {
      const answer = await submitTo(partitionId, valid());
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual(['params:partitionId']);
    });

    it('refuses bad query and path parameters on every other route', async () => {
      const id = 'pr_unknown';
      const expectations: [ApiAnswer, string[]][] = [
        [
          await portflow.call(
            'GET',
            portflow.portsPath(refused, '/check?telephoneNumber=+16071234567'),
          ),
          ['querystring:telephoneNumber'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '/check')),
          ['querystring:telephoneNumber'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?status=DONE')),
          ['querystring:status'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?pageSize=0')),
          ['querystring:pageSize'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?pageSize=101')),
          ['querystring:pageSize'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?pageSize=ten')),
          ['querystring:pageSize'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?telephoneNumber=+19115551234')),
          ['querystring:telephoneNumber'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, "?accountId=a'%20OR%20'1")),
          ['querystring:accountId'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '?nextPageToken=not-a-token')),
          ['querystring:nextPageToken'],
        ],
        [
          await portflow.call('GET', portflow.portsPath(refused, '/not-a-port-id')),
          ['params:portRequestId'],
        ],
        [
          await portflow.call('DELETE', portflow.portsPath(refused, '/not-a-port-id')),
          ['params:portRequestId'],
        ],
        [
          await portflow.call('PATCH', portflow.portsPath(refused, `/${id}`), { body: {} }),
          ['body:'],
        ],
        [
          await portflow.call('PATCH', portflow.portsPath(refused, `/${id}`), {
            body: { pin: '12 34' },
          }),
          ['body:pin'],
        ],
        [
          await portflow.call('PATCH', portflow.portsPath(refused, `/${id}`), {
            body: { requestedDate: addDays(today, 2) },
          }),
          ['body:requestedDate'],
        ],
        [
          await portflow.call('PATCH', portflow.portsPath(refused, `/${id}`), {
            body: { serviceAddress: { ...valid().serviceAddress, state: 'XX' } },
          }),
          ['body:serviceAddress.state'],
        ],
        [
          await portflow.call('POST', portflow.portsPath(refused, `/${id}/events`), {
            body: { status: 'x'.repeat(41) },
          }),
          ['body:status'],
        ],
      ];
      for (const [answer, fields] of expectations) {
        expect({ status: answer.status, fields: fieldsOf(answer) }).toEqual({
          status: 400,
          fields,
        });
      }
    });

    it('answers 404 for a well-formed port ID it does not know', async () => {
      for (const method of ['GET', 'DELETE'] as const) {
        const answer = await portflow.call(method, portflow.portsPath(refused, '/pr_unknown'));
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('NOT_FOUND');
      }
      const patch = await portflow.call('PATCH', portflow.portsPath(refused, '/pr_unknown'), {
        body: { pin: '1234' },
      });
      expect(patch.status).toBe(404);
    });

    it('never answers 5xx to any JSON body, and starts nothing for a bad one', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.jsonValue(),
            fc.record({
              telephoneNumbers: fc.array(fc.string(), { maxLength: 3 }),
              accountId: fc.string(),
              requestedDate: fc.string(),
              subscriber: fc.dictionary(fc.string(), fc.jsonValue()),
            }),
          ),
          async (body) => {
            const answer = await submitTo(refused, body);
            expect(answer.status).toBe(400);
            expect(answer.body.error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
          },
        ),
        { numRuns: 60, seed: 20251218 },
      );
    });

    it('started no workflow and called the platform for none of the refused requests', async () => {
      expect(await portflow.emulator.control.calls()).toEqual([]);
      // The one admitted request here shows when visibility has caught up with all before it.
      const admitted = await submitTo(refused, valid(), { key: 'the-only-one' });
      expect(admitted.status).toBe(202);
      const { workflowId } = portflow.handleOf(refused, admitted.body.portRequestId);
      const { client } = portflow.temporal;
      await eventually(
        async () => (await client.workflow.count(`WorkflowId = '${workflowId}'`)).count,
        (count) => count === 1,
      );
      // The admitted port and its number's entity (and, once it got that far, the port's
      // submission, whose ID starts with the port's); nothing else.
      const portSubmissions = await portflow.temporal.client.workflow.count(
        `WorkflowId STARTS_WITH '${workflowId}-'`,
      );
      expect((await workflowsOf(refused)) - portSubmissions.count).toBe(2);
    });
  });

  it("accepts the seed's bare + in a query string", async () => {
    const answer = await portflow.call(
      'GET',
      portflow.portsPath(portflow.partitionA, `/check?telephoneNumber=+${VALID.slice(1)}`),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ telephoneNumber: VALID, portable: true });
  });

  describe('auth', () => {
    it('answers 401 without a token or with an unknown one, before looking at the request', async () => {
      for (const token of [null, '', 'tok-nobody-knows-this-one']) {
        const answer = await portflow.call('POST', portflow.portsPath(portflow.partitionA), {
          token,
          body: { not: 'even valid' },
        });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({
          error: { code: 'UNAUTHORIZED', message: expect.any(String), details: null },
        });
      }
    });

    it('answers 403 for a partition the token may not use', async () => {
      const mine = await portflow.call('GET', portflow.portsPath(portflow.partitionA), {
        token: portflow.tokenA,
      });
      expect(mine.status).toBe(200);
      for (const [method, rest] of [
        ['GET', ''],
        ['POST', ''],
        ['GET', '/pr_any'],
        ['DELETE', '/pr_any'],
        ['GET', `/check?telephoneNumber=${encodeURIComponent(VALID)}`],
      ] as const) {
        const answer = await portflow.call(method, portflow.portsPath(portflow.partitionB, rest), {
          token: portflow.tokenA,
          body: method === 'POST' ? valid() : undefined,
        });
        expect(answer.status).toBe(403);
        expect(answer.body.error.code).toBe('FORBIDDEN');
      }
    });

    it("answers 404 for another partition's port, and leaves it alone", async () => {
      const { partitionA: A, partitionB: B } = portflow;
      const submitted = await submitTo(A, seedPortRequest(['+16077988101'], today));
      expect(submitted.status).toBe(202);
      const id = submitted.body.portRequestId as string;
      const elsewhere = [
        await portflow.call('GET', portflow.portsPath(B, `/${id}`)),
        await portflow.call('DELETE', portflow.portsPath(B, `/${id}`)),
        await portflow.call('PATCH', portflow.portsPath(B, `/${id}`), { body: { pin: '1234' } }),
        await portflow.call('POST', portflow.portsPath(B, `/${id}/events`), { body: {} }),
      ];
      for (const answer of elsewhere) {
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('NOT_FOUND');
      }
      const own = await portflow.call('GET', portflow.portsPath(A, `/${id}`), {
        token: portflow.tokenA,
      });
      expect(own.status).toBe(200);
      expect(own.body.status).not.toBe('CANCELLED');
    });
  });

  describe('the platform down on a pass-through', () => {
    afterEach(() => portflow.emulator.control.clearFaults());
    const check = () =>
      portflow.call(
        'GET',
        portflow.portsPath(
          portflow.partitionA,
          `/check?telephoneNumber=${encodeURIComponent(VALID)}`,
        ),
      );

    it('answers 503 with Retry-After when the platform answers 503', async () => {
      await portflow.emulator.control.addFault({
        kind: 'status',
        status: 503,
        retryAfter: 7,
        match: { path: '*/port/check' },
      });
      const answer = await check();
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('7');
      expect(answer.body.error.code).toBe('PLATFORM_UNAVAILABLE');
    });

    it('answers 503 with Retry-After when the platform drops the connection', async () => {
      await portflow.emulator.control.addFault({ kind: 'drop', match: { path: '*/port/check' } });
      const answer = await check();
      expect(answer.status).toBe(503);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(answer.body.error.code).toBe('PLATFORM_UNAVAILABLE');
    });

    it('answers 503 when the platform limits portflow, keeping its Retry-After', async () => {
      await portflow.emulator.control.addFault({
        kind: 'status',
        status: 429,
        retryAfter: 30,
        match: { path: '*/port/check' },
      });
      const answer = await check();
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('30');
      expect(answer.body.error.code).toBe('PLATFORM_RATE_LIMITED');
    });

    it("answers 502 when the platform refuses portflow's own credentials, not the caller's 401", async () => {
      for (const status of [401, 403]) {
        await portflow.emulator.control.addFault({
          kind: 'status',
          status,
          count: 1,
          match: { path: '*/port/check' },
        });
        const answer = await check();
        expect(answer.status).toBe(502);
        expect(answer.body.error.code).toBe('PLATFORM_CREDENTIALS_REFUSED');
      }
    });

    it('answers 502 when the platform fails with a 500', async () => {
      await portflow.emulator.control.addFault({
        kind: 'status',
        status: 500,
        match: { path: '*/port/check' },
      });
      const answer = await check();
      expect([502, 503]).toContain(answer.status);
      expect(answer.body.error.message).not.toMatch(/injected|127\.0\.0\.1/);
    });
  });

  describe('rate limit', () => {
    let limited: Portflow;
    beforeAll(async () => {
      limited = await startPortflow({ env: { RATE_LIMIT_PER_MINUTE: '3' }, worker: false });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('answers 429 with Retry-After once a token used its minute, other tokens unaffected', async () => {
      const list = (token?: string) =>
        limited.call('GET', limited.portsPath(limited.partitionA), { token });
      for (let i = 0; i < 3; i++) expect((await list()).status).toBe(200);
      const over = await list();
      expect(over.status).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.body).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.any(String), details: expect.anything() },
      });
      expect((await list(limited.tokenA)).status).toBe(200);
    });
  });

  describe('no worker running', () => {
    let idle: Portflow;
    beforeAll(async () => {
      idle = await startPortflow({ worker: false });
    });
    afterAll(async () => {
      await idle?.close();
    });

    it('admits a port at once and reads it with no worker, and the port goes on once one runs', async () => {
      const body = seedPortRequest(['+16077988201'], today);
      const started = Date.now();
      const admitted = await idle.call('POST', idle.portsPath(idle.partitionA), {
        body,
        idempotencyKey: 'no-worker-yet',
      });
      // Admission is the Temporal server's work (the number's hold, the workflow's start).
      expect(admitted.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(admitted.body).toMatchObject({ status: 'PENDING', phase: 'CHECKING' });
      const { portRequestId } = admitted.body;
      const read = await idle.call('GET', idle.portsPath(idle.partitionA, `/${portRequestId}`));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(admitted.body);
      // The same request again is the same port, still with no worker.
      const again = await idle.call('POST', idle.portsPath(idle.partitionA), {
        body,
        idempotencyKey: 'no-worker-yet',
      });
      expect(again.status).toBe(202);
      expect(again.body.portRequestId).toBe(portRequestId);

      await idle.startWorker();
      const moved = await eventually(
        () => idle.call('GET', idle.portsPath(idle.partitionA, `/${portRequestId}`)),
        (answer) => answer.body.phase === 'AWAITING_CARRIER',
      );
      expect(moved.body.status).toBe('PENDING');
      const { workflowId } = idle.handleOf(idle.partitionA, portRequestId);
      const runs = await idle.temporal.client.workflow.count(`WorkflowId = '${workflowId}'`);
      expect(runs.count).toBe(1);
    });
  });

  it('documents every port route with its schemas in /openapi.json', async () => {
    const answer = await portflow.call('GET', '/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    const { paths } = answer.body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const ports = '/v2/partition/{partitionId}/telephone-number/port';
    const routes: [string, string, number][] = [
      [`${ports}/check`, 'get', 200],
      [ports, 'post', 202],
      [ports, 'get', 200],
      [`${ports}/{portRequestId}`, 'get', 200],
      [`${ports}/{portRequestId}`, 'delete', 200],
      [`${ports}/{portRequestId}`, 'patch', 200],
      [`${ports}/{portRequestId}/events`, 'post', 202],
      [`${ports}/foc-dates`, 'get', 200],
      [`${ports}/{portRequestId}/activate`, 'post', 200],
      [`${ports}/{portRequestId}/telephone-number/{telephoneNumber}`, 'delete', 200],
    ];
    for (const [path, method, status] of routes) {
      const operation = paths[path]?.[method];
      expect({ path, method, operation }).toEqual({
        path,
        method,
        operation: expect.objectContaining({
          parameters: expect.arrayContaining([
            expect.objectContaining({ in: 'path', name: 'partitionId' }),
          ]),
          security: [{ authToken: [] }],
          responses: expect.objectContaining({
            [status]: expect.anything(),
            '400': expect.anything(),
            '401': expect.anything(),
            '403': expect.anything(),
            '404': expect.anything(),
            '429': expect.anything(),
            // A feature on a platform extension the platform lacks.
            '501': expect.anything(),
            '503': expect.anything(),
          }),
        }),
      });
    }
    expect(answer.body.components.securitySchemes.authToken).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'X-AUTH-TOKEN',
    });
    const submit = paths[ports]?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    const bodySchema = submit.requestBody.content['application/json']?.schema;
    expect(Object.keys(bodySchema?.properties ?? {})).toEqual(
      expect.arrayContaining(['telephoneNumbers', 'accountId', 'subscriber', 'requestedDate']),
    );
    expect(JSON.stringify(submit.responses['202'])).toContain('portRequestId');
    const focDates = paths[`${ports}/foc-dates`]?.get as {
      parameters: { in: string; name: string }[];
    };
    expect(focDates.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'telephoneNumber',
    ]);
    const list = paths[ports]?.get as { parameters: { in: string; name: string }[] };
    expect(list.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'status',
        'accountId',
        'telephoneNumber',
        'pageSize',
        'nextPageToken',
      ]),
    );
  });
});
