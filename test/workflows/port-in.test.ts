import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { PlatformPort, PortRequest } from '../../src/domain';
import { portIn } from '../../src/workflows';
import { portWorkflowId, type PortInInput } from '../../src/workflows/definitions';
import { portflowWorkflowBundle } from '../helpers/portflow';
import { createTimeSkippingEnvironment, uniqueTaskQueue } from '../helpers/temporal';

const HOUR_MS = 3_600_000;
const NUMBER = '+16077981234';

const request: PortRequest = {
  telephoneNumbers: [NUMBER],
  accountId: 'acc_123',
  subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
  serviceAddress: { street: '135 Front St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
  billingTelephoneNumber: NUMBER,
  accountNumber: '123456789',
  pin: '1234',
  requestedDate: '2026-12-14',
};

/** A carrier that answers `statuses` in turn, one poll each after `pollsPerStep` polls. */
function fakeActivities(schedule: { status: string; afterPolls: number }[]) {
  let polls = 0;
  const submissions: string[] = [];
  const port = (status: string): PlatformPort => ({
    portRequestId: 'port_up_1',
    status,
    telephoneNumbers: [NUMBER],
    submittedDate: '2026-11-30T10:00:00Z',
    requestedDate: '2026-12-14',
    estimatedCompletionDate: '2026-12-15',
  });
  const activities: Partial<Activities> = {
    claimNumbers: () => Promise.resolve({ granted: true }),
    releaseNumberClaims: () => Promise.resolve(),
    checkPortability: ({ telephoneNumbers }) =>
      Promise.resolve(
        telephoneNumbers.map((telephoneNumber) => ({
          telephoneNumber,
          portable: true,
          currentCarrier: 'AT&T',
          lineType: 'BUSINESS',
          estimatedDays: 7,
        })),
      ),
    submitPort: ({ idempotencyKey }) => {
      submissions.push(idempotencyKey);
      return Promise.resolve(port('PENDING'));
    },
    awaitCarrierStatus: ({ knownStatus }) => {
      polls += 1;
      const due = [...schedule].reverse().find((step) => polls >= step.afterPolls);
      const status = due?.status ?? 'PENDING';
      if (status === knownStatus) {
        throw ApplicationFailure.create({
          type: 'CarrierStatusUnchanged',
          message: 'unchanged',
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      return Promise.resolve(port(status));
    },
    deliverWebhook: () => Promise.resolve(),
    activateNumbers: () => Promise.resolve(),
  };
  return { activities, submissions, polls: () => polls };
}

describe('portIn on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('follows a 10-business-day port with hourly polls in seconds, in under 100 events', async () => {
    const taskQueue = uniqueTaskQueue('port');
    // Two business days to approval, the FOC date ten business days out, done a day later.
    const fake = fakeActivities([
      { status: 'APPROVED', afterPolls: 48 },
      { status: 'IN_PROGRESS', afterPolls: 14 * 24 },
      { status: 'COMPLETED', afterPolls: 15 * 24 },
    ]);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await portflowWorkflowBundle(),
      activities: fake.activities,
    });
    const input: PortInInput = {
      partitionId: 'p1',
      portRequestId: 'pr_ten_days',
      request,
      requestFingerprint: 'f',
      receivedAt: '2026-11-30T10:00:00Z',
      settings: { pollIntervalMs: HOUR_MS, supplementWindowMs: 30 * 24 * HOUR_MS, webhooks: true },
    };
    const workflowId = portWorkflowId('p1', 'pr_ten_days');
    const result = await worker.runUntil(
      env.client.workflow.execute(portIn, { taskQueue, workflowId, args: [input] }),
    );
    expect(result).toMatchObject({ status: 'COMPLETED', phase: 'DONE' });
    expect(fake.polls()).toBeGreaterThanOrEqual(15 * 24);
    expect(fake.submissions).toHaveLength(1);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.length).toBeLessThan(100);
    const child = await env.client.workflow.getHandle(`${workflowId}-carrier-1`).fetchHistory();
    expect(child.events?.length).toBeLessThan(100);
  });
});
