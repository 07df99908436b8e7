import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import {
  accountId,
  accountNumberEntry,
  accountNumberList,
  assignmentResult,
  activationWindow,
  errorBody,
  carrierComments,
  focDatesAnswer,
  focDatesQuery,
  isoDate,
  lineAssignmentBody,
  numberDetails,
  numberSearchQuery,
  numberSearchResult,
  numberUpdate,
  orderRequest,
  orderResult,
  platformPort,
  platformPortSubmission,
  portabilityCheck,
  serviceAssignmentBody,
  telephoneNumber,
  telephoneNumberInQuery,
  tollFreeOrderRequest,
  tollFreeSearchQuery,
  type AssignmentType,
} from '../domain';
import type { EmulatorApp } from './app';
import { validationFailed } from './errors';
import type { AssignmentTarget } from './numbers';
import type { EmulatedPlatform } from './platform';

/** A platform order takes at most this many numbers; larger orders go in batches. */
export const PLATFORM_ORDER_MAX_NUMBERS = 100;

const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

const partitionParams = z.object({ partitionId: z.string().trim().min(1).max(64) });
const numberParams = partitionParams.extend({ telephoneNumber });
const orderParams = partitionParams.extend({ orderId: z.string().min(1).max(64) });
const portParams = partitionParams.extend({ portRequestId: z.string().min(1).max(64) });
const accountParams = partitionParams.extend({ accountId });
const targetId = z.string().trim().min(1).max(64);

const platformOrder = orderRequest.refine(
  (order) => order.telephoneNumbers.length <= PLATFORM_ORDER_MAX_NUMBERS,
  {
    message: `a platform order takes at most ${PLATFORM_ORDER_MAX_NUMBERS} numbers`,
    path: ['telephoneNumbers'],
  },
);

const released = z.object({ telephoneNumber, status: z.literal('RELEASED') });

/** Only 2xx answers are declared per route; every refusal has the error body. */
const answers = <S extends z.ZodType>(status: 200 | 201, schema: S) =>
  ({ [status]: schema, '4xx': errorBody, '5xx': errorBody }) as Record<200 | 201, S> & {
    '4xx': typeof errorBody;
    '5xx': typeof errorBody;
  };

/** What `once` needs of a request, whatever its route's schema. */
type SeedRequest = Pick<FastifyRequest, 'method' | 'url' | 'routeOptions' | 'params' | 'body'> & {
  headers: IncomingHttpHeaders;
};

/** A seed assignment target: its path, its ids, its body and how the listing names it. */
interface Target<P extends z.ZodObject> {
  path: string;
  params: P;
  body: typeof lineAssignmentBody | typeof serviceAssignmentBody;
  type: AssignmentType;
  assignedTo: (params: z.output<P>) => string;
}

