import { z } from 'zod';
import { PlatformError } from './errors';
import {
  telephoneNumber as telephoneNumberSchema,
  type ActivationWindow,
  type CarrierComment,
  type NumberFocDates,
  type AccountNumberEntry,
  type AssignmentResult,
  type AssignmentTarget,
  type LineAssignmentBody,
  type NumberDetails,
  type NumberSearchQuery,
  type NumberSearchResult,
  type NumberUpdate,
  type OrderRequest,
  type OrderResult,
  type PlatformPort,
  type PortabilityCheck,
  type PlatformPortSubmission,
  type ServiceAssignmentBody,
  type TollFreeOrderRequest,
  type TollFreeSearchQuery,
} from '../domain';

/** The platforms portflow can drive: the seed guide's, or the real Alianza API. */
export const PLATFORM_KINDS = ['seed', 'alianza'] as const;
export type PlatformKind = (typeof PLATFORM_KINDS)[number];

/**
 * A port request as the platform takes it: without portflow's own fields, with the
 * `customerReference` extension (portflow's portRequestId, sent back in notifications).
 */
export type PortSubmission = PlatformPortSubmission;

/** A search query; `quantity` falls back to the platform's default (10) when absent. */
export type SearchQuery<Q extends { quantity: number }> = Omit<Q, 'quantity'> & {
  quantity?: number;
};

/** An assignment body: a user or device line takes `primary` and `e911Address`, an IVR or call queue only the number. */
export type AssignmentBody = LineAssignmentBody | ServiceAssignmentBody;

/**
 * Names one create, the same on every retry of it. The seed sends it as `Idempotency-Key`;
 * Alianza has none, so its adapter writes it into what it creates and reads back before
 * creating again.
 */
export interface IdempotencyOptions {
  idempotencyKey: string;
}

/** The platform's answer to a release: the number and its new status word. */
export const numberRelease = z.object({
  telephoneNumber: telephoneNumberSchema,
  status: z.string().min(1),
});
export type NumberRelease = z.output<typeof numberRelease>;

/**
 * The number platform in portflow's words: what activities and the API call, whichever
 * platform answers (`PLATFORM_KIND`). Numbers are E.164 and statuses the seed's words here;
 * an adapter translates to and from its platform.
 */
export interface PlatformClient {
  readonly kind: PlatformKind;

  searchNumbers(
    partitionId: string,
    query: SearchQuery<NumberSearchQuery>,
  ): Promise<NumberSearchResult>;
  searchTollFree(
    partitionId: string,
    query: SearchQuery<TollFreeSearchQuery>,
  ): Promise<NumberSearchResult>;
  /** Adds numbers to an account: one outcome per number, ACTIVE or FAILED with a reason. */
  orderNumbers(
    partitionId: string,
    order: OrderRequest,
    options: IdempotencyOptions,
  ): Promise<OrderResult>;
  orderTollFree(
    partitionId: string,
    order: TollFreeOrderRequest,
    options: IdempotencyOptions,
  ): Promise<OrderResult>;

  /** Portability of one number, with the carrier's earliest and latest dates when the platform gives them. */
  checkPortability(partitionId: string, telephoneNumber: string): Promise<PortabilityCheck>;
  /** Creates the port upstream and sends it to the losing carrier, once per idempotency key. */
  submitPort(
    partitionId: string,
    submission: PortSubmission,
    options: IdempotencyOptions,
  ): Promise<PlatformPort>;
  getPort(partitionId: string, accountId: string, portRequestId: string): Promise<PlatformPort>;
  /**
   * Corrects a rejected port and sends it again; answers the port now followed. The seed has
   * no correction: it takes a new submission, under the supplement's own key. Alianza corrects
   * the port in place and triggers it again.
   */
  supplementPort(
    partitionId: string,
    portRequestId: string,
    submission: PortSubmission,
    options: IdempotencyOptions,
  ): Promise<PlatformPort>;
  /**
   * Cancels a port; a PlatformConflictError when its state no longer allows it (the carrier
   * approved it).
   */
  cancelPort(
    partitionId: string,
    accountId: string,
    portRequestId: string,
    options?: Partial<IdempotencyOptions>,
  ): Promise<PlatformPort>;

  /**
   * Extensions to the seed (the emulator has them, as Telnyx and Bandwidth do): undefined when
   * the platform has no such endpoint. The FOC dates each number's losing carrier accepts
   * (at most FOC_DATES_MAX_NUMBERS numbers a call); the activation window of a day.
   */
  focDates(partitionId: string, telephoneNumbers: string[]): Promise<NumberFocDates[] | undefined>;
  activationWindow(partitionId: string, date: string): Promise<ActivationWindow | undefined>;
  /** The losing carrier's comments on a port, oldest first (an extension: undefined without it). */
  portComments(
    partitionId: string,
    accountId: string,
    portRequestId: string,
  ): Promise<CarrierComment[] | undefined>;
  /**
   * Activates an ON_DEMAND port on its FOC date (an activated port answers again as it is); a
   * PlatformConflictError while the window is not open. Only asked of a platform with windows.
   */
  activatePort(
    partitionId: string,
    accountId: string,
    portRequestId: string,
  ): Promise<PlatformPort>;

  assign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    body: AssignmentBody,
  ): Promise<AssignmentResult>;
  unassign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    telephoneNumber: string,
  ): Promise<AccountNumberEntry | undefined>;
  listAccountNumbers(partitionId: string, accountId: string): Promise<AccountNumberEntry[]>;
  getNumber(partitionId: string, telephoneNumber: string): Promise<NumberDetails>;
  updateNumber(
    partitionId: string,
    telephoneNumber: string,
    update: NumberUpdate,
  ): Promise<NumberDetails>;
  /** Gives the number up; a PlatformNotFoundError when the partition no longer holds it. */
  releaseNumber(
    partitionId: string,
    telephoneNumber: string,
    options?: Partial<IdempotencyOptions>,
  ): Promise<NumberRelease>;
  /**
   * Keeps a number that is being given up: on the seed it never left its account (portflow
   * ages it) and is read back; on Alianza a number in COOLDOWN is recovered.
   */
  reclaimNumber(partitionId: string, telephoneNumber: string): Promise<NumberDetails>;
  /**
   * Days a released number waits upstream before another can have it, when the platform ages
   * numbers itself (Alianza's `tnDeleteCooldownDays`); undefined when portflow does the aging.
   */
  numberCooldownDays(partitionId: string): Promise<number | undefined>;

  /**
   * Readiness: resolves once the platform answers within `timeoutMs` with any status below
   * 500. Rejects with a PlatformUnavailableError otherwise.
   */
  checkReachable(timeoutMs: number): Promise<void>;
  /** Closes the client's connections; calls after it fail. */
  close(): Promise<void>;
}

/** The platform answered that it has no such endpoint: an extension it lacks. */
export function isMissingExtension(error: unknown): boolean {
  return error instanceof PlatformError && [404, 405, 501].includes(error.status ?? 0);
}

/** An extension's answer, or undefined when the platform lacks the extension. */
export async function unlessMissingExtension<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isMissingExtension(error)) return undefined;
    throw error;
  }
}
