import {
  accountNumberEntry,
  accountNumberList,
  activationWindow,
  assignmentResult,
  errorBody,
  carrierComments,
  focDatesAnswer,
  numberDetails,
  numberSearchResult,
  orderResult,
  platformPort,
  portabilityCheck,
  type AssignmentTarget,
  type OrderResult,
} from '../domain';
import type { Logger } from '../logger';
import { createTransport, segments, type Call, type Method } from './http';
import {
  numberRelease,
  unlessMissingExtension,
  type PlatformClient,
  type PortSubmission,
} from './platform';
import type { z } from 'zod';

export interface SeedPlatformOptions {
  /** The platform's origin, optionally with a path prefix: `https://api.example.com`. */
  baseUrl: string;
  /** Sent as `X-AUTH-TOKEN`; never logged. */
  token: string;
  /** Deadline of one whole call: connect, headers and body. */
  timeoutMs: number;
  logger?: Logger;
  /** Connections kept open to the platform. */
  connections?: number;
}

/** The seed's platform, with the one read it has that Alianza lacks: an order by its ID. */
export interface SeedPlatform extends PlatformClient {
  readonly kind: 'seed';
  getOrder(partitionId: string, orderId: string): Promise<OrderResult>;
}

interface SeedCall<S extends z.ZodType> {
  method: Method;
  /** The path under `/v2/partition/{partitionId}`, segments already encoded. */
  resource: string;
  query?: Call<S>['query'];
  body?: unknown;
  idempotencyKey?: string;
  schema: S;
}

/** Only the seed's fields: a caller may hand over a whole PortRequest, whose portflow fields stay here. */
function seedPortBody(submission: PortSubmission): PortSubmission {
  return {
    telephoneNumbers: submission.telephoneNumbers,
    accountId: submission.accountId,
    subscriber: submission.subscriber,
    serviceAddress: submission.serviceAddress,
    billingTelephoneNumber: submission.billingTelephoneNumber,
    accountNumber: submission.accountNumber,
    pin: submission.pin,
    requestedDate: submission.requestedDate,
    currentProvider: submission.currentProvider,
    customerReference: submission.customerReference,
    activationMode: submission.activationMode,
  };
}

function assignmentPath(accountId: string, target: AssignmentTarget): string {
  const account = segments`/account/${accountId}`;
  switch (target.type) {
    case 'USER':
      return account + segments`/user/${target.userId}/telephone-number`;
    case 'DEVICE_LINE':
      return (
        account + segments`/device/${target.deviceId}/line/${target.lineNumber}/telephone-number`
      );
    case 'IVR':
      return account + segments`/ivr/${target.ivrId}/telephone-number`;
    case 'CALL_QUEUE':
      return account + segments`/call-queue/${target.queueId}/telephone-number`;
  }
}

