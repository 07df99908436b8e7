/**
 * Item 3: history events and payload bytes of whole lifecycles, on the time-skipping server:
 * a 10-business-day port with hourly polls (and a 20-day one, to show the polls add nothing), a
 * port with 3 supplements (both also without a webhook), a release of 90 days. The worker runs the real workflows and
 * activities against the emulator, whose clock is kept on the test server's skipped time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../src/activities';
import { loadConfig } from '../src/config';
import { ensureTestServer } from '../src/dev/test-server';
import { DAY_MS, toIsoDate, type ReleaseObject } from '../src/domain';
import { fromPortMemo, receivedPort, toPortMemo, type PortMemo } from '../src/domain/port-memo';
import { groupChecks } from '../src/domain/portability';
import { createSeedPlatform } from '../src/platform';
import { dataConverterFor } from '../src/temporal/codec';
import { searchAttributeDefinitions } from '../src/temporal/search-attributes';
import {
  MEMO,
  portWorkflowId,
  releaseWorkflowId,
  supplementPortUpdate,
  type PortInInput,
  type ReleaseNumberInput,
} from '../src/workflows/definitions';
import { SERVICE_ADDRESS, businessDayAfter, freshNumbers, portRequestBody } from './api-client';
import { historySize, type HistorySize } from './histories';
import { NAMESPACE, type Stack } from './stack';

const HOUR_MS = 3_600_000;
/** The two plain ports whose histories show whether polls add events. */
export const TEN_DAYS = 'port, 10 business days';
export const TWENTY_DAYS = 'port, 20 business days';
/** A port rejected three times and supplemented each time. */
export const SUPPLEMENTS = 'port, 3 supplements';

export interface LifecycleRow {
  scenario: string;
  /** What the workflow went through: polls, supplements, days. */
  detail: string;
  outcome: string;
  histories: HistorySize[];
}

