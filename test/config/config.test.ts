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
