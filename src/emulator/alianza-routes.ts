import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DAY_MS,
  isTollFree,
  splitNumber,
  type AssignmentType,
  type AvailableNumber,
  type DirectoryListing,
  type E911Address,
} from '../domain';
import {
  REFERENCE_TYPE_OF,
  accountTelephoneNumber,
  activationEvent,
  assignmentTypeOf,
  alianzaError,
  alianzaNumber,
  authorizeAnswer,
  authorizeRequest,
  createOrAdd,
  destination,
  fromAlianzaNumber,
  fromStructuredAddress,
  inventoryTelephoneNumber,
  numberSearch,
  numberToAdd,
  partitionX,
  portX,
  portXPatch,
  prevalidation,
  telephoneNumberPatch,
  toAlianzaNumber,
  toStructuredAddress,
  type AccountTelephoneNumber,
  type AlianzaError,
  type InventoryTelephoneNumber,
  type ReferenceType,
} from '../domain/alianza';
import { crdDates } from './alianza-ports';
import type { EmulatorApp } from './app';
import { EmulatorError, codeForStatus, notFound } from './errors';
import { COOLDOWN, type NumberRow } from './numbers';
import type { EmulatedPlatform } from './platform';
import type { Sessions } from './sessions';

const partitionParams = z.object({ partitionId: z.string().trim().min(1).max(64) });
const accountParams = partitionParams.extend({ accountId: z.string().trim().min(1).max(64) });
const numberParams = partitionParams.extend({ tn: alianzaNumber });
const accountNumberParams = accountParams.extend({ tn: alianzaNumber });
const portParams = accountParams.extend({ portId: z.string().min(1).max(64) });

/** A 2xx schema and Alianza's error body for every refusal. */
const answers = <S extends z.ZodType>(schema: S) => ({
  200: schema,
  '4xx': alianzaError,
  '5xx': alianzaError,
});
const refusals = { '4xx': alianzaError, '5xx': alianzaError };
/** 204: no body (cancel, delete, logout). */
const noContent = { 204: z.undefined(), ...refusals };

/** Alianza's error body of a refusal (PublicApiException). */
export function alianzaErrorBody(status: number, message: string, data?: unknown): AlianzaError {
  return { status, messages: [message], data: data ?? null };
}

