import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { goInstall } from './go-install';

/** v1.5.1 is the newest CLI release whose go.mod has no `replace`, so `go install` builds it. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Where portflow keeps the runtimes it builds or fetches once per machine. */
export function portflowCacheDir(): string {
  return join(homedir(), '.cache', 'portflow');
}

export function cachedTemporalCliPath(cacheDir = portflowCacheDir()): string {
  return join(cacheDir, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/** How the dev server's executable was found; `sdk-download` leaves it to @temporalio/testing. */
export type TemporalCli =
  | { source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'go install'; path: string }
  | { source: 'sdk-download' };

export interface ResolveTemporalCliOptions {
  logger: Logger;
  /** Reads TEMPORAL_CLI_PATH and PATH from it. */
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Finds the Temporal CLI in the order TEMPORAL_CLI_PATH, `temporal` on PATH, the cache,
 * a `go install` into the cache, and finally the SDK's own download.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const cached = cachedTemporalCliPath(options.cacheDir);

  const configured = env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!isExecutable(configured)) {
      throw new Error(`TEMPORAL_CLI_PATH=${configured} is not an executable file`);
    }
    return { source: 'TEMPORAL_CLI_PATH', path: configured };
  }
  const onPath = findOnPath('temporal', env);
  if (onPath) return { source: 'PATH', path: onPath };
  if (isExecutable(cached)) return { source: 'cache', path: cached };

  const go = findOnPath('go', env);
  if (go) {
    await goInstall({
      go,
      packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      targetDir: dirname(cached),
      what: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
      estimate: '3-5 minutes on 2 free cores, up to 10 on a busy machine',
      // `go list -deps` of v1.5.1: 1,298 with the standard library.
      expectedPackages: 1_300,
      env,
      logger: options.logger,
    });
    return { source: 'go install', path: cached };
  }
  options.logger.warn(
    'no Temporal CLI found and no Go toolchain to build it: falling back to the SDK download',
  );
  return { source: 'sdk-download' };
}
