import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { PlatformClient } from '../platform';
import type { App } from './app';
import { ApiError } from './errors';
import { errorResponses, withExamples } from './openapi';

export interface HealthDeps {
  client: Client;
  platform: PlatformClient;
  logger: Logger;
}

/** How long each readiness check may take: a probe must answer well within its own timeout. */
const READINESS_TIMEOUT_MS = 2_000;

type PartState = 'up' | 'unreachable';

/**
 * `/healthz`: the process answers. `/readyz`: Temporal and the platform both answer, each
 * checked at once with a short timeout; a 503 names the part that is down.
 */
export function healthRoutes(app: App, { client, platform, logger }: HealthDeps): void {
  const check = async (part: string, probe: () => Promise<unknown>): Promise<PartState> => {
    try {
      await probe();
      return 'up';
    } catch (error) {
      logger.warn({ err: error, part }, 'readiness: unreachable');
      return 'unreachable';
    }
  };

  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: withExamples(z.object({ status: z.literal('ok') }), {
            ok: { summary: 'The process answers', value: { status: 'ok' } },
          }),
        },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: withExamples(z.object({ status: z.literal('ready') }), {
            ready: { summary: 'Temporal and the platform both answer', value: { status: 'ready' } },
          }),
          ...errorResponses(503),
        },
      },
    },
    async () => {
      const [temporal, platformState] = await Promise.all([
        check('temporal', () =>
          client.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () =>
            client.connection.workflowService.getSystemInfo({}),
          ),
        ),
        check('platform', () => platform.checkReachable(READINESS_TIMEOUT_MS)),
      ]);
      const down = [
        ...(temporal === 'up' ? [] : ['Temporal']),
        ...(platformState === 'up' ? [] : ['the platform']),
      ];
      if (down.length > 0) {
        throw new ApiError(
          503,
          'NOT_READY',
          `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} unreachable`,
          { temporal, platform: platformState },
        );
      }
      return { status: 'ready' as const };
    },
  );
}
