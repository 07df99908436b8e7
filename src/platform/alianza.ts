import { z } from 'zod';
import {
  addDays,
  dateIn,
  daysBetween,
  formatNumber,
  isBusinessDay,
  matchesPattern,
  splitNumber,
  toIsoDate,
  type AccountNumberEntry,
  type AssignmentTarget,
  type AssignmentType,
  type AvailableNumber,
  type NumberDetails,
  type NumberFocDates,
  type NumberUpdate,
  type OrderedNumber,
  type OrderResult,
  type PlatformPort,
  type PlatformRejection,
  type PortStatus,
  type PortabilityCheck,
} from '../domain';
import {
  EXPIRED_AUTH_TOKEN,
  PORT_SERVICE_TYPE,
  REFERENCE_TYPE_OF,
  accountTelephoneNumber,
  assignmentTypeOf,
  activationEvent,
  alianzaError,
  authorizeAnswer,
  createOrAdd,
  fromAlianzaNumber,
  fromStructuredAddress,
  inventoryTelephoneNumber,
  partitionX,
  portX,
  prevalidation,
  toAlianzaNumber,
  toStructuredAddress,
  type AccountTelephoneNumber,
  type ActivationEvent,
  type ActivationStatusType,
  type AlianzaDirectoryListing,
  type CreateOrAdd,
  type InventoryTelephoneNumber,
  type Prevalidation,
  type PortX,
  type PortXStatus,
  type ReferenceType,
  type StructuredAddress,
  type TelephoneNumberPatch,
} from '../domain/alianza';
import { UNKNOWN_CARRIER } from '../domain/portability';
import type { Logger } from '../logger';
import {
  PlatformConflictError,
  PlatformError,
  PlatformNotFoundError,
  PlatformRejectedError,
} from './errors';
import { createTransport, segments, type Call } from './http';
import type { AssignmentBody, PlatformClient, PortSubmission } from './platform';

export interface AlianzaPlatformOptions {
  /** The API's origin: `https://api.alianza.com`. */
  baseUrl: string;
  /** The login of `POST /v2/authorize`; neither it nor the session token is ever logged. */
  username: string;
  password: string;
  timeoutMs: number;
  logger?: Logger;
  connections?: number;
}

/** Where the adapter writes the idempotency key of a port it creates, to find it again. */
const REFERENCE_PREFIX = 'portflow-request:';

/** A PortX status that decides portflow's status whatever the activation event says. */
const PORT_X_TO_SEED: Partial<Record<PortXStatus, PortStatus>> = {
  ACTIVATION_PENDING: 'IN_PROGRESS',
  ACTIVATION_ON_HOLD: 'IN_PROGRESS',
  ACTIVE: 'COMPLETED',
  PORT_REJECTED: 'REJECTED',
  CANCEL_PORT_COMPLETE: 'CANCELLED',
  DELETED: 'CANCELLED',
};

/** While the PortX is PORT_PENDING, the activation event tells how far the carrier is. */
const EVENT_TO_SEED: Partial<Record<ActivationStatusType, PortStatus>> = {
  RESELLER_PENDING: 'PENDING',
  PENDING: 'PENDING',
  IN_PROGRESS: 'PENDING',
  ON_HOLD: 'PENDING',
  FOC_REMOVED: 'PENDING',
  FOC_RECEIVED: 'APPROVED',
  HOT_CUT_PORT: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  CORRECTED_COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  CARRIER_CANCELLED: 'CANCELLED',
};

/**
 * portflow's status of an Alianza port: its PortX status first, then its activation event;
 * a pair neither maps (CANCEL_PORT, COOLDOWN...) is answered as the raw PortX word, which
 * portflow keeps as it came.
 */
export function seedStatusOf(
  status: PortXStatus | undefined,
  event?: ActivationStatusType,
): string {
  const decided = status && PORT_X_TO_SEED[status];
  if (decided) return decided;
  if ((status === undefined || status === 'PORT_PENDING') && event) {
    return EVENT_TO_SEED[event] ?? event;
  }
  return status ?? 'PENDING';
}

/** The seed's assignment type of each assignment target. */
const ASSIGNMENT_TYPE_OF: Record<AssignmentTarget['type'], AssignmentType> = {
  USER: 'END_USER',
  DEVICE_LINE: 'DEVICE_LINE',
  IVR: 'IVR',
  CALL_QUEUE: 'CALL_QUEUE',
};

