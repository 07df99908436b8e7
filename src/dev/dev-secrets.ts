import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newCodecKey } from '../temporal/codec';

/** A secret kept in DATA_DIR, so a restart of embedded mode finds the same one. */
function loadOrCreate(dataDir: string, name: string, create: () => string): string {
  const file = join(dataDir, name);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 16) return saved;
  } catch {
    // Nothing saved yet: make it below.
  }
  const secret = create();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The development token embedded mode prints when API_TOKENS is unset. */
export function loadOrCreateDevToken(dataDir: string): string {
  return loadOrCreate(
    dataDir,
    'dev-token',
    () => `pf-dev-${randomBytes(24).toString('base64url')}`,
  );
}

/**
 * The payload codec key embedded mode uses when CODEC_KEYS is unset: workflows that were
 * encrypted before a restart must still decrypt after it.
 */
export function loadOrCreateDevCodecKeys(dataDir: string): Record<string, string> {
  return { dev: loadOrCreate(dataDir, 'codec-key', newCodecKey) };
}

/** The secret the emulator signs its port notifications with, and the API checks them by. */
export function loadOrCreateNotificationSecret(dataDir: string): string {
  return loadOrCreate(dataDir, 'notification-secret', () => randomBytes(32).toString('base64url'));
}
