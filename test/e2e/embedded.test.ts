import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from '@temporalio/worker';
import { freePort } from '../../src/dev/net';
import { phaseUpdate, sleepThenComplete } from '../fixtures/workflows';
import { compileApp } from '../helpers/compiled-app';
import {
  connectToTestTemporal,
  fixtureWorkflowBundle,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

interface Banner {
  api: string;
  docs: string;
  temporalUi: string;
  temporal: string;
  platform: string;
  developmentToken: string;
}

interface Embedded {
  child: ChildProcess;
  banner: Promise<Banner>;
  /** Ctrl-C: resolves with the exit code once every part has stopped. */
  interrupt(): Promise<number | null>;
}

/** `npm start` as a user runs it: its own process, JSON log lines on stdout. */
function startEmbedded(entry: string, env: NodeJS.ProcessEnv): Embedded {
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const banner = new Promise<Banner>((resolve, reject) => {
    const found: Partial<Banner> = {};
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (!line.startsWith('{')) return;
      Object.assign(found, JSON.parse(line) as Partial<Banner>);
      if (found.api && found.developmentToken) resolve(found as Banner);
    });
    void exited.then(([code]) =>
      reject(new Error(`embedded mode exited (${code}) before it was up:\n${output.join('\n')}`)),
    );
  });
  return {
    child,
    banner,
    async interrupt() {
      child.kill('SIGINT');
      const [code] = await exited;
      return code;
    },
  };
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

describe('embedded mode (npm start)', () => {
  let appRoot: string;
  let env: NodeJS.ProcessEnv;
  let temporalPort: number;
  let running: Embedded | undefined;
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
    if (running && running.child.exitCode === null) await running.interrupt();
    rmSync(appRoot, { recursive: true, force: true });
  });

  it('serves every part, stops them all on Ctrl-C and continues workflows after a restart', async () => {
    const entry = join(appRoot, 'dist', 'dev', 'index.js');
    running = startEmbedded(entry, env);
    const first = await running.banner;

    expect((await fetch(`${first.api}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.api}/readyz`)).status).toBe(200);
    expect((await fetch(`${first.docs}/json`)).status).toBe(200);
    expect((await fetch(first.temporalUi)).status).toBe(200);
    expect((await fetch(`${first.platform}/healthz`)).status).toBe(200);

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

    expect(await running.interrupt()).toBe(0);
    expect(await isListening('127.0.0.1', temporalPort)).toBe(false);
    expect(await isListening('127.0.0.1', Number(env.API_PORT))).toBe(false);

    running = startEmbedded(entry, env);
    const second = await running.banner;
    expect(second.developmentToken).toBe(first.developmentToken);

    temporal = await connectToTestTemporal(second.temporal);
    const resumedWorker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureWorkflowBundle(),
    });
    const resumed = temporal.client.workflow.getHandle<typeof sleepThenComplete>(taskQueue);
    await expect(resumedWorker.runUntil(resumed.result())).resolves.toBe('DONE');

    expect(await running.interrupt()).toBe(0);
  });
});
