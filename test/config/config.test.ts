import { ConfigError, agingPeriodOf, loadConfig } from '../../src/config';

describe('configuration maps read by partition ID', () => {
  const config = loadConfig({
    AGING_PERIODS: JSON.stringify({ p1: { period: '120d', lineType: 'BUSINESS' } }),
    WEBHOOKS: JSON.stringify({
      p1: { url: 'http://127.0.0.1:9/hooks', secret: 'a-secret-of-16-chars' },
    }),
    API_TOKENS: JSON.stringify({ 'tok-admin-of-16-chars': ['*'] }),
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'give a partition named %s nothing of their own',
    (partitionId) => {
      expect(agingPeriodOf(config, partitionId)).toEqual({ periodMs: config.AGING_PERIOD });
      expect(config.WEBHOOKS?.[partitionId]).toBeUndefined();
      expect(config.API_TOKENS?.[partitionId]).toBeUndefined();
    },
  );

  it('still give a configured partition its own', () => {
    expect(agingPeriodOf(config, 'p1')).toEqual({
      periodMs: 120 * 24 * 3_600_000,
      lineType: 'BUSINESS',
    });
    expect(config.WEBHOOKS?.p1?.url).toBe('http://127.0.0.1:9/hooks');
  });
});

describe('PLATFORM_TIMEOUT', () => {
  it('stays below the 15 s a port submission may take, so that a slow answer is not retried for ever', () => {
    expect(loadConfig({ PLATFORM_TIMEOUT: '14s' }).PLATFORM_TIMEOUT).toBe(14_000);
    expect(() => loadConfig({ PLATFORM_TIMEOUT: '15s' })).toThrow(ConfigError);
    expect(() => loadConfig({ PLATFORM_TIMEOUT: '15s' })).toThrow(
      /PLATFORM_TIMEOUT: must be at most 14s/,
    );
  });
});

describe('WEBHOOKS secrets', () => {
  const webhooks = (secret: string) =>
    loadConfig({ WEBHOOKS: JSON.stringify({ p1: { url: 'http://127.0.0.1:9/hooks', secret } }) });

  it('takes a Standard Webhooks secret (whsec_ and base64 of 24-64 bytes) and the older form', () => {
    const standard = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(webhooks(standard).WEBHOOKS?.p1?.secret).toBe(standard);
    expect(webhooks('a-secret-of-16-chars').WEBHOOKS?.p1?.secret).toBe('a-secret-of-16-chars');
  });

  it.each([
    ['too short a key', `whsec_${Buffer.alloc(16, 7).toString('base64')}`],
    ['not base64', `whsec_${'!'.repeat(44)}`],
    ['unpadded base64', `whsec_${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`],
  ])('refuses a whsec_ secret with %s, naming WEBHOOKS', (_why, secret) => {
    expect(() => webhooks(secret)).toThrow(/WEBHOOKS.*whsec_/);
  });
});

describe('WEBHOOK_RETRY_SCHEDULE', () => {
  it("is Standard Webhooks' schedule unless set: 8 attempts over some 27.6 hours", () => {
    const waits = loadConfig({}).WEBHOOK_RETRY_SCHEDULE;
    expect(waits).toHaveLength(7);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBe(99_305_000);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '1s, 2m' }).WEBHOOK_RETRY_SCHEDULE).toEqual([
      1_000, 120_000,
    ]);
  });

  it.each(['0s', '5s,,5m', 'soon', Array(21).fill('1s').join(',')])(
    'refuses %s, naming the variable',
    (schedule) => {
      expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: schedule })).toThrow(
        /WEBHOOK_RETRY_SCHEDULE: /,
      );
    },
  );
});
