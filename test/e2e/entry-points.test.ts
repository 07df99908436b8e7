import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/dev/net';
import { newCodecKey } from '../../src/temporal/codec';
import { compileApp, startNodeProcess } from '../helpers/compiled-app';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator';
import { testTemporalAddress, uniqueTaskQueue } from '../helpers/temporal';

describe('npm run start:api and start:worker', () => {
  let appRoot: string;
  let env: NodeJS.ProcessEnv;
  let platform: TestEmulator;

  beforeAll(async () => {
    appRoot = await compileApp();
    platform = await startTestEmulator();
    env = {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      PLATFORM_BASE_URL: platform.url,
      PLATFORM_TOKEN: platform.token,
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('entry'),
      API_PORT: String(await freePort()),
      CODEC_KEYS: JSON.stringify({ k1: newCodecKey() }),
    };
  });

  afterAll(async () => {
    await platform?.close();
    rmSync(appRoot, { recursive: true, force: true });
  });

  it.each([
    ['api', 'server.js'],
    ['worker', 'index.js'],
  ])('%s refuses to start without CODEC_KEYS, naming it', async (part, file) => {
    const { CODEC_KEYS: _unset, ...withoutKeys } = env;
    const started = startNodeProcess(join(appRoot, 'dist', part, file), withoutKeys);
    await expect(started.waitForLine(() => false)).rejects.toThrow(
      /Invalid configuration:\n {2}- CODEC_KEYS: is required: carrier PINs and account numbers are never stored in clear/,
    );
    expect(await started.stop('SIGTERM')).toBe(1);
  });

  it.each([
    ['api', 'server.js'],
    ['worker', 'index.js'],
  ])('%s refuses to start on a namespace the cluster lacks, naming it', async (part, file) => {
    const namespace = `absent-${Date.now()}`;
    const started = startNodeProcess(join(appRoot, 'dist', part, file), {
      ...env,
      TEMPORAL_NAMESPACE: namespace,
    });
    await expect(started.waitForLine(() => false)).rejects.toThrow(
      `TEMPORAL_NAMESPACE: namespace "${namespace}" does not exist on ${env.TEMPORAL_ADDRESS}`,
    );
    expect(await started.stop('SIGTERM')).toBe(1);
  });

  it('serves the API for the cluster in the environment and closes on SIGTERM', async () => {
    const api = startNodeProcess(join(appRoot, 'dist', 'api', 'server.js'), env);
    await api.waitForLine((line) => line.includes('Server listening'));
    const response = await fetch(`http://127.0.0.1:${env.API_PORT}/readyz`);
    expect(await response.json()).toEqual({ status: 'ready' });
    expect(await api.stop('SIGTERM')).toBe(0);
  });

  it('runs a worker from the built workflows and drains on SIGINT', async () => {
    const worker = startNodeProcess(join(appRoot, 'dist', 'worker', 'index.js'), env);
    await worker.waitForLine((line) => line.includes('worker polling'));
    expect(await worker.stop('SIGINT')).toBe(0);
  });
});