/** The seed's endpoints under `/v2/partition/:partitionId`. */
export function seedRoutes(app: EmulatorApp, platform: EmulatedPlatform): void {
  const { inventory, numbers, carriers, ports, clock, focCalendar, activationWindows } = platform;

  /** Answers a POST or DELETE through its Idempotency-Key: the effect once, the answer every time. */
  function once(
    request: SeedRequest,
    reply: FastifyReply,
    effect: () => unknown,
    status: 200 | 201 = 200,
  ): void {
    const key = request.headers['idempotency-key'];
    if (
      Array.isArray(key) ||
      (key !== undefined && (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH))
    ) {
      throw validationFailed([
        {
          in: 'headers',
          path: 'idempotency-key',
          message: `must be one value of 1-${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
        },
      ]);
    }
    const call = {
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      params: request.params,
      body: request.body,
    };
    const { partitionId } = partitionParams.parse(request.params);
    const answer = platform.idempotency.run(partitionId, key, call, () => ({
      status,
      body: effect(),
    }));
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    void reply.code(answer.status).send(answer.body);
  }

  app.get(
    '/telephone-number/search',
    {
      schema: {
        params: partitionParams,
        querystring: numberSearchQuery,
        response: answers(200, numberSearchResult),
      },
    },
    (request) => ({
      telephoneNumbers: inventory.searchLocal(request.params.partitionId, request.query),
    }),
  );

  app.get(
    '/telephone-number/search/tollfree',
    {
      schema: {
        params: partitionParams,
        querystring: tollFreeSearchQuery,
        response: answers(200, numberSearchResult),
      },
    },
    (request) => ({
      telephoneNumbers: inventory.searchTollFree(request.params.partitionId, request.query),
    }),
  );

  app.post(
    '/telephone-number/order',
    {
      schema: { params: partitionParams, body: platformOrder, response: answers(200, orderResult) },
    },
    (request, reply) => {
      once(request, reply, () =>
        numbers.order(
          request.params.partitionId,
          request.body.accountId,
          request.body.telephoneNumbers,
          false,
          clock.now(),
        ),
      );
    },
  );

  app.post(
    '/telephone-number/order/tollfree',
    {
      schema: {
        params: partitionParams,
        body: tollFreeOrderRequest,
        response: answers(200, orderResult),
      },
    },
    (request, reply) => {
      once(request, reply, () =>
        numbers.order(
          request.params.partitionId,
          request.body.accountId,
          [request.body.telephoneNumber],
          true,
          clock.now(),
        ),
      );
    },
  );

  app.get(
    '/telephone-number/order/:orderId',
    { schema: { params: orderParams, response: answers(200, orderResult) } },
    (request) => numbers.getOrder(request.params.partitionId, request.params.orderId),
  );

  app.get(
    '/telephone-number/port/check',
    {
      schema: {
        params: partitionParams,
        querystring: z.object({ telephoneNumber: telephoneNumberInQuery }),
        response: answers(200, portabilityCheck),
      },
    },
    (request) => carriers.check(request.params.partitionId, request.query.telephoneNumber),
  );

  // An extension to the seed: the FOC dates each number's losing carrier accepts today.
  app.get(
    '/telephone-number/port/foc-dates',
    {
      schema: {
        params: partitionParams,
        querystring: focDatesQuery,
        response: answers(200, focDatesAnswer),
      },
    },
    (request) => ({
      focDates: focCalendar.focDates(request.query.telephoneNumber, clock.today()),
    }),
  );

  // An extension to the seed: the carrier's activation window of a day for ON_DEMAND ports.
  app.get(
    '/telephone-number/port/activation-window',
    {
      schema: {
        params: partitionParams,
        querystring: z.object({ date: isoDate }),
        response: answers(200, activationWindow),
      },
    },
    (request) => {
      const { date } = request.query;
      const window = activationWindows.on(request.params.partitionId, date);
      return {
        date,
        timeZone: window.timeZone,
        opensAt: window.opensAt.toISOString(),
        closesAt: window.closesAt.toISOString(),
        now: clock.now(),
      };
    },
  );

  app.post(
    '/telephone-number/port/:portRequestId/activate',
    { schema: { params: portParams, response: answers(200, platformPort) } },
    (request, reply) => {
      once(request, reply, () =>
        ports.activate(request.params.partitionId, request.params.portRequestId),
      );
    },
  );

  app.post(
    '/telephone-number/port',
    {
      schema: {
        params: partitionParams,
        body: platformPortSubmission,
        response: answers(201, platformPort),
      },
    },
    (request, reply) => {
      once(request, reply, () => ports.submit(request.params.partitionId, request.body), 201);
    },
  );

  // An extension to the seed: the losing carrier's comments on the port, oldest first.
  app.get(
    '/telephone-number/port/:portRequestId/comments',
    { schema: { params: portParams, response: answers(200, carrierComments) } },
    (request) => ({
      comments: platform.carrierComments.of(
        request.params.partitionId,
        request.params.portRequestId,
      ),
    }),
  );

  app.get(
    '/telephone-number/port/:portRequestId',
    { schema: { params: portParams, response: answers(200, platformPort) } },
    (request) => ports.get(request.params.partitionId, request.params.portRequestId),
  );

  app.delete(
    '/telephone-number/port/:portRequestId',
    { schema: { params: portParams, response: answers(200, platformPort) } },
    (request, reply) => {
      once(request, reply, () =>
        ports.cancel(request.params.partitionId, request.params.portRequestId),
      );
    },
  );

  app.get(
    '/telephone-number/:telephoneNumber',
    { schema: { params: numberParams, response: answers(200, numberDetails) } },
    // The extension: the line type, as the number's carrier record has it.
    (request) => ({
      ...numbers.details(request.params.partitionId, request.params.telephoneNumber),
      lineType: carriers.recordOf(request.params.telephoneNumber).lineType,
    }),
  );

  app.put(
    '/telephone-number/:telephoneNumber',
    { schema: { params: numberParams, body: numberUpdate, response: answers(200, numberDetails) } },
    (request) =>
      platform.store.transaction(() =>
        numbers.update(request.params.partitionId, request.params.telephoneNumber, request.body),
      ),
  );

  app.delete(
    '/telephone-number/:telephoneNumber',
    { schema: { params: numberParams, response: answers(200, released) } },
    (request, reply) => {
      once(request, reply, () =>
        numbers.release(request.params.partitionId, request.params.telephoneNumber),
      );
    },
  );

  app.get(
    '/account/:accountId/telephone-number',
    { schema: { params: accountParams, response: answers(200, accountNumberList) } },
    (request) => numbers.accountNumbers(request.params.partitionId, request.params.accountId),
  );

  function assignmentRoutes<P extends z.ZodObject>(target: Target<P>): void {
    const base = `/account/:accountId${target.path}/telephone-number`;
    const params = accountParams.extend(target.params.shape);
    const assignment = (routeParams: z.output<P>): AssignmentTarget => ({
      type: target.type,
      assignedTo: target.assignedTo(routeParams),
    });

    app.put(
      base,
      { schema: { params, body: target.body, response: answers(200, assignmentResult) } },
      (request) => {
        const routeParams = request.params as z.output<typeof accountParams> & z.output<P>;
        return numbers.assign(
          routeParams.partitionId,
          routeParams.accountId,
          assignment(routeParams),
          request.body,
        );
      },
    );

    app.delete(
      `${base}/:telephoneNumber`,
      {
        schema: {
          params: params.extend({ telephoneNumber }),
          response: answers(200, accountNumberEntry),
        },
      },
      (request, reply) => {
        const routeParams = request.params as z.output<typeof numberParams> &
          z.output<typeof accountParams> &
          z.output<P>;
        once(request, reply, () =>
          numbers.unassign(
            routeParams.partitionId,
            routeParams.accountId,
            assignment(routeParams),
            routeParams.telephoneNumber,
          ),
        );
      },
    );
  }

  assignmentRoutes({
    path: '/user/:userId',
    params: z.object({ userId: targetId }),
    body: lineAssignmentBody,
    type: 'END_USER',
    assignedTo: (target) => target.userId,
  });
  assignmentRoutes({
    path: '/device/:deviceId/line/:lineNumber',
    params: z.object({
      deviceId: targetId,
      lineNumber: z.coerce.number().int().min(1).max(64),
    }),
    body: lineAssignmentBody,
    type: 'DEVICE_LINE',
    // The line is part of the target: two lines of one device are two places.
    assignedTo: (target) => `${target.deviceId}/line/${target.lineNumber}`,
  });
  assignmentRoutes({
    path: '/ivr/:ivrId',
    params: z.object({ ivrId: targetId }),
    body: serviceAssignmentBody,
    type: 'IVR',
    assignedTo: (target) => target.ivrId,
  });
  assignmentRoutes({
    path: '/call-queue/:queueId',
    params: z.object({ queueId: targetId }),
    body: serviceAssignmentBody,
    type: 'CALL_QUEUE',
    assignedTo: (target) => target.queueId,
  });
}
