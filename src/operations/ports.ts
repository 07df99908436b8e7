import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  REMOVED_NUMBER_STATUS,
  portStatus,
  type PortabilityCheck,
  type PortObject,
  type PortRequest,
  type PortStatus,
  type PortSupplement,
} from '../domain';
import type {
  CommentsMemo,
  PortComment,
  PortCommentRequest,
  PortCommentsAnswer,
} from '../domain/comment';
import { fromIsoDate } from '../domain/calendar';
import { checkEach, unmatchedProvider, type PortabilityChecks } from '../domain/portability';
import { fromPortMemo, receivedPort, toPortMemo, type PortMemo } from '../domain/port-memo';
import {
  AccountIdKey,
  CurrentProviderKey,
  MAX_SEARCHABLE_NUMBERS,
  PartitionIdKey,
  PortStatusKey,
  RequestedDateKey,
  TelephoneNumbersKey,
} from '../temporal/search-attribute-keys';
import {
  MEMO,
  activatePortUpdate,
  addCommentUpdate,
  cancelPortUpdate,
  carrierEventSignal,
  portCommentsQuery,
  portWorkflowId,
  removeNumberUpdate,
  supplementPortUpdate,
  type CarrierEvent,
  type PortInInput,
} from '../workflows/definitions';
import type { portIn } from '../workflows/port-in';
import type { OperationDeps } from './deps';
import type { WebhookEventOperations } from './webhook-events';
import type { WebhookEventLog } from '../domain/webhook-event-log';
import { PlatformError, isCredentialsRefusal } from '../platform';
import { idempotentId, memoOf, requestFingerprint, startOnce } from './idempotency';
import { portingCalendar } from './porting-calendar';
import {
  accepted,
  conflict,
  done,
  isRefusal,
  notFound,
  type Outcome,
  type Refusal,
} from './outcomes';
import {
  TemporalUnavailable,
  callTemporal,
  callUpdate,
  unlessMissing,
  updateRefusal,
  visibilityString,
} from './temporal-calls';

export interface PortListFilters {
  status?: PortStatus;
  accountId?: string;
  telephoneNumber?: string;
  pageSize: number;
  nextPageToken?: string;
}

export interface PortSummary {
  portRequestId: string;
  status: PortStatus;
  telephoneNumbers: string[];
  accountId?: string;
  currentProvider?: string;
  requestedDate?: string;
  createdDate: string;
}

export interface PortPage {
  ports: PortSummary[];
  nextPageToken?: string;
}

/** How long a read of a long comment thread waits for a worker before it answers the newest. */
const COMMENTS_QUERY_DEADLINE_MS = 3_000;

