import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { z } from 'zod';
import { agingPeriodOf, type Config } from '../../config';
import {
  accountNumberEntry,
  assignmentResult,
  lineAssignmentBody,
  numberDetails,
  numberLifecycle,
  numberUpdate,
  releaseObject,
  serviceAssignmentBody,
  splitNumber,
  formatDuration,
  formatNumber,
  telephoneNumber,
  type AssignmentTarget,
  type NumberDetails,
  type NumberLifecycle,
  type ReleaseObject,
} from '../../domain';
import type { AssignmentBody, PlatformClient } from '../../platform';
import { mapConcurrently } from '../../activities/concurrency';
import {
  numberClaimQuery,
  numberClaimWorkflowId,
  reclaimUpdate,
  releaseAdmissionUpdate,
  releaseQuery,
  releaseWorkflowId,
  type NumberClaim,
  type ReleaseNumberInput,
} from '../../workflows/definitions';
import type { releaseNumber } from '../../workflows/release-number';
import type { App } from '../app';
import { ApiError, notFound } from '../errors';
import { idempotentId } from '../idempotency';
import { numberBusy, numberHolder } from '../number-busy';
import { callPlatform } from '../platform-errors';
import { idempotencyKeyHeader, partitionParams } from '../schemas';
import { callTemporal, unlessMissing, updateOrReplay } from '../temporal-errors';

