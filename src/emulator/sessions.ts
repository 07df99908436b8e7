import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { EXPIRED_AUTH_TOKEN } from '../domain/alianza';
import { EmulatorError } from './errors';

/** How long an Alianza session token lives (its `maxLifeInHours`). */
export const SESSION_LIFE_HOURS = 1;

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Alianza's logins: `POST /v2/authorize` with the one username and password the emulator
 * knows gives a session token; a token expires after SESSION_LIFE_HOURS (real time) or when
 * the control endpoint expires every session.
 */
export class Sessions {
  /** Token → when it expires (real ms). In memory: a restart logs everyone out. */
  private readonly tokens = new Map<string, number>();
  private readonly username: Buffer;
  private readonly password: Buffer;

  constructor(credentials: { username: string; password: string }) {
    this.username = digest(credentials.username);
    this.password = digest(credentials.password);
  }

  login(username: string, password: string): string {
    const known =
      timingSafeEqual(digest(username), this.username) &&
      timingSafeEqual(digest(password), this.password);
    if (!known) throw new EmulatorError(401, 'UNAUTHORIZED', 'Invalid username or password');
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, Date.now() + SESSION_LIFE_HOURS * 3_600_000);
    return token;
  }

  /** Refuses a call whose X-AUTH-TOKEN is missing, unknown or expired. */
  check(token: string | undefined): void {
    const expiresAt = token === undefined ? undefined : this.tokens.get(token);
    if (expiresAt === undefined) {
      throw new EmulatorError(401, 'UNAUTHORIZED', 'Invalid Auth Token');
    }
    if (expiresAt <= Date.now()) throw new EmulatorError(401, 'UNAUTHORIZED', EXPIRED_AUTH_TOKEN);
  }

  logout(token: string | undefined): void {
    if (token !== undefined) this.tokens.delete(token);
  }

  /** Every session expires now (tests of a client's second login); answers how many there were. */
  expireAll(): number {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
    return this.tokens.size;
  }
}
