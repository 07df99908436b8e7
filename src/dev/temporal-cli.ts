import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { runToCompletion } from './child-process';

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
    await goInstallTemporalCli({ go, target: cached, env, logger: options.logger });
    return { source: 'go install', path: cached };
  }
  options.logger.warn(
    'no Temporal CLI found and no Go toolchain to build it: falling back to the SDK download',
  );
  return { source: 'sdk-download' };
}

const PROGRESS_INTERVAL_MS = 15_000;
/** What the build of v1.5.1 takes on a fresh machine, module downloads included. */
const BUILD_ESTIMATE = '3-5 minutes on 2 free cores, up to 10 on a busy machine';
/** Packages v1.5.1 builds from (`go list -deps`: 1,298 with the standard library), for progress. */
const CLI_PACKAGES = 1_300;

function formatElapsed(seconds: number): string {
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Builds the pinned CLI from the Go module proxy into a temp dir, then moves it into place. */
async function goInstallTemporalCli(options: {
  go: string;
  target: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}): Promise<void> {
  const { logger, target } = options;
  const targetDir = dirname(target);
  mkdirSync(dirname(targetDir), { recursive: true });
  // A build dir beside the target, so the final rename is atomic and a concurrent build is harmless.
  const buildDir = mkdtempSync(`${targetDir}.build-`);
  const module = `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`;
  logger.info(
    { module, target },
    `first start on this machine: building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install, ` +
      `a one-time build of ${BUILD_ESTIMATE}; every later start reuses ${target}`,
  );
  const startedAt = Date.now();
  // `go install -v` names each package as it builds it: counted, so progress shows between lines.
  let packages = 0;
  const progress = setInterval(() => {
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    logger.info(
      { seconds, packages },
      `still building the Temporal CLI: ${formatElapsed(seconds)}, ${packages} of about ${CLI_PACKAGES} packages`,
    );
  }, PROGRESS_INTERVAL_MS);
  try {
    await runToCompletion(options.go, ['install', '-v', module], {
      logger,
      env: { ...options.env, GOBIN: buildDir },
      outputLevel: 'debug',
      onLine: (line) => {
        if (line.startsWith('go: ')) logger.info(line);
        else packages += 1;
      },
    });
    mkdirSync(targetDir, { recursive: true });
    renameSync(join(buildDir, 'temporal'), target);
    logger.info({ seconds: Math.round((Date.now() - startedAt) / 1000) }, 'Temporal CLI built');
  } finally {
    clearInterval(progress);
    rmSync(buildDir, { recursive: true, force: true });
  }
}