/** Every failure under the Alianza routes in Alianza's shape; a 5xx never tells its internals. */
function handleAlianzaError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof EmulatorError) {
    return reply
      .code(error.statusCode)
      .send(alianzaErrorBody(error.statusCode, error.message, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problems = error.validation.map((issue) => ({
      in: error.validationContext ?? 'body',
      path: issue.instancePath.split('/').filter(Boolean).join('.'),
      message: issue.message ?? 'is invalid',
    }));
    const message = problems
      .map((problem) => `${problem.path || problem.in}: ${problem.message}`)
      .join('; ');
    return reply.code(400).send(alianzaErrorBody(400, message, problems));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return reply.code(status).send(alianzaErrorBody(status, error.message));
  request.log.error({ err: error }, 'emulator failed');
  return reply.code(500).send(alianzaErrorBody(500, 'the emulator failed; see its log'));
}

/** An injected fault's answer in Alianza's shape. */
export const alianzaFaultBody = (status: number) =>
  alianzaErrorBody(status, `injected fault: ${codeForStatus(status)}`);

/** A destination type the seed has no assignment type for is stored under Alianza's own word. */
const storedType = (referenceType: ReferenceType) =>
  assignmentTypeOf(referenceType) ?? (referenceType as AssignmentType);

const functionTypeOf = (telephoneNumber: string) =>
  isTollFree(telephoneNumber) ? 'TollFree' : 'ELS';

function structuredOf(address: E911Address | null) {
  if (!address) return null;
  const mapped = toStructuredAddress(address);
  return 'address' in mapped ? mapped.address : null;
}

/** A number of an account, in Alianza's words, from the store's row. */
function toAccountNumber(row: NumberRow): AccountTelephoneNumber {
  const listing = row.directory_listing
    ? (JSON.parse(row.directory_listing) as DirectoryListing)
    : undefined;
  return {
    phoneNumber: toAlianzaNumber(row.telephone_number),
    accountId: row.account_id,
    // A destination the seed has no type for is stored under Alianza's own word.
    referenceType: row.assignment_type
      ? (REFERENCE_TYPE_OF[row.assignment_type] ?? (row.assignment_type as ReferenceType))
      : null,
    referenceId: row.assigned_to,
    carrierStatus: row.status,
    operationalStatus: 'ACTIVE',
    functionType: functionTypeOf(row.telephone_number),
    tollFree: isTollFree(row.telephone_number),
    portId: null,
    e911Address: structuredOf(
      row.e911_address ? (JSON.parse(row.e911_address) as E911Address) : null,
    ),
    directoryListing: listing?.listed
      ? { listed: true, type: 'LIST_PUBLISH' }
      : { listed: false, type: 'NOT_LIST_NOT_PUBLISH' },
    assignAsCallerId: row.is_primary === 1,
  };
}

function toInventoryNumber(number: AvailableNumber): InventoryTelephoneNumber {
  const { npa, nxx } = splitNumber(number.telephoneNumber);
  return {
    phoneNumber: toAlianzaNumber(number.telephoneNumber),
    rateCenter: number.rateCenter,
    state: number.state,
    country: 'US',
    prefix: `${npa}${nxx}`,
    accountId: null,
    functionType: functionTypeOf(number.telephoneNumber),
    isInInventory: true,
    cooldownExpireDate: null,
  };
}

/** The prevalidate body: a createOrAdd body, of which the numbers are read. */
const prevalidateRequest = createOrAdd
  .partial()
  .extend({ telephoneNumbers: z.array(numberToAdd).min(1) });

/**
 * Alianza's routes under `/v2` (developer.alianza.com/openapi.yaml, as ../shared/docs/ALIANZA-API.md
 * gives them), over the same store and carrier as the seed's: session logins, 11-digit
 * `telephonenumber` paths, account-scoped numbers and ports, 204s, `{status, messages, data}`.
 */
export function alianzaRoutes(
  app: EmulatorApp,
  platform: EmulatedPlatform,
  sessions: Sessions,
): void {
  const {
    numbers,
    carriers,
    inventory,
    alianzaPorts,
    alianzaPartitions,
    focCalendar,
    clock,
    store,
  } = platform;
  app.setErrorHandler(handleAlianzaError);

  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'POST' && request.url.split('?')[0] === '/v2/authorize') return done();
    const token = request.headers['x-auth-token'];
    try {
      sessions.check(typeof token === 'string' ? token : undefined);
      done();
    } catch (error) {
      done(error as EmulatorError);
    }
  });

  app.post(
    '/authorize',
    { schema: { body: authorizeRequest, response: answers(authorizeAnswer) } },
    (request) => ({
      authToken: sessions.login(request.body.username, request.body.password),
      userId: 'emulator-user',
      accountId: null,
      permissions: ['PORTING', 'TELEPHONE_NUMBERS'],
      maxLifeInHours: 1,
    }),
  );

  app.put('/authorize/logout', { schema: { response: noContent } }, async (request, reply) => {
    const token = request.headers['x-auth-token'];
    sessions.logout(typeof token === 'string' ? token : undefined);
    await reply.code(204).send(undefined);
  });

  app.get(
    '/partition/:partitionId',
    { schema: { params: partitionParams, response: answers(partitionX) } },
    (request) => ({
      id: request.params.partitionId,
      tnDeleteCooldownDays: alianzaPartitions.of(request.params.partitionId).tnDeleteCooldownDays,
    }),
  );

  app.get(
    '/partition/:partitionId/telephonenumber/search',
    {
      schema: {
        params: partitionParams,
        querystring: numberSearch,
        response: answers(z.array(inventoryTelephoneNumber)),
      },
    },
    (request) => {
      const { q, type = 'POSTALCODE_OR_TN', functiontype, maxResults = 10 } = request.query;
      const { partitionId } = request.params;
      if (type === 'RATECENTER') {
        return inventory
          .searchLocal(partitionId, { rateCenter: q.toUpperCase(), quantity: maxResults })
          .map(toInventoryNumber);
      }
      if ((type !== 'TN' && type !== 'POSTALCODE_OR_TN') || !/^1?\d*$/.test(q)) {
        throw new EmulatorError(
          400,
          'VALIDATION_FAILED',
          `q: the emulator searches by TN prefix or rate center, not ${type} ${q}`,
        );
      }
      const query = { pattern: `${q.replace(/^1/, '')}*`, quantity: maxResults };
      const found =
        functiontype === 'TollFree'
          ? inventory.searchTollFree(partitionId, query)
          : inventory.searchLocal(partitionId, query);
      return found.map(toInventoryNumber);
    },
  );

  /** The partition-level view of a number: who holds it, or whether the pool does. */
  function inventoryView(partitionId: string, tn: string): InventoryTelephoneNumber {
    const telephoneNumber = fromAlianzaNumber(tn);
    const row = numbers.find(partitionId, telephoneNumber);
    if (row) {
      const cooldownEnd = numbers.cooldownEnd(partitionId, telephoneNumber);
      return {
        phoneNumber: tn,
        accountId: row.account_id,
        functionType: functionTypeOf(telephoneNumber),
        operationalStatus: 'ACTIVE',
        isInInventory: false,
        cooldownExpireDate: cooldownEnd === undefined ? null : new Date(cooldownEnd).toISOString(),
      };
    }
    const [spare] = inventory.searchLocal(partitionId, {
      pattern: telephoneNumber.slice(2),
      quantity: 1,
    });
    const [spareTollFree] = spare
      ? []
      : inventory.searchTollFree(partitionId, { pattern: telephoneNumber.slice(2), quantity: 1 });
    const pooled = spare ?? spareTollFree;
    if (!pooled) throw notFound(`${tn} is not a number of this platform`);
    return toInventoryNumber(pooled);
  }

  app.get(
    '/partition/:partitionId/telephonenumber/:tn',
    { schema: { params: numberParams, response: answers(inventoryTelephoneNumber) } },
    (request) => inventoryView(request.params.partitionId, request.params.tn),
  );

  app.put(
    '/partition/:partitionId/telephonenumber/:tn/cooldown/recover',
    { schema: { params: numberParams, response: answers(inventoryTelephoneNumber) } },
    (request) => {
      const { partitionId, tn } = request.params;
      const row = numbers.find(partitionId, fromAlianzaNumber(tn));
      if (row?.status !== COOLDOWN)
        throw new EmulatorError(400, 'INCOMPATIBLE_STATE', `${tn} is not in COOLDOWN`);
      numbers.recover(partitionId, fromAlianzaNumber(tn));
      return inventoryView(partitionId, tn);
    },
  );

  app.post(
    '/partition/:partitionId/account/prevalidate',
    {
      schema: {
        params: partitionParams,
        body: prevalidateRequest,
        response: answers(prevalidation),
      },
    },
    (request) => {
      const { partitionId } = request.params;
      const telephoneNumbers = request.body.telephoneNumbers.map((number) =>
        fromAlianzaNumber(number.phoneNumber),
      );
      const checks = telephoneNumbers.map((number) => carriers.check(partitionId, number));
      // The dates every number's carrier takes, as the seed's FOC-date extension reckons them.
      const dates = crdDates(focCalendar.focDates(telephoneNumbers, clock.today()), clock.today());
      const reasons = checks.flatMap((check) =>
        check.reason ? [`${check.telephoneNumber}: ${check.reason}`] : [],
      );
      return {
        serviceAvailable: true,
        lnp: checks.every((check) => check.portable),
        wirelessPort: false,
        carrierType: 'SERVICE_PROVIDER_CARRIER',
        ...(dates.length > 0 ? { earliestCRD: dates[0], latestCRD: dates.at(-1) } : {}),
        availabilityList: dates,
        exception: reasons.length > 0 ? reasons.join('; ') : null,
        numberAvailability: checks.map((check) => ({
          telephoneNumber: toAlianzaNumber(check.telephoneNumber),
          available: check.portable,
          losingCarrier: check.currentCarrier,
          customerType: check.lineType,
        })),
      };
    },
  );

  app.post(
    '/partition/:partitionId/account/:accountId/telephonenumber',
    { schema: { params: accountParams, body: createOrAdd, response: answers(createOrAdd) } },
    (request) =>
      store.transaction(() => {
        const { partitionId, accountId } = request.params;
        const { body } = request;
        if (body.port) {
          const { port } = alianzaPorts.create(partitionId, accountId, body.port);
          return {
            ...body,
            telephoneNumbers: body.telephoneNumbers.map((number) => ({
              ...number,
              portId: port.id,
              operationalStatus: 'STAGED',
            })),
            port,
          };
        }
        const problems = body.telephoneNumbers.flatMap(
          ({ phoneNumber, functionType, tollFree }) => {
            const wantsTollFree = functionType === 'TollFree' || tollFree === true;
            const reason = numbers.unorderableReason(
              partitionId,
              fromAlianzaNumber(phoneNumber),
              wantsTollFree,
            );
            return reason ? [`${phoneNumber}: ${reason}`] : [];
          },
        );
        if (problems.length > 0)
          throw new EmulatorError(400, 'VALIDATION_FAILED', problems.join('; '));
        numbers.activate(
          partitionId,
          accountId,
          body.telephoneNumbers.map((number) => fromAlianzaNumber(number.phoneNumber)),
          clock.now(),
        );
        return {
          ...body,
          telephoneNumbers: body.telephoneNumbers.map((number) => ({
            ...number,
            operationalStatus: 'ACTIVE',
          })),
        };
      }),
  );

  app.get(
    '/partition/:partitionId/account/:accountId/telephonenumber',
    { schema: { params: accountParams, response: answers(z.array(accountTelephoneNumber)) } },
    (request) => {
      const { partitionId, accountId } = request.params;
      const held = numbers
        .rowsOfAccount(partitionId, accountId)
        .filter((row) => row.status !== COOLDOWN)
        .map(toAccountNumber);
      // The numbers of a port still in flight are in the account, STAGED.
      const staged = alianzaPorts.openOfAccount(partitionId, accountId).flatMap(({ port }) =>
        port.telephoneNumbers.map((phoneNumber) => ({
          phoneNumber,
          accountId,
          operationalStatus: 'STAGED',
          carrierStatus: port.status,
          portId: port.id,
        })),
      );
      return [...held, ...staged];
    },
  );

  /** A number the account holds and has not deleted. */
  function ofAccount(partitionId: string, accountId: string, tn: string): NumberRow {
    const row = numbers.find(partitionId, fromAlianzaNumber(tn));
    if (!row || row.account_id !== accountId || row.status === COOLDOWN)
      throw notFound(`${tn} is not a number of account ${accountId}`);
    return row;
  }

  const accountNumberPath = '/partition/:partitionId/account/:accountId/telephonenumber/:tn';
  app.get(
    accountNumberPath,
    { schema: { params: accountNumberParams, response: answers(accountTelephoneNumber) } },
    (request) => {
      const { partitionId, accountId, tn } = request.params;
      return toAccountNumber(ofAccount(partitionId, accountId, tn));
    },
  );

  app.patch(
    accountNumberPath,
    {
      schema: {
        params: accountNumberParams,
        body: telephoneNumberPatch,
        response: answers(accountTelephoneNumber),
      },
    },
    (request) =>
      store.transaction(() => {
        const { partitionId, accountId, tn } = request.params;
        const telephoneNumber = fromAlianzaNumber(tn);
        let row = ofAccount(partitionId, accountId, tn);
        const { e911Address, directoryListing, referenceType, referenceId } = request.body;
        if (e911Address !== undefined) {
          numbers.update(partitionId, telephoneNumber, {
            e911Address: e911Address && fromStructuredAddress(e911Address),
          });
        }
        if (directoryListing !== undefined) {
          const listing: DirectoryListing = directoryListing.listed
            ? { listed: true, name: directoryListing.type ?? 'LIST_PUBLISH' }
            : { listed: false };
          numbers.update(partitionId, telephoneNumber, { directoryListing: listing });
        }
        row = ofAccount(partitionId, accountId, tn);
        if (referenceType === null || referenceId === null) row = numbers.route(row, null);
        else if (referenceType && referenceId) {
          row = numbers.route(row, {
            type: storedType(referenceType),
            assignedTo: referenceId,
          });
        }
        return toAccountNumber(row);
      }),
  );

  app.delete(
    accountNumberPath,
    { schema: { params: accountNumberParams, response: noContent } },
    async (request, reply) => {
      const { partitionId, accountId, tn } = request.params;
      store.transaction(() => {
        ofAccount(partitionId, accountId, tn);
        const open = alianzaPorts
          .openOfAccount(partitionId, accountId)
          .find(({ port }) => port.telephoneNumbers.includes(tn));
        if (open)
          throw new EmulatorError(
            400,
            'INCOMPATIBLE_STATE',
            `${tn} has an open port (${open.port.id}): it cannot be deleted`,
          );
        const { tnDeleteCooldownDays } = alianzaPartitions.of(partitionId);
        numbers.coolDown(
          partitionId,
          fromAlianzaNumber(tn),
          clock.nowMs() + tnDeleteCooldownDays * DAY_MS,
        );
      });
      await reply.code(204).send(undefined);
    },
  );

  app.put(
    `${accountNumberPath}/destination`,
    {
      schema: {
        params: accountNumberParams,
        body: destination,
        response: answers(accountTelephoneNumber),
      },
    },
    (request) => {
      const { partitionId, accountId, tn } = request.params;
      if (request.body.telephoneNumber !== tn) {
        throw new EmulatorError(
          400,
          'VALIDATION_FAILED',
          'telephoneNumber: must be the number of the path',
        );
      }
      const { referenceType, referenceId, assignAsCallerId } = request.body;
      const row = ofAccount(partitionId, accountId, tn);
      return toAccountNumber(
        numbers.route(
          row,
          {
            type: storedType(referenceType),
            assignedTo: referenceId,
          },
          assignAsCallerId,
        ),
      );
    },
  );

  const portPath = '/partition/:partitionId/account/:accountId/port/:portId';
  const portAnswer = portX.extend({ id: z.string() });
  app.get(
    portPath,
    { schema: { params: portParams, response: answers(portAnswer) } },
    (request) => {
      const { partitionId, accountId, portId } = request.params;
      return alianzaPorts.get(partitionId, accountId, portId).port;
    },
  );
  app.put(
    portPath,
    { schema: { params: portParams, body: portX, response: answers(portAnswer) } },
    (request) => {
      const { partitionId, accountId, portId } = request.params;
      return alianzaPorts.update(partitionId, accountId, portId, request.body).port;
    },
  );
  app.patch(
    portPath,
    { schema: { params: portParams, body: portXPatch, response: answers(portAnswer) } },
    (request) => {
      const { partitionId, accountId, portId } = request.params;
      return alianzaPorts.update(partitionId, accountId, portId, request.body).port;
    },
  );
  app.put(
    `${portPath}/triggerport`,
    { schema: { params: portParams, response: answers(portAnswer) } },
    (request) => {
      const { partitionId, accountId, portId } = request.params;
      return store.transaction(() => alianzaPorts.trigger(partitionId, accountId, portId).port);
    },
  );
  app.delete(
    `${portPath}/cancelport`,
    { schema: { params: portParams, response: noContent } },
    async (request, reply) => {
      const { partitionId, accountId, portId } = request.params;
      store.transaction(() => alianzaPorts.cancel(partitionId, accountId, portId));
      await reply.code(204).send(undefined);
    },
  );

  app.get(
    '/partition/:partitionId/account/:accountId/reference/:referenceId/type/:serviceType',
    {
      schema: {
        params: accountParams.extend({
          referenceId: z.string().min(1),
          serviceType: z.string().min(1),
        }),
        response: answers(activationEvent),
      },
    },
    (request) => {
      const { partitionId, accountId, referenceId } = request.params;
      return alianzaPorts.get(partitionId, accountId, referenceId).event;
    },
  );

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        alianzaErrorBody(
          404,
          `no endpoint ${request.method} ${request.url.split('?', 1)[0] ?? request.url}`,
        ),
      ),
  );
}
