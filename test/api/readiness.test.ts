import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createSeedPlatform, type PlatformClient } from '../../src/platform';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, type TestTemporal } from '../helpers/temporal';

const config = loadConfig({});
const logger = createLogger({ level: 'silent' });

/** A platform that takes connections and never answers: readiness must not wait on it. */
async function startSilentPlatform(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('GET /readyz checks Temporal and the platform', () => {
  let temporal: TestTemporal;
  let emulator: TestEmulator;
  let platform: PlatformClient;
  let unreachableTemporal: Connection;

  beforeAll(async () => {
    [temporal, emulator] = await Promise.all([connectToTestTemporal(), startTestEmulator()]);
    platform = createSeedPlatform({
      baseUrl: emulator.url,
      token: emulator.token,
      timeoutMs: 5_000,
    });
    unreachableTemporal = Connection.lazy({ address: '127.0.0.1:1' });
  });
  afterAll(async () => {
    await unreachableTemporal?.close();
    await platform?.close();
    await emulator?.close();
    await temporal?.close();
  });

  /** /readyz of an app over these parts, and how long it took to answer. */
  async function readiness(client: Client, withPlatform: PlatformClient) {
    const app = await buildApp({ client, config, logger, platform: withPlatform });
    try {
      const startedAt = Date.now();
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      return { status: response.statusCode, body: response.json(), tookMs: Date.now() - startedAt };
    } finally {
      await app.close();
    }
  }

  const downTemporal = () => new Client({ connection: unreachableTemporal });

  it('is ready when both answer, with no token', async () => {
    const answer = await readiness(temporal.client, platform);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready' });
  });

  it.each([
    ['only Temporal', true, false, 'Temporal is unreachable'],
    ['only the platform', false, true, 'the platform is unreachable'],
    ['both', true, true, 'Temporal and the platform are unreachable'],
  ] as const)(
    'answers 503 naming what is down: %s',
    async (_case, temporalDown, platformDown, message) => {
      const answer = await readiness(
        temporalDown ? downTemporal() : temporal.client,
        platformDown ? unreachablePlatform() : platform,
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({
        error: {
          code: 'NOT_READY',
          message,
          details: {
            temporal: temporalDown ? 'unreachable' : 'up',
            platform: platformDown ? 'unreachable' : 'up',
          },
        },
      });
    },
  );

  it('gives up on a platform that never answers within its short timeout', async () => {
    const silent = await startSilentPlatform();
    // The platform's own call timeout is far longer: readiness must not wait for it.
    const silentPlatform = createSeedPlatform({
      baseUrl: silent.url,
      token: 'unused',
      timeoutMs: 60_000,
    });
    try {
      const answer = await readiness(temporal.client, silentPlatform);
      expect(answer.status).toBe(503);
      expect(answer.body.error.details).toEqual({ temporal: 'up', platform: 'unreachable' });
      expect(answer.tookMs).toBeLessThan(5_000);
    } finally {
      await silentPlatform.close();
      await silent.close();
    }
  });
});
