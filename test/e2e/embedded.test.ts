import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { freePort } from '../../src/dev/net';
import { phaseUpdate, sleepThenComplete } from '../fixtures/workflows';
import { compileApp, startEmbedded, type NodeProcess } from '../helpers/compiled-app';
import {
  connectToTestTemporal,
  fixtureWorkflowBundle,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

/** The status of a GET, with the body read so the connection is free again. */
async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether nothing listens on the port within 10 s; another process's exit gives no event. */
async function becomesFree(host: string, port: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!(await isListening(host, port))) return true;
    await delay(100);
  }
  return false;
}

describe('embedded mode (npm start)', () => {
  let appRoot: string;
  let env: NodeJS.ProcessEnv;
  let temporalPort: number;
  let running: NodeProcess | undefined;
  let temporal: TestTemporal | undefined;

  beforeAll(async () => {
    appRoot = await compileApp();
    temporalPort = await freePort();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: join(appRoot, 'data'),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(await freePort()),
      API_PORT: String(await freePort()),
      EMULATOR_PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('embedded'),
    };
  });

  afterAll(async () => {
    await temporal?.close();
    await running?.stop('SIGINT');
    rmSync(appRoot, { recursive: true, force: true });
  });

  it('serves every part, stops them all on Ctrl-C, continues workflows after a restart, and leaves nothing behind when killed', async () => {
    const entry = join(appRoot, 'dist', 'dev', 'index.js');
    const started = await startEmbedded(entry, env);
    running = started.embedded;
    const first = started.banner;

    expect(await statusOf(`${first.api}/healthz`)).toBe(200);
    expect(await statusOf(`${first.api}/readyz`)).toBe(200);
    expect(await statusOf(`${first.docs}/json`)).toBe(200);
    expect(await statusOf(first.temporalUi)).toBe(200);
    // The Web UI is given the API's codec endpoint, which answers the UI origin's preflight.
    const uiSettings = (await (await fetch(`${first.temporalUi}/api/v1/settings`)).json()) as {
      Codec: { Endpoint: string };
    };
    expect(uiSettings.Codec.Endpoint).toBe(`${first.api}/codec`);
    const preflight = await fetch(`${first.api}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: first.temporalUi, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(first.temporalUi);
    expect(await statusOf(`${first.platform}/healthz`)).toBe(200);
    // The API's /metrics serve the in-process worker's too (the SDK's exporter on a loopback port).
    const metrics = await (await fetch(`${first.api}/metrics`)).text();
    expect(metrics).toMatch(/^portflow_http_requests_total\{/m);
    expect(metrics).toMatch(/^temporal_worker_task_slots_available\{/m);

    // A test-only workflow on its own task queue stands in for a port in flight.
    temporal = await connectToTestTemporal(first.temporal);
    const taskQueue = uniqueTaskQueue('durable');
    const handle = await temporal.client.workflow.start(sleepThenComplete, {
      taskQueue,
      workflowId: taskQueue,
      args: [2_000],
    });
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureWorkflowBundle(),
    });
    // The update is answered once the timer is armed and recorded by the server.
    await expect(worker.runUntil(handle.executeUpdate(phaseUpdate))).resolves.toBe('SLEEPING');
    await temporal.close();
    temporal = undefined;

    expect(await running.stop('SIGINT')).toBe(0);
    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
    expect(await isListening('127.0.0.1', Number(env.API_PORT))).toBe(false);

    const restarted = await startEmbedded(entry, env);
    running = restarted.embedded;
    const second = restarted.banner;
    expect(second.developmentToken).toBe(first.developmentToken);

    temporal = await connectToTestTemporal(second.temporal);
    const resumedWorker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureWorkflowBundle(),
    });
    const resumed = temporal.client.workflow.getHandle<typeof sleepThenComplete>(taskQueue);
    await expect(resumedWorker.runUntil(resumed.result())).resolves.toBe('DONE');
    await temporal.close();
    temporal = undefined;

    // Killed outright, it cannot stop its parts: their guards must, with nothing left behind.
    expect(await running.stop('SIGKILL')).toBeNull();
    await expect(becomesFree('127.0.0.1', temporalPort)).resolves.toBe(true);
  });
});
