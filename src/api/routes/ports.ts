import { z } from 'zod';
import {
  focDatesAnswer,
  focDatesQuery,
  isIsoDate,
  isoDate,
  portComment,
  portCommentRequest,
  portComments,
  portObject,
  portRequest,
  portStatus,
  portSupplement,
  portabilityCheck,
  requestedDateProblem,
  telephoneNumber,
  telephoneNumberInQuery,
  toIsoDate,
} from '../../domain';
import { webhookEventLog } from '../../domain/webhook-event-log';
import type { portOperations } from '../../operations/ports';
import type { App } from '../app';
import { sendCsv, wantsCsv, type CsvColumn } from '../csv';
import {
  activatedPortExamples,
  cancelledPortExamples,
  numberRemovedPortExamples,
  portCommentExamples,
  portCommentRequestExamples,
  portCommentsExamples,
  carrierEventAcceptedExamples,
  carrierEventExamples,
  focDatesExamples,
  portAcceptedExamples,
  portEventsExamples,
  portExamples,
  portListExamples,
  portRequestExamples,
  portSupplementExamples,
  portabilityExamples,
  supplementedPortExamples,
} from '../examples';
import { withExamples } from '../openapi';
import { send, valueOf } from '../outcomes';
import { idempotencyKeyHeader, partitionParams } from '../schemas';

const portParams = partitionParams.extend({
  portRequestId: z.string().regex(/^pr_[A-Za-z0-9_-]{1,64}$/, 'must be a port request ID (pr_...)'),
});

const portNumberParams = portParams.extend({ telephoneNumber });

const listQuery = z.object({
  status: portStatus.optional(),
  accountId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be an account ID')
    .optional(),
  telephoneNumber: telephoneNumberInQuery.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
  nextPageToken: z.string().max(4096).optional(),
});

const portSummary = z.object({
  portRequestId: z.string(),
  status: portStatus,
  telephoneNumbers: z.array(z.string()),
  accountId: z.string().optional(),
  currentProvider: z.string().optional(),
  requestedDate: isoDate.optional(),
  createdDate: z.string(),
});

const PORT_CSV_COLUMNS: CsvColumn<z.output<typeof portSummary>>[] = [
  { header: 'portRequestId', value: (port) => port.portRequestId },
  { header: 'status', value: (port) => port.status },
  { header: 'telephoneNumbers', value: (port) => port.telephoneNumbers.join(' ') },
  { header: 'accountId', value: (port) => port.accountId },
  { header: 'currentProvider', value: (port) => port.currentProvider },
  { header: 'requestedDate', value: (port) => port.requestedDate },
  { header: 'createdDate', value: (port) => port.createdDate },
];

