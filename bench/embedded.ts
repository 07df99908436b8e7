/**
 * Embedded mode as a user runs it (`npm start`: one process starting the dev server on a SQLite
 * file, the emulator, the worker and the API), under POST port at a fixed rate, beside a bare
 * `workflow.start` on the same dev server. Every answer is counted by its status: admitted
 * (202), busy (409), refused past capacity (429), or failed (5xx).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../src/dev/net';
import { resolveTemporalCli } from '../src/dev/temporal-cli';
import { ApiClient } from './api-client';
import { rateSeries, type LatencyKind, type LatencyRow, type Targets } from './latency';
import { findDescendant, measured, startNodeProcess, waitUntil, type Memory } from './processes';
import type { Stack } from './stack';

export interface EmbeddedResult {
  rows: LatencyRow[];
  /** The embedded process (API, worker and emulator) and its dev server, at the end. */
  embedded: Memory;
  devServer: Memory;
}

const TOKEN = 'bench-embedded-token-0123456789';
const KINDS: LatencyKind[] = ['POST port', 'bare workflow.start'];

export async function measureEmbedded(
  stack: Stack,
  options: { perSecond: number; durationMs: number; warmupMs: number },
): Promise<EmbeddedResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portflow-bench-embedded-'));
  const [temporalPort, uiPort, apiPort, emulatorPort] = await Promise.all(
    Array.from({ length: 4 }, () => freePort()),
  );
  const entry = join(stack.dist, 'dev', 'index.js');
  const embedded = await startNodeProcess(
    'embedded',
    entry,
    {
      DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      API_PORT: String(apiPort),
      EMULATOR_PORT: String(emulatorPort),
      API_TOKENS: JSON.stringify({ [TOKEN]: ['*'] }),
      // One caller sending 50 a second: the per-token limit is not under test.
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'warn',
    },
    stack.logger,
  );
  const api = new ApiClient(`http://127.0.0.1:${apiPort}`, TOKEN);
  let connection: Connection | undefined;
  try {
    await waitUntil(
      'embedded mode',
      async () => (await api.call('GET', '/readyz')).status === 200,
      300_000,
      embedded,
    );
    const cli = await resolveTemporalCli({ logger: stack.logger });
    if (cli.source === 'sdk-download')
      throw new Error('No Temporal CLI: run npm run ensure-runtimes');
    const devServer = measured(
      'embedded dev server',
      await findDescendant(cli.path, String(temporalPort), embedded.pid),
    );
    const address = `127.0.0.1:${temporalPort}`;
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const bareTaskQueue = 'bare-embedded';
    const bareWorker = await stack.startBareWorker(bareTaskQueue, { address, client });
    try {
      const targets: Targets = {
        api,
        client,
        bareClient: client,
        bareTaskQueue,
        partitionId: 'bench-embedded',
        ports: [],
        bareWorkflows: [],
      };
      const quiet = [embedded, devServer, bareWorker];
      const series = (rates: number[], durationMs: number) =>
        rateSeries(targets, { rates, durationMs, kinds: KINDS, quiet, logger: stack.logger });
      await series([10], options.warmupMs);
      const rows = await series([options.perSecond], options.durationMs);
      return { rows, embedded: embedded.memory(), devServer: devServer.memory() };
    } finally {
      await bareWorker.stop();
    }
  } finally {
    await api.close();
    await connection?.close();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
