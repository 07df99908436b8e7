import { z } from 'zod';
import {
  COMMENT_AUTHOR_MAX,
  COMMENT_TEXT_MAX,
  DAY_MS,
  carrierComment,
  errorBody,
  isoDate,
  platformPort,
  telephoneNumber,
} from '../domain';
import type { EmulatorApp } from './app';
import type { PartitionSettings } from './partition-settings';
import { alianzaSettings } from './alianza-settings';
import { carrierRecord } from './carrier';
import { activationHours } from './foc';
import { callMatch, faultSpec } from './faults';
import type { EmulatedPlatform } from './platform';
import { CARRIER_PACES } from './ports';

const HOUR_MS = 3_600_000;

const clockReading = z.object({ now: z.iso.datetime() });

const clockAdvance = z
  .object({
    days: z.number().min(0).max(36_500).optional(),
    hours: z.number().min(0).max(876_000).optional(),
  })
  .refine((advance) => advance.days !== undefined || advance.hours !== undefined, {
    message: 'give days or hours',
  });

const clockSpeed = z.object({
  /** Real milliseconds per simulated day; 0 or absent stops the clock. */
  msPerDay: z
    .number()
    .int()
    .min(0)
    .max(DAY_MS * 1_000)
    .optional(),
});

const carrierPace = z.object({ pace: z.enum(CARRIER_PACES) });
/** A losing carrier's blackout dates: no FOC date falls on them. */
const focBlackouts = z.object({
  currentCarrier: z.string().trim().min(1).max(100),
  dates: z.array(isoDate).max(366),
});

/** A comment the losing carrier leaves on a port. */
const carrierCommentBody = z.object({
  text: z.string().trim().min(1).max(COMMENT_TEXT_MAX),
  author: z.string().trim().min(1).max(COMMENT_AUTHOR_MAX).optional(),
});

const fault = faultSpec.and(z.object({ id: z.string() }));

const call = z.object({
  at: z.iso.datetime(),
  method: z.string(),
  path: z.string(),
  status: z.number().int().nullable(),
  idempotencyKey: z.string().nullable(),
});

const refusals = { '4xx': errorBody, '5xx': errorBody };

/** An Alianza port as the control endpoint lists it: whatever its dialect, the ports made upstream. */
const alianzaPortSummary = z.object({
  id: z.string(),
  accountId: z.string(),
  status: z.string(),
  activationStatusType: z.string(),
  telephoneNumbers: z.array(z.string()),
});

/** GET and PUT of a partition's own `settings` at `/partitions/{partitionId}/{name}`, validated by `schema`. */
function partitionSettingRoutes<S extends z.ZodType>(
  app: EmulatorApp,
  name: string,
  schema: S,
  settings: PartitionSettings<z.output<S>>,
): void {
  const path = `/partitions/:partitionId/${name}`;
  const params = z.object({ partitionId: z.string().min(1).max(64) });
  // Typed as any schema here: Fastify's types cannot follow a generic one (the schema still checks).
  const body: z.ZodType = schema;
  const response = { 200: body, ...refusals };
  app.get(path, { schema: { params, response } }, (request) =>
    settings.of(request.params.partitionId),
  );
  app.put(path, { schema: { params, body, response } }, (request) =>
    settings.set(request.params.partitionId, request.body as z.output<S>),
  );
}

