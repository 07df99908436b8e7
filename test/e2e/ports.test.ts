import { WorkflowHandle } from '@temporalio/client';
import { portWorkflowId } from '../../src/workflows/definitions';
import { toIsoDate } from '../../src/domain';
import { AT_AND_T_NUMBER, E911, seedPortRequest } from '../emulator/support';
import { startPortflow, type Portflow } from '../helpers/portflow';

const P = '/v2/partition/p-a';

describe('port-in over HTTP (dev server, worker, API, emulator)', () => {
  let portflow: Portflow;
  const today = toIsoDate(new Date());

  beforeAll(async () => {
    portflow = await startPortflow();
  });
  afterAll(async () => {
    await portflow?.close();
  });

  function handleOf(portRequestId: string): WorkflowHandle {
    return portflow.temporal.client.workflow.getHandle(portWorkflowId('p-a', portRequestId));
  }

  /** Moves the carrier's clock day by day until the port settles; each day the carrier is nudged. */
  async function advanceUntilDone(portRequestId: string): Promise<void> {
    const handle = handleOf(portRequestId);
    for (let day = 0; day < 20; day++) {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return;
      await portflow.emulator.control.advance({ days: 1 });
      await portflow.call('POST', `${P}/telephone-number/port/${portRequestId}/events`, {
        body: {},
      });
    }
  }

  it("runs the seed's port from check to an activated number", async () => {
    const check = await portflow.call(
      'GET',
      `${P}/telephone-number/port/check?telephoneNumber=+${AT_AND_T_NUMBER.slice(1)}`,
    );
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      telephoneNumber: AT_AND_T_NUMBER,
      portable: true,
      currentCarrier: 'AT&T',
    });

    const submitted = await portflow.call('POST', `${P}/telephone-number/port`, {
      body: {
        ...seedPortRequest([AT_AND_T_NUMBER], today),
        activation: {
          target: { type: 'USER', userId: 'user_1' },
          primary: true,
          e911Address: E911,
          callerIdName: 'ACME CORP',
        },
      },
    });
    expect(submitted.status).toBe(202);
    const { portRequestId } = submitted.body;
    expect(submitted.headers.location).toBe(`${P}/telephone-number/port/${portRequestId}`);
    expect(submitted.body).toMatchObject({
      status: 'PENDING',
      telephoneNumbers: [AT_AND_T_NUMBER],
      accountId: 'acc_123',
    });
    expect(JSON.stringify(submitted.body)).not.toMatch(/123456789|"pin"|accountNumber/);

    await advanceUntilDone(portRequestId);
    const result = await handleOf(portRequestId).result();
    expect(result).toMatchObject({
      status: 'COMPLETED',
      phase: 'DONE',
      activation: { status: 'ACTIVATED' },
    });

    const port = await portflow.call('GET', `${P}/telephone-number/port/${portRequestId}`);
    expect(port.body.status).toBe('COMPLETED');
    const history = port.body.history as { status: string }[];
    expect(history.map((h) => h.status)).toEqual(
      // IN_PROGRESS lasts one carrier day: a poll may see APPROVED, then COMPLETED.
      expect.arrayContaining(['PENDING', 'APPROVED', 'COMPLETED']),
    );
    const submissions = await portflow.emulator.control.calls({
      method: 'POST',
      path: '/v2/partition/p-a/telephone-number/port',
    });
    expect(submissions.filter((c) => (c.status ?? 500) < 300)).toHaveLength(1);
  });
});