/** A destination's reference: the target's id, and `{deviceId}/line/{n}` for a device line, as the seed lists it. */
function referenceOf(target: AssignmentTarget): {
  referenceType: ReferenceType;
  referenceId: string;
} {
  const referenceType = REFERENCE_TYPE_OF[ASSIGNMENT_TYPE_OF[target.type]];
  switch (target.type) {
    case 'USER':
      return { referenceType, referenceId: target.userId };
    case 'DEVICE_LINE':
      return { referenceType, referenceId: `${target.deviceId}/line/${target.lineNumber}` };
    case 'IVR':
      return { referenceType, referenceId: target.ivrId };
    case 'CALL_QUEUE':
      return { referenceType, referenceId: target.queueId };
  }
}

const dateOf = (dateTime: string | undefined) => dateTime?.slice(0, 10);

function assignmentOf(number: AccountTelephoneNumber) {
  const type = number.referenceType ? assignmentTypeOf(number.referenceType) : undefined;
  if (!number.referenceType || !number.referenceId)
    return { assignedTo: null, assignmentType: null };
  // A destination the seed has no word for (a SIP trunk...) is shown with its type.
  return type
    ? { assignedTo: number.referenceId, assignmentType: type }
    : { assignedTo: `${number.referenceType} ${number.referenceId}`, assignmentType: null };
}

function toEntry(number: AccountTelephoneNumber): AccountNumberEntry {
  const telephoneNumber = fromAlianzaNumber(number.phoneNumber);
  return {
    telephoneNumber,
    formatted: formatNumber(telephoneNumber),
    ...assignmentOf(number),
    primary: number.assignAsCallerId ?? false,
    status: number.carrierStatus ?? number.operationalStatus ?? 'ACTIVE',
    e911Registered: Boolean(number.e911Address),
  };
}

function toDetails(number: AccountTelephoneNumber, accountId: string): NumberDetails {
  const telephoneNumber = fromAlianzaNumber(number.phoneNumber);
  const { npa, nxx } = splitNumber(telephoneNumber);
  const e911 = number.e911Address;
  const listing = number.directoryListing;
  return {
    telephoneNumber,
    formatted: formatNumber(telephoneNumber),
    npa,
    nxx,
    status: number.carrierStatus ?? number.operationalStatus ?? 'ACTIVE',
    accountId,
    ...assignmentOf(number),
    e911: e911 ? { registered: true, address: fromStructuredAddress(e911) } : { registered: false },
    directoryListing: { listed: listing?.listed ?? false },
    // Alianza keeps no caller ID name on a number.
    callerIdName: null,
  };
}

function toAvailable(number: InventoryTelephoneNumber): AvailableNumber {
  const telephoneNumber = fromAlianzaNumber(number.phoneNumber);
  const { npa, nxx, line } = splitNumber(telephoneNumber);
  const available: AvailableNumber = {
    telephoneNumber,
    formatted: formatNumber(telephoneNumber),
    npa,
    nxx,
    line,
    available: (number.isInInventory ?? true) && !number.accountId,
  };
  if (number.rateCenter) available.rateCenter = number.rateCenter;
  if (number.state) available.state = number.state;
  return available;
}

/** The carrier's reasons with Alianza's codes: the activation event's REJECTED logs. */
function rejectionsOf(event: ActivationEvent | undefined): PlatformRejection[] {
  return (event?.logs ?? [])
    .filter((log) => log.status === 'REJECTED' && log.message)
    .map((log) => ({ ...(log.code ? { code: log.code } : {}), reason: log.message as string }));
}

/**
 * The FOC date: the day of the FOC instant on the clocks of `focDateTimeZone` (02:00Z on the 11th
 * is the 10th in US/Pacific); without a zone, the day the instant is written on.
 */
export function focDateOf(
  port: Pick<PortX, 'focDate' | 'focDateTimeZone'>,
  event?: Pick<ActivationEvent, 'focDate'>,
): string | undefined {
  const focAt = port.focDate ?? event?.focDate;
  if (!focAt) return undefined;
  return port.focDateTimeZone ? dateIn(focAt, port.focDateTimeZone) : dateOf(focAt);
}

/**
 * The FOC dates prevalidate gives the numbers asked together: its CRD window, and in it the
 * dates of `availabilityList` (every business day of the window when it lists none). A business
 * day of the window it leaves out is a blackout date. Undefined when it names no window.
 */
