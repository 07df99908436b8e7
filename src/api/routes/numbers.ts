import { z } from 'zod';
import {
  accountNumberEntry,
  assignmentResult,
  lineAssignmentBody,
  numberDetails,
  numberLifecycle,
  numberUpdate,
  releaseObject,
  serviceAssignmentBody,
  telephoneNumber,
  type AssignmentTarget,
} from '../../domain';
import { webhookEventLog } from '../../domain/webhook-event-log';
import type { AssignmentBody } from '../../platform';
import type { NumberLifecycleView } from '../../operations/numbers';
import type { Operations } from '../../operations';
import type { App } from '../app';
import { sendCsv, wantsCsv, type CsvColumn } from '../csv';
import {
  accountNumberExamples,
  assignedExamples,
  lineAssignmentExamples,
  numberExamples,
  numberUpdateExamples,
  reclaimedExamples,
  releaseEventsExamples,
  releaseExamples,
  releaseStartedExamples,
  serviceAssignmentExamples,
  unassignedExamples,
  updatedNumberExamples,
} from '../examples';
import { withExamples } from '../openapi';
import { numberHolder, send, valueOf } from '../outcomes';
import { idempotencyKeyHeader, partitionParams } from '../schemas';

/** An ID in a path: what the platform's IDs are made of, so a device line's `{id}/line/{n}` reads back one way. */
const pathId = (what: string) =>
  z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, `must be ${what}: 1-64 letters, digits, _ . : or -`);

const numberParams = partitionParams.extend({ telephoneNumber });
const accountParams = partitionParams.extend({ accountId: pathId('an account ID') });

/** The four places a number is assigned, as the seed's paths name them. */
const targets = [
  {
    path: '/user/:userId',
    params: accountParams.extend({ userId: pathId('a user ID') }),
    body: withExamples(lineAssignmentBody, lineAssignmentExamples),
    assigned: assignedExamples('END_USER', 'user_xyz', true),
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'USER',
      userId: String(p.userId),
    }),
  },
  {
    path: '/device/:deviceId/line/:lineNumber',
    params: accountParams.extend({
      deviceId: pathId('a device ID'),
      lineNumber: z.coerce.number().int().min(1).max(64),
    }),
    body: withExamples(lineAssignmentBody, lineAssignmentExamples),
    assigned: assignedExamples('DEVICE_LINE', 'dev_456/line/1', true),
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'DEVICE_LINE',
      deviceId: String(p.deviceId),
      lineNumber: Number(p.lineNumber),
    }),
  },
  {
    path: '/ivr/:ivrId',
    params: accountParams.extend({ ivrId: pathId('an IVR ID') }),
    body: withExamples(serviceAssignmentBody, serviceAssignmentExamples),
    assigned: assignedExamples('IVR', 'ivr_abc123', false),
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'IVR',
      ivrId: String(p.ivrId),
    }),
  },
  {
    path: '/call-queue/:queueId',
    params: accountParams.extend({ queueId: pathId('a call queue ID') }),
    body: withExamples(serviceAssignmentBody, serviceAssignmentExamples),
    assigned: assignedExamples('CALL_QUEUE', 'queue_sales', false),
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'CALL_QUEUE',
      queueId: String(p.queueId),
    }),
  },
] as const;

const openOperation = z.object({
  operation: z.enum(['PORT', 'RELEASE']),
  heldBy: z.string(),
  since: z.string(),
  portRequestId: z.string().optional(),
});
const lifecycleFields = { lifecycle: numberLifecycle, openOperation: openOperation.optional() };

/** A number the platform holds in this partition: its details and where it stands. */
const heldNumber = numberDetails.extend(lifecycleFields);
/** A number portflow knows but the partition does not hold (yet, or any more): porting in, or released. */
const formerNumber = z.object({
  telephoneNumber,
  formatted: z.string(),
  npa: z.string(),
  nxx: z.string(),
  status: z.string(),
  accountId: z.string().nullable(),
  ...lifecycleFields,
});
const numberView = z.union([heldNumber, formerNumber]);

const accountNumberView = accountNumberEntry.extend({ lifecycle: numberLifecycle });

const NUMBER_CSV_COLUMNS: CsvColumn<z.output<typeof accountNumberView>>[] = [
  { header: 'telephoneNumber', value: (entry) => entry.telephoneNumber },
  { header: 'formatted', value: (entry) => entry.formatted },
  { header: 'lifecycle', value: (entry) => entry.lifecycle },
  { header: 'status', value: (entry) => entry.status },
  { header: 'assignedTo', value: (entry) => entry.assignedTo },
  { header: 'assignmentType', value: (entry) => entry.assignmentType },
  { header: 'primary', value: (entry) => entry.primary },
  { header: 'e911Registered', value: (entry) => entry.e911Registered },
];

/** A view's open operation as clients name it. */
function withHolder<V extends NumberLifecycleView>(partitionId: string, view: V) {
  const { openOperation: open, ...rest } = view;
  const openOperation = open && { ...numberHolder(partitionId, open), operation: open.operation };
  return { ...rest, openOperation };
}

