import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type {
  NumberSearchQuery,
  NumberSearchResult,
  OrderProgress,
  TollFreeSearchQuery,
} from '../domain';
import type { PlatformClient, SearchQuery } from '../platform';
import { fromOrderMemo, startingOrder, toOrderMemo, type OrderMemo } from '../domain/order-memo';
import { OrderStatusKey } from '../temporal/search-attribute-keys';
import {
  MEMO,
  awaitOrderUpdate,
  orderWorkflowId,
  type OrderNumbersInput,
} from '../workflows/definitions';
import type { orderNumbers } from '../workflows/order-numbers';
import type { WebhookEventLog } from '../domain/webhook-event-log';
import { idempotentId, memoOf, requestFingerprint, startOnce } from './idempotency';
import type { WebhookEventOperations } from './webhook-events';
import { accepted, done, notFound, type Outcome } from './outcomes';
import { callUpdate } from './temporal-calls';

/** How long past ORDER_RESPONSE_WAIT a worker may take to say whether the order is done. */
const WORKER_ANSWER_MS = 2_000;

export interface OrderDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  taskQueue: string;
  events: WebhookEventOperations;
  /** Told of each order workflow started. */
  onStarted?: () => void;
}

export interface NewOrder {
  tollFree: boolean;
  accountId: string;
  telephoneNumbers: string[];
}

/** The order a workflow's memo holds, or undefined when it holds none. */
function orderOf(memo: Record<string, unknown> | undefined): OrderProgress | undefined {
  const order = memo?.[MEMO.order] as OrderMemo | undefined;
  const numbers = memo?.[MEMO.orderNumbers] as string[] | undefined;
  return order && numbers && fromOrderMemo(order, numbers);
}

/** 200 once the order is done; 202 while it is still ordering. */
const answer = (order: OrderProgress): Outcome<OrderProgress> =>
  order.status === 'IN_PROGRESS' ? accepted(order) : done(order);

/** Ordering numbers and reading an order: `order-<partition>-<orderId>`. */
export function orders({ client, config, platform, taskQueue, events, onStarted }: OrderDeps) {
  async function orderAt(partitionId: string, orderId: string) {
    return orderOf(await memoOf(client, orderWorkflowId(partitionId, orderId)));
  }

  /**
   * Waits up to ORDER_RESPONSE_WAIT for the order to end. An order no worker has answered for
   * by then (none runs, or all are busy) is not done yet: its memo answers, 202.
   */
  async function awaitOrder(workflowId: string): Promise<void> {
    const waitMs = config.ORDER_RESPONSE_WAIT;
    await callUpdate(
      client,
      () =>
        client.workflow
          .getHandle(workflowId)
          .executeUpdate(awaitOrderUpdate, { args: [{ waitMs }] })
          .catch((error: unknown) => {
            if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw error;
          }),
      waitMs + WORKER_ANSWER_MS,
    );
  }

  return {
    async search(
      partitionId: string,
      query: SearchQuery<NumberSearchQuery>,
    ): Promise<Outcome<NumberSearchResult>> {
      return done(await platform.searchNumbers(partitionId, query));
    },

    async searchTollFree(
      partitionId: string,
      query: SearchQuery<TollFreeSearchQuery>,
    ): Promise<Outcome<NumberSearchResult>> {
      return done(await platform.searchTollFree(partitionId, query));
    },

    /**
     * Starts the order the Idempotency-Key names (or finds the one the same request started)
     * and waits a little for it: 200 when it is done by then, 202 with its progress when not.
     */
    async placeOrder(
      partitionId: string,
      idempotencyKey: string | undefined,
      order: NewOrder,
    ): Promise<Outcome<OrderProgress>> {
      const orderId = `order_${idempotentId(partitionId, idempotencyKey, 'hex')}`;
      const workflowId = orderWorkflowId(partitionId, orderId);
      const fingerprint = requestFingerprint(order);
      const receivedAt = new Date().toISOString();
      const input: OrderNumbersInput = {
        partitionId,
        orderId,
        ...order,
        requestFingerprint: fingerprint,
        receivedAt,
        settings: {
          batchSize: config.ORDER_BATCH_SIZE,
          concurrency: config.ORDER_BATCH_CONCURRENCY,
          batchRetryWindowMs: config.ORDER_BATCH_RETRY_WINDOW,
          webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
          webhookRetryWaitsMs: config.WEBHOOK_RETRY_SCHEDULE,
        },
      };
      const begun = startingOrder(
        { orderId, accountId: order.accountId, createdDate: receivedAt },
        order.telephoneNumbers,
      );
      const start = await startOnce(client, workflowId, fingerprint, () =>
        client.workflow.start<typeof orderNumbers>('orderNumbers', {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: {
            [MEMO.requestFingerprint]: fingerprint,
            [MEMO.orderNumbers]: order.telephoneNumbers,
            [MEMO.order]: toOrderMemo(begun),
          },
          typedSearchAttributes: [{ key: OrderStatusKey, value: begun.status }],
          staticSummary: order.tollFree
            ? `Order toll-free ${order.telephoneNumbers.join(', ')} into account ${order.accountId}`
            : `Order ${order.telephoneNumbers.length} number(s) into account ${order.accountId}`,
        }),
      );
      if ('keyReused' in start) return { outcome: 'keyReused' };
      if (start.started) onStarted?.();
      // A replay of an order already done answers it as it ended.
      const earlier = start.started ? undefined : orderOf(start.memo);
      if (earlier && earlier.status !== 'IN_PROGRESS') return done(earlier);
      await awaitOrder(workflowId);
      return answer((await orderAt(partitionId, orderId)) ?? begun);
    },

    async readOrder(partitionId: string, orderId: string): Promise<Outcome<OrderProgress>> {
      const order = await orderAt(partitionId, orderId);
      return order ? done(order) : notFound(`No order ${orderId}`);
    },

    /** The order's webhook event (`order.completed`, once it is done), with its attempts and redeliveries. */
    events(
      partitionId: string,
      orderId: string,
    ): Promise<Outcome<WebhookEventLog & { orderId: string }>> {
      return events.logOf(
        orderWorkflowId(partitionId, orderId),
        { orderId },
        (run) => orderOf(run.memo) !== undefined,
        `No order ${orderId}`,
      );
    },
  };
}

export type Orders = ReturnType<typeof orders>;