/** The port operation end to end: admission, reads, cancel, supplement, carrier events. */
export function portOperations(deps: OperationDeps & { events: WebhookEventOperations }) {
  const { client, config, platform, taskQueue, holds, gate, events } = deps;
  const calendar = portingCalendar(deps);
  const handleOf = (partitionId: string, portRequestId: string) =>
    client.workflow.getHandle(portWorkflowId(partitionId, portRequestId));

  /** The port as its workflow last published it: one describe, no worker. */
  async function portOf(partitionId: string, portRequestId: string) {
    const memo = await memoOf(client, portWorkflowId(partitionId, portRequestId));
    const port = memo?.[MEMO.port] as PortMemo | undefined;
    return port && fromPortMemo(port);
  }

  /** The port, or the refusal that there is none. */
  async function read(partitionId: string, portRequestId: string): Promise<Outcome<PortObject>> {
    const port = await portOf(partitionId, portRequestId);
    return port ? done(port) : notFound(`No port ${portRequestId}`);
  }

  async function admit(
    partitionId: string,
    idempotencyKey: string | undefined,
    request: PortRequest,
  ): Promise<Outcome<PortObject>> {
    const portRequestId = `pr_${idempotentId(partitionId, idempotencyKey)}`;
    const workflowId = portWorkflowId(partitionId, portRequestId);
    const fingerprint = requestFingerprint(request);
    const numbers = request.telephoneNumbers;
    const input: PortInInput = {
      partitionId,
      portRequestId,
      request,
      requestFingerprint: fingerprint,
      receivedAt: new Date().toISOString(),
      settings: {
        pollIntervalMs: config.PORT_POLL_INTERVAL,
        supplementWindowMs: config.SUPPLEMENT_WINDOW,
        webhooks: config.WEBHOOKS?.[partitionId] !== undefined,
        webhookRetryWaitsMs: config.WEBHOOK_RETRY_SCHEDULE,
      },
      numbersHeld: numbers.length <= config.PORT_SYNC_HOLD_LIMIT,
    };
    const { refused, checks } = await admissionRules(partitionId, request, input.numbersHeld);
    if (refused) {
      // The same request again after its port went on (its date passed, its numbers ported):
      // answered as the port it made, as every replay is.
      const earlier = await memoOf(client, workflowId);
      return earlier ? replay(earlier, fingerprint) : refused;
    }
    if (checks) input.checks = checks;
    const port = receivedPort(input);

    if (input.numbersHeld) {
      const held = await callTemporal(client, () =>
        holds.holdAll(partitionId, numbers, {
          holder: workflowId,
          operation: 'PORT',
          since: input.receivedAt,
        }),
      );
      if (!held.held) {
        // The same request again, after its port ended and another took a number.
        const earlier = await memoOf(client, workflowId);
        if (earlier) return replay(earlier, fingerprint);
        return { outcome: 'busy', partitionId, busy: held.busy };
      }
    }
    const start = await startOnce(client, workflowId, fingerprint, () =>
      client.workflow.start<typeof portIn>('portIn', {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { [MEMO.requestFingerprint]: fingerprint, [MEMO.port]: toPortMemo(port) },
        typedSearchAttributes: [
          { key: PartitionIdKey, value: partitionId },
          { key: AccountIdKey, value: request.accountId },
          { key: TelephoneNumbersKey, value: numbers.slice(0, MAX_SEARCHABLE_NUMBERS) },
          { key: RequestedDateKey, value: fromIsoDate(request.requestedDate) },
          { key: PortStatusKey, value: port.status },
        ],
        staticSummary: `Port ${numbers.length} number(s) into account ${request.accountId}`,
      }),
    );
    if (start.started) {
      deps.workflowStarted('portIn');
      return accepted(port);
    }
    if (input.numbersHeld && !start.running) {
      // The key's port has ended: the holds just taken in its name are nobody's.
      await callTemporal(client, () => holds.releaseAll(partitionId, numbers, workflowId));
    }
    return 'keyReused' in start ? { outcome: 'keyReused' } : replay(start.memo, fingerprint);
  }

  /**
   * The rules a port must meet before anything starts: the carrier's calendar, its carrier.
   * A small port's numbers are checked here, and the checks ride in its input.
   */
  async function admissionRules(
    partitionId: string,
    request: PortRequest,
    small: boolean,
  ): Promise<{ refused?: Refusal; checks?: PortabilityChecks }> {
    const { telephoneNumbers, requestedDate, currentProvider } = request;
    const [calendarRefusal, checks] = await Promise.all([
      calendar.refusal(
        partitionId,
        telephoneNumbers,
        requestedDate,
        request.activation?.mode === 'ON_DEMAND',
      ),
      small ? checksOf(partitionId, telephoneNumbers) : undefined,
    ]);
    const refused =
      calendarRefusal ??
      (currentProvider && checks ? providerRefusal(currentProvider, checks) : undefined);
    return { refused, checks };
  }

  /**
   * Every number's portability, as the workflow's own check gives it: a number the platform
   * refuses to check is not portable, with its words. Undefined when the platform cannot
   * answer now (or refuses portflow's credentials): the workflow checks then, for the
   * platform never stops admission.
   */
  async function checksOf(
    partitionId: string,
    numbers: string[],
  ): Promise<PortabilityChecks | undefined> {
    try {
      return await checkEach(
        numbers,
        (telephoneNumber) => platform.checkPortability(partitionId, telephoneNumber),
        (error) =>
          error instanceof PlatformError && !error.retryable && !isCredentialsRefusal(error)
            ? error.message
            : undefined,
      );
    } catch (error) {
      if (error instanceof PlatformError) return undefined;
      throw error;
    }
  }

  /** A 400 when `currentProvider` names none of the numbers' losing carriers. */
  function providerRefusal(
    currentProvider: string,
    checks: PortabilityChecks,
  ): Refusal | undefined {
    const unmatched = unmatchedProvider(currentProvider, checks.portable);
    if (!unmatched) return undefined;
    const message = `names none of the numbers' losing carriers: ${unmatched}`;
    return {
      outcome: 'invalid',
      message: `Invalid body: currentProvider ${message}`,
      problems: [{ in: 'body', field: 'currentProvider', message }],
    };
  }

  function replay(memo: Record<string, unknown>, fingerprint: string): Outcome<PortObject> {
    if (memo[MEMO.requestFingerprint] !== fingerprint) return { outcome: 'keyReused' };
    return accepted(fromPortMemo(memo[MEMO.port] as PortMemo));
  }

  /** Runs an Update of a port; a refusal of it is a 409 with the workflow's own code. */
  async function update(
    partitionId: string,
    portRequestId: string,
    call: () => Promise<PortObject>,
    ended: Refusal,
    options: {
      replayed?: (port: PortObject) => boolean;
      /** The port as it stands already answers it (a retry): nothing is sent. */
      answered?: (port: PortObject) => boolean;
      /** A refusal the port as it stands already gives, before the Update is sent. */
      refusal?: (port: PortObject) => Refusal | undefined;
    } = {},
  ): Promise<Outcome<PortObject>> {
    const { replayed } = options;
    const current = await read(partitionId, portRequestId);
    if (current.outcome !== 'done') return current;
    if (options.answered?.(current.value)) return current;
    const refused = options.refusal?.(current.value);
    if (refused) return refused;
    try {
      return done(await callUpdate(client, call));
    } catch (error) {
      const refused = updateRefusal(error);
      const refusal = refused
        ? conflict(refused.code, refused.message)
        : error instanceof WorkflowNotFoundError
          ? ended
          : undefined;
      // The same request again (a cancelled port cancelled again) is answered the same way; so is
      // an Update whose answer was lost because the port ended in the same workflow task.
      const now = replayed && (await portOf(partitionId, portRequestId));
      if (now && replayed?.(now)) return done(now);
      if (!refusal) throw error;
      return refusal;
    }
  }

  async function list(partitionId: string, filters: PortListFilters): Promise<Outcome<PortPage>> {
    const clauses = [
      `WorkflowType = 'portIn'`,
      `PartitionId = ${visibilityString(partitionId)}`,
      'PortStatus IS NOT NULL',
    ];
    if (filters.status) clauses.push(`PortStatus = ${visibilityString(filters.status)}`);
    if (filters.accountId) clauses.push(`AccountId = ${visibilityString(filters.accountId)}`);
    if (filters.telephoneNumber)
      clauses.push(`TelephoneNumbers = ${visibilityString(filters.telephoneNumber)}`);
    const query = clauses.join(' AND ');
    let temporalToken: Buffer | undefined;
    if (filters.nextPageToken) {
      temporalToken = readPageToken(query, filters.nextPageToken);
      if (!temporalToken) return badPageToken();
    }
    let page;
    try {
      page = await listPorts(client, query, filters.pageSize, temporalToken);
    } catch (error) {
      // Temporal refuses a token it did not make only after retrying: told apart from an outage.
      if (temporalToken && !(error instanceof TemporalUnavailable)) return badPageToken();
      throw error;
    }
    return done({
      ports: (page.executions ?? []).map(summaryOf),
      nextPageToken: page.nextPageToken?.length
        ? writePageToken(query, page.nextPageToken)
        : undefined,
    });
  }

  return {
    async check(partitionId: string, telephoneNumber: string): Promise<Outcome<PortabilityCheck>> {
      return done(await platform.checkPortability(partitionId, telephoneNumber));
    },

    /** Admits a port: 202 with the port object; a busy number (small ports) is refused at once. */
    async submit(
      partitionId: string,
      idempotencyKey: string | undefined,
      request: PortRequest,
    ): Promise<Outcome<PortObject>> {
      return gate.admit(() => admit(partitionId, idempotencyKey, request));
    },

    read,

    focDates: (partitionId: string, telephoneNumbers: string[]) =>
      calendar.focDates(partitionId, telephoneNumbers),

    /**
     * Activates an ON_DEMAND port awaiting activation, inside the carrier's window of its FOC
     * date (reckoned on the platform's clock): before it opens, a 409 naming when it opens.
     */
    async activate(partitionId: string, portRequestId: string): Promise<Outcome<PortObject>> {
      const current = await read(partitionId, portRequestId);
      if (current.outcome !== 'done') return current;
      const { phase, status, focDate, requestedDate } = current.value;
      if (phase !== 'AWAITING_ACTIVATION') {
        return conflict(
          'PORT_NOT_AWAITING_ACTIVATION',
          `A port that is ${status} in phase ${phase} is not awaiting activation: an ON_DEMAND port awaits it on its FOC date`,
        );
      }
      const window = await calendar.activationWindow(partitionId, focDate ?? requestedDate);
      if (isRefusal(window)) return window;
      const { opensAt, timeZone, date, now } = window.value;
      if (Date.parse(now) < Date.parse(opensAt)) {
        return conflict(
          'ACTIVATION_WINDOW_NOT_OPEN',
          `The carrier's activation window of ${date} opens at ${opensAt} (${timeZone}): activate from then on`,
          { opensAt, closesAt: window.value.closesAt, timeZone },
        );
      }
      return update(
        partitionId,
        portRequestId,
        () => handleOf(partitionId, portRequestId).executeUpdate(activatePortUpdate),
        conflict(
          'PORT_NOT_AWAITING_ACTIVATION',
          'The port has ended: there is nothing to activate',
        ),
      );
    },

    list,

    /**
     * Every port the filters match, page after page from `filters.nextPageToken` on (a report):
     * the first page is read before it answers, so a bad token or an outage is a refusal, not
     * a report cut short.
     */
    async listEvery(
      partitionId: string,
      filters: PortListFilters,
    ): Promise<Outcome<AsyncIterable<PortSummary>>> {
      const first = await list(partitionId, filters);
      if (isRefusal(first)) return first;
      return done(
        (async function* pages() {
          for (let page = first.value; ;) {
            yield* page.ports;
            if (!page.nextPageToken) return;
            const next = await list(partitionId, { ...filters, nextPageToken: page.nextPageToken });
            // A token portflow made a moment ago is good: only an outage stops the report.
            if (isRefusal(next)) throw new Error(`the port listing refused its own page token`);
            page = next.value;
          }
        })(),
      );
    },

    /** Cancels before the carrier approves; cancelling a cancelled port again answers it again. */
    cancel(partitionId: string, portRequestId: string): Promise<Outcome<PortObject>> {
      return update(
        partitionId,
        portRequestId,
        () => handleOf(partitionId, portRequestId).executeUpdate(cancelPortUpdate),
        conflict('PORT_NOT_CANCELLABLE', 'The port has ended: it can no longer be cancelled'),
        { replayed: (port) => port.status === 'CANCELLED' },
      );
    },

    async supplement(
      partitionId: string,
      portRequestId: string,
      correction: PortSupplement,
    ): Promise<Outcome<PortObject>> {
      const current = correction.requestedDate && (await portOf(partitionId, portRequestId));
      const refused =
        current &&
        (await calendar.refusal(
          partitionId,
          current.telephoneNumbers,
          correction.requestedDate as string,
          false,
        ));
      if (refused) return refused;
      return update(
        partitionId,
        portRequestId,
        () =>
          handleOf(partitionId, portRequestId).executeUpdate(supplementPortUpdate, {
            args: [correction],
          }),
        conflict('PORT_NOT_SUPPLEMENTABLE', 'The port has ended: it takes no supplement'),
        { refusal: (port) => supplementRefusal(port, correction) },
      );
    },

    /**
     * Takes one number out of an open port, before its carrier approves it: withdrawn from the
     * carrier's request (resubmitted without it), its hold given back. A number the port never
     * had is not found; removing a removed number again answers the port as it stands.
     */
    removeNumber(
      partitionId: string,
      portRequestId: string,
      telephoneNumber: string,
    ): Promise<Outcome<PortObject>> {
      const outcomeIn = (port: PortObject) =>
        port.numbers.find((n) => n.telephoneNumber === telephoneNumber);
      const removed = (port: PortObject) => outcomeIn(port)?.status === REMOVED_NUMBER_STATUS;
      return update(
        partitionId,
        portRequestId,
        () =>
          handleOf(partitionId, portRequestId).executeUpdate(removeNumberUpdate, {
            args: [{ telephoneNumber }],
          }),
        conflict('PORT_NOT_OPEN', 'The port has ended: its numbers can no longer change'),
        {
          answered: removed,
          replayed: removed,
          refusal: (port) =>
            outcomeIn(port)
              ? undefined
              : notFound(`No number ${telephoneNumber} in port ${portRequestId}`),
        },
      );
    },

    /**
     * A customer's comment, by the token's partition and the name the caller gives. The same
     * Idempotency-Key answers the comment it made; with another comment, a 409.
     */
    async addComment(
      partitionId: string,
      portRequestId: string,
      idempotencyKey: string | undefined,
      request: PortCommentRequest,
    ): Promise<Outcome<PortComment>> {
      const current = await read(partitionId, portRequestId);
      if (isRefusal(current)) return current;
      const { text, authorName } = request;
      try {
        const comment = await callUpdate(client, () =>
          handleOf(partitionId, portRequestId).executeUpdate(addCommentUpdate, {
            args: [{ text, authorName }],
            // Temporal answers an Update ID it has seen with that Update's answer.
            ...(idempotencyKey ? { updateId: `comment-${idempotencyKey}` } : {}),
          }),
        );
        const same = comment.text === text && comment.author.name === authorName;
        return same ? done(comment) : { outcome: 'keyReused' };
      } catch (error) {
        const refused = updateRefusal(error);
        if (refused) return conflict(refused.code, refused.message);
        if (error instanceof WorkflowNotFoundError)
          return conflict('PORT_CLOSED', 'The port has ended: it takes no comments');
        throw error;
      }
    },

    /**
     * Every comment of a port, oldest first. The memo's newest answer with no worker when they
     * are all; a longer thread is asked of the workflow, and without a worker to answer, the
     * newest come with `complete: false`.
     */
    async comments(
      partitionId: string,
      portRequestId: string,
    ): Promise<Outcome<PortCommentsAnswer>> {
      const memo = await memoOf(client, portWorkflowId(partitionId, portRequestId));
      if (!memo?.[MEMO.port]) return notFound(`No port ${portRequestId}`);
      const kept = (memo[MEMO.comments] as CommentsMemo | undefined) ?? { total: 0, newest: [] };
      const answer = (comments: PortComment[], complete: boolean) =>
        done({ portRequestId, comments, total: Math.max(kept.total, comments.length), complete });
      if (kept.total <= kept.newest.length) return answer(kept.newest, true);
      try {
        const every = await callTemporal(
          client,
          () => handleOf(partitionId, portRequestId).query(portCommentsQuery),
          COMMENTS_QUERY_DEADLINE_MS,
        );
        return answer(every, true);
      } catch (error) {
        if (!(error instanceof TemporalUnavailable)) throw error;
        return answer(kept.newest, false);
      }
    },

    /**
     * Every webhook event the port emitted, oldest first, with each delivery attempt and
     * redelivery; read with no worker while the memo holds them all (the newest 20, small data).
     */
    events(
      partitionId: string,
      portRequestId: string,
    ): Promise<Outcome<WebhookEventLog & { portRequestId: string }>> {
      return events.logOf(
        portWorkflowId(partitionId, portRequestId),
        { portRequestId },
        (run) => run.memo[MEMO.port] !== undefined,
        `No port ${portRequestId}`,
      );
    },

    /**
     * The platform's notification that a port moved: the port (named by the reference it gave
     * the platform) looks at the carrier now. A port portflow does not know, or one that has
     * ended, has nothing to look at.
     */
    async platformNotification(
      partitionId: string,
      portRequestId: string,
      event: CarrierEvent,
    ): Promise<Outcome<{ nudged: boolean }>> {
      const nudged = await unlessMissing(client, async () => {
        await handleOf(partitionId, portRequestId).signal(carrierEventSignal, event);
        return true;
      });
      return accepted({ nudged: nudged ?? false });
    },

    /** A carrier's push: the port looks at the carrier now instead of at its next poll. */
    async carrierEvent(
      partitionId: string,
      portRequestId: string,
      event: CarrierEvent,
    ): Promise<Outcome<{ accepted: true }>> {
      const current = await read(partitionId, portRequestId);
      if (isRefusal(current)) return current;
      // A port that has ended has nothing left to look at.
      await unlessMissing(client, () =>
        handleOf(partitionId, portRequestId).signal(carrierEventSignal, event),
      );
      return accepted({ accepted: true as const });
    },
  };
}

