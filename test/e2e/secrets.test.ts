import type { WorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { toIsoDate } from '../../src/domain';
import { EncryptionCodec, fromRemotePayload, toRemotePayload } from '../../src/temporal/codec';
import { numberHoldWorkflowId } from '../../src/domain/hold';
import { fromPortMemo, type PortMemo } from '../../src/domain/port-memo';
import { MEMO, portWorkflowId } from '../../src/workflows/definitions';
import { seedPortRequest } from '../emulator/support';
import { jsonRequest } from '../helpers/emulator';
import { advanceCarrierUntil, eventually, startPortflow, type Portflow } from '../helpers/portflow';
import { ACCOUNT_NUMBER, PIN, submitPortWithSecrets } from '../helpers/secrets';

type History = temporal.api.history.v1.IHistory;

const NUMBER = '+16077984242';
const WRONG_PIN = 'WRONGPIN7Q3Z';

/** Every string and byte string a history holds, as Temporal stores it (bytes read as Latin-1). */
function storedText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(storedText).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(storedText).join('\n');
  return '';
}

describe('customer secrets in Temporal (dev server, worker, API, emulator)', () => {
  let portflow: Portflow;

  beforeAll(async () => {
    portflow = await startPortflow();
  });
  afterAll(async () => {
    await portflow?.close();
  });

  it('stores the PIN and account number only encrypted; the codec reads them back', async () => {
    const A = portflow.partitionA;
    const portRequestId = await submitPortWithSecrets(portflow, NUMBER, WRONG_PIN);
    // A rejection, a supplement with the right PIN and a resubmission: secrets at every step.
    await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'AWAITING_SUPPLEMENT');
    const now = toIsoDate(new Date(await portflow.emulator.control.now()));
    const supplemented = await portflow.call('PATCH', portflow.portsPath(A, `/${portRequestId}`), {
      body: { pin: PIN, requestedDate: seedPortRequest([NUMBER], now).requestedDate },
    });
    expect(supplemented.status).toBe(200);
    const done = await advanceCarrierUntil(portflow, A, portRequestId, (p) => p.phase === 'DONE');
    expect(done.status).toBe('COMPLETED');

    // Every run of every workflow on this test's task queue: the port and the number's hold.
    const portId = portWorkflowId(A, portRequestId);
    const expected = [portId, numberHoldWorkflowId(A, NUMBER)];
    const raw = portflow.temporal.client;
    const runs = await eventually(
      async () => {
        const found: WorkflowExecutionInfo[] = [];
        // Listing decodes each memo: the codec's client does.
        for await (const run of portflow.client.workflow.list({
          query: `TaskQueue = '${portflow.taskQueue}'`,
        }))
          found.push(run);
        return found;
      },
      (found) => expected.every((id) => found.some((run) => run.workflowId === id)),
    );
    const histories: Record<string, History> = {};
    for (const { workflowId, runId } of runs) {
      histories[`${workflowId}/${runId}`] = await raw.workflow
        .getHandle(workflowId, runId)
        .fetchHistory();
    }
    const stored = storedText(histories);
    // The reading sees payload bytes: the search attributes' numbers are stored in clear.
    expect(stored).toContain(NUMBER);
    expect(stored).toContain('binary/encrypted');
    for (const secret of [WRONG_PIN, PIN, ACCOUNT_NUMBER]) expect(stored).not.toContain(secret);

    // The same history through the codec: the input and the supplement hold the secrets.
    const codec = EncryptionCodec.fromBase64(portflow.config.CODEC_KEYS ?? {});
    const portHistory = (await raw.workflow.getHandle(portId).fetchHistory()).events ?? [];
    const decoded = async (payload: Payload | undefined) =>
      defaultPayloadConverter.fromPayload((await codec.decode([payload as Payload]))[0] as Payload);
    const startInput = portHistory[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    expect(await decoded(startInput?.[0] as Payload)).toMatchObject({
      request: { pin: WRONG_PIN, accountNumber: ACCOUNT_NUMBER },
    });
    const supplement = portHistory
      .map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input)
      .find((update) => update?.name === 'supplementPort');
    expect(await decoded(supplement?.args?.payloads?.[0] as Payload)).toMatchObject({ pin: PIN });

    // The codec's client reads the port's memo as the API does; Temporal holds it encrypted.
    const description = await portflow.handleOf(A, portRequestId).describe();
    expect(fromPortMemo(description.memo?.[MEMO.port] as PortMemo)).toMatchObject({
      portRequestId,
      status: 'COMPLETED',
      telephoneNumbers: [NUMBER],
    });
    expect(await description.staticSummary()).toBe('Port 1 number(s) into account acc_123');
    const asStored = await raw.workflowService.describeWorkflowExecution({
      namespace: raw.options.namespace,
      execution: { workflowId: portId },
    });
    const memo = asStored.workflowExecutionInfo?.memo?.fields ?? {};
    // The request's fingerprint, the port, and its webhook events.
    expect(Object.keys(memo).sort()).toEqual(
      [MEMO.port, MEMO.requestFingerprint, MEMO.webhookEvents].sort(),
    );
    const memoFields = Object.values(memo);
    for (const field of memoFields) {
      expect(Buffer.from(field.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    }

    // The codec endpoint shows an operator the request, without its secrets.
    const decode = (token: string) =>
      jsonRequest(`${portflow.apiUrl}/codec/decode`, 'POST', {
        headers: { authorization: `Bearer ${token}`, 'x-namespace': 'default' },
        body: { payloads: [toRemotePayload(startInput?.[0] as Payload)] },
      });
    expect((await decode(portflow.tokenA)).status).toBe(403);
    const answer = await decode(portflow.token);
    expect(answer.status).toBe(200);
    const shown = defaultPayloadConverter.fromPayload(
      fromRemotePayload(
        (answer.body as { payloads: [Parameters<typeof fromRemotePayload>[0]] }).payloads[0],
      ),
    );
    expect(shown).toMatchObject({
      partitionId: A,
      portRequestId,
      request: {
        telephoneNumbers: [NUMBER],
        accountId: 'acc_123',
        subscriber: { lastName: 'Doe' },
        pin: '[REDACTED]',
        accountNumber: '[REDACTED]',
      },
    });
  });
});
