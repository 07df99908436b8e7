import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowIdReusePolicy,
} from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { z } from 'zod';
import type { Config } from '../../config';
import {
  isIsoDate,
  isoDate,
  portObject,
  portRequest,
  portStatus,
  portSupplement,
  portabilityCheck,
  requestedDateProblem,
  telephoneNumber,
  toIsoDate,
  type PortObject,
} from '../../domain';
import type { PlatformClient } from '../../platform';
import {
  AccountIdKey,
  CurrentProviderKey,
  PortStatusKey,
  RequestedDateKey,
  TelephoneNumbersKey,
  admissionUpdate,
  cancelPortUpdate,
  carrierEventSignal,
  portQuery,
  portWorkflowId,
  supplementPortUpdate,
  type PortInInput,
} from '../../workflows/definitions';
import type { portIn } from '../../workflows/port-in';
import type { App } from '../app';
import { ApiError, notFound } from '../errors';
import { idempotentId, keyReused, refuseOtherRequest, requestFingerprint } from '../idempotency';
import { numberBusy } from '../number-busy';
import { callPlatform } from '../platform-errors';
import { idempotencyKeyHeader, partitionParams } from '../schemas';
import { callTemporal, unlessMissing, updateOrReplay } from '../temporal-errors';

export interface PortRouteDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  taskQueue: string;
}

const portParams = partitionParams.extend({
  portRequestId: z.string().regex(/^pr_[A-Za-z0-9_-]{1,64}$/, 'must be a port request ID (pr_...)'),
});

