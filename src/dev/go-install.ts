import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { runToCompletion } from './child-process';

const PROGRESS_INTERVAL_MS = 15_000;

export interface GoInstallOptions {
  go: string;
  /** `module/path@version` of each command to build. */
  packages: string[];
  /** Where the binaries land: `<targetDir>/<last element of each package path>`. */
  targetDir: string;
  /** What is built, for the progress lines ("the Temporal CLI"). */
  what: string;
  /** How long the one-time build takes, said up front ("3-5 minutes on 2 free cores"). */
  estimate: string;
  /** About how many packages it builds (`go list -deps`), so progress counts towards it. */
  expectedPackages: number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

function formatElapsed(seconds: number): string {
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** The binary `go install` makes of a package: the last element of its path. */
function binaryName(pkg: string): string {
  return pkg.replace(/@.*$/, '').split('/').at(-1) ?? pkg;
}

/**
 * Builds commands from the Go module proxy into a temp dir beside `targetDir`, printing
 * progress while it runs, then moves them into place: a failed build leaves nothing behind.
 */
export async function goInstall(options: GoInstallOptions): Promise<void> {
  const { logger, targetDir, what } = options;
  mkdirSync(dirname(targetDir), { recursive: true });
  // A build dir beside the target, so the final renames are atomic and a concurrent build is harmless.
  const buildDir = mkdtempSync(`${targetDir}.build-`);
  logger.info(
    { packages: options.packages, target: targetDir },
    `first start on this machine: building ${what} with go install, a one-time build of ` +
      `${options.estimate}; every later start reuses ${targetDir}`,
  );
  const startedAt = Date.now();
  // `go install -v` names each package as it builds it: counted, so progress shows between lines.
  let built = 0;
  const progress = setInterval(() => {
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    logger.info(
      { seconds, packages: built },
      `still building ${what}: ${formatElapsed(seconds)}, ${built} of about ${options.expectedPackages} packages`,
    );
  }, PROGRESS_INTERVAL_MS);
  try {
    await runToCompletion(options.go, ['install', '-v', ...options.packages], {
      logger,
      env: { ...options.env, GOBIN: buildDir },
      outputLevel: 'debug',
      onLine: (line) => {
        if (line.startsWith('go: ')) logger.info(line);
        else built += 1;
      },
    });
    mkdirSync(targetDir, { recursive: true });
    for (const pkg of options.packages) {
      const name = binaryName(pkg);
      renameSync(join(buildDir, name), join(targetDir, name));
    }
    logger.info({ seconds: Math.round((Date.now() - startedAt) / 1000) }, `${what} built`);
  } finally {
    clearInterval(progress);
    rmSync(buildDir, { recursive: true, force: true });
  }
}
