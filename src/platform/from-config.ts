import { ConfigError, type Config } from '../config';
import type { Logger } from '../logger';
import { createAlianzaPlatform } from './alianza';
import type { PlatformClient } from './platform';
import { createSeedPlatform } from './seed';

export type PlatformConfig = Pick<
  Config,
  | 'PLATFORM_KIND'
  | 'PLATFORM_BASE_URL'
  | 'PLATFORM_TOKEN'
  | 'PLATFORM_USERNAME'
  | 'PLATFORM_PASSWORD'
  | 'PLATFORM_TIMEOUT'
>;

/**
 * The platform the environment names: PLATFORM_KIND=seed (the default) with PLATFORM_BASE_URL
 * and PLATFORM_TOKEN, or PLATFORM_KIND=alianza with PLATFORM_BASE_URL, PLATFORM_USERNAME and
 * PLATFORM_PASSWORD.
 */
export function platformFromConfig(config: PlatformConfig, logger?: Logger): PlatformClient {
  const { PLATFORM_BASE_URL: baseUrl, PLATFORM_TIMEOUT: timeoutMs } = config;
  if (config.PLATFORM_KIND === 'alianza') {
    if (!baseUrl || !config.PLATFORM_USERNAME || !config.PLATFORM_PASSWORD) {
      throw new ConfigError([
        'PLATFORM_BASE_URL, PLATFORM_USERNAME and PLATFORM_PASSWORD: all are required with PLATFORM_KIND=alianza outside embedded mode',
      ]);
    }
    return createAlianzaPlatform({
      baseUrl,
      username: config.PLATFORM_USERNAME,
      password: config.PLATFORM_PASSWORD,
      timeoutMs,
      logger,
    });
  }
  if (!baseUrl || !config.PLATFORM_TOKEN) {
    throw new ConfigError([
      'PLATFORM_BASE_URL and PLATFORM_TOKEN: both are required outside embedded mode',
    ]);
  }
  return createSeedPlatform({ baseUrl, token: config.PLATFORM_TOKEN, timeoutMs, logger });
}
