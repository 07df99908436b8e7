import type { Logger } from '../logger';
import { buildEmulatorApp, type EmulatorDialect } from './app';

export {
  DEFAULT_ALIANZA_USERNAME,
  EMULATOR_DIALECTS,
  buildEmulatorApp,
  type EmulatorApp,
  type EmulatorAppOptions,
  type EmulatorDialect,
} from './app';
export {
  DEFAULT_ALIANZA_SETTINGS,
  alianzaSettings,
  type AlianzaSettings,
} from './alianza-settings';
export {
  DEFAULT_OTHER_CARRIER,
  DEFAULT_TOLL_FREE_CARRIER,
  carrierRecord,
  type CarrierRecord,
} from './carrier';
export { faultSpec, type Fault, type FaultSpec, type CallRecord } from './faults';
export { RATE_CENTERS } from './inventory';
export { PLATFORM_ORDER_MAX_NUMBERS } from './seed-routes';

/** The platform token embedded mode uses with its emulator when PLATFORM_TOKEN is unset. */
export const DEFAULT_PLATFORM_TOKEN = 'emulator-dev-token';

export interface EmulatorOptions {
  host: string;
  port: number;
  /** The X-AUTH-TOKEN the emulator accepts (portflow's PLATFORM_TOKEN); the Alianza dialect's password. */
  token: string;
  dialect?: EmulatorDialect;
  /** The Alianza dialect's login username. */
  username?: string;
  /** SQLite file for the emulator's store; memory when absent. */
  dataFile?: string;
  logger?: Logger;
  /** Posts each port status change there, signed (EMULATOR_CALLBACK_URL, EMULATOR_CALLBACK_SECRET). */
  callback?: { url: string; secret: string };
}

export interface RunningEmulator {
  url: string;
  close(): Promise<void>;
}

/** Starts the platform emulator; port 0 picks a free port, which `url` tells. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const app = buildEmulatorApp({
    token: options.token,
    dialect: options.dialect,
    username: options.username,
    dataFile: options.dataFile,
    logger: options.logger,
    callback: options.callback,
  });
  try {
    const url = await app.listen({ host: options.host, port: options.port });
    return { url, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}
