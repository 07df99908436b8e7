import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors';

/** Who called: a short digest of the token (safe to log and to key rate limits) and its partitions. */
export interface Caller {
  tokenId: string;
  partitions: readonly string[] | 'ALL';
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The caller a presented token names, or undefined. Every token is compared, in constant time
 * over digests of equal length, so the answer's timing tells nothing about a token.
 */
export function createTokenChecker(tokens: Record<string, string[]>) {
  const known = Object.entries(tokens).map(([token, partitions]) => ({
    digest: digest(token),
    caller: {
      tokenId: digest(token).toString('hex').slice(0, 12),
      partitions: partitions.includes('*') ? ('ALL' as const) : partitions,
    },
  }));

  return function callerOf(token: string | undefined): Caller | undefined {
    const presented = token ? digest(token) : undefined;
    let caller: Caller | undefined;
    for (const entry of known) {
      if (presented && timingSafeEqual(entry.digest, presented)) caller = entry.caller;
    }
    return caller;
  };
}

/** Checks `X-AUTH-TOKEN` and that its token may use the partition. */
export function createAuthenticator(tokens: Record<string, string[]>) {
  const callerOf = createTokenChecker(tokens);

  return function authenticate(request: FastifyRequest, partitionId: string): Caller {
    const header = request.headers['x-auth-token'];
    const caller = callerOf(typeof header === 'string' ? header : undefined);
    if (!caller) throw new ApiError(401, 'UNAUTHORIZED', 'A valid X-AUTH-TOKEN header is required');
    if (caller.partitions !== 'ALL' && !caller.partitions.includes(partitionId)) {
      throw new ApiError(403, 'FORBIDDEN', `This token may not use partition ${partitionId}`);
    }
    return caller;
  };
}