/** The seed guide's platform: today's routes, `X-AUTH-TOKEN` and `Idempotency-Key`. */
export function createSeedPlatform(options: SeedPlatformOptions): SeedPlatform {
  const transport = createTransport({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    connections: options.connections,
    dialect: 'seed',
    readRefusal: (body) => {
      const parsed = errorBody.safeParse(body);
      return parsed.success ? parsed.data.error : undefined;
    },
  });

  const send = <S extends z.ZodType>(partitionId: string, call: SeedCall<S>) => {
    const headers: Record<string, string> = { 'x-auth-token': options.token };
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    return transport.send({
      method: call.method,
      path: segments`/v2/partition/${partitionId}` + call.resource,
      query: call.query,
      body: call.body,
      headers,
      schema: call.schema,
    });
  };

  const submitPort: PlatformClient['submitPort'] = (partitionId, submission, { idempotencyKey }) =>
    send(partitionId, {
      method: 'POST',
      resource: '/telephone-number/port',
      body: seedPortBody(submission),
      idempotencyKey,
      schema: platformPort,
    });
  const getNumber: PlatformClient['getNumber'] = (partitionId, telephoneNumber) =>
    send(partitionId, {
      method: 'GET',
      resource: segments`/telephone-number/${telephoneNumber}`,
      schema: numberDetails,
    });

  return {
    kind: 'seed',
    searchNumbers: (partitionId, query) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/search',
        query,
        schema: numberSearchResult,
      }),
    searchTollFree: (partitionId, query) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/search/tollfree',
        query,
        schema: numberSearchResult,
      }),
    orderNumbers: (partitionId, order, { idempotencyKey }) =>
      send(partitionId, {
        method: 'POST',
        resource: '/telephone-number/order',
        body: order,
        idempotencyKey,
        schema: orderResult,
      }),
    orderTollFree: (partitionId, order, { idempotencyKey }) =>
      send(partitionId, {
        method: 'POST',
        resource: '/telephone-number/order/tollfree',
        body: order,
        idempotencyKey,
        schema: orderResult,
      }),
    getOrder: (partitionId, orderId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/telephone-number/order/${orderId}`,
        schema: orderResult,
      }),
    checkPortability: (partitionId, telephoneNumber) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/port/check',
        query: { telephoneNumber },
        schema: portabilityCheck,
      }),
    submitPort,
    getPort: (partitionId, _accountId, portRequestId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/telephone-number/port/${portRequestId}`,
        schema: platformPort,
      }),
    // The seed corrects nothing in place: the corrected request is a new submission.
    supplementPort: (partitionId, _portRequestId, submission, idempotency) =>
      submitPort(partitionId, submission, idempotency),
    cancelPort: (partitionId, _accountId, portRequestId, cancelOptions) =>
      send(partitionId, {
        method: 'DELETE',
        resource: segments`/telephone-number/port/${portRequestId}`,
        idempotencyKey: cancelOptions?.idempotencyKey,
        schema: platformPort,
      }),
    focDates: async (partitionId, telephoneNumbers) => {
      const answer = await unlessMissingExtension(() =>
        send(partitionId, {
          method: 'GET',
          resource: '/telephone-number/port/foc-dates',
          query: { telephoneNumber: telephoneNumbers },
          schema: focDatesAnswer,
        }),
      );
      return answer?.focDates;
    },
    activationWindow: (partitionId, date) =>
      unlessMissingExtension(() =>
        send(partitionId, {
          method: 'GET',
          resource: '/telephone-number/port/activation-window',
          query: { date },
          schema: activationWindow,
        }),
      ),
    portComments: async (partitionId, _accountId, portRequestId) => {
      const answer = await unlessMissingExtension(() =>
        send(partitionId, {
          method: 'GET',
          resource: segments`/telephone-number/port/${portRequestId}/comments`,
          schema: carrierComments,
        }),
      );
      return answer?.comments;
    },
    activatePort: (partitionId, _accountId, portRequestId) =>
      send(partitionId, {
        method: 'POST',
        resource: segments`/telephone-number/port/${portRequestId}/activate`,
        schema: platformPort,
      }),
    assign: (partitionId, accountId, target, body) =>
      send(partitionId, {
        method: 'PUT',
        resource: assignmentPath(accountId, target),
        body,
        schema: assignmentResult,
      }),
    unassign: (partitionId, accountId, target, telephoneNumber) =>
      send(partitionId, {
        method: 'DELETE',
        resource: assignmentPath(accountId, target) + segments`/${telephoneNumber}`,
        // The seed shows no answer: the number's entry when the platform sends one, else nothing.
        schema: accountNumberEntry.optional(),
      }),
    listAccountNumbers: (partitionId, accountId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/account/${accountId}/telephone-number`,
        schema: accountNumberList,
      }),
    getNumber,
    updateNumber: (partitionId, telephoneNumber, update) =>
      send(partitionId, {
        method: 'PUT',
        resource: segments`/telephone-number/${telephoneNumber}`,
        body: update,
        schema: numberDetails,
      }),
    releaseNumber: (partitionId, telephoneNumber, releaseOptions) =>
      send(partitionId, {
        method: 'DELETE',
        resource: segments`/telephone-number/${telephoneNumber}`,
        idempotencyKey: releaseOptions?.idempotencyKey,
        schema: numberRelease,
      }),
    // A number portflow ages never left its account: reading it back proves it is still there.
    reclaimNumber: getNumber,
    numberCooldownDays: () => Promise.resolve(undefined),
    // `/healthz` under the base URL: a 404 from a platform without one still proves it is up.
    checkReachable: (timeoutMs) => transport.checkReachable('/healthz', timeoutMs),
    close: () => transport.close(),
  };
}
