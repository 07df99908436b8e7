import { z } from 'zod';
import { webhookEventEntry } from '../../domain/webhook-event-log';
import type { Operations } from '../../operations';
import type { App } from '../app';
import { redeliveryExamples } from '../examples';
import { withExamples } from '../openapi';
import { send } from '../outcomes';
import { idempotencyKeyHeader, partitionParams } from '../schemas';

const eventParams = partitionParams.extend({
  eventId: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be the id of a webhook event (its webhook-id)'),
});

export function webhookEventRoutes(
  app: App,
  { webhookEvents }: Pick<Operations, 'webhookEvents'>,
): void {
  app.post(
    '/webhook-events/:eventId/redeliver',
    {
      schema: {
        summary: 'Send a webhook event again: the same body and id, signed anew',
        description:
          'For an event of a port, order or release of the partition, running or long ended ' +
          '(a missed `port.status_changed` COMPLETED, say): its `id` as the `webhook-id` of every ' +
          'attempt, retried on WEBHOOK_RETRY_SCHEDULE like any delivery. Answers 202 with the event ' +
          'and its new redelivery PENDING; its attempts appear in the GET `.../events` of its port, ' +
          'order or release. `/` and `+` in an id are sent percent-encoded (`%2F`, `%2B`). The same ' +
          'Idempotency-Key for the same event answers the redelivery it started. 404 for an event ' +
          'the partition never emitted; 409 WEBHOOK_NOT_CONFIGURED when it has no webhook.',
        params: eventParams,
        headers: idempotencyKeyHeader,
        response: { 202: withExamples(webhookEventEntry, redeliveryExamples) },
      },
    },
    async (request, reply) => {
      const { partitionId, eventId } = request.params;
      const key = request.headers['idempotency-key'];
      return send(reply, await webhookEvents.redeliver(partitionId, eventId, key));
    },
  );
}
