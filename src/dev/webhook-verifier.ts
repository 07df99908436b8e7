import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { runToCompletion } from './child-process';
import { findOnPath, isExecutable, portflowCacheDir } from './temporal-cli';
import { repoPath } from './repo-path';

const TOOL_DIR = repoPath('tools', 'webhook-verifier');
const REQUIREMENTS = join(TOOL_DIR, 'requirements.txt');
/** The receiver that verifies deliveries with Python's standardwebhooks. */
export const WEBHOOK_RECEIVER_SCRIPT = join(TOOL_DIR, 'receiver.py');

/** The venv's Python; its folder is named after the requirements, so a new pin makes a new one. */
export function webhookVerifierPython(cacheDir = portflowCacheDir()): string {
  const pins = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  return join(cacheDir, `webhook-verifier-${pins}`, 'bin', 'python');
}

/**
 * Makes, once per machine, a venv with tools/webhook-verifier/requirements.txt installed
 * (hash-checked wheels from PyPI), built aside and renamed into place.
 */
export async function ensureWebhookVerifier(options: { logger: Logger }): Promise<string> {
  const python = webhookVerifierPython();
  if (isExecutable(python)) return python;
  const python3 = findOnPath('python3');
  if (!python3) throw new Error('The webhook verifier needs python3 (with venv) on PATH');
  const venv = dirname(dirname(python));
  const building = `${venv}.build-${process.pid}`;
  const { logger } = options;
  mkdirSync(dirname(venv), { recursive: true });
  try {
    logger.info({ requirements: REQUIREMENTS }, 'making the Python webhook verifier venv');
    await runToCompletion(python3, ['-m', 'venv', building], { logger });
    await runToCompletion(
      join(building, 'bin', 'pip'),
      [
        'install',
        '--quiet',
        '--no-input',
        '--require-hashes',
        '--only-binary',
        ':all:',
        '-r',
        REQUIREMENTS,
      ],
      { logger, outputLevel: 'info' },
    );
    // Its python finds the venv beside itself wherever it is (only pip's shebang names the build dir).
    rmSync(venv, { recursive: true, force: true });
    renameSync(building, venv);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return python;
}
