/*
 * A number's lifecycle over what Temporal holds of it: the operation holding it and its latest
 * release. Zod-free: workflow code imports it.
 */
import type { HoldOperation } from './hold';
import type { NumberLifecycle, ReleaseObject, ReleaseStatus } from './release';
import { DAY_MS } from './time';

export interface NumberState {
  /** The operation whose hold on the number counts, when one does. */
  heldBy?: HoldOperation;
  /** The status of the number's latest release, when it had one. */
  release?: ReleaseStatus;
}

/** Where a number stands; `heldByPlatform` says whether the partition holds it now. */
export function lifecycleOf(
  { heldBy, release }: NumberState,
  heldByPlatform: boolean,
): NumberLifecycle {
  if (heldBy === 'PORT') return 'PORTING';
  if (heldBy === 'RELEASE') {
    return release === 'AGING' || release === 'RELEASED' || release === 'RECLAIMED'
      ? release
      : 'RELEASING';
  }
  if (release === 'RECLAIMED') return 'RECLAIMED';
  // A released number ordered again is active once more.
  if (release === 'RELEASED' && !heldByPlatform) return 'RELEASED';
  return 'ACTIVE';
}

/** A release as it begins, before the number is read: the API's first memo and the workflow's start. */
export function startingRelease(
  telephoneNumber: string,
  agingPeriodMs: number,
  lineType?: ReleaseObject['lineType'],
  platformCooldownDays?: number,
): ReleaseObject {
  return {
    telephoneNumber,
    accountId: null,
    status: 'RELEASING',
    agingPeriodDays: agingPeriodMs / DAY_MS,
    ...(lineType ? { lineType } : {}),
    ...(platformCooldownDays === undefined ? {} : { platformCooldownDays }),
    removed: [],
    history: [],
  };
}
