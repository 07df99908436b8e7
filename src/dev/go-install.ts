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
  env: NodeJS.ProcessEnv;
  logger: Logger;
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
    `building ${what} with go install (minutes, once)`,
  );
  const startedAt = Date.now();
  const progress = setInterval(() => {
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    logger.info({ seconds }, `still building ${what}`);
  }, PROGRESS_INTERVAL_MS);
  try {
    await runToCompletion(options.go, ['install', ...options.packages], {
      logger,
      env: { ...options.env, GOBIN: buildDir },
      outputLevel: 'info',
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