export function focWindowOf(
  answer: Prevalidation,
): Omit<NumberFocDates, 'telephoneNumber' | 'currentCarrier'> | undefined {
  const listed = answer.availabilityList && [...new Set(answer.availabilityList)].sort();
  const earliest = answer.earliestCRD ?? listed?.[0];
  const latest = answer.latestCRD ?? listed?.at(-1);
  if (!earliest || !latest) return undefined;
  const businessDays: string[] = [];
  for (let date = earliest; date <= latest; date = addDays(date, 1))
    if (isBusinessDay(date)) businessDays.push(date);
  const allowed = listed?.filter((date) => date >= earliest && date <= latest) ?? businessDays;
  const taken = new Set(allowed);
  return {
    earliestFocDate: earliest,
    latestFocDate: latest,
    allowedFocDates: allowed,
    blackoutDates: businessDays.filter((date) => !taken.has(date)),
  };
}

/** prevalidate's word on one number: the emulator's `numberAvailability` (not in Alianza's document). */
const availabilityOf = (answer: Prevalidation, telephoneNumber: string) =>
  answer.numberAvailability?.find(
    (entry) => entry.telephoneNumber === toAlianzaNumber(telephoneNumber),
  );

function toPlatformPort(
  port: PortX & { id: string },
  event: ActivationEvent | undefined,
): PlatformPort {
  const status = seedStatusOf(port.status, event?.activationStatusType);
  const focDate = focDateOf(port, event);
  const requestedDate = dateOf(port.crdDate) as string;
  const answer: PlatformPort = {
    portRequestId: port.id,
    status,
    carrierStatus: [port.status, event?.activationStatusType].filter(Boolean).join(' / '),
    telephoneNumbers: port.telephoneNumbers.map(fromAlianzaNumber),
    submittedDate: port.createdDate ?? `${requestedDate}T00:00:00.000Z`,
    requestedDate,
    estimatedCompletionDate: focDate ? addDays(focDate, 1) : addDays(requestedDate, 1),
  };
  if (focDate && status !== 'PENDING') answer.focDate = focDate;
  if (port.focDateTimeZone) answer.focDateTimeZone = port.focDateTimeZone;
  const rejections = status === 'REJECTED' ? rejectionsOf(event) : [];
  if (rejections.length > 0) {
    answer.rejectionReason = rejections.map((r) => r.reason).join('; ');
    answer.rejections = rejections;
  }
  const provider = port.telecomSettings?.currentCarrierName ?? event?.losingCarrier;
  if (provider) answer.currentProvider = provider;
  if (port.accountId) answer.accountId = port.accountId;
  return answer;
}

/** portflow's refusal of a request it cannot say in Alianza's words: a 400 naming the field, before any call. */
function unmappable(field: string, message: string, at: Pick<Call<z.ZodType>, 'method' | 'path'>) {
  return new PlatformRejectedError(`${field}: ${message}`, {
    method: at.method,
    path: at.path,
    status: 400,
    code: 'NOT_MAPPABLE_TO_ALIANZA',
    details: [{ path: field, message }],
  });
}

/** An address in Alianza's structure, or the refusal naming `field.street` or `field.location`. */
function structured(
  field: string,
  address: Parameters<typeof toStructuredAddress>[0],
  at: Pick<Call<z.ZodType>, 'method' | 'path'>,
): StructuredAddress {
  const mapped = toStructuredAddress(address);
  if ('problem' in mapped) {
    throw unmappable(`${field}.${mapped.problem.field}`, mapped.problem.message, at);
  }
  return mapped.address;
}

