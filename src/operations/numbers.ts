import { randomBytes } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  formatNumber,
  splitNumber,
  type AccountNumberEntry,
  type AssignmentTarget,
  type NumberDetails,
  type NumberLifecycle,
  type NumberUpdate,
} from '../domain';
import { WORKFLOW_HOLD_OPERATIONS, type HoldOperation, type NumberHold } from '../domain/hold';
import { mapConcurrently } from '../domain/concurrency';
import { lifecycleOf, type NumberState } from '../domain/lifecycle';
import type { ReleaseStatus } from '../domain/release';
import type { AssignmentBody, PlatformClient } from '../platform';
import { NUMBER_HOLD_WORKFLOW_TYPE, type NumberHolds } from '../temporal/number-holds';
import {
  MAX_SEARCHABLE_NUMBERS,
  ReleaseStatusKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import { MEMO } from '../workflows/definitions';
import { latestRelease } from './releases';
import { conflict, done, notFound, type Outcome } from './outcomes';
import { isPlatformNotFound, platformDetails } from './platform-calls';
import { callTemporal } from './temporal-calls';

/** Chunks of an account's numbers whose visibility lists run at once. */
const LISTS_AT_ONCE = 4;

export interface NumberDeps {
  client: Client;
  platform: PlatformClient;
  holds: NumberHolds;
}

/** The hold of a port or a release: the open operations a number's details name. */
export type OpenOperation = NumberHold & { operation: 'PORT' | 'RELEASE' };

function isOpenOperation(hold: NumberHold | undefined): hold is OpenOperation {
  return hold !== undefined && WORKFLOW_HOLD_OPERATIONS.includes(hold.operation);
}

/** A number's lifecycle beside what the platform says of it; `openOperation` is the port or release holding it. */
export interface NumberLifecycleView {
  lifecycle: NumberLifecycle;
  openOperation?: OpenOperation;
}

/** A number the partition holds: the platform's details and where it stands. */
export type HeldNumberView = NumberDetails & NumberLifecycleView;

/** A number portflow knows but the partition does not hold (yet, or any more): porting in, or released. */
export interface FormerNumberView extends NumberLifecycleView {
  telephoneNumber: string;
  formatted: string;
  npa: string;
  nxx: string;
  status: NumberLifecycle;
  accountId: string | null;
}

export type AccountNumberView = AccountNumberEntry & { lifecycle: NumberLifecycle };

/** Where a number stands in Temporal: the port or release holding it, and its latest release. */
async function stateOf(
  client: Client,
  holds: NumberHolds,
  partitionId: string,
  telephoneNumber: string,
) {
  const latest = await latestRelease(client, partitionId, telephoneNumber);
  // A running release holds the number: its describe says so, no need to read the hold.
  const hold =
    latest?.hold ?? (await callTemporal(client, () => holds.holdOf(partitionId, telephoneNumber)));
  const open = isOpenOperation(hold) ? hold : undefined;
  return {
    release: latest?.release,
    open,
    state: { heldBy: open?.operation, release: latest?.release.status } satisfies NumberState,
  };
}

/** A number's details, its update and assignment, and an account's numbers, with their lifecycle. */
export function numbers({ client, platform, holds }: NumberDeps) {
  /**
   * Runs one platform call with the number held for it (`operation`, this call's own holder),
   * then gives the hold back: a release cannot begin while the call runs, nor the call while a
   * port or release holds the number.
   */
  async function whileHeld<T>(
    partitionId: string,
    telephoneNumber: string,
    operation: HoldOperation,
    work: () => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    const holder = `${operation.toLowerCase()}-${partitionId}-${telephoneNumber}-${randomBytes(6).toString('hex')}`;
    const held = await callTemporal(client, () =>
      holds.holdAll(partitionId, [telephoneNumber], {
        holder,
        operation,
        since: new Date().toISOString(),
      }),
    );
    if (!held.held) return { outcome: 'busy', partitionId, busy: held.busy };
    try {
      return await work();
    } finally {
      // Given back at once; a hold not given back (Temporal gone meanwhile) lapses by itself.
      await callTemporal(client, () =>
        holds.releaseAll(partitionId, [telephoneNumber], holder),
      ).catch(() => undefined);
    }
  }

  /** The lifecycle of each number, from a bounded number of visibility lists per 100 numbers. */
  async function lifecyclesOf(
    partitionId: string,
    telephoneNumbers: string[],
  ): Promise<Map<string, NumberLifecycle>> {
    const chunks: string[][] = [];
    for (let start = 0; start < telephoneNumbers.length; start += MAX_SEARCHABLE_NUMBERS)
      chunks.push(telephoneNumbers.slice(start, start + MAX_SEARCHABLE_NUMBERS));
    const states = await mapConcurrently(chunks, LISTS_AT_ONCE, (chunk) =>
      statesOf(partitionId, chunk),
    );
    return new Map(
      states.flatMap((chunk) =>
        [...chunk].map(([number, state]) => [number, lifecycleOf(state, true)] as const),
      ),
    );
  }

  /**
   * What Temporal holds of up to 100 numbers: one list of their releases (the latest per number
   * with its ReleaseStatus) and one of their running holds; when a port holds some, one more
   * list tells which of those ports still run.
   */
  async function statesOf(partitionId: string, chunk: string[]): Promise<Map<string, NumberState>> {
    const numbersIn = `PartitionId = '${partitionId}' AND ${TelephoneNumbersKey.name} IN (${chunk.map((n) => `'${n}'`).join(', ')})`;
    const [releaseRuns, heldNumbers] = await Promise.all([
      list(`WorkflowType = 'releaseNumber' AND ${numbersIn}`),
      list(
        `WorkflowType = '${NUMBER_HOLD_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND ${numbersIn}`,
      ),
    ]);
    const latest = new Map<string, WorkflowExecutionInfo>();
    for (const run of releaseRuns) {
      const number = numberOf(run);
      const known = number && latest.get(number);
      if (number && (!known || known.startTime < run.startTime)) latest.set(number, run);
    }
    const portHolds = new Map<string, string>();
    for (const hold of heldNumbers) {
      const { holder, operation } = hold.memo?.[MEMO.hold] as NumberHold;
      const number = numberOf(hold);
      if (number && operation === 'PORT') portHolds.set(number, holder);
    }
    const runningPorts = new Set(
      portHolds.size === 0
        ? []
        : (
            await list(
              `ExecutionStatus = 'Running' AND WorkflowId IN (${[...new Set(portHolds.values())].map((id) => `'${id}'`).join(', ')})`,
            )
          ).map((run) => run.workflowId),
    );
    const states = new Map<string, NumberState>();
    for (const number of chunk) {
      const release = latest.get(number);
      const releaseStatus = release?.typedSearchAttributes.get(ReleaseStatusKey) as
        ReleaseStatus | undefined;
      const porting = runningPorts.has(portHolds.get(number) ?? '');
      states.set(number, {
        heldBy: release?.status.name === 'RUNNING' ? 'RELEASE' : porting ? 'PORT' : undefined,
        release: releaseStatus,
      });
    }
    return states;
  }

  async function list(query: string): Promise<WorkflowExecutionInfo[]> {
    return callTemporal(client, async () => {
      const runs: WorkflowExecutionInfo[] = [];
      for await (const run of client.workflow.list({ query })) runs.push(run);
      return runs;
    });
  }

  return {
    /** The platform's details and the number's lifecycle; a number ported in or released has no details. */
    async details(
      partitionId: string,
      telephoneNumber: string,
    ): Promise<Outcome<HeldNumberView | FormerNumberView>> {
      const [details, { release, open, state }] = await Promise.all([
        platformDetails(platform, partitionId, telephoneNumber),
        stateOf(client, holds, partitionId, telephoneNumber),
      ]);
      const lifecycle = lifecycleOf(state, details !== undefined);
      if (details) return done({ ...details, lifecycle, openOperation: open });
      if (lifecycle === 'ACTIVE' || lifecycle === 'RECLAIMED') {
        return notFound(`${telephoneNumber} is not a number of partition ${partitionId}`);
      }
      const { npa, nxx } = splitNumber(telephoneNumber);
      return done({
        telephoneNumber,
        formatted: formatNumber(telephoneNumber),
        npa,
        nxx,
        status: lifecycle,
        accountId: release?.accountId ?? null,
        lifecycle,
        openOperation: open,
      });
    },

    /** Caller ID, E911 and directory listing, refused while a port or release holds the number. */
    update(
      partitionId: string,
      telephoneNumber: string,
      update: NumberUpdate,
    ): Promise<Outcome<NumberDetails & { lifecycle: NumberLifecycle }>> {
      return whileHeld(partitionId, telephoneNumber, 'UPDATE', async () => {
        const [details, latest] = await Promise.all([
          platform.updateNumber(partitionId, telephoneNumber, update),
          latestRelease(client, partitionId, telephoneNumber),
        ]);
        return done({
          ...details,
          lifecycle: lifecycleOf({ release: latest?.release.status }, true),
        });
      });
    },

    /** Assigns a number, refused while a port or release holds it, or once it was released. */
    assign(partitionId: string, accountId: string, target: AssignmentTarget, body: AssignmentBody) {
      const number = body.telephoneNumber;
      return whileHeld(partitionId, number, 'ASSIGN', async () => {
        try {
          return done(await platform.assign(partitionId, accountId, target, body));
        } catch (error) {
          if (!isPlatformNotFound(error)) throw error;
          // Released and not ordered again: the number is in the platform's inventory, no one's to assign.
          const latest = await latestRelease(client, partitionId, number);
          if (latest?.hold || latest?.release.status !== 'RELEASED') throw error;
          const { releasedDate } = latest.release;
          return conflict(
            'NUMBER_BUSY',
            `${number} was released${releasedDate ? ` on ${releasedDate}` : ''}: it is no one's to assign`,
            { telephoneNumber: number, lifecycle: 'RELEASED' },
          );
        }
      });
    },

    /** Unassigns a number: the entry as it is now, or undefined when the platform answered none. */
    async unassign(
      partitionId: string,
      accountId: string,
      target: AssignmentTarget,
      telephoneNumber: string,
    ): Promise<Outcome<AccountNumberEntry | undefined>> {
      const entry = await platform.unassign(partitionId, accountId, target, telephoneNumber);
      return done(entry ?? undefined);
    },

    /** An account's numbers with their lifecycle, at a bounded number of Temporal calls per 100. */
    async accountNumbers(
      partitionId: string,
      accountId: string,
    ): Promise<Outcome<AccountNumberView[]>> {
      const entries = await platform.listAccountNumbers(partitionId, accountId);
      const lifecycles = await lifecyclesOf(
        partitionId,
        entries.map((entry) => entry.telephoneNumber),
      );
      return done(
        entries.map((entry) => ({
          ...entry,
          lifecycle: lifecycles.get(entry.telephoneNumber) ?? 'ACTIVE',
        })),
      );
    },
  };
}

export type Numbers = ReturnType<typeof numbers>;

/** The number a hold or release is about: the one in its TelephoneNumbers. */
function numberOf(run: WorkflowExecutionInfo): string | undefined {
  return run.typedSearchAttributes.get(TelephoneNumbersKey)?.[0];
}