export function numberRoutes(
  app: App,
  { numbers: number, releases: release }: Pick<Operations, 'numbers' | 'releases'>,
): void {
  const releasePath = (partitionId: string, number: string) =>
    `/v2/partition/${partitionId}/telephone-number/${encodeURIComponent(number)}/release`;

  app.get(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: "A number's platform details and lifecycle state",
        params: numberParams,
        response: { 200: withExamples(numberView, numberExamples) },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber } = request.params;
      return withHolder(partitionId, valueOf(await number.details(partitionId, telephoneNumber)));
    },
  );

  app.put(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: 'Update caller ID, E911 and directory listing (refused while porting or aging)',
        params: numberParams,
        body: withExamples(numberUpdate, numberUpdateExamples),
        response: { 200: withExamples(heldNumber, updatedNumberExamples) },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber } = request.params;
      return valueOf(await number.update(partitionId, telephoneNumber, request.body));
    },
  );

  app.delete(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: "Release a number: cleared, aged for the partition's aging period, then returned",
        params: numberParams,
        headers: idempotencyKeyHeader,
        response: { 202: withExamples(releaseObject, releaseStartedExamples) },
      },
    },
    async (request, reply) => {
      const { partitionId, telephoneNumber } = request.params;
      const key = request.headers['idempotency-key'];
      const outcome = await release.release(partitionId, telephoneNumber, key);
      return send(reply, outcome, releasePath(partitionId, telephoneNumber));
    },
  );

  app.get(
    '/telephone-number/:telephoneNumber/release',
    {
      schema: {
        summary: "The number's latest release",
        params: numberParams,
        response: { 200: withExamples(releaseObject, releaseExamples) },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber } = request.params;
      return valueOf(await release.readRelease(partitionId, telephoneNumber));
    },
  );

  app.get(
    '/telephone-number/:telephoneNumber/release/events',
    {
      schema: {
        summary: "The webhook events of the number's latest release, with their delivery attempts",
        description:
          '`number.aging_started`, then `number.released` or `number.reclaimed`, each with every ' +
          'attempt (time, HTTP status or error, next try), its `outcome` and every redelivery.',
        params: numberParams,
        response: {
          200: withExamples(
            webhookEventLog.extend({ telephoneNumber: z.string() }),
            releaseEventsExamples,
          ),
        },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber } = request.params;
      return valueOf(await release.events(partitionId, telephoneNumber));
    },
  );

  app.post(
    '/telephone-number/:telephoneNumber/reclaim',
    {
      schema: {
        summary:
          'End aging early: the number stays with its account, unassigned (409 unless aging)',
        params: numberParams,
        headers: idempotencyKeyHeader,
        response: { 200: withExamples(releaseObject, reclaimedExamples) },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber } = request.params;
      return valueOf(await release.reclaim(partitionId, telephoneNumber));
    },
  );

  app.get(
    '/account/:accountId/telephone-number',
    {
      schema: {
        summary: "An account's numbers with their lifecycle state",
        description:
          'With `Accept: text/csv`: the same numbers as CSV, streamed one line per number.',
        params: accountParams,
        response: { 200: withExamples(z.array(accountNumberView), accountNumberExamples) },
      },
    },
    async (request, reply) => {
      const { partitionId, accountId } = request.params;
      const numbers = valueOf(await number.accountNumbers(partitionId, accountId));
      if (!wantsCsv(request)) return numbers;
      return sendCsv(reply, `numbers-${partitionId}-${accountId}.csv`, NUMBER_CSV_COLUMNS, numbers);
    },
  );

  for (const place of targets) {
    const path = `/account/:accountId${place.path}/telephone-number`;

    app.put(
      path,
      {
        schema: {
          summary: 'Assign a number (refused while it is porting, aging or released)',
          params: place.params,
          body: place.body,
          response: { 200: withExamples(assignmentResult, place.assigned) },
        },
      },
      async (request) => {
        const { partitionId, accountId } = request.params;
        const body: AssignmentBody = request.body;
        const target = place.target(request.params);
        return valueOf(await number.assign(partitionId, accountId, target, body));
      },
    );

    app.delete(
      `${path}/:telephoneNumber`,
      {
        schema: {
          summary: 'Unassign a number (repeating it is harmless: an unassigned number stays so)',
          params: place.params.extend({ telephoneNumber }),
          headers: idempotencyKeyHeader,
          response: {
            200: withExamples(accountNumberEntry, unassignedExamples),
            204: z.null(),
          },
        },
      },
      async (request, reply) => {
        const { partitionId, accountId, telephoneNumber } = request.params;
        const target = place.target(request.params);
        const entry = valueOf(
          await number.unassign(partitionId, accountId, target, telephoneNumber),
        );
        return entry ?? reply.code(204).send(null);
      },
    );
  }
}
