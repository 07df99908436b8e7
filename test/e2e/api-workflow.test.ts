import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { buildApp, type App } from '../../src/api/app';
import { notFound } from '../../src/api/errors';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { unreachablePlatform } from '../helpers/portflow';
import * as activities from '../fixtures/activities';
import { greet, greetingStateQuery } from '../fixtures/workflows';
import {
  connectToTestTemporal,
  fixtureWorkflowBundle,
  uniqueTaskQueue,
  type TestTemporal,
} from '../helpers/temporal';

/**
 * The path every portflow operation takes: HTTP request -> Fastify route -> Temporal client
 * -> dev server -> real worker -> state read back through a query.
 */
describe('a workflow started over HTTP', () => {
  let temporal: TestTemporal;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: App;
  let baseUrl: string;

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    const taskQueue = uniqueTaskQueue('greeting');
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await fixtureWorkflowBundle(),
      activities,
    });
    workerRun = worker.run();

    const logger = createLogger({ level: 'silent' });
    app = await buildApp({
      client: temporal.client,
      config: loadConfig({}),
      logger,
      platform: unreachablePlatform(),
    });
    app.post(
      '/greetings',
      { schema: { body: z.object({ name: z.string().min(1) }) } },
      async (request, reply) => {
        const handle = await temporal.client.workflow.start(greet, {
          taskQueue,
          workflowId: `greeting-${request.body.name}-${Date.now()}`,
          args: [request.body.name],
        });
        return reply.code(202).send({ workflowId: handle.workflowId });
      },
    );
    app.get(
      '/greetings/:workflowId',
      { schema: { params: z.object({ workflowId: z.string() }) } },
      async (request) => {
        const handle = temporal.client.workflow.getHandle(request.params.workflowId);
        try {
          return await handle.query(greetingStateQuery);
        } catch {
          throw notFound(`No greeting ${request.params.workflowId}`);
        }
      },
    );
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await workerRun;
    await temporal?.close();
  });

  it('runs on the dev server with a real worker and answers its state by query', async () => {
    const started = await fetch(`${baseUrl}/greetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };

    await expect(temporal.client.workflow.getHandle(workflowId).result()).resolves.toBe(
      'Hello, Ada!',
    );

    const state = await fetch(`${baseUrl}/greetings/${workflowId}`);
    expect(state.status).toBe(200);
    expect(await state.json()).toEqual({
      name: 'Ada',
      status: 'GREETED',
      greeting: 'Hello, Ada!',
    });
  });

  it('answers the API error shape for a workflow that does not exist', async () => {
    const response = await fetch(`${baseUrl}/greetings/no-such-workflow`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No greeting no-such-workflow', details: null },
    });
  });
});
