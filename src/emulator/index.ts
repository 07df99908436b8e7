import Fastify from 'fastify';
import type { Logger } from '../logger';

export interface EmulatorOptions {
  host: string;
  port: number;
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
