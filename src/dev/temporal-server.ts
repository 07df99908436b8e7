import { join } from 'node:path';
import type { Logger } from '../logger';
import { goInstall } from './go-install';
import { findOnPath, isExecutable, portflowCacheDir } from './temporal-cli';

/** The server the pinned CLI v1.5.1 embeds, so the cluster and the dev server run the same code. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_SERVER_PACKAGES = [
  'go.temporal.io/server/cmd/server',
  'go.temporal.io/server/cmd/tools/sql',
] as const;

/** The cluster's executables: `server` runs one service each; `sql` sets up the schema. */
export interface TemporalServerBinaries {
  server: string;
  sql: string;
}

export function temporalServerDir(cacheDir = portflowCacheDir()): string {
  return join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function binariesIn(dir: string): TemporalServerBinaries {
  return { server: join(dir, 'server'), sql: join(dir, 'sql') };
}

/**
 * The Temporal server and its sql tool from the cache, built there with `go install` the
 * first time (about 7 minutes on 2 cores with cold Go caches, seconds with warm ones).
 */
export async function ensureTemporalServer(options: {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
}): Promise<TemporalServerBinaries> {
  const env = options.env ?? process.env;
  const dir = temporalServerDir(options.cacheDir);
  const binaries = binariesIn(dir);
  if (isExecutable(binaries.server) && isExecutable(binaries.sql)) return binaries;
  const go = findOnPath('go', env);
  if (!go) {
    throw new Error(
      `No Temporal server in ${dir} and no Go toolchain to build it: install Go 1.23+ (the cluster tests and bench need it)`,
    );
  }
  await goInstall({
    go,
    packages: TEMPORAL_SERVER_PACKAGES.map((pkg) => `${pkg}@${TEMPORAL_SERVER_VERSION}`),
    targetDir: dir,
    what: `the Temporal server ${TEMPORAL_SERVER_VERSION} and its sql tool`,
    estimate: 'about 7 minutes on 2 free cores, up to 30 on a busy machine',
    expectedPackages: 1_500,
    env,
    logger: options.logger,
  });
  return binaries;
}