/** The Alianza API (developer.alianza.com/openapi.yaml) behind portflow's platform interface. */
export function createAlianzaPlatform(options: AlianzaPlatformOptions): PlatformClient {
  const transport = createTransport({
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    connections: options.connections,
    dialect: 'Alianza',
    readRefusal: (body) => {
      const parsed = alianzaError.safeParse(body);
      if (!parsed.success) return undefined;
      const message = parsed.data.messages.join('; ');
      return {
        message: message || `platform answered ${parsed.data.status}`,
        details: parsed.data.data,
      };
    },
  });

  /** The session token, shared by concurrent calls; fetched again when the platform says it expired. */
  let session: Promise<string> | undefined;
  const login = () =>
    transport
      .send({
        method: 'POST',
        path: '/v2/authorize',
        body: { username: options.username, password: options.password },
        schema: authorizeAnswer,
      })
      .then((answer) => answer.authToken);
  const token = (): Promise<string> => {
    session ??= login().catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  };

  async function send<S extends z.ZodType>(call: Call<S>): Promise<z.output<S>> {
    const current = token();
    const withToken = async (pending: Promise<string>) =>
      transport.send({ ...call, headers: { 'x-auth-token': await pending } });
    try {
      return await withToken(current);
    } catch (error) {
      // A 401 answers before the call does anything: log in again (once for all calls) and repeat it.
      if (!(error instanceof PlatformError) || error.status !== 401) throw error;
      if (session === current) session = undefined;
      options.logger?.info(
        { reason: error.message.includes(EXPIRED_AUTH_TOKEN) ? 'expired' : 'refused' },
        'logging in to Alianza again',
      );
      return withToken(token());
    }
  }

  const partition = (partitionId: string) => segments`/v2/partition/${partitionId}`;
  const account = (partitionId: string, accountId: string) =>
    partition(partitionId) + segments`/account/${accountId}`;
  const accountNumber = (partitionId: string, accountId: string, telephoneNumber: string) =>
    account(partitionId, accountId) +
    segments`/telephonenumber/${toAlianzaNumber(telephoneNumber)}`;
  const portPath = (partitionId: string, accountId: string, portId: string) =>
    account(partitionId, accountId) + segments`/port/${portId}`;

  /** The partition-level read: which account holds a number, and whether it cools down. */
  const inventoryView = (partitionId: string, telephoneNumber: string) =>
    send({
      method: 'GET',
      path: partition(partitionId) + segments`/telephonenumber/${toAlianzaNumber(telephoneNumber)}`,
      schema: inventoryTelephoneNumber,
    });

  /** The account that holds a number now; a PlatformNotFoundError when none does (released, or never had). */
  async function holderOf(partitionId: string, telephoneNumber: string): Promise<string> {
    const view = await inventoryView(partitionId, telephoneNumber);
    if (!view.accountId || view.cooldownExpireDate) {
      const path = partition(partitionId) + `/telephonenumber/${toAlianzaNumber(telephoneNumber)}`;
      throw new PlatformNotFoundError(`${telephoneNumber} is not a number of this partition`, {
        method: 'GET',
        path,
        status: 404,
      });
    }
    return view.accountId;
  }

  const readAccountNumber = (partitionId: string, accountId: string, telephoneNumber: string) =>
    send({
      method: 'GET',
      path: accountNumber(partitionId, accountId, telephoneNumber),
      schema: accountTelephoneNumber,
    });
  const patchAccountNumber = (
    partitionId: string,
    accountId: string,
    telephoneNumber: string,
    patch: TelephoneNumberPatch,
  ) =>
    send({
      method: 'PATCH',
      path: accountNumber(partitionId, accountId, telephoneNumber),
      body: patch,
      schema: accountTelephoneNumber,
    });
  const accountNumbers = (partitionId: string, accountId: string) =>
    send({
      method: 'GET',
      path: account(partitionId, accountId) + '/telephonenumber',
      schema: z.array(accountTelephoneNumber),
    });

  async function getNumber(partitionId: string, telephoneNumber: string): Promise<NumberDetails> {
    const accountId = await holderOf(partitionId, telephoneNumber);
    return toDetails(await readAccountNumber(partitionId, accountId, telephoneNumber), accountId);
  }

  const readPortX = (partitionId: string, accountId: string, portId: string) =>
    send({
      method: 'GET',
      path: portPath(partitionId, accountId, portId),
      schema: portX.extend({ id: z.string().min(1) }),
    });
  const readEvent = (partitionId: string, accountId: string, portId: string) =>
    send({
      method: 'GET',
      path:
        account(partitionId, accountId) + segments`/reference/${portId}/type/${PORT_SERVICE_TYPE}`,
      schema: activationEvent,
    }).catch((error: unknown) => {
      // No event yet: the port was made and never sent to the carrier.
      if (error instanceof PlatformNotFoundError) return undefined;
      throw error;
    });

  async function getPort(
    partitionId: string,
    accountId: string,
    portId: string,
  ): Promise<PlatformPort> {
    const [port, event] = await Promise.all([
      readPortX(partitionId, accountId, portId),
      readEvent(partitionId, accountId, portId),
    ]);
    return toPlatformPort(port, event);
  }

  /** prevalidate of numbers asked together: one answer for all of them. */
  const prevalidate = (partitionId: string, telephoneNumbers: string[]) =>
    send({
      method: 'POST',
      path: partition(partitionId) + '/account/prevalidate',
      body: {
        partitionId,
        telephoneNumbers: telephoneNumbers.map((number) => ({
          phoneNumber: toAlianzaNumber(number),
        })),
      },
      schema: prevalidation,
    });

  const trigger = (partitionId: string, accountId: string, portId: string) =>
    send({
      method: 'PUT',
      path: portPath(partitionId, accountId, portId) + '/triggerport',
      schema: z.unknown(),
    });

  /** The PortX of a port request: the customer service record structured, the carrier secrets as Alianza names them. */
  function portXOf(
    partitionId: string,
    submission: PortSubmission,
    reference: string,
    at: Pick<Call<z.ZodType>, 'method' | 'path'>,
  ): PortX {
    const address = structured('serviceAddress', submission.serviceAddress, at);
    const { subscriber } = submission;
    const port: PortX = {
      partitionId,
      accountId: submission.accountId,
      telephoneNumbers: submission.telephoneNumbers.map(toAlianzaNumber),
      customerServiceRecord: {
        ...address,
        firstName: subscriber.firstName,
        lastName: subscriber.lastName,
        customerType: subscriber.companyName ? 'BUSINESS' : 'RESIDENTIAL',
      },
      crdDate: `${submission.requestedDate}T00:00:00.000Z`,
      billingTelephoneNumber: toAlianzaNumber(submission.billingTelephoneNumber),
      portingWireType: 'Wireline',
      portingAuthorizedName: subscriber.authorizedName,
      // The only account number and PIN fields PortX has.
      wirelessAccountNumber: submission.accountNumber,
      telecomSettings: { notes: reference },
    };
    if (subscriber.companyName) port.customerServiceRecord.businessName = subscriber.companyName;
    if (submission.pin) port.wirelessPin = submission.pin;
    if (submission.currentProvider)
      port.telecomSettings = {
        ...port.telecomSettings,
        currentCarrierName: submission.currentProvider,
      };
    return port;
  }

  /** The port made earlier for this request, found by the reference written into it. */
  async function findPort(
    partitionId: string,
    accountId: string,
    telephoneNumbers: string[],
    reference: string,
  ): Promise<(PortX & { id: string }) | undefined> {
    const wanted = new Set(telephoneNumbers.map(toAlianzaNumber));
    const held = await accountNumbers(partitionId, accountId).catch((error: unknown) => {
      // An account Alianza does not know yet holds no port.
      if (error instanceof PlatformNotFoundError) return [];
      throw error;
    });
    const portIds = new Set(
      held
        .filter((number) => number.portId && wanted.has(number.phoneNumber))
        .map((number) => number.portId as string),
    );
    for (const portId of portIds) {
      const port = await readPortX(partitionId, accountId, portId);
      if (port.telecomSettings?.notes === reference) return port;
    }
    return undefined;
  }

  /** Sends the port to the carrier unless it went already (a retry after a lost answer). */
  async function triggerUnlessSent(
    partitionId: string,
    accountId: string,
    portId: string,
    resend: boolean,
  ) {
    const event = await readEvent(partitionId, accountId, portId);
    const sendable =
      event === undefined ||
      event.activationStatusType === 'RESELLER_PENDING' ||
      (resend && event.activationStatusType === 'REJECTED');
    if (sendable) await trigger(partitionId, accountId, portId);
  }

  async function order(
    partitionId: string,
    accountId: string,
    telephoneNumbers: string[],
    tollFree: boolean,
    idempotencyKey: string,
  ): Promise<OrderResult> {
    const orderedDate = new Date().toISOString();
    // Read back first: a number already in this account was added by an earlier try of this order.
    const outcomes = await Promise.all(
      telephoneNumbers.map(async (telephoneNumber): Promise<OrderedNumber & { add?: boolean }> => {
        let view: InventoryTelephoneNumber;
        try {
          view = await inventoryView(partitionId, telephoneNumber);
        } catch (error) {
          if (!(error instanceof PlatformNotFoundError)) throw error;
          return { telephoneNumber, status: 'FAILED', reason: "not in the platform's inventory" };
        }
        if (view.cooldownExpireDate) {
          return {
            telephoneNumber,
            status: 'FAILED',
            reason: `in cooldown until ${view.cooldownExpireDate}`,
          };
        }
        if (view.accountId === accountId)
          return { telephoneNumber, status: 'ACTIVE', accountId, orderedDate };
        if (view.accountId) {
          return {
            telephoneNumber,
            status: 'FAILED',
            reason: `already active on this platform (account ${view.accountId})`,
          };
        }
        return { telephoneNumber, status: 'ACTIVE', accountId, orderedDate, add: true };
      }),
    );
    const toAdd = outcomes.filter((outcome) => outcome.add);
    if (toAdd.length > 0) {
      const body: CreateOrAdd = {
        partitionId,
        accountId,
        telephoneNumbers: toAdd.map((outcome) => ({
          phoneNumber: toAlianzaNumber(outcome.telephoneNumber),
          tollFree,
          ...(tollFree ? { functionType: 'TollFree' } : {}),
        })),
      };
      await send({
        method: 'POST',
        path: account(partitionId, accountId) + '/telephonenumber',
        body,
        schema: createOrAdd,
      });
    }
    const numbers = outcomes.map(({ add: _add, ...outcome }) => outcome);
    const ordered = numbers.filter((number) => number.status === 'ACTIVE').length;
    return {
      // No order resource on Alianza: the order is named by portflow's key.
      orderId: idempotencyKey,
      status: ordered === numbers.length ? 'COMPLETED' : ordered > 0 ? 'PARTIAL' : 'FAILED',
      telephoneNumbers: numbers,
    };
  }

  async function search(
    partitionId: string,
    query: {
      npa?: string;
      nxx?: string;
      rateCenter?: string;
      state?: string;
      pattern?: string;
      quantity?: number;
    },
    functiontype?: 'TollFree',
  ): Promise<AvailableNumber[]> {
    const quantity = query.quantity ?? 10;
    const byRateCenter = query.rateCenter !== undefined;
    const answer = await send({
      method: 'GET',
      path: partition(partitionId) + '/telephonenumber/search',
      query: {
        q: byRateCenter ? query.rateCenter : `1${query.npa ?? ''}${query.nxx ?? ''}`,
        type: byRateCenter ? 'RATECENTER' : 'TN',
        functiontype,
        // A pattern is matched here, so ask for more than will be kept.
        maxResults: query.pattern ? 1000 : quantity,
      },
      schema: z.array(inventoryTelephoneNumber),
    });
    const { pattern } = query;
    return answer
      .map(toAvailable)
      .filter(
        (number) =>
          (!query.state || number.state === query.state) &&
          (!pattern || matchesPattern(number.telephoneNumber, pattern)),
      )
      .slice(0, quantity);
  }

  function patchOf(
    update: NumberUpdate,
    at: Pick<Call<z.ZodType>, 'method' | 'path'>,
  ): TelephoneNumberPatch {
    if (update.callerIdName) {
      throw unmappable('callerIdName', 'Alianza keeps no caller ID name on a number', at);
    }
    const patch: TelephoneNumberPatch = {};
    if (update.e911Address === null) patch.e911Address = null;
    else if (update.e911Address)
      patch.e911Address = structured('e911Address', update.e911Address, at);
    if (update.directoryListing) {
      const listing: AlianzaDirectoryListing = update.directoryListing.listed
        ? { listed: true, type: 'LIST_PUBLISH' }
        : { listed: false, type: 'NOT_LIST_NOT_PUBLISH' };
      patch.directoryListing = listing;
    }
    return patch;
  }

  /** Refuses to move a number that another destination holds, as the seed does (Alianza would overwrite it). */
  function refuseIfAssignedElsewhere(
    number: AccountTelephoneNumber,
    target: AssignmentTarget,
    path: string,
  ) {
    const { referenceType, referenceId } = referenceOf(target);
    if (!number.referenceId) return;
    if (number.referenceId === referenceId && number.referenceType === referenceType) return;
    const { assignedTo, assignmentType } = assignmentOf(number);
    throw new PlatformConflictError(
      `${fromAlianzaNumber(number.phoneNumber)} is assigned to ${assignmentType ?? number.referenceType} ${assignedTo}`,
      {
        method: 'PUT',
        path,
        status: 409,
        code: 'NUMBER_ASSIGNED',
        details: { assignedTo, assignmentType },
      },
    );
  }

  return {
    kind: 'alianza',
    /**
     * From prevalidate, once for the numbers asked together (at most FOC_DATES_MAX_NUMBERS): the
     * dates that suit all of them, so each number of one call is given the same dates.
     */
    async focDates(partitionId, telephoneNumbers) {
      const answer = await prevalidate(partitionId, telephoneNumbers);
      const window = focWindowOf(answer);
      if (!window) return undefined;
      return telephoneNumbers.map((telephoneNumber) => ({
        telephoneNumber,
        currentCarrier: availabilityOf(answer, telephoneNumber)?.losingCarrier ?? UNKNOWN_CARRIER,
        ...window,
      }));
    },
    // Alianza's API has no on-demand activation: the feature answers 501.
    activationWindow: () => Promise.resolve(undefined),
    // Alianza's ports carry no carrier comments: only portflow's own appear.
    portComments: () => Promise.resolve(undefined),
    activatePort: (partitionId, accountId, portRequestId) =>
      Promise.reject(
        new PlatformRejectedError('Alianza has no on-demand activation', {
          method: 'POST',
          path: `${partition(partitionId)}/account/${accountId}/port/${portRequestId}/activate`,
          status: 501,
        }),
      ),
    searchNumbers: async (partitionId, query) => ({
      telephoneNumbers: await search(partitionId, query),
    }),
    searchTollFree: async (partitionId, query) => ({
      telephoneNumbers: await search(partitionId, query, 'TollFree'),
    }),
    orderNumbers: (partitionId, { accountId, telephoneNumbers }, { idempotencyKey }) =>
      order(partitionId, accountId, telephoneNumbers, false, idempotencyKey),
    orderTollFree: (partitionId, { accountId, telephoneNumber }, { idempotencyKey }) =>
      order(partitionId, accountId, [telephoneNumber], true, idempotencyKey),

    async checkPortability(partitionId, telephoneNumber): Promise<PortabilityCheck> {
      const answer = await prevalidate(partitionId, [telephoneNumber]);
      const item = availabilityOf(answer, telephoneNumber);
      const portable = answer.serviceAvailable && answer.lnp && (item?.available ?? true);
      const { earliestCRD: earliestCrd, latestCRD: latestCrd } = answer;
      const check: PortabilityCheck = {
        telephoneNumber,
        portable,
        currentCarrier: item?.losingCarrier ?? UNKNOWN_CARRIER,
        lineType: item?.customerType ?? 'UNKNOWN',
        estimatedDays:
          portable && earliestCrd
            ? Math.max(0, daysBetween(toIsoDate(new Date()), earliestCrd))
            : 0,
      };
      if (!portable)
        check.reason =
          answer.exception ??
          (answer.lnp
            ? 'Alianza cannot serve this number'
            : 'no port needed: Alianza holds this number');
      if (earliestCrd) check.earliestCrd = earliestCrd;
      if (latestCrd) check.latestCrd = latestCrd;
      return check;
    },

    async submitPort(partitionId, submission, { idempotencyKey }) {
      const { accountId } = submission;
      const path = account(partitionId, accountId) + '/telephonenumber';
      const reference = REFERENCE_PREFIX + idempotencyKey;
      const body: CreateOrAdd = {
        partitionId,
        accountId,
        telephoneNumbers: submission.telephoneNumbers.map((number) => ({
          phoneNumber: toAlianzaNumber(number),
        })),
        port: portXOf(partitionId, submission, reference, { method: 'POST', path }),
      };
      // No Idempotency-Key on Alianza: a port made by a lost try of this request is found, not made again.
      let portId = (await findPort(partitionId, accountId, submission.telephoneNumbers, reference))
        ?.id;
      if (portId === undefined) {
        const created = await send({ method: 'POST', path, body, schema: createOrAdd });
        portId = created.port?.id;
        if (!portId) {
          throw new PlatformRejectedError('Alianza made no port: its answer has no port.id', {
            method: 'POST',
            path,
            status: 200,
          });
        }
      }
      await triggerUnlessSent(partitionId, accountId, portId, false);
      return getPort(partitionId, accountId, portId);
    },

    getPort,

    async supplementPort(partitionId, portId, submission, { idempotencyKey }) {
      const { accountId } = submission;
      const path = portPath(partitionId, accountId, portId);
      const reference = REFERENCE_PREFIX + idempotencyKey;
      const current = await readPortX(partitionId, accountId, portId);
      // Corrected already by a lost try of this supplement: only the trigger may be missing.
      if (current.telecomSettings?.notes !== reference) {
        const corrected = portXOf(partitionId, submission, reference, { method: 'PUT', path });
        await send({ method: 'PUT', path, body: { ...corrected, id: portId }, schema: portX });
      }
      await triggerUnlessSent(partitionId, accountId, portId, true);
      return getPort(partitionId, accountId, portId);
    },

    async cancelPort(partitionId, accountId, portId) {
      try {
        await send({
          method: 'DELETE',
          path: portPath(partitionId, accountId, portId) + '/cancelport',
          schema: z.undefined(),
        });
      } catch (error) {
        // A 400: "incompatible or terminal state". Cancelled already is done; anything else is a conflict.
        if (!(error instanceof PlatformRejectedError) || error.status !== 400) throw error;
        const port = await getPort(partitionId, accountId, portId);
        if (port.status === 'CANCELLED') return port;
        throw new PlatformConflictError(
          `port ${portId} is ${port.carrierStatus ?? port.status}: ${error.message}`,
          {
            method: error.method,
            path: error.path,
            status: error.status,
            details: { status: port.status, carrierStatus: port.carrierStatus },
          },
        );
      }
      return getPort(partitionId, accountId, portId);
    },

    async assign(partitionId, accountId, target, body: AssignmentBody) {
      const path = accountNumber(partitionId, accountId, body.telephoneNumber);
      const number = await readAccountNumber(partitionId, accountId, body.telephoneNumber);
      refuseIfAssignedElsewhere(number, target, path);
      if ('e911Address' in body && body.e911Address) {
        const e911Address = structured('e911Address', body.e911Address, { method: 'PATCH', path });
        await patchAccountNumber(partitionId, accountId, body.telephoneNumber, { e911Address });
      }
      const assigned = await send({
        method: 'PUT',
        path: path + '/destination',
        body: {
          telephoneNumber: toAlianzaNumber(body.telephoneNumber),
          ...referenceOf(target),
          // The seed's primary number of a line is the one it shows as caller ID.
          ...('primary' in body && body.primary !== undefined
            ? { assignAsCallerId: body.primary }
            : {}),
        },
        schema: accountTelephoneNumber,
      });
      return { ...toEntry(assigned), accountId };
    },

    async unassign(partitionId, accountId, target, telephoneNumber) {
      const path = accountNumber(partitionId, accountId, telephoneNumber);
      const number = await readAccountNumber(partitionId, accountId, telephoneNumber);
      refuseIfAssignedElsewhere(number, target, path);
      if (!number.referenceId) return toEntry(number);
      // No unassign call on Alianza: the destination is cleared on the number.
      return toEntry(
        await patchAccountNumber(partitionId, accountId, telephoneNumber, {
          referenceType: null,
          referenceId: null,
        }),
      );
    },

    listAccountNumbers: async (partitionId, accountId) =>
      // Numbers of a port still in flight are STAGED: not the account's yet.
      (await accountNumbers(partitionId, accountId))
        .filter((number) => number.operationalStatus !== 'STAGED')
        .map(toEntry),

    getNumber,

    async updateNumber(partitionId, telephoneNumber, update) {
      const accountId = await holderOf(partitionId, telephoneNumber);
      const patch = patchOf(update, {
        method: 'PATCH',
        path: accountNumber(partitionId, accountId, telephoneNumber),
      });
      if (Object.keys(patch).length === 0) return getNumber(partitionId, telephoneNumber);
      return toDetails(
        await patchAccountNumber(partitionId, accountId, telephoneNumber, patch),
        accountId,
      );
    },

    async releaseNumber(partitionId, telephoneNumber) {
      const accountId = await holderOf(partitionId, telephoneNumber);
      await send({
        method: 'DELETE',
        path: accountNumber(partitionId, accountId, telephoneNumber),
        schema: z.undefined(),
      });
      // Alianza keeps a deleted number in COOLDOWN for the partition's tnDeleteCooldownDays.
      return { telephoneNumber, status: 'COOLDOWN' };
    },

    async reclaimNumber(partitionId, telephoneNumber) {
      const view = await inventoryView(partitionId, telephoneNumber);
      if (view.cooldownExpireDate) {
        await send({
          method: 'PUT',
          path:
            partition(partitionId) +
            segments`/telephonenumber/${toAlianzaNumber(telephoneNumber)}/cooldown/recover`,
          schema: z.unknown(),
        });
      }
      return getNumber(partitionId, telephoneNumber);
    },

    async numberCooldownDays(partitionId) {
      const settings = await send({
        method: 'GET',
        path: partition(partitionId),
        schema: partitionX,
      });
      return settings.tnDeleteCooldownDays;
    },

    // Alianza has no health endpoint: any answer below 500 to the login route, unauthenticated, shows it is up.
    checkReachable: (timeoutMs) => transport.checkReachable('/v2/authorize', timeoutMs),
    close: () => transport.close(),
  };
}