/** A requested port date the seed accepts today: at least 7 days ahead and a business day. */
const requestedPortDate = isoDate.superRefine((date, ctx) => {
  const problem = isIsoDate(date) ? requestedDateProblem(date, toIsoDate(new Date())) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// The date rule sits in the schema, so a 400 names it beside every other bad field.
const portRequestBody = portRequest.extend({ requestedDate: requestedPortDate });
const portSupplementBody = portSupplement
  .safeExtend({ requestedDate: requestedPortDate.optional() })
  .meta({ minProperties: 1 });

const portEventLog = webhookEventLog.extend({ portRequestId: z.string() });

const carrierEvent = z.object({
  upstreamPortRequestId: z.string().min(1).max(100).optional(),
  status: z.string().min(1).max(40).optional(),
  detail: z.string().max(500).optional(),
});

export function portRoutes(app: App, ports: ReturnType<typeof portOperations>): void {
  app.get(
    '/telephone-number/port/check',
    {
      schema: {
        summary: 'Check whether a number can be ported in',
        params: partitionParams,
        querystring: z.object({ telephoneNumber: telephoneNumberInQuery }),
        response: { 200: withExamples(portabilityCheck, portabilityExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.check(request.params.partitionId, request.query.telephoneNumber)),
  );

  app.get(
    '/telephone-number/port/foc-dates',
    {
      schema: {
        summary:
          "The FOC dates each number's losing carrier accepts (earliest and every allowed one)",
        description:
          'An extension of the platform: 501 FEATURE_UNAVAILABLE against a platform without it. ' +
          '`telephoneNumber` repeated for several numbers (at most 100).',
        params: partitionParams,
        querystring: focDatesQuery,
        response: { 200: withExamples(focDatesAnswer, focDatesExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.focDates(request.params.partitionId, request.query.telephoneNumber)),
  );

  app.post(
    '/telephone-number/port',
    {
      schema: {
        summary: 'Submit a port-in request',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: withExamples(portRequestBody, portRequestExamples),
        response: { 202: withExamples(portObject, portAcceptedExamples) },
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const key = request.headers['idempotency-key'];
      const outcome = await ports.submit(partitionId, key, request.body);
      const id = outcome.outcome === 'accepted' ? outcome.value.portRequestId : '';
      return send(reply, outcome, `${request.url}/${id}`);
    },
  );

  app.get(
    '/telephone-number/port',
    {
      schema: {
        summary: 'List port requests',
        description:
          'With `Accept: text/csv`: every port the filters match, every page from `nextPageToken` on, as CSV streamed one line per port (numbers separated by spaces).',
        params: partitionParams,
        querystring: listQuery,
        response: {
          200: withExamples(
            z.object({ ports: z.array(portSummary), nextPageToken: z.string().optional() }),
            portListExamples,
          ),
        },
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      if (!wantsCsv(request)) return valueOf(await ports.list(partitionId, request.query));
      const every = valueOf(await ports.listEvery(partitionId, request.query));
      return sendCsv(reply, `ports-${partitionId}.csv`, PORT_CSV_COLUMNS, every);
    },
  );

  app.get(
    '/telephone-number/port/:portRequestId',
    {
      schema: {
        summary: 'A port request',
        params: portParams,
        response: { 200: withExamples(portObject, portExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.read(request.params.partitionId, request.params.portRequestId)),
  );

  app.delete(
    '/telephone-number/port/:portRequestId',
    {
      schema: {
        summary: 'Cancel a port request (only before the carrier approves it)',
        params: portParams,
        headers: idempotencyKeyHeader,
        response: { 200: withExamples(portObject, cancelledPortExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.cancel(request.params.partitionId, request.params.portRequestId)),
  );

  app.patch(
    '/telephone-number/port/:portRequestId',
    {
      schema: {
        summary: 'Supplement a pending or rejected port request and resubmit it',
        params: portParams,
        body: withExamples(portSupplementBody, portSupplementExamples),
        response: { 200: withExamples(portObject, supplementedPortExamples) },
      },
    },
    async (request) => {
      const { partitionId, portRequestId } = request.params;
      return valueOf(await ports.supplement(partitionId, portRequestId, request.body));
    },
  );

  app.delete(
    '/telephone-number/port/:portRequestId/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: 'Take one number out of an open port (only before its carrier approves it)',
        description:
          "The number is withdrawn from its losing carrier's request (resubmitted without it) and " +
          'freed for another operation; the rest of the port goes on. The answer is the port: the ' +
          'number has left `telephoneNumbers` and stays in `numbers` with status `REMOVED`. ' +
          '404 for a number the port never had (removing a removed one again answers 200); ' +
          '409 `NUMBER_ALREADY_APPROVED` once its carrier approved it, `LAST_NUMBER_IN_PORT` for ' +
          'the last number the port ports (cancel the port instead), `PORT_NOT_OPEN` once the ' +
          'port has ended or is being cancelled.',
        params: portNumberParams,
        headers: idempotencyKeyHeader,
        response: { 200: withExamples(portObject, numberRemovedPortExamples) },
      },
    },
    async (request) => {
      const { partitionId, portRequestId, telephoneNumber: number } = request.params;
      return valueOf(await ports.removeNumber(partitionId, portRequestId, number));
    },
  );

  app.post(
    '/telephone-number/port/:portRequestId/activate',
    {
      schema: {
        summary:
          "Activate an ON_DEMAND port on its FOC date, inside the carrier's activation window",
        description:
          'Only in phase AWAITING_ACTIVATION (else 409 PORT_NOT_AWAITING_ACTIVATION); before the ' +
          'window opens, 409 ACTIVATION_WINDOW_NOT_OPEN naming when it opens. Answers once the ' +
          'carrier has activated the numbers.',
        params: portParams,
        response: { 200: withExamples(portObject, activatedPortExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.activate(request.params.partitionId, request.params.portRequestId)),
  );

  app.post(
    '/telephone-number/port/:portRequestId/events',
    {
      schema: {
        summary: "A carrier's event about a port: portflow looks at the carrier now",
        params: portParams,
        body: withExamples(carrierEvent, carrierEventExamples),
        response: {
          202: withExamples(z.object({ accepted: z.literal(true) }), carrierEventAcceptedExamples),
        },
      },
    },
    async (request, reply) => {
      const { partitionId, portRequestId } = request.params;
      return send(reply, await ports.carrierEvent(partitionId, portRequestId, request.body));
    },
  );

  app.get(
    '/telephone-number/port/:portRequestId/events',
    {
      schema: {
        summary: 'Every webhook event portflow emitted for a port, with its delivery attempts',
        description:
          'Oldest first, each with its stable `id` (the `webhook-id` of every attempt), `type`, ' +
          '`occurredAt`, `data` and `outcome`: every attempt (time, HTTP status or error, next try) ' +
          'and every redelivery. Read with no worker while the port holds at most 20 events with ' +
          'small data; otherwise asked of the port workflow, and when no worker answers in time, ' +
          'the newest 20 come with `complete: false`. (POST on this path is a carrier event.)',
        params: portParams,
        response: { 200: withExamples(portEventLog, portEventsExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.events(request.params.partitionId, request.params.portRequestId)),
  );

  app.post(
    '/telephone-number/port/:portRequestId/comments',
    {
      schema: {
        summary: 'Comment on a port request',
        description:
          'By the partition of the token and the name given; `port.comment_added` goes to the ' +
          "partition's webhook. 409 PORT_CLOSED once the port has ended, COMMENT_LIMIT_REACHED " +
          'past 200 comments; the same Idempotency-Key answers the comment it made.',
        params: portParams,
        headers: idempotencyKeyHeader,
        body: withExamples(portCommentRequest, portCommentRequestExamples),
        response: { 201: withExamples(portComment, portCommentExamples) },
      },
    },
    async (request, reply) => {
      const { partitionId, portRequestId } = request.params;
      const key = request.headers['idempotency-key'];
      const comment = valueOf(
        await ports.addComment(partitionId, portRequestId, key, request.body),
      );
      void reply.code(201);
      return comment;
    },
  );

  app.get(
    '/telephone-number/port/:portRequestId/comments',
    {
      schema: {
        summary: "A port request's comments, the customer's and the losing carrier's, oldest first",
        description:
          'Up to 10 comments are read with no worker running; a longer thread asks the port ' +
          'workflow, and when no worker answers in time, the newest 10 come with `complete: false`.',
        params: portParams,
        response: { 200: withExamples(portComments, portCommentsExamples) },
      },
    },
    async (request) =>
      valueOf(await ports.comments(request.params.partitionId, request.params.portRequestId)),
  );
}