/** `/_emulator`: what tests and scripts use to drive the platform. No token; JSON only. */
export function controlRoutes(app: EmulatorApp, platform: EmulatedPlatform): void {
  const { clock } = platform;

  app.post(
    '/reset',
    {
      schema: {
        response: {
          200: z.object({ status: z.literal('reset'), now: z.iso.datetime() }),
          ...refusals,
        },
      },
    },
    () => {
      platform.reset();
      return { status: 'reset' as const, now: clock.now() };
    },
  );

  app.get('/clock', { schema: { response: { 200: clockReading, ...refusals } } }, () => ({
    now: clock.now(),
  }));

  app.post(
    '/clock/advance',
    { schema: { body: clockAdvance, response: { 200: clockReading, ...refusals } } },
    (request) => {
      const { days = 0, hours = 0 } = request.body;
      clock.advance(Math.round(days * DAY_MS + hours * HOUR_MS));
      // The carrier's steps that fell due happen now, each notified in order.
      platform.ports.settle();
      return { now: clock.now() };
    },
  );

  app.put(
    '/clock',
    {
      schema: {
        body: clockSpeed,
        response: { 200: clockReading.extend({ msPerDay: z.number() }), ...refusals },
      },
    },
    (request) => {
      clock.setSpeed(request.body.msPerDay ?? 0);
      return { now: clock.now(), msPerDay: clock.msPerDay };
    },
  );

  app.get('/carrier', { schema: { response: { 200: carrierPace, ...refusals } } }, () => ({
    pace: platform.ports.pace,
  }));

  app.put(
    '/carrier',
    { schema: { body: carrierPace, response: { 200: carrierPace, ...refusals } } },
    (request) => {
      // Steps already due keep the timeline they were scheduled on.
      platform.ports.settle();
      platform.ports.pace = request.body.pace;
      return { pace: platform.ports.pace };
    },
  );

  partitionSettingRoutes(app, 'activation-window', activationHours, platform.activationWindows);
  // A setting a PUT leaves out takes its default.
  partitionSettingRoutes(app, 'alianza-settings', alianzaSettings, platform.alianzaPartitions);

  app.get(
    '/foc-blackouts',
    { schema: { response: { 200: z.record(z.string(), z.array(isoDate)), ...refusals } } },
    () => platform.focCalendar.allBlackouts(),
  );

  app.put(
    '/foc-blackouts',
    {
      schema: {
        body: focBlackouts,
        response: { 200: focBlackouts, ...refusals },
      },
    },
    (request) => {
      const { currentCarrier, dates } = request.body;
      return { currentCarrier, dates: platform.focCalendar.setBlackouts(currentCarrier, dates) };
    },
  );

  app.get(
    '/carrier-records/:telephoneNumber',
    {
      schema: {
        params: z.object({ telephoneNumber }),
        response: { 200: carrierRecord, ...refusals },
      },
    },
    (request) => platform.carriers.recordOf(request.params.telephoneNumber),
  );

  app.put(
    '/carrier-records/:telephoneNumber',
    {
      schema: {
        params: z.object({ telephoneNumber }),
        body: carrierRecord,
        response: { 200: carrierRecord, ...refusals },
      },
    },
    (request) => {
      // Steps already due are the carrier's answers under the old record.
      platform.ports.settle();
      platform.carriers.setRecord(request.params.telephoneNumber, request.body);
      return request.body;
    },
  );

  app.post(
    '/faults',
    { schema: { body: faultSpec, response: { 201: fault, ...refusals } } },
    (request, reply) => {
      void reply.code(201).send(platform.faults.add(request.body));
    },
  );

  app.get('/faults', { schema: { response: { 200: z.array(fault), ...refusals } } }, () =>
    platform.faults.list(),
  );

  app.delete(
    '/faults',
    { schema: { response: { 200: z.object({ cleared: z.number().int() }), ...refusals } } },
    () => ({ cleared: platform.faults.clear() }),
  );

  app.post(
    '/sessions/expire',
    { schema: { response: { 200: z.object({ expired: z.number().int() }), ...refusals } } },
    () => ({ expired: platform.sessions?.expireAll() ?? 0 }),
  );

  app.get(
    '/alianza-ports/:partitionId',
    {
      schema: {
        params: z.object({ partitionId: z.string().min(1) }),
        response: { 200: z.object({ ports: z.array(alianzaPortSummary) }), ...refusals },
      },
    },
    (request) => ({
      ports: platform.alianzaPorts.list(request.params.partitionId).map(({ port, event }) => ({
        id: port.id,
        accountId: port.accountId ?? '',
        status: port.status ?? 'PORT_PENDING',
        activationStatusType: event.activationStatusType,
        telephoneNumbers: port.telephoneNumbers,
      })),
    }),
  );

  app.get(
    '/calls',
    { schema: { querystring: callMatch, response: { 200: z.array(call), ...refusals } } },
    (request) => platform.calls.list(request.query),
  );

  app.post(
    '/partitions/:partitionId/ports/:portRequestId/comments',
    {
      schema: {
        params: z.object({ partitionId: z.string().min(1), portRequestId: z.string().min(1) }),
        body: carrierCommentBody,
        response: { 201: carrierComment, ...refusals },
      },
    },
    (request, reply) => {
      const { partitionId, portRequestId } = request.params;
      platform.ports.settle();
      const comment = platform.carrierComments.add(partitionId, portRequestId, request.body);
      void reply.code(201).send(comment);
    },
  );

  app.get(
    '/partitions/:partitionId/ports',
    {
      schema: {
        params: z.object({ partitionId: z.string().min(1) }),
        response: { 200: z.array(platformPort), ...refusals },
      },
    },
    (request) => {
      platform.ports.settle();
      return platform.ports.list(request.params.partitionId);
    },
  );
}
