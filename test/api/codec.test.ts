import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { buildApp, type App } from '../../src/api/app';
import { loadConfig, type ConfigError } from '../../src/config';
import { createLogger } from '../../src/logger';
import {
  EncryptionCodec,
  fromRemotePayload,
  newCodecKey,
  toRemotePayload,
  type RemotePayload,
} from '../../src/temporal/codec';
import { unreachablePlatform } from '../helpers/portflow';
import { ACCOUNT_NUMBER, PIN } from '../helpers/secrets';

const OPERATOR = 'tok-operator-0123456789abcdef';
const PARTITION_ONLY = 'tok-p1-only-0123456789abcdef';
const UI_ORIGIN = 'http://127.0.0.1:8233';
const KEY = newCodecKey();
const portInput = {
  partitionId: 'p1',
  request: {
    telephoneNumbers: ['+16077981234'],
    accountId: 'acc_123',
    accountNumber: ACCOUNT_NUMBER,
    pin: PIN,
    subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
  },
};

const jsonPayload = (value: unknown) => toRemotePayload(defaultPayloadConverter.toPayload(value));
const valueOf = (remote: RemotePayload) =>
  defaultPayloadConverter.fromPayload(fromRemotePayload(remote));

describe('the codec endpoint', () => {
  let app: App;
  let connection: Connection;
  const logLines: string[] = [];

  beforeAll(async () => {
    connection = Connection.lazy({ address: '127.0.0.1:9' });
    const config = loadConfig({
      API_TOKENS: JSON.stringify({ [OPERATOR]: ['*'], [PARTITION_ONLY]: ['p1'] }),
      CODEC_KEYS: JSON.stringify({ k2: KEY }),
      CODEC_CORS_ORIGINS: UI_ORIGIN,
    });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    app = await buildApp({
      client: new Client({ connection }),
      config,
      logger: createLogger({ level: 'trace', destination }),
      platform: unreachablePlatform(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
  });

  const post = (
    url: '/codec/decode' | '/codec/encode' | '/codec/session',
    headers: Record<string, string>,
    payloads: unknown[] = [],
  ) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      payload: url === '/codec/session' ? undefined : { payloads },
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it.each(['/codec/decode', '/codec/encode'] as const)(
    '%s answers 401 without a known token and 403 to a token held to partitions',
    async (url) => {
      const unknown: Record<string, string>[] = [
        {},
        bearer('tok-unknown-0123456789abcdef'),
        { cookie: 'portflow-codec-session=1.x' },
      ];
      for (const headers of unknown) {
        const answer = await post(url, headers);
        expect({ headers, status: answer.statusCode }).toEqual({ headers, status: 401 });
        expect(answer.json().error.code).toBe('UNAUTHORIZED');
      }
      for (const headers of [bearer(PARTITION_ONLY), { 'x-auth-token': PARTITION_ONLY }]) {
        const answer = await post(url, headers);
        expect({ headers, status: answer.statusCode }).toEqual({ headers, status: 403 });
        expect(answer.json().error.code).toBe('FORBIDDEN');
      }
    },
  );

  it.each(['/codec/decode', '/codec/encode'] as const)(
    '%s takes protojson as every Temporal client sends it: {} is an empty list',
    async (url) => {
      const answer = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...bearer(OPERATOR) },
        payload: '{}',
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toEqual({ payloads: [] });
    },
  );

  it('encodes with the active key and decodes back, for Bearer and X-AUTH-TOKEN alike', async () => {
    const greeting = jsonPayload({ hello: 'operator' });
    const encoded = await post('/codec/encode', bearer(OPERATOR), [greeting]);
    expect(encoded.statusCode).toBe(200);
    const [sealed] = encoded.json().payloads;
    expect(Buffer.from(sealed.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.metadata['encryption-key-id'], 'base64').toString()).toBe('k2');
    expect(Buffer.from(sealed.data, 'base64').toString('latin1')).not.toContain('operator');

    const decoded = await post('/codec/decode', { 'x-auth-token': OPERATOR }, [sealed]);
    expect(decoded.statusCode).toBe(200);
    expect(decoded.json().payloads).toEqual([greeting]);
  });

  it('decodes a port input with the PIN and account number redacted', async () => {
    const [sealed] = await EncryptionCodec.fromBase64({ k2: KEY }).encode([
      defaultPayloadConverter.toPayload(portInput),
    ]);
    const decoded = await post('/codec/decode', bearer(OPERATOR), [
      toRemotePayload(sealed as Payload),
    ]);
    expect(decoded.statusCode).toBe(200);
    expect(valueOf(decoded.json().payloads[0])).toEqual({
      ...portInput,
      request: { ...portInput.request, pin: '[REDACTED]', accountNumber: '[REDACTED]' },
    });
  });

  it('passes payloads that were never encrypted through, and refuses one of an unknown key', async () => {
    const plain = jsonPayload({ status: 'PENDING' });
    const passed = await post('/codec/decode', bearer(OPERATOR), [plain]);
    expect(passed.json().payloads).toEqual([plain]);

    const [foreign] = await EncryptionCodec.fromBase64({ k9: newCodecKey() }).encode([
      defaultPayloadConverter.toPayload('x'),
    ]);
    const refused = await post('/codec/decode', bearer(OPERATOR), [
      plain,
      toRemotePayload(foreign as Payload),
    ]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'PAYLOAD_NOT_DECODABLE',
      details: [
        { in: 'body', field: 'payloads.1', message: 'no codec key "k9" to decrypt a payload' },
      ],
    });
  });

  it('answers the Web UI’s CORS preflight for its origin only', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': UI_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
    });
    expect(String(allowed.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(
      expect.arrayContaining(['content-type', 'x-namespace', 'authorization', 'x-auth-token']),
    );
    const other = await preflight('http://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const decoded = await post('/codec/decode', { ...bearer(OPERATOR), origin: UI_ORIGIN });
    expect(decoded.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  });

  it('signs a browser in with an HttpOnly session cookie that decodes until it expires', async () => {
    expect((await post('/codec/session', { 'x-auth-token': PARTITION_ONLY })).statusCode).toBe(403);
    const signIn = await post('/codec/session', { 'x-auth-token': OPERATOR });
    expect(signIn.statusCode).toBe(200);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^portflow-codec-session=\d+\.[\w-]+; Path=\/codec; Max-Age=28800;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(OPERATOR);
    const cookie = setCookie.split(';')[0] as string;

    const sealed = (await post('/codec/encode', bearer(OPERATOR), [jsonPayload(1)])).json()
      .payloads;
    expect((await post('/codec/decode', { cookie }, sealed)).statusCode).toBe(200);
    const forged = cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    expect((await post('/codec/decode', { cookie: forged }, sealed)).statusCode).toBe(401);
    const later = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 8 * 3_600_000 + 1_000);
    try {
      expect((await post('/codec/decode', { cookie }, sealed)).statusCode).toBe(401);
    } finally {
      later.mockRestore();
    }

    const signOut = await app.inject({ method: 'DELETE', url: '/codec/session' });
    expect(signOut.statusCode).toBe(204);
    expect(String(signOut.headers['set-cookie'])).toMatch(/^portflow-codec-session=; .*Max-Age=0/);
    const page = await app.inject({ method: 'GET', url: '/codec/session' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Include cross-origin credentials');
  });

  it('never logs a payload, a token or a session', async () => {
    const secret = jsonPayload(portInput);
    const sealed = (await post('/codec/encode', bearer(OPERATOR), [secret])).json().payloads;
    await post('/codec/decode', bearer(OPERATOR), sealed);
    await post('/codec/decode', bearer(PARTITION_ONLY), sealed);
    const signIn = await post('/codec/session', { 'x-auth-token': OPERATOR });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;
    await post('/codec/decode', { cookie }, sealed);

    const logs = logLines.join('');
    expect(logs).toContain('/codec/decode');
    for (const hidden of [PIN, ACCOUNT_NUMBER, OPERATOR, PARTITION_ONLY, cookie.split('=')[1]]) {
      expect(logs).not.toContain(hidden);
    }
    for (const payload of [secret, ...sealed]) expect(logs).not.toContain(payload.data);
  });

  it('is not served when no codec keys are configured', async () => {
    const bare = await buildApp({
      client: new Client({ connection }),
      config: loadConfig({ API_TOKENS: JSON.stringify({ [OPERATOR]: ['*'] }) }),
      logger: createLogger({ level: 'silent' }),
      platform: unreachablePlatform(),
    });
    try {
      const answer = await bare.inject({
        method: 'POST',
        url: '/codec/decode',
        headers: bearer(OPERATOR),
        payload: { payloads: [] },
      });
      expect(answer.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('the codec endpoint without sign-in (CODEC_WITHOUT_SIGN_IN, embedded demo mode)', () => {
  let app: App;
  let connection: Connection;

  beforeAll(async () => {
    connection = Connection.lazy({ address: '127.0.0.1:9' });
    app = await buildApp({
      client: new Client({ connection }),
      config: loadConfig({
        API_TOKENS: JSON.stringify({ [OPERATOR]: ['*'], [PARTITION_ONLY]: ['p1'] }),
        CODEC_KEYS: JSON.stringify({ k2: KEY }),
        CODEC_WITHOUT_SIGN_IN: 'true',
      }),
      logger: createLogger({ level: 'silent' }),
      platform: unreachablePlatform(),
    });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
  });

  const decode = async (headers: Record<string, string>, remoteAddress = '127.0.0.1') => {
    const [sealed] = await EncryptionCodec.fromBase64({ k2: KEY }).encode([
      defaultPayloadConverter.toPayload(portInput),
    ]);
    return app.inject({
      method: 'POST',
      url: '/codec/decode',
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      payload: { payloads: [toRemotePayload(sealed as Payload)] },
    });
  };

  it('decodes for a caller on this machine with no credential, secrets still redacted', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const answer = await decode({}, remoteAddress);
      expect({ remoteAddress, status: answer.statusCode }).toEqual({ remoteAddress, status: 200 });
      expect(valueOf(answer.json().payloads[0])).toEqual({
        ...portInput,
        request: { ...portInput.request, pin: '[REDACTED]', accountNumber: '[REDACTED]' },
      });
    }
  });

  it('still asks a caller from elsewhere, a partition token or a browser signing in for a "*" token', async () => {
    expect((await decode({}, '10.1.2.3')).statusCode).toBe(401);
    expect((await decode({ 'x-auth-token': PARTITION_ONLY })).statusCode).toBe(403);
    const signIn = await app.inject({ method: 'POST', url: '/codec/session' });
    expect(signIn.statusCode).toBe(401);
  });
});

describe('CODEC_WITHOUT_SIGN_IN', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig({ CODEC_WITHOUT_SIGN_IN: 'true', ...env });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('is refused with NODE_ENV=production, a real platform or an API reachable from elsewhere', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ API_HOST: 'localhost' })).toEqual([]);
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'CODEC_WITHOUT_SIGN_IN: is for embedded demo mode only, never with NODE_ENV=production',
    ]);
    expect(problemsOf({ PLATFORM_BASE_URL: 'https://platform.example' })).toEqual([
      'CODEC_WITHOUT_SIGN_IN: is for the emulator only, never with PLATFORM_BASE_URL (a real platform)',
    ]);
    expect(problemsOf({ API_HOST: '0.0.0.0' })).toEqual([
      'CODEC_WITHOUT_SIGN_IN: is for a loopback API only, never with API_HOST=0.0.0.0',
    ]);
  });
});
