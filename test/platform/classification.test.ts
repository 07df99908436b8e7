/**
 * What the emulator cannot be made to do (a malformed 2xx, an HTML 502, a Retry-After
 * date, a status word nobody knows): a throwaway HTTP server plays the platform here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  createSeedPlatform,
  parseRetryAfter,
  PlatformNotFoundError,
  PlatformRateLimitedError,
  PlatformRejectedError,
  PlatformResponseError,
  PlatformTimeoutError,
  PlatformUnavailableError,
  type PlatformClient,
} from '../../src/platform';
import { platformFailure } from './support';
import type { PortRequest } from '../../src/domain';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Responder = (request: ReceivedRequest, response: ServerResponse) => void;

const TOKEN = 'stub-token-0123456789';
const PORT = {
  portRequestId: 'port_1',
  status: 'PENDING',
  telephoneNumbers: ['+16077221234'],
  submittedDate: '2026-03-02T10:30:00Z',
  requestedDate: '2026-03-16',
  estimatedCompletionDate: '2026-03-16',
};

function json(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

let server: Server;
let baseUrl: string;
let respond: Responder;
let received: ReceivedRequest[];
let client: PlatformClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  respond = (_request, response) => json(response, 200, PORT);
  client = createSeedPlatform({ baseUrl, token: TOKEN, timeoutMs: 1_000 });
});

afterEach(() => client.close());

describe('requests', () => {
  it('sends the token, encodes path segments and the telephone number in the query', async () => {
    respond = (_request, response) =>
      json(response, 200, {
        telephoneNumber: '+16077221234',
        portable: true,
        currentCarrier: 'AT&T',
        lineType: 'BUSINESS',
        estimatedDays: 7,
      });
    await client.checkPortability('part 1', '+16077221234');
    await client.getPort('part 1', 'acc_123', 'port/1').catch(() => undefined);

    expect(received[0]?.url).toBe(
      '/v2/partition/part%201/telephone-number/port/check?telephoneNumber=%2B16077221234',
    );
    expect(received[0]?.headers['x-auth-token']).toBe(TOKEN);
    expect(received[1]?.url).toBe('/v2/partition/part%201/telephone-number/port/port%2F1');
  });

  it('keeps a path prefix of the base URL', async () => {
    const prefixed = createSeedPlatform({
      baseUrl: `${baseUrl}/alianza/`,
      token: TOKEN,
      timeoutMs: 1_000,
    });
    await prefixed.getPort('p1', 'acc_123', 'port_1');
    await prefixed.close();
    expect(received[0]?.url).toBe('/alianza/v2/partition/p1/telephone-number/port/port_1');
  });

  it('submits only the seed fields of a port request, with the idempotency key', async () => {
    const request: PortRequest = {
      telephoneNumbers: ['+16077221234'],
      accountId: 'acc_123',
      subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
      serviceAddress: { street: '135 Front St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
      billingTelephoneNumber: '+16077221234',
      accountNumber: '123456789',
      pin: '1234',
      requestedDate: '2026-03-16',
      allowPartial: true,
      activation: { target: { type: 'USER', userId: 'user_1' } },
    };
    await client.submitPort('p1', request, { idempotencyKey: 'key-1' });

    expect(received[0]?.method).toBe('POST');
    expect(received[0]?.headers['idempotency-key']).toBe('key-1');
    expect(received[0]?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(received[0]?.body ?? '');
    expect(body).not.toHaveProperty('allowPartial');
    expect(body).not.toHaveProperty('activation');
    expect(body).toMatchObject({ accountNumber: '123456789', pin: '1234', accountId: 'acc_123' });
  });
});

describe('answers', () => {
  it('keeps a port status word it does not know', async () => {
    respond = (_request, response) => json(response, 200, { ...PORT, status: 'ON_HOLD' });
    await expect(client.getPort('p1', 'acc_123', 'port_1')).resolves.toMatchObject({
      status: 'ON_HOLD',
    });
  });

  it('turns a 2xx body that breaks the seed into a PlatformResponseError naming the field', async () => {
    respond = (_request, response) => json(response, 200, { ...PORT, telephoneNumbers: 'many' });
    const error = await platformFailure(client.getPort('p1', 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformResponseError);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(200);
    expect(error.message).toContain('telephoneNumbers');
  });

  it('turns a 2xx that is not JSON into a PlatformResponseError', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>maintenance</html>');
    };
    const error = await platformFailure(client.getPort('p1', 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformResponseError);
    expect(error.message).toContain('not JSON');
  });

  it('treats a 502 with an HTML body as unavailable, without a code', async () => {
    respond = (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>bad gateway</html>');
    };
    const error = await platformFailure(client.getPort('p1', 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 502, code: undefined });
  });

  it('reads a Retry-After HTTP date into retryAfterMs', async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    respond = (_request, response) =>
      json(
        response,
        429,
        { error: { code: 'RATE_LIMITED', message: 'slow down' } },
        { 'retry-after': retryAt },
      );
    const error = await platformFailure(client.getPort('p1', 'acc_123', 'port_1'));
    expect(error).toBeInstanceOf(PlatformRateLimitedError);
    expect(error).toMatchObject({ retryable: true, code: 'RATE_LIMITED', message: 'slow down' });
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('keeps the code, message and details of a refusal; 404 is PlatformNotFoundError', async () => {
    respond = (_request, response) =>
      json(response, 404, {
        error: { code: 'PORT_NOT_FOUND', message: 'no port port_9', details: { id: 'port_9' } },
      });
    const error = await platformFailure(client.getPort('p1', 'acc_123', 'port_9'));
    expect(error).toBeInstanceOf(PlatformNotFoundError);
    expect(error).toBeInstanceOf(PlatformRejectedError);
    expect(error).toMatchObject({
      retryable: false,
      status: 404,
      code: 'PORT_NOT_FOUND',
      message: 'no port port_9',
      details: { id: 'port_9' },
      method: 'GET',
      path: '/v2/partition/p1/telephone-number/port/port_9',
    });
  });

  it('gives up after timeoutMs, also when the headers came and the body stalls', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"portRequestId":');
    };
    const fast = createSeedPlatform({ baseUrl, token: TOKEN, timeoutMs: 200 });
    const started = Date.now();
    const error = await platformFailure(fast.getPort('p1', 'acc_123', 'port_1'));
    await fast.close();
    expect(error).toBeInstanceOf(PlatformTimeoutError);
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createSeedPlatform({
      baseUrl: `http://127.0.0.1:${port}`,
      token: TOKEN,
      timeoutMs: 1_000,
    });
    const error = await platformFailure(nowhere.getPort('p1', 'acc_123', 'port_1'));
    await nowhere.close();
    expect(error).toBeInstanceOf(PlatformUnavailableError);
    expect(error).not.toBeInstanceOf(PlatformTimeoutError);
    expect(error.status).toBeUndefined();
  });
});

describe('logging', () => {
  it('logs method, path, status and duration, never the token, PIN or account number', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logged = createSeedPlatform({
      baseUrl,
      token: TOKEN,
      timeoutMs: 1_000,
      logger: pino({ level: 'debug' }, sink),
    });
    respond = (_request, response) =>
      json(response, 400, { error: { code: 'VALIDATION_ERROR', message: 'bad pin 9876' } });
    await logged
      .submitPort(
        'p1',
        {
          telephoneNumbers: ['+16077221234'],
          accountId: 'acc_123',
          subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
          serviceAddress: {
            street: '1 Main St',
            city: 'Binghamton',
            state: 'NY',
            zipCode: '13905',
          },
          billingTelephoneNumber: '+16077221234',
          accountNumber: '555000111',
          pin: '9876',
          requestedDate: '2026-03-16',
        },
        { idempotencyKey: 'key-2' },
      )
      .catch(() => undefined);
    await logged.close();

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '');
    expect(line).toMatchObject({
      method: 'POST',
      path: '/v2/partition/p1/telephone-number/port',
      status: 400,
      error: 'PlatformRejectedError',
    });
    expect(typeof line.durationMs).toBe('number');
    for (const secret of [TOKEN, '9876', '555000111']) expect(lines[0]).not.toContain(secret);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Mon, 02 Mar 2026 10:00:30 GMT', 30_000],
    ['Mon, 02 Mar 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
