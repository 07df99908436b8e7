import {
  FOC_DATES_MAX_NUMBERS,
  focDateProblem,
  type ActivationWindow,
  type FocDatesAnswer,
  type NumberFocDates,
} from '../domain';
import { mapConcurrently } from '../domain/concurrency';
import type { Logger } from '../logger';
import { PlatformError, type PlatformClient } from '../platform';
import { done, unavailable, type Outcome, type Refusal } from './outcomes';

/** FOC-date queries one request has in flight at once (a 20,000-number port asks 200). */
const FOC_QUERY_CONCURRENCY = 4;

/**
 * The carrier's calendar of a port, from the platform's extensions (FOC dates, activation
 * windows): reads for clients, and the rules a port request must keep before it is admitted.
 */
export function portingCalendar({
  platform,
  logger,
}: {
  platform: PlatformClient;
  logger: Logger;
}) {
  /** Every number's FOC dates, or undefined when the platform has no FOC dates. */
  async function focDatesOf(
    partitionId: string,
    telephoneNumbers: string[],
  ): Promise<NumberFocDates[] | undefined> {
    const chunks: string[][] = [];
    for (let at = 0; at < telephoneNumbers.length; at += FOC_DATES_MAX_NUMBERS)
      chunks.push(telephoneNumbers.slice(at, at + FOC_DATES_MAX_NUMBERS));
    const answers = await mapConcurrently(chunks, FOC_QUERY_CONCURRENCY, (numbers) =>
      platform.focDates(partitionId, numbers),
    );
    const known = answers.filter((answer) => answer !== undefined);
    return known.length === answers.length ? known.flat() : undefined;
  }

  /**
   * A rule of the carrier's calendar checked at admission. A platform that cannot answer now
   * leaves the port to the carrier's own judgement (it rejects a date it does not take), so an
   * outage never stops admission; a platform without the extension skips the rule.
   */
  async function unlessUnreachable<T>(
    rule: string,
    call: () => Promise<T>,
  ): Promise<{ answer: T } | undefined> {
    try {
      return { answer: await call() };
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      logger.warn(
        { rule, error: error.message },
        'platform did not answer: rule left to the carrier',
      );
      return undefined;
    }
  }

  return {
    async focDates(
      partitionId: string,
      telephoneNumbers: string[],
    ): Promise<Outcome<FocDatesAnswer>> {
      const focDates = await focDatesOf(partitionId, telephoneNumbers);
      return focDates ? done({ focDates }) : unavailable('FOC dates');
    },

    /** The activation window of `date`, or the refusal that the platform has none. */
    async activationWindow(partitionId: string, date: string): Promise<Outcome<ActivationWindow>> {
      const window = await platform.activationWindow(partitionId, date);
      return window ? done(window) : unavailable('on-demand activation (activation windows)');
    },

    /**
     * Why a port of `telephoneNumbers` on `requestedDate` (ON_DEMAND or not) is refused before
     * anything starts: a date some number's losing carrier does not take (400 naming each
     * number and its next allowed date), or ON_DEMAND on a platform without activation windows (501).
     */
    async refusal(
      partitionId: string,
      telephoneNumbers: string[],
      requestedDate: string,
      onDemand: boolean,
    ): Promise<Refusal | undefined> {
      const focDates = await unlessUnreachable('FOC dates', () =>
        focDatesOf(partitionId, telephoneNumbers),
      );
      const problems = (focDates?.answer ?? []).flatMap((dates) => {
        const problem = focDateProblem(requestedDate, dates);
        return problem ? [{ in: 'body', field: 'requestedDate', message: problem }] : [];
      });
      if (problems.length > 0) {
        return {
          outcome: 'invalid',
          code: 'FOC_DATE_NOT_ALLOWED',
          message: `requestedDate must be a FOC date the losing carrier accepts: ${problems
            .slice(0, 5)
            .map((p) => p.message)
            .join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
          problems,
        };
      }
      if (!onDemand) return undefined;
      const window = await unlessUnreachable('activation windows', () =>
        platform.activationWindow(partitionId, requestedDate),
      );
      return window && !window.answer
        ? unavailable('on-demand activation (activation windows)')
        : undefined;
    },
  };
}
