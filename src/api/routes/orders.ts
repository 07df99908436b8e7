import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type Client,
} from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config';
import {
  isTollFree,
  numberSearchQuery,
  numberSearchResult,
  orderProgress,
  orderRequest,
  tollFreeOrderRequest,
  tollFreeSearchQuery,
  type OrderProgress,
} from '../../domain';
import type { PlatformClient } from '../../platform';
import {
  awaitOrderUpdate,
  orderProgressQuery,
  orderWorkflowId,
  type OrderNumbersInput,
} from '../../workflows/definitions';
import type { orderNumbers } from '../../workflows/order-numbers';
import type { App } from '../app';
import { ApiError, notFound } from '../errors';
import { idempotentId, keyReused, refuseOtherRequest, requestFingerprint } from '../idempotency';
import { callPlatform } from '../platform-errors';
import { idempotencyKeyHeader, partitionParams } from '../schemas';
import { callTemporal, unlessMissing } from '../temporal-errors';

export interface OrderRouteDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  taskQueue: string;
}

// No `-` in an order ID: the workflow ID `order-<partition>-<orderId>` then splits one way only.
const orderParams = partitionParams.extend({
  orderId: z.string().regex(/^order_[A-Za-z0-9_]{1,64}$/, 'must be an order ID (order_...)'),
});

/** How long a call to Temporal may take beyond any wait it asks for. */
const TEMPORAL_DEADLINE_MS = 10_000;

interface NewOrder {
  tollFree: boolean;
  accountId: string;
  telephoneNumbers: string[];
}

export function orderRoutes(
  app: App,
  { client, config, platform, taskQueue }: OrderRouteDeps,
): void {
  const handleOf = (partitionId: string, orderId: string) =>
    client.workflow.getHandle(orderWorkflowId(partitionId, orderId));

  /** Runs `call` with a deadline: with no worker to answer, the client gets a 503, not a hang. */
  const within = <T>(ms: number, call: () => Promise<T>) =>
    client.withDeadline(Date.now() + ms, call);

  async function readOrder(partitionId: string, orderId: string): Promise<OrderProgress> {
    const progress = await unlessMissing(() =>
      within(TEMPORAL_DEADLINE_MS, () => handleOf(partitionId, orderId).query(orderProgressQuery)),
    );
    if (!progress) throw notFound(`No order ${orderId}`);
    return progress;
  }

  /** Starts the order (or finds the one the key started) and waits a little for its result. */
  async function placeOrder(
    partitionId: string,
    idempotencyKey: string | undefined,
    order: NewOrder,
  ): Promise<OrderProgress> {
    const orderId = `order_${idempotentId(partitionId, idempotencyKey, 'hex')}`;
    const fingerprint = requestFingerprint(order);
    const input: OrderNumbersInput = {
      partitionId,
      orderId,
      ...order,
      requestFingerprint: fingerprint,
      receivedAt: new Date().toISOString(),
      settings: {
        batchSize: config.ORDER_BATCH_SIZE,
        concurrency: config.ORDER_BATCH_CONCURRENCY,
        batchRetryWindowMs: config.ORDER_BATCH_RETRY_WINDOW,
        webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
      },
    };
    const count = order.telephoneNumbers.length;
    try {
      const started = await callTemporal(() =>
        within(config.ORDER_RESPONSE_WAIT + TEMPORAL_DEADLINE_MS, () =>
          client.workflow.executeUpdateWithStart(awaitOrderUpdate, {
            args: [{ waitMs: config.ORDER_RESPONSE_WAIT }],
            startWorkflowOperation: new WithStartWorkflowOperation<typeof orderNumbers>(
              'orderNumbers',
              {
                workflowId: orderWorkflowId(partitionId, orderId),
                taskQueue,
                args: [input],
                workflowIdConflictPolicy: 'USE_EXISTING',
                workflowIdReusePolicy: 'REJECT_DUPLICATE',
                memo: { requestFingerprint: fingerprint },
                staticSummary: order.tollFree
                  ? `Order toll-free ${order.telephoneNumbers.join(', ')} into account ${order.accountId}`
                  : `Order ${count} number(s) into account ${order.accountId}`,
              },
            ),
          }),
        ),
      );
      app.metrics.workflowStarted('orderNumbers');
      if (started.requestFingerprint !== fingerprint) throw keyReused();
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // The key names an order that has already finished: answer with it, as a replay.
      await refuseOtherRequest(handleOf(partitionId, orderId), fingerprint);
    }
    return readOrder(partitionId, orderId);
  }

  const orderAnswers = { 200: orderProgress, 202: orderProgress };

  app.get(
    '/telephone-number/search',
    {
      schema: {
        summary: 'Search available numbers by NPA, NPA-NXX, rate center and state, or pattern',
        params: partitionParams,
        querystring: numberSearchQuery.strict(),
        response: { 200: numberSearchResult },
      },
    },
    (request) =>
      callPlatform(() => platform.searchNumbers(request.params.partitionId, request.query)),
  );

  app.get(
    '/telephone-number/search/tollfree',
    {
      schema: {
        summary: 'Search available toll-free numbers',
        params: partitionParams,
        querystring: tollFreeSearchQuery.strict(),
        response: { 200: numberSearchResult },
      },
    },
    (request) =>
      callPlatform(() => platform.searchTollFree(request.params.partitionId, request.query)),
  );

  app.post(
    '/telephone-number/order',
    {
      schema: {
        summary: 'Order numbers (up to 10,000, in platform batches of at most 100)',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: orderRequest,
        response: orderAnswers,
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const { telephoneNumbers, accountId } = request.body;
      const tollFree = telephoneNumbers.flatMap((number, index) =>
        isTollFree(number)
          ? [
              {
                in: 'body',
                field: `telephoneNumbers.${index}`,
                message: 'is toll-free: order it through /telephone-number/order/tollfree',
              },
            ]
          : [],
      );
      if (tollFree.length > 0) {
        throw new ApiError(
          400,
          'VALIDATION_FAILED',
          `Invalid body: ${tollFree.map((problem) => problem.field).join(', ')}`,
          tollFree,
        );
      }
      const progress = await placeOrder(partitionId, request.headers['idempotency-key'], {
        tollFree: false,
        accountId,
        telephoneNumbers,
      });
      return sendOrder(reply, partitionId, progress);
    },
  );

  app.post(
    '/telephone-number/order/tollfree',
    {
      schema: {
        summary: 'Order a toll-free number',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: tollFreeOrderRequest,
        response: orderAnswers,
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const progress = await placeOrder(partitionId, request.headers['idempotency-key'], {
        tollFree: true,
        accountId: request.body.accountId,
        telephoneNumbers: [request.body.telephoneNumber],
      });
      return sendOrder(reply, partitionId, progress);
    },
  );

  app.get(
    '/telephone-number/order/:orderId',
    {
      schema: {
        summary: "An order's progress and every number's outcome",
        params: orderParams,
        response: { 200: orderProgress },
      },
    },
    (request) => readOrder(request.params.partitionId, request.params.orderId),
  );
}

/** 200 with the seed's body once the order is done; 202 while it is still ordering. */
function sendOrder(
  reply: FastifyReply,
  partitionId: string,
  progress: OrderProgress,
): FastifyReply {
  return reply
    .code(progress.status === 'IN_PROGRESS' ? 202 : 200)
    .header('location', `/v2/partition/${partitionId}/telephone-number/order/${progress.orderId}`)
    .send(progress);
}
