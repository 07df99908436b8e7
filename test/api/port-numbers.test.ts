/**
 * DELETE .../port/{portRequestId}/telephone-number/{telephoneNumber} through the API and its
 * operation, on the run's dev server with no worker: what the route answers from the port's memo
 * alone (bad input, no such port or number, a removal already made) and how it is documented.
 */
import { buildApp, type App } from '../../src/api/app';
import { loadConfig } from '../../src/config';
import type { PortInInput } from '../../src/workflows/definitions';
import { MEMO, portWorkflowId } from '../../src/workflows/definitions';
import { createLogger } from '../../src/logger';
import { receivedPort, toPortMemo } from '../../src/domain/port-memo';
import { portRequest, type PortObject } from '../../src/domain';
import { seedPortRequest } from '../emulator/support';
import { unreachablePlatform } from '../helpers/portflow';
import { connectToTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const TOKEN = 'tok-port-numbers';
const PARTITION = `pn-${Date.now().toString(36)}`;
const [KEPT, REMOVED, NEVER] = ['+16077987301', '+16077987302', '+16077987399'];

describe('removing a number from a port, through the API', () => {
  let temporal: TestTemporal;
  let app: App;
  let portRequestId: string;
  const removal = (telephoneNumber: string, id = portRequestId) =>
    app.inject({
      method: 'DELETE',
      url: `/v2/partition/${PARTITION}/telephone-number/port/${id}/telephone-number/${encodeURIComponent(telephoneNumber)}`,
      headers: { 'x-auth-token': TOKEN },
    });

  beforeAll(async () => {
    temporal = await connectToTestTemporal();
    const config = loadConfig({ API_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }) });
    app = await buildApp({
      client: temporal.client,
      config,
      logger: createLogger({ level: 'silent' }),
      platform: unreachablePlatform(),
    });
    // A port as its workflow publishes it once REMOVED was taken out; no worker runs it.
    portRequestId = `pr_api${Date.now().toString(36)}`;
    const input: PortInInput = {
      partitionId: PARTITION,
      portRequestId,
      request: portRequest.parse(seedPortRequest([KEPT, REMOVED], '2026-12-01')),
      requestFingerprint: 'fingerprint',
      receivedAt: new Date().toISOString(),
      settings: { pollIntervalMs: 3_600_000, supplementWindowMs: 86_400_000, webhooks: false },
      numbersHeld: true,
    };
    const port = receivedPort(input);
    const removedOutcome = { telephoneNumber: REMOVED, status: 'REMOVED' as const };
    const published: PortObject = {
      ...port,
      telephoneNumbers: [KEPT],
      numbers: [{ telephoneNumber: KEPT, status: 'PENDING' }, removedOutcome],
    };
    await temporal.client.workflow.start('portIn', {
      workflowId: portWorkflowId(PARTITION, portRequestId),
      taskQueue: uniqueTaskQueue('no-worker'),
      args: [input],
      memo: { [MEMO.port]: toPortMemo(published) },
    });
  });

  afterAll(async () => {
    await temporal?.client.workflow.getHandle(portWorkflowId(PARTITION, portRequestId)).terminate();
    await app?.close();
    await temporal?.close();
  });

  it('is a 400 naming the field for a number or port ID that is not one', async () => {
    const badNumber = await removal('+16071234567');
    expect(badNumber.statusCode).toBe(400);
    expect(badNumber.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ in: 'params', field: 'telephoneNumber' })],
    });
    const badPort = await removal(KEPT, 'not-a-port');
    expect(badPort.statusCode).toBe(400);
    expect(badPort.json().error.details).toEqual([
      expect.objectContaining({ in: 'params', field: 'portRequestId' }),
    ]);
  });

  it('is a 404 for a port that does not exist, and for a number the port never had', async () => {
    const noPort = await removal(KEPT, 'pr_nosuchport');
    expect(noPort.statusCode).toBe(404);
    const notInPort = await removal(NEVER);
    expect(notInPort.statusCode).toBe(404);
    expect(notInPort.json().error).toMatchObject({ code: 'NOT_FOUND' });
    expect(notInPort.json().error.message).toContain(NEVER);
  });

  it('answers a removal already made with the port as it stands, with no worker', async () => {
    const again = await removal(REMOVED);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      portRequestId,
      telephoneNumbers: [KEPT],
      numbers: [
        { telephoneNumber: KEPT, status: 'PENDING' },
        { telephoneNumber: REMOVED, status: 'REMOVED' },
      ],
    });
  });

  it('documents the route with every status it answers, each error with the error body', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation =
      document.paths[
        '/v2/partition/{partitionId}/telephone-number/port/{portRequestId}/telephone-number/{telephoneNumber}'
      ]?.delete;
    expect(operation).toBeDefined();
    for (const status of ['200', '400', '401', '403', '404', '409', '429', '503']) {
      expect(operation.responses).toHaveProperty(status);
    }
    const conflict = operation.responses['409'].content['application/json'].schema;
    expect(conflict.properties.error.required).toEqual(['code', 'message', 'details']);
    expect(operation.description).toMatch(
      /NUMBER_ALREADY_APPROVED.*LAST_NUMBER_IN_PORT.*PORT_NOT_OPEN/s,
    );
    expect(operation.parameters).toContainEqual(
      expect.objectContaining({ in: 'path', name: 'telephoneNumber', required: true }),
    );
  });
});
