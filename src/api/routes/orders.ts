import { z } from 'zod';
import {
  localOrderRequest,
  numberSearchQuery,
  numberSearchResult,
  orderProgress,
  tollFreeOrderRequest,
  tollFreeSearchQuery,
  type OrderProgress,
} from '../../domain';
import { webhookEventLog } from '../../domain/webhook-event-log';
import { isRefusal, type Outcome } from '../../operations/outcomes';
import type { Operations } from '../../operations';
import type { App } from '../app';
import {
  orderEventsExamples,
  orderExamples,
  orderInProgressExamples,
  orderRequestExamples,
  searchExamples,
  tollFreeOrderExamples,
  tollFreeOrderInProgressExamples,
  tollFreeOrderRequestExamples,
  tollFreeSearchExamples,
} from '../examples';
import { withExamples } from '../openapi';
import { send, valueOf } from '../outcomes';
import { idempotencyKeyHeader, partitionParams } from '../schemas';

// No `-` in an order ID: the workflow ID `order-<partition>-<orderId>` then splits one way only.
const orderParams = partitionParams.extend({
  orderId: z.string().regex(/^order_[A-Za-z0-9_]{1,64}$/, 'must be an order ID (order_...)'),
});

export function orderRoutes(app: App, { orders: order }: Pick<Operations, 'orders'>): void {
  const orderPath = (partitionId: string, orderId: string) =>
    `/v2/partition/${partitionId}/telephone-number/order/${orderId}`;

  const orderAnswers = {
    200: withExamples(orderProgress, orderExamples),
    202: withExamples(orderProgress, orderInProgressExamples),
  };

  app.get(
    '/telephone-number/search',
    {
      schema: {
        summary: 'Search available numbers by NPA, NPA-NXX, rate center and state, or pattern',
        params: partitionParams,
        querystring: numberSearchQuery,
        response: { 200: withExamples(numberSearchResult, searchExamples) },
      },
    },
    async (request) => valueOf(await order.search(request.params.partitionId, request.query)),
  );

  app.get(
    '/telephone-number/search/tollfree',
    {
      schema: {
        summary: 'Search available toll-free numbers',
        params: partitionParams,
        querystring: tollFreeSearchQuery.strict(),
        response: { 200: withExamples(numberSearchResult, tollFreeSearchExamples) },
      },
    },
    async (request) =>
      valueOf(await order.searchTollFree(request.params.partitionId, request.query)),
  );

  app.post(
    '/telephone-number/order',
    {
      schema: {
        summary: 'Order numbers (up to 10,000, in platform batches of at most 100)',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: withExamples(localOrderRequest, orderRequestExamples),
        response: orderAnswers,
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const { telephoneNumbers, accountId } = request.body;
      const outcome = await order.placeOrder(partitionId, request.headers['idempotency-key'], {
        tollFree: false,
        accountId,
        telephoneNumbers,
      });
      return send(reply, outcome, outcomeLocation(partitionId, outcome));
    },
  );

  app.post(
    '/telephone-number/order/tollfree',
    {
      schema: {
        summary: 'Order a toll-free number',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: withExamples(tollFreeOrderRequest, tollFreeOrderRequestExamples),
        response: {
          200: withExamples(orderProgress, tollFreeOrderExamples),
          202: withExamples(orderProgress, tollFreeOrderInProgressExamples),
        },
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const outcome = await order.placeOrder(partitionId, request.headers['idempotency-key'], {
        tollFree: true,
        accountId: request.body.accountId,
        telephoneNumbers: [request.body.telephoneNumber],
      });
      return send(reply, outcome, outcomeLocation(partitionId, outcome));
    },
  );

  app.get(
    '/telephone-number/order/:orderId',
    {
      schema: {
        summary: "An order's progress and every number's outcome",
        params: orderParams,
        response: { 200: withExamples(orderProgress, orderExamples) },
      },
    },
    async (request) =>
      valueOf(await order.readOrder(request.params.partitionId, request.params.orderId)),
  );

  app.get(
    '/telephone-number/order/:orderId/events',
    {
      schema: {
        summary: "An order's webhook event (order.completed), with its delivery attempts",
        description:
          'The event once the order is done (none before), with every attempt (time, HTTP status ' +
          'or error, next try), its `outcome` and every redelivery.',
        params: orderParams,
        response: {
          200: withExamples(webhookEventLog.extend({ orderId: z.string() }), orderEventsExamples),
        },
      },
    },
    async (request) =>
      valueOf(await order.events(request.params.partitionId, request.params.orderId)),
  );

  /** Where the order an outcome names can be read: the seed's order path. */
  function outcomeLocation(partitionId: string, outcome: Outcome<OrderProgress>) {
    return isRefusal(outcome) ? undefined : orderPath(partitionId, outcome.value.orderId);
  }
}
