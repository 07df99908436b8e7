import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The development token embedded mode prints when API_TOKENS is unset. It is kept in
 * DATA_DIR so a restart keeps it, and clients configured with it keep working.
 */
export function loadOrCreateDevToken(dataDir: string): string {
  const file = join(dataDir, 'dev-token');
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 16) return saved;
  } catch {
    // No token yet: make one below.
  }
  const token = `pf-dev-${randomBytes(24).toString('base64url')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
