/** A platform emulator on a free port with a memory store, and its /_emulator control, for tests. */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import {
  DEFAULT_ALIANZA_USERNAME,
  startEmulator,
  type AlianzaSettings,
  type EmulatorDialect,
  type EmulatorOptions,
  type CallRecord,
  type CarrierRecord,
  type FaultSpec,
} from '../../src/emulator';
import type { Fault } from '../../src/emulator';
import type { CarrierComment, PlatformPort } from '../../src/domain';

export type ClockAdvance = { days: number; hours?: number } | { days?: number; hours: number };

/** A fault as the control endpoint takes it; `match.method` in any case. */
export type FaultInput = Omit<FaultSpec, 'match'> & { match?: { method?: string; path?: string } };

export interface CallFilter {
  method?: string;
  /** A path pattern with `*` wildcards, as `/v2/partition/*\/telephone-number/port`. */
  path?: string;
}

export interface EmulatorControl {
  /** Empty state, inventory seeded again, clock at real now, no faults, no calls. */
  reset(): Promise<void>;
  /** The emulator's now, ISO-8601. */
  now(): Promise<string>;
  /** Moves simulated time on; answers the new now. */
  advance(by: ClockAdvance): Promise<string>;
  /** Lets simulated time run on its own at `msPerDay` real ms per day; 0 stops it. */
  setSpeed(msPerDay: number): Promise<{ now: string; msPerDay: number }>;
  setCarrierRecord(telephoneNumber: string, record: CarrierRecord): Promise<CarrierRecord>;
  /** `immediate`: a port submitted from now on is final at its first read; `business-days`: the real timeline. */
  setCarrierPace(pace: 'immediate' | 'business-days'): Promise<void>;
  addFault(fault: FaultInput): Promise<Fault>;
  clearFaults(): Promise<void>;
  calls(filter?: CallFilter): Promise<CallRecord[]>;
  /** Every port request made upstream in the partition, oldest first. */
  ports(partitionId: string): Promise<PlatformPort[]>;
  /** The losing carrier comments on an upstream port. */
  carrierComment(
    partitionId: string,
    portRequestId: string,
    comment: { text: string; author?: string },
  ): Promise<CarrierComment>;
  /** A losing carrier's blackout dates (no FOC date falls on them); none clears them. */
  setFocBlackouts(currentCarrier: string, dates: string[]): Promise<void>;
  /** The partition's activation window of ON_DEMAND ports, `HH:MM` in `timeZone`. */
  setActivationWindow(
    partitionId: string,
    hours: { opens: string; closes: string; timeZone: string },
  ): Promise<void>;
  /**
   * Alianza dialect: the partition's `tnDeleteCooldownDays` and the zone and hour of its ports'
   * FOC instant; a setting left out takes its default (30 days, US/Eastern, 00:00).
   */
  setAlianzaSettings(partitionId: string, settings: Partial<AlianzaSettings>): Promise<void>;
  /** Alianza dialect: every session token expires now; answers how many there were. */
  expireSessions(): Promise<number>;
  /** Alianza dialect: the ports made in a partition. */
  alianzaPorts(partitionId: string): Promise<AlianzaPortSummary[]>;
}

export interface AlianzaPortSummary {
  id: string;
  accountId: string;
  status: string;
  activationStatusType: string;
  telephoneNumbers: string[];
}

export interface TestEmulator {
  url: string;
  dialect: EmulatorDialect;
  /** The seed's X-AUTH-TOKEN, and the Alianza dialect's login password. */
  token: string;
  /** The Alianza dialect's login username. */
  username: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

/** A JSON answer as it came: status, headers and the parsed body (undefined when empty). */
export interface JsonAnswer<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP call with an optional JSON body, answered as JSON. `rawBody` is sent as it is,
 * with whatever content type `headers` name (for tests of bad input).
 */
export async function jsonRequest<T = unknown>(
  url: string,
  method: HttpMethod,
  options: { headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<JsonAnswer<T>> {
  const headers = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await request(url, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

async function controlCall<T>(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const answer = await jsonRequest<T>(`${url}/_emulator${path}`, method, { body });
  if (answer.status >= 300) {
    throw new Error(
      `${method} /_emulator${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** The control endpoints of an emulator at `url` (also one started elsewhere). */
export function emulatorControl(url: string): EmulatorControl {
  const putPartitionSetting = async (partitionId: string, name: string, setting: unknown) => {
    await controlCall(
      url,
      'PUT',
      `/partitions/${encodeURIComponent(partitionId)}/${name}`,
      setting,
    );
  };
  return {
    reset: async () => {
      await controlCall(url, 'POST', '/reset');
    },
    now: async () => (await controlCall<{ now: string }>(url, 'GET', '/clock')).now,
    advance: async (by) =>
      (await controlCall<{ now: string }>(url, 'POST', '/clock/advance', by)).now,
    setSpeed: (msPerDay) => controlCall(url, 'PUT', '/clock', { msPerDay }),
    setCarrierRecord: (telephoneNumber, record) =>
      controlCall(url, 'PUT', `/carrier-records/${encodeURIComponent(telephoneNumber)}`, record),
    setCarrierPace: async (pace) => {
      await controlCall(url, 'PUT', '/carrier', { pace });
    },
    addFault: (fault) => controlCall(url, 'POST', '/faults', fault),
    clearFaults: async () => {
      await controlCall(url, 'DELETE', '/faults');
    },
    calls: (filter = {}) => {
      const query = new URLSearchParams();
      if (filter.method) query.set('method', filter.method);
      if (filter.path) query.set('path', filter.path);
      const text = query.toString();
      return controlCall(url, 'GET', `/calls${text ? `?${text}` : ''}`);
    },
    ports: (partitionId) =>
      controlCall(url, 'GET', `/partitions/${encodeURIComponent(partitionId)}/ports`),
    carrierComment: (partitionId, portRequestId, comment) =>
      controlCall(
        url,
        'POST',
        `/partitions/${encodeURIComponent(partitionId)}/ports/${encodeURIComponent(portRequestId)}/comments`,
        comment,
      ),
    setFocBlackouts: async (currentCarrier, dates) => {
      await controlCall(url, 'PUT', '/foc-blackouts', { currentCarrier, dates });
    },
    setActivationWindow: (partitionId, hours) =>
      putPartitionSetting(partitionId, 'activation-window', hours),
    setAlianzaSettings: (partitionId, settings) =>
      putPartitionSetting(partitionId, 'alianza-settings', settings),
    expireSessions: async () =>
      (await controlCall<{ expired: number }>(url, 'POST', '/sessions/expire')).expired,
    alianzaPorts: async (partitionId) =>
      (
        await controlCall<{ ports: AlianzaPortSummary[] }>(
          url,
          'GET',
          `/alianza-ports/${encodeURIComponent(partitionId)}`,
        )
      ).ports,
  };
}

/** `callback`: where the emulator posts each port status change, signed with its secret. */
export async function startTestEmulator({
  dialect = 'seed',
  callback,
}: {
  dialect?: EmulatorDialect;
  callback?: EmulatorOptions['callback'];
} = {}): Promise<TestEmulator> {
  const token = `test-${randomBytes(12).toString('hex')}`;
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, token, dialect, callback });
  return {
    url: emulator.url,
    dialect,
    token,
    username: DEFAULT_ALIANZA_USERNAME,
    control: emulatorControl(emulator.url),
    close: emulator.close,
  };
}