export interface NumberRouteDeps {
  client: Client;
  config: Config;
  platform: PlatformClient;
  taskQueue: string;
}

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
    body: lineAssignmentBody,
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
    body: lineAssignmentBody,
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'DEVICE_LINE',
      deviceId: String(p.deviceId),
      lineNumber: Number(p.lineNumber),
    }),
  },
  {
    path: '/ivr/:ivrId',
    params: accountParams.extend({ ivrId: pathId('an IVR ID') }),
    body: serviceAssignmentBody,
    target: (p: Record<string, string | number>): AssignmentTarget => ({
      type: 'IVR',
      ivrId: String(p.ivrId),
    }),
  },
  {
    path: '/call-queue/:queueId',
    params: accountParams.extend({ queueId: pathId('a call queue ID') }),
    body: serviceAssignmentBody,
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

/** How long one call to Temporal may take: with no worker to answer, the client gets a 503, not a hang. */
const TEMPORAL_DEADLINE_MS = 10_000;

/** Numbers of one account whose lifecycle is read at once. */
const LIFECYCLE_CONCURRENCY = 16;

/** What Temporal knows of a number: the operation holding it and its latest release. */
interface NumberState {
  claim: NumberClaim | null;
  release: ReleaseObject | undefined;
}

function lifecycleOf({ claim, release }: NumberState, heldByPlatform: boolean): NumberLifecycle {
  if (claim?.operation === 'PORT') return 'PORTING';
  const settled = release?.status;
  if (claim?.operation === 'RELEASE') {
    return settled === 'AGING' || settled === 'RELEASED' || settled === 'RECLAIMED'
      ? settled
      : 'RELEASING';
  }
  if (settled === 'RECLAIMED') return 'RECLAIMED';
  // A released number ordered again is active once more.
  if (settled === 'RELEASED' && !heldByPlatform) return 'RELEASED';
  return 'ACTIVE';
}

export function numberRoutes(
  app: App,
  { client, config, platform, taskQueue }: NumberRouteDeps,
): void {
  const releaseHandle = (partitionId: string, number: string) =>
    client.workflow.getHandle<typeof releaseNumber>(releaseWorkflowId(partitionId, number));
  const within = <T>(call: () => Promise<T>) =>
    client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call);

  /**
   * The operation that holds the number. A holder an operator terminated holds nothing: its
   * entity learns so only when the next operation claims the number, so it is asked here.
   */
  async function readClaim(partitionId: string, number: string): Promise<NumberClaim | null> {
    const claim = await unlessMissing(() =>
      within(() =>
        client.workflow
          .getHandle(numberClaimWorkflowId(partitionId, number))
          .query(numberClaimQuery),
      ),
    );
    if (!claim) return null;
    const holder = await unlessMissing(() =>
      within(() => client.workflow.getHandle(claim.holder).describe()),
    );
    return holder?.status.name === 'RUNNING' ? claim : null;
  }

  /** The number's latest release; a request refused for a busy number was never one. */
  async function readRelease(
    partitionId: string,
    number: string,
  ): Promise<ReleaseObject | undefined> {
    const release = await unlessMissing(() =>
      within(() => releaseHandle(partitionId, number).query(releaseQuery)),
    );
    return release?.history.length ? release : undefined;
  }

  async function readState(partitionId: string, number: string): Promise<NumberState> {
    const [claim, release] = await Promise.all([
      readClaim(partitionId, number),
      readRelease(partitionId, number),
    ]);
    return { claim, release };
  }

  /** The platform's details, or undefined when the partition does not hold the number. */
  async function platformDetails(
    partitionId: string,
    number: string,
  ): Promise<NumberDetails | undefined> {
    try {
      return await callPlatform(() => platform.getNumber(partitionId, number));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** 409 while an open operation holds the number. */
  function refuseWhileHeld(partitionId: string, number: string, claim: NumberClaim | null): void {
    if (claim) throw numberBusy(partitionId, [{ telephoneNumber: number, heldBy: claim }]);
  }

  async function requireRelease(partitionId: string, number: string): Promise<ReleaseObject> {
    const release = await readRelease(partitionId, number);
    if (!release) throw notFound(`No release of ${number}`);
    return release;
  }

  app.get(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: "A number's platform details and lifecycle state",
        params: numberParams,
        response: { 200: numberView },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber: number } = request.params;
      const [details, state] = await Promise.all([
        platformDetails(partitionId, number),
        readState(partitionId, number),
      ]);
      const lifecycle = lifecycleOf(state, details !== undefined);
      const openOperation = state.claim ? numberHolder(partitionId, state.claim) : undefined;
      if (details) return { ...details, lifecycle, openOperation };
      if (lifecycle === 'ACTIVE' || lifecycle === 'RECLAIMED') {
        throw notFound(`${number} is not a number of partition ${partitionId}`);
      }
      const { npa, nxx } = splitNumber(number);
      return {
        telephoneNumber: number,
        formatted: formatNumber(number),
        npa,
        nxx,
        status: lifecycle,
        accountId: state.release?.accountId ?? null,
        lifecycle,
        openOperation,
      };
    },
  );

  app.put(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: 'Update caller ID, E911 and directory listing (refused while porting or aging)',
        params: numberParams,
        body: numberUpdate,
        response: { 200: heldNumber },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber: number } = request.params;
      const state = await readState(partitionId, number);
      refuseWhileHeld(partitionId, number, state.claim);
      const details = await callPlatform(() =>
        platform.updateNumber(partitionId, number, request.body),
      );
      return { ...details, lifecycle: lifecycleOf(state, true) };
    },
  );

  app.delete(
    '/telephone-number/:telephoneNumber',
    {
      schema: {
        summary: "Release a number: cleared, aged for the partition's aging period, then returned",
        params: numberParams,
        headers: idempotencyKeyHeader,
        response: { 202: releaseObject },
      },
    },
    async (request, reply) => {
      const { partitionId, telephoneNumber: number } = request.params;
      const location = `/v2/partition/${partitionId}/telephone-number/${encodeURIComponent(number)}/release`;
      const answer = (release: ReleaseObject) =>
        reply.code(202).header('location', location).send(release);

      const idempotencyKey = request.headers['idempotency-key'];
      const digest = idempotencyKey && idempotentId(partitionId, idempotencyKey);
      if (digest) {
        const replayed = await releaseOfKey(partitionId, number, digest);
        if (replayed) return answer(replayed);
      }

      if (!(await platformDetails(partitionId, number))) {
        // A number being ported in is not the partition's yet: the port holds it.
        refuseWhileHeld(partitionId, number, await readClaim(partitionId, number));
        throw notFound(`${number} is not a number of partition ${partitionId}`);
      }
      const { periodMs } = agingPeriodOf(config, partitionId);
      const input: ReleaseNumberInput = {
        partitionId,
        telephoneNumber: number,
        agingPeriodMs: periodMs,
        webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
        receivedAt: new Date().toISOString(),
      };
      const admission = await callTemporal(() =>
        within(() =>
          client.workflow.executeUpdateWithStart(releaseAdmissionUpdate, {
            startWorkflowOperation: new WithStartWorkflowOperation<typeof releaseNumber>(
              'releaseNumber',
              {
                workflowId: releaseWorkflowId(partitionId, number),
                taskQueue,
                args: [input],
                // A running release is the same release; a finished one may be followed by another.
                workflowIdConflictPolicy: 'USE_EXISTING',
                workflowIdReusePolicy: 'ALLOW_DUPLICATE',
                memo: digest ? { idempotencyKey: digest } : undefined,
                staticSummary: `Release ${number} from partition ${partitionId}: clear, age ${formatDuration(periodMs)}, return to inventory`,
              },
            ),
          }),
        ),
      );
      app.metrics.workflowStarted('releaseNumber');
      if (!admission.admitted) {
        throw numberBusy(partitionId, [{ telephoneNumber: number, heldBy: admission.heldBy }]);
      }
      return answer(admission.release);
    },
  );

  /** The release this Idempotency-Key started, when the number's latest release is that one. */
  async function releaseOfKey(
    partitionId: string,
    number: string,
    digest: string,
  ): Promise<ReleaseObject | undefined> {
    const description = await unlessMissing(() =>
      within(() => releaseHandle(partitionId, number).describe()),
    );
    if (description?.memo?.idempotencyKey !== digest) return undefined;
    return readRelease(partitionId, number);
  }

  app.get(
    '/telephone-number/:telephoneNumber/release',
    {
      schema: {
        summary: "The number's latest release",
        params: numberParams,
        response: { 200: releaseObject },
      },
    },
    (request) => requireRelease(request.params.partitionId, request.params.telephoneNumber),
  );

  app.post(
    '/telephone-number/:telephoneNumber/reclaim',
    {
      schema: {
        summary:
          'End aging early: the number stays with its account, unassigned (409 unless aging)',
        params: numberParams,
        headers: idempotencyKeyHeader,
        response: { 200: releaseObject },
      },
    },
    async (request) => {
      const { partitionId, telephoneNumber: number } = request.params;
      const release = await requireRelease(partitionId, number);
      // Reclaiming a reclaimed number again is the same request: answer it the same way.
      if (release.status === 'RECLAIMED') return release;
      if (release.status === 'AGING') {
        return updateOrReplay(
          () => within(() => releaseHandle(partitionId, number).executeUpdate(reclaimUpdate)),
          async () => {
            const now = await requireRelease(partitionId, number);
            return now.status === 'RECLAIMED' ? now : undefined;
          },
        );
      }
      throw new ApiError(
        409,
        'NOT_AGING',
        `${number} is ${release.status}, not aging: only an aging number can be reclaimed`,
        { status: release.status },
      );
    },
  );

  app.get(
    '/account/:accountId/telephone-number',
    {
      schema: {
        summary: "An account's numbers with their lifecycle state",
        params: accountParams,
        response: { 200: z.array(accountNumberView) },
      },
    },
    async (request) => {
      const { partitionId, accountId } = request.params;
      const entries = await callPlatform(() => platform.listAccountNumbers(partitionId, accountId));
      return mapConcurrently(entries, LIFECYCLE_CONCURRENCY, async (entry) => ({
        ...entry,
        lifecycle: lifecycleOf(await readState(partitionId, entry.telephoneNumber), true),
      }));
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
          response: { 200: assignmentResult },
        },
      },
      async (request) => {
        const { partitionId, accountId } = request.params;
        const body: AssignmentBody = request.body;
        const number = body.telephoneNumber;
        const state = await readState(partitionId, number);
        refuseWhileHeld(partitionId, number, state.claim);
        const lifecycle = lifecycleOf(state, false);
        try {
          return await callPlatform(() =>
            platform.assign(partitionId, accountId, place.target(request.params), body),
          );
        } catch (error) {
          // Released and not ordered again: the number is in the platform's inventory, no one's to assign.
          if (lifecycle === 'RELEASED' && isNotFound(error)) {
            throw released(number, state.release?.releasedDate);
          }
          throw error;
        }
      },
    );

    app.delete(
      `${path}/:telephoneNumber`,
      {
        schema: {
          summary: 'Unassign a number (repeating it is harmless: an unassigned number stays so)',
          params: place.params.extend({ telephoneNumber }),
          headers: idempotencyKeyHeader,
          response: { 200: accountNumberEntry, 204: z.null() },
        },
      },
      async (request, reply) => {
        const { partitionId, accountId, telephoneNumber: number } = request.params;
        const entry = await callPlatform(() =>
          platform.unassign(partitionId, accountId, place.target(request.params), number),
        );
        return entry ? entry : reply.code(204).send(null);
      },
    );
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.statusCode === 404;
}

function released(number: string, releasedDate: string | undefined): ApiError {
  return new ApiError(
    409,
    'NUMBER_BUSY',
    `${number} was released${releasedDate ? ` on ${releasedDate}` : ''}: it is no one's to assign`,
    { telephoneNumber: number, lifecycle: 'RELEASED' },
  );
}
