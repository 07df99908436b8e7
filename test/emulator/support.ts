/** Raw HTTP calls to the emulator's seed endpoints, so tests see statuses, headers and bodies as sent. */
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import {
  PLATFORM_NOTIFICATION_SIGNATURE_HEADER,
  addBusinessDays,
  addDays,
  errorBody,
  type PlatformPortNotification,
} from '../../src/domain';
import {
  jsonRequest,
  startTestEmulator,
  type JsonAnswer,
  type TestEmulator,
} from '../helpers/emulator';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhooks';

/** JSON as the emulator sent it; tests read it by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by expect, not by types
export type Json = any;

export interface SeedCallOptions {
  body?: unknown;
  idempotencyKey?: string;
  /** Another token than the emulator's; null sends none. */
  token?: string | null;
}

export type SeedCaller = <T = Json>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options?: SeedCallOptions,
) => Promise<JsonAnswer<T>>;

/** Calls under `/v2/partition/{partitionId}`; `path` starts with `/`. */
export function seedCaller(
  emulator: Pick<TestEmulator, 'url' | 'token'>,
  partitionId: string,
): SeedCaller {
  return (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? emulator.token : options.token;
    if (token !== null) headers['x-auth-token'] = token;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return jsonRequest(`${emulator.url}/v2/partition/${partitionId}${path}`, method, {
      headers,
      body: options.body,
    });
  };
}

export const E911 = {
  street: '135 Front St',
  city: 'Binghamton',
  state: 'NY',
  zipCode: '13905',
  location: 'Suite 200',
};

/** A 607 number outside the inventory: one AT&T holds today. */
export const AT_AND_T_NUMBER = '+16077981234';

/** The seed's port request for `telephoneNumbers`, requested 10+ days after `today`. */
export function seedPortRequest(telephoneNumbers: string[], today: string) {
  return {
    telephoneNumbers,
    accountId: 'acc_123',
    subscriber: {
      firstName: 'John',
      lastName: 'Doe',
      companyName: 'Acme Corporation',
      authorizedName: 'John Doe',
    },
    serviceAddress: { street: '135 Front St', city: 'Binghamton', state: 'NY', zipCode: '13905' },
    billingTelephoneNumber: telephoneNumbers[0],
    accountNumber: '123456789',
    pin: '1234',
    requestedDate: addBusinessDays(addDays(today, 10), 0),
    currentProvider: 'AT&T',
  };
}

export async function readJson(response: Dispatcher.ResponseData): Promise<Json> {
  return response.body.json();
}

/** The field paths a 400's details name. */
export function problemPaths(body: unknown): string[] {
  const details = z
    .array(z.object({ path: z.string() }))
    .parse(errorBody.parse(body).error.details);
  return details.map((problem) => problem.path);
}

/** The telephone numbers of a list of entries (search results, account listing). */
export function numbersOf(entries: unknown): string[] {
  return z
    .array(z.object({ telephoneNumber: z.string() }))
    .parse(entries)
    .map((entry) => entry.telephoneNumber);
}

/** What a suite of `useStoppedEmulator` works with. */
export interface StoppedEmulator {
  emulator: TestEmulator;
  call: SeedCaller;
  /** The emulator's date as the test begins. */
  today: string;
  /** Where the emulator posts its signed notifications, when the suite asked for them. */
  receiver?: WebhookReceiver<PlatformPortNotification>;
}

/** The secret the emulator signs its notifications to a suite's receiver with. */
export const NOTIFICATION_SECRET = 'callback-secret-0123456789';

/**
 * One emulator for the suite, reset before each test with its clock stopped: each step of a
 * timeline happens exactly when the test moves time. `use` is given the suite's parts before
 * each test. With `notifications`, the emulator posts its notifications to a receiver of the
 * suite (`refuse` names the deliveries it answers 500).
 */
export function useStoppedEmulator(
  partitionId: string,
  use: (parts: StoppedEmulator) => void,
  options: { notifications?: { refuse?: (delivery: number) => boolean } } = {},
) {
  let emulator: TestEmulator;
  let receiver: WebhookReceiver<PlatformPortNotification> | undefined;
  beforeAll(async () => {
    if (options.notifications) {
      receiver = await startWebhookReceiver<PlatformPortNotification>({
        secret: NOTIFICATION_SECRET,
        signatureHeader: PLATFORM_NOTIFICATION_SIGNATURE_HEADER,
        refuse: options.notifications.refuse,
      });
    }
    emulator = await startTestEmulator(
      receiver ? { callback: { url: receiver.url, secret: NOTIFICATION_SECRET } } : {},
    );
  });
  afterAll(async () => {
    await emulator?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    await emulator.control.reset();
    await emulator.control.setSpeed(0);
    const today = (await emulator.control.now()).slice(0, 10);
    use({ emulator, call: seedCaller(emulator, partitionId), today, receiver });
  });
}