const listQuery = z.object({
  status: portStatus.optional(),
  accountId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be an account ID')
    .optional(),
  telephoneNumber: telephoneNumber.optional(),
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

/** A requested port date the seed accepts today: at least 7 days ahead and a business day. */
const requestedPortDate = isoDate.superRefine((date, ctx) => {
  const problem = isIsoDate(date) ? requestedDateProblem(date, toIsoDate(new Date())) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// The date rule sits in the schema, so a 400 names it beside every other bad field.
const portRequestBody = portRequest.extend({ requestedDate: requestedPortDate });
const portSupplementBody = portSupplement.safeExtend({
  requestedDate: requestedPortDate.optional(),
});

const carrierEvent = z.object({
  upstreamPortRequestId: z.string().min(1).max(100).optional(),
  status: z.string().min(1).max(40).optional(),
  detail: z.string().max(500).optional(),
});

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** How long a port route waits on Temporal: a query or an Update needs a worker to answer. */
const TEMPORAL_DEADLINE_MS = 10_000;

export function portRoutes(app: App, { client, config, platform, taskQueue }: PortRouteDeps): void {
  const handleOf = (partitionId: string, portRequestId: string) =>
    client.workflow.getHandle(portWorkflowId(partitionId, portRequestId));
  /** A call to Temporal that gives up in time: with no worker to answer, a 503 rather than a hang. */
  const within = <T>(call: () => Promise<T>) =>
    client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call);
  const temporal = <T>(call: () => Promise<T>) => callTemporal(() => within(call));

  /** The port object of the key's workflow, also of a request refused as busy (empty history). */
  const queryPort = (partitionId: string, portRequestId: string) =>
    unlessMissing(() => within(() => handleOf(partitionId, portRequestId).query(portQuery)));

  async function readPort(partitionId: string, portRequestId: string): Promise<PortObject> {
    const port = await queryPort(partitionId, portRequestId);
    // A request refused for a busy number was never a port.
    if (port === undefined || port.history.length === 0) throw notFound(`No port ${portRequestId}`);
    return port;
  }

  app.get(
    '/telephone-number/port/check',
    {
      schema: {
        summary: 'Check whether a number can be ported in',
        params: partitionParams,
        querystring: z.object({ telephoneNumber }),
        response: { 200: portabilityCheck },
      },
    },
    (request) =>
      callPlatform(() =>
        platform.checkPortability(request.params.partitionId, request.query.telephoneNumber),
      ),
  );

  app.post(
    '/telephone-number/port',
    {
      schema: {
        summary: 'Submit a port-in request',
        params: partitionParams,
        headers: idempotencyKeyHeader,
        body: portRequestBody,
        response: { 202: portObject },
      },
    },
    async (request, reply) => {
      const { partitionId } = request.params;
      const body = request.body;
      const idempotencyKey = request.headers['idempotency-key'];
      const portRequestId = `pr_${idempotentId(partitionId, idempotencyKey)}`;
      const workflowId = portWorkflowId(partitionId, portRequestId);
      const fingerprint = requestFingerprint(body);
      const input: PortInInput = {
        partitionId,
        portRequestId,
        request: body,
        requestFingerprint: fingerprint,
        receivedAt: new Date().toISOString(),
        settings: {
          pollIntervalMs: config.PORT_POLL_INTERVAL,
          supplementWindowMs: config.SUPPLEMENT_WINDOW,
          webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
        },
      };
      // The workflow ID is the key: a running one is joined, so concurrent retries get one port.
      const admit = (workflowIdReusePolicy: WorkflowIdReusePolicy) =>
        temporal(() =>
          client.workflow.executeUpdateWithStart(admissionUpdate, {
            startWorkflowOperation: new WithStartWorkflowOperation<typeof portIn>('portIn', {
              workflowId,
              taskQueue,
              args: [input],
              workflowIdConflictPolicy: 'USE_EXISTING',
              workflowIdReusePolicy,
              memo: { requestFingerprint: fingerprint },
              staticSummary: `Port ${body.telephoneNumbers.length} number(s) into account ${body.accountId}`,
            }),
          }),
        );
      const answer = (port: PortObject) =>
        reply.code(202).header('location', `${request.url}/${portRequestId}`).send(port);

      let admission;
      try {
        admission = await admit('REJECT_DUPLICATE');
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        await refuseOtherRequest(handleOf(partitionId, portRequestId), fingerprint);
        const earlier = await queryPort(partitionId, portRequestId);
        // The key names a port that has finished: answer with it, as a replay.
        if (earlier && earlier.history.length > 0) return answer(earlier);
        // The key's request was refused as busy and never became a port: a retry may go in now.
        admission = await admit('ALLOW_DUPLICATE');
      }
      app.metrics.workflowStarted('portIn');
      if (admission.requestFingerprint !== fingerprint) throw keyReused();
      if (!admission.admitted) throw numberBusy(partitionId, admission.busy);
      return answer(await readPort(partitionId, portRequestId));
    },
  );

  app.get(
    '/telephone-number/port',
    {
      schema: {
        summary: 'List port requests',
        params: partitionParams,
        querystring: listQuery,
        response: {
          200: z.object({ ports: z.array(portSummary), nextPageToken: z.string().optional() }),
        },
      },
    },
    async (request) => {
      const { partitionId } = request.params;
      const { status, accountId, telephoneNumber: number, pageSize, nextPageToken } = request.query;
      const clauses = [
        `WorkflowType = 'portIn'`,
        `PartitionId = ${quote(partitionId)}`,
        'PortStatus IS NOT NULL',
      ];
      if (status) clauses.push(`PortStatus = ${quote(status)}`);
      if (accountId) clauses.push(`AccountId = ${quote(accountId)}`);
      if (number) clauses.push(`TelephoneNumbers = ${quote(number)}`);
      const query = clauses.join(' AND ');
      const temporalToken = nextPageToken ? readPageToken(query, nextPageToken) : undefined;
      const page = await temporal(() =>
        client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize,
          nextPageToken: temporalToken,
        }),
      ).catch((error: unknown) => {
        if (temporalToken && !(error instanceof ApiError)) throw badPageToken();
        throw error;
      });
      return {
        ports: (page.executions ?? []).map(summaryOf),
        nextPageToken: page.nextPageToken?.length
          ? writePageToken(query, page.nextPageToken)
          : undefined,
      };
    },
  );

  app.get(
    '/telephone-number/port/:portRequestId',
    { schema: { summary: 'A port request', params: portParams, response: { 200: portObject } } },
    (request) => readPort(request.params.partitionId, request.params.portRequestId),
  );

  app.delete(
    '/telephone-number/port/:portRequestId',
    {
      schema: {
        summary: 'Cancel a port request (only before the carrier approves it)',
        params: portParams,
        headers: idempotencyKeyHeader,
        response: { 200: portObject },
      },
    },
    async (request) => {
      const { partitionId, portRequestId } = request.params;
      await readPort(partitionId, portRequestId);
      return updateOrReplay(
        () => within(() => handleOf(partitionId, portRequestId).executeUpdate(cancelPortUpdate)),
        // Cancelling a cancelled port again is the same request: answer it the same way.
        async () => {
          const port = await readPort(partitionId, portRequestId);
          return port.status === 'CANCELLED' ? port : undefined;
        },
        () =>
          new ApiError(
            409,
            'PORT_NOT_CANCELLABLE',
            'The port has ended: it can no longer be cancelled',
          ),
      );
    },
  );

  app.patch(
    '/telephone-number/port/:portRequestId',
    {
      schema: {
        summary: 'Supplement a pending or rejected port request and resubmit it',
        params: portParams,
        body: portSupplementBody,
        response: { 200: portObject },
      },
    },
    async (request) => {
      const { partitionId, portRequestId } = request.params;
      await readPort(partitionId, portRequestId);
      return updateOrReplay(
        () =>
          within(() =>
            handleOf(partitionId, portRequestId).executeUpdate(supplementPortUpdate, {
              args: [request.body],
            }),
          ),
        () => Promise.resolve(undefined),
        () =>
          new ApiError(
            409,
            'PORT_NOT_SUPPLEMENTABLE',
            'The port has ended: it takes no supplement',
          ),
      );
    },
  );

  app.post(
    '/telephone-number/port/:portRequestId/events',
    {
      schema: {
        summary: "A carrier's event about a port: portflow looks at the carrier now",
        params: portParams,
        body: carrierEvent,
        response: { 202: z.object({ accepted: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const { partitionId, portRequestId } = request.params;
      await readPort(partitionId, portRequestId);
      await temporal(() =>
        handleOf(partitionId, portRequestId).signal(carrierEventSignal, request.body),
      );
      return reply.code(202).send({ accepted: true as const });
    },
  );
}

/**
 * A page token is Temporal's, with a check digit of the listing it continues: a token made up
 * or carried to other filters is a 400 at once, not a call Temporal retries for 20 seconds.
 */
function writePageToken(query: string, temporalToken: Uint8Array): string {
  const token = Buffer.from(temporalToken).toString('base64url');
  return `${token}.${pageTokenCheck(query, token)}`;
}

function readPageToken(query: string, pageToken: string): Buffer {
  const [token, check, ...rest] = pageToken.split('.');
  if (!token || rest.length > 0 || check !== pageTokenCheck(query, token)) throw badPageToken();
  return Buffer.from(token, 'base64url');
}

function pageTokenCheck(query: string, token: string): string {
  return createHash('sha256').update(`${query}\n${token}`).digest('base64url').slice(0, 16);
}

function badPageToken(): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', 'Invalid querystring: nextPageToken', [
    {
      in: 'querystring',
      field: 'nextPageToken',
      message: 'is not a token this listing gave, with these filters',
    },
  ]);
}

type RawExecution = NonNullable<
  Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']
>[number];

/** A list entry from what operators search by: no query of the workflow, so a page costs one call. */
function summaryOf(execution: RawExecution): z.output<typeof portSummary> {
  const attributes = decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields);
  const workflowId = execution.execution?.workflowId ?? '';
  const requestedDate = attributes.get(RequestedDateKey);
  const startSeconds = Number(execution.startTime?.seconds ?? 0);
  return {
    portRequestId: workflowId.slice(workflowId.lastIndexOf('-pr_') + 1),
    status: portStatus.catch('PENDING').parse(attributes.get(PortStatusKey)),
    telephoneNumbers: attributes.get(TelephoneNumbersKey) ?? [],
    accountId: attributes.get(AccountIdKey),
    currentProvider: attributes.get(CurrentProviderKey),
    requestedDate: requestedDate?.toISOString().slice(0, 10),
    createdDate: new Date(startSeconds * 1_000).toISOString(),
  };
}
