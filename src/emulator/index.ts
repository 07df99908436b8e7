import Fastify from 'fastify';
import type { Logger } from '../logger';

/** The platform token embedded mode uses with its emulator when PLATFORM_TOKEN is unset. */
export const DEFAULT_PLATFORM_TOKEN = 'emulator-dev-token';

export interface EmulatorOptions {
  host: string;
  port: number;
  /** The X-AUTH-TOKEN the emulator accepts (portflow's PLATFORM_TOKEN). */
  token: string;
  /** SQLite file for the emulator's store; memory when absent. */
  dataFile?: string;
  logger?: Logger;
}

export interface RunningEmulator {
  url: string;
  close(): Promise<void>;
}

/** Placeholder until the emulator issue lands: serves only a health check. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const app = Fastify({ loggerInstance: options.logger });
  app.get('/healthz', () => ({ status: 'ok' }));
  const url = await app.listen({ host: options.host, port: options.port });
  return { url, close: () => app.close() };
}