/**
 * A rejected port's supplement must correct what the carrier named: one that changes none of
 * those fields is a 400 naming them; a rejection no supplement can fix is a 409.
 */
function supplementRefusal(port: PortObject, correction: PortSupplement): Refusal | undefined {
  if (port.status !== 'REJECTED' || port.phase !== 'AWAITING_SUPPLEMENT') return undefined;
  const { rejectionCode = 'OTHER', fieldsToCorrect = [] } = port;
  if (port.supplementable === false) {
    return conflict(
      'REJECTION_NOT_SUPPLEMENTABLE',
      `The carrier's rejection (${rejectionCode}) cannot be fixed by a supplement: cancel the port and submit a new one`,
      { rejectionCode },
    );
  }
  const corrected = Object.keys(correction);
  if (fieldsToCorrect.length === 0 || fieldsToCorrect.some((f) => corrected.includes(f)))
    return undefined;
  const message = `must be corrected: the carrier rejected the port for ${rejectionCode}`;
  return {
    outcome: 'invalid',
    code: 'SUPPLEMENT_CORRECTS_NO_REJECTED_FIELD',
    message: `The supplement changes none of the fields the rejection names: correct ${fieldsToCorrect.join(', ')}`,
    problems: fieldsToCorrect.map((field) => ({ in: 'body', field, message })),
  };
}

function listPorts(client: Client, query: string, pageSize: number, nextPageToken?: Buffer) {
  return callTemporal(client, () =>
    client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize,
      nextPageToken,
    }),
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

function readPageToken(query: string, pageToken: string): Buffer | undefined {
  const [token, check, ...rest] = pageToken.split('.');
  if (!token || rest.length > 0 || check !== pageTokenCheck(query, token)) return undefined;
  return Buffer.from(token, 'base64url');
}

function pageTokenCheck(query: string, token: string): string {
  return createHash('sha256').update(`${query}\n${token}`).digest('base64url').slice(0, 16);
}

function badPageToken(): Refusal {
  return {
    outcome: 'invalid',
    message: 'Invalid querystring: nextPageToken',
    problems: [
      {
        in: 'querystring',
        field: 'nextPageToken',
        message: 'is not a token this listing gave, with these filters',
      },
    ],
  };
}

type RawExecution = NonNullable<
  Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>['executions']
>[number];

/** A list entry from what operators search by: a page costs one call. */
function summaryOf(execution: RawExecution): PortSummary {
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
