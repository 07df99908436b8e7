import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { Logger } from '../logger';
import { startChild } from './child-process';
import { assertPortFree, waitForTemporal } from './net';
import type { TemporalCli } from './temporal-cli';

export interface DevServerOptions {
  cli: TemporalCli;
  logger: Logger;
  ip?: string;
  port: number;
  namespace: string;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  /** Serves the Web UI on this port; headless when absent. */
  uiPort?: number;
  /** The remote codec the Web UI decodes payloads with (`<api>/codec`). */
  codecEndpoint?: string;
  readyTimeoutMs?: number;
  /**
   * Registered as the server starts (a new database only; portflow registers what an older one
   * lacks at start-up, as on any cluster).
   */
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/** Without a network the dev server must not phone home for a version check. */
const DYNAMIC_CONFIG = ['frontend.enableServerVersionCheck=false'];

/**
 * Search attributes known from the first moment, so none need registering later: the CLI then
 * need not read them from the database at every start and upsert (its default, which makes an
 * attribute registered later usable at once, and which the server says "should not be turned on
 * in production": it costs several database calls per workflow task).
 */
function searchAttributeArgs(keys: readonly SearchAttributeKey<SearchAttributeType>[]): string[] {
  if (keys.length === 0) return [];
  return [
    ...keys.flatMap((key) => ['--search-attribute', `${key.name}=${key.type.replace(/_/g, '')}`]),
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=false',
  ];
}

/**
 * The SQLite file in write-ahead-log mode, synced at checkpoints, with a 64 MiB page cache and
 * the file mapped: SQLite's defaults (a rollback journal synced at every commit, a 2 MiB cache)
 * cap the dev server at a few dozen workflow starts a second. A commit survives the process
 * dying; only a power cut can lose the last ones.
 */
const SQLITE_FILE_PRAGMAS = [
  'journal_mode=wal',
  'synchronous=normal',
  'cache_size=-65536',
  'mmap_size=268435456',
  'temp_store=memory',
];

const sqlitePragmaArgs = () => SQLITE_FILE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]);

function codecArgs({ uiPort, codecEndpoint }: DevServerOptions): string[] {
  return uiPort !== undefined && codecEndpoint ? ['--ui-codec-endpoint', codecEndpoint] : [];
}

/** Starts `temporal server start-dev` and resolves once its frontend answers. */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const uiUrl = options.uiPort === undefined ? undefined : `http://${ip}:${options.uiPort}`;
  await assertPortFree(ip, options.port, 'TEMPORAL_PORT');
  if (options.uiPort !== undefined) await assertPortFree(ip, options.uiPort, 'TEMPORAL_UI_PORT');
  if (options.cli.source === 'sdk-download') {
    return startWithSdkDownload(options, ip, uiUrl);
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
    ...(options.dbFile ? ['--db-filename', options.dbFile, ...sqlitePragmaArgs()] : []),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...codecArgs(options),
    ...searchAttributeArgs(options.searchAttributes ?? []),
  ];
  const child = startChild(options.cli.path, args, {
    logger: options.logger.child({ component: 'temporal-dev-server' }),
  });
  try {
    await waitForTemporal(address, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      failed: () => {
        const reason = child.exitReason();
        return reason && `${reason}\n${child.recentOutput()}`;
      },
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { address, uiUrl, stop: () => child.stop() };
}

/** Last resort on a machine with internet: the SDK downloads a CLI it picks and runs it. */
async function startWithSdkDownload(
  options: DevServerOptions,
  ip: string,
  uiUrl: string | undefined,
): Promise<RunningDevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const environment = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip,
      port: options.port,
      namespace: options.namespace,
      dbFilename: options.dbFile,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      extraArgs: [
        ...DYNAMIC_CONFIG.flatMap((value) => ['--dynamic-config-value', value]),
        ...(options.dbFile ? sqlitePragmaArgs() : []),
        ...codecArgs(options),
        ...searchAttributeArgs(options.searchAttributes ?? []),
      ],
    },
  });
  return { address: environment.address, uiUrl, stop: () => environment.teardown() };
}