/** A webhook receiver that takes every event: the partition has webhooks, as customers would. */
async function startWebhookReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks`, server };
}

export async function measureLifecycles(stack: Stack): Promise<LifecycleRow[]> {
  const { emulator, codecKeys } = stack;
  const partitionId = 'bench-lifecycles';
  const taskQueue = 'portflow-lifecycles';
  const dataConverter = dataConverterFor(codecKeys);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: {
        type: 'existing-path',
        path: await ensureTestServer({ logger: stack.logger }),
      },
    },
    client: { dataConverter },
  });
  const webhooks = await startWebhookReceiver();
  const platform = createSeedPlatform({
    baseUrl: emulator.url,
    token: emulator.token,
    timeoutMs: 10_000,
  });
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: NAMESPACE,
      searchAttributes: searchAttributeDefinitions(),
    });
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      TEMPORAL_TASK_QUEUE: taskQueue,
      PLATFORM_BASE_URL: emulator.url,
      PLATFORM_TOKEN: emulator.token,
      CODEC_KEYS: JSON.stringify(codecKeys),
      WEBHOOKS: JSON.stringify({
        [partitionId]: { url: webhooks.url, secret: 'bench-webhook-secret-0123456789' },
      }),
    });

    // The emulator's clock stops, then follows the test server's time before every activity.
    const stopped = await emulator.control<{ now: string }>('PUT', '/clock', { msPerDay: 0 });
    let emulatorMs = Date.parse(stopped.now);
    let syncing = Promise.resolve();
    const syncClock = () => {
      syncing = syncing.then(async () => {
        const serverMs = await env.currentTimeMs();
        if (serverMs <= emulatorMs) return;
        const advanced = await emulator.control<{ now: string }>('POST', '/clock/advance', {
          hours: (serverMs - emulatorMs) / HOUR_MS,
        });
        emulatorMs = Date.parse(advanced.now);
      });
      return syncing;
    };
    let polls = 0;
    const activities = createActivities({
      config,
      platform,
      temporal: env.client,
      taskQueue,
    });
    const onServerTime = Object.fromEntries(
      Object.entries(activities).map(([name, activity]) => [
        name,
        async (...args: unknown[]) => {
          await syncClock();
          if (name === 'awaitCarrierStatus') polls += 1;
          return (activity as (...input: unknown[]) => Promise<unknown>)(...args);
        },
      ]),
    ) as Activities;

    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: NAMESPACE,
      taskQueue,
      workflowsPath: require.resolve(join(stack.dist, 'workflows')),
      activities: onServerTime,
      dataConverter,
    });
    const serverToday = async () => toIsoDate(new Date(await env.currentTimeMs()));
    const settings = { pollIntervalMs: HOUR_MS, supplementWindowMs: 30 * DAY_MS };

    /**
     * A one-number port, its FOC date `businessDays` out. With `supplements`, the carrier's
     * record holds another PIN: rejected three times, supplemented each time, the third right.
     */
    async function portLifecycle(
      scenario: string,
      options: { businessDays: number; webhooks: boolean; supplements: boolean },
    ): Promise<LifecycleRow> {
      polls = 0;
      const [telephoneNumber] = freshNumbers(1) as [string];
      if (options.supplements) {
        const record = await emulator.control<object>('GET', `/carrier-records/${telephoneNumber}`);
        await emulator.control('PUT', `/carrier-records/${telephoneNumber}`, {
          ...record,
          pin: '9999',
        });
      }
      const input: PortInInput = {
        partitionId,
        portRequestId: `pr_${scenario.replace(/[^a-z0-9]+/gi, '_')}`,
        request: portRequestBody(
          [telephoneNumber],
          businessDayAfter(await serverToday(), options.businessDays),
        ),
        requestFingerprint: scenario,
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
        settings: { ...settings, webhooks: options.webhooks },
        numbersHeld: true,
        // As the API admits a small port: its numbers checked, the checks in its input.
        checks: groupChecks([await platform.checkPortability(partitionId, telephoneNumber)]),
      };
      const workflowId = portWorkflowId(partitionId, input.portRequestId);
      const handle = await env.client.workflow.start('portIn', {
        taskQueue,
        workflowId,
        args: [input],
        memo: { [MEMO.port]: toPortMemo(receivedPort(input)) },
      });
      if (options.supplements) await supplementAfterEachRejection(workflowId);
      const port = fromPortMemo((await handle.result()) as PortMemo);
      return {
        scenario,
        detail: `${polls} hourly polls${options.supplements ? ', 3 rejections' : ''}`,
        outcome: `${port.status}, ${port.history.length} transitions`,
        histories: [await historySize(env.client, workflowId)],
      };
    }

    /** Sends a supplement after each rejection: wrong PINs twice, then the carrier's. */
    async function supplementAfterEachRejection(workflowId: string): Promise<void> {
      const handle = env.client.workflow.getHandle(workflowId);
      const pins = ['0002', '0003', '9999'];
      let sent = 0;
      // At most 100 six-hour steps (25 days) of skipped time, each rejection within 4 days.
      for (let step = 0; step < 100 && sent < pins.length; step++) {
        const { memo } = await handle.describe();
        const port = fromPortMemo(memo?.[MEMO.port] as PortMemo);
        const rejections = port.history.filter(
          (entry) => entry.phase === 'AWAITING_SUPPLEMENT' && entry.detail.startsWith('rejected'),
        ).length;
        if (rejections > sent) {
          await handle.executeUpdate(supplementPortUpdate, {
            args: [
              {
                pin: pins[sent],
                requestedDate: businessDayAfter(await serverToday(), 10),
              },
            ],
          });
          sent += 1;
          continue;
        }
        await env.sleep(6 * HOUR_MS);
      }
      if (sent < pins.length) throw new Error(`only ${sent} of ${pins.length} supplements sent`);
    }

    async function agedRelease(): Promise<LifecycleRow> {
      const accountId = 'acc_bench';
      const { telephoneNumbers } = await platform.searchNumbers(partitionId, { quantity: 1 });
      const telephoneNumber = (telephoneNumbers[0] as { telephoneNumber: string }).telephoneNumber;
      await platform.orderNumbers(
        partitionId,
        { telephoneNumbers: [telephoneNumber], accountId },
        { idempotencyKey: 'bench-release-order' },
      );
      await platform.assign(
        partitionId,
        accountId,
        { type: 'USER', userId: 'user_bench' },
        {
          telephoneNumber,
          primary: true,
          e911Address: SERVICE_ADDRESS,
        },
      );
      const input: ReleaseNumberInput = {
        partitionId,
        telephoneNumber,
        agingPeriodMs: 90 * DAY_MS,
        webhooks: true,
        receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      };
      const workflowId = releaseWorkflowId(partitionId, telephoneNumber);
      const handle = await env.client.workflow.start('releaseNumber', {
        taskQueue,
        workflowId,
        args: [input],
      });
      const release = (await handle.result()) as ReleaseObject;
      return {
        scenario: 'release, 90 days of aging',
        detail: `assignment and E911 removed, ${release.agingPeriodDays} days aged`,
        outcome: `${release.status}, ${release.history.length} transitions`,
        histories: [await historySize(env.client, workflowId)],
      };
    }

    return await worker.runUntil(async () => [
      await portLifecycle(TEN_DAYS, { businessDays: 10, webhooks: true, supplements: false }),
      await portLifecycle(TWENTY_DAYS, { businessDays: 20, webhooks: true, supplements: false }),
      await portLifecycle(SUPPLEMENTS, {
        businessDays: 10,
        webhooks: true,
        supplements: true,
      }),
      await portLifecycle('port, 10 business days, no webhook', {
        businessDays: 10,
        webhooks: false,
        supplements: false,
      }),
      await portLifecycle('port, 3 supplements, no webhook', {
        businessDays: 10,
        webhooks: false,
        supplements: true,
      }),
      await agedRelease(),
    ]);
  } finally {
    await platform.close();
    webhooks.server.close();
    await env.teardown();
    // Back to real time and an empty store for the measurements after this one.
    await emulator.control('POST', '/reset');
  }
}
