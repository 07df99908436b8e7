import { z } from 'zod';

/** Every partition route's first path parameter. */
export const partitionParams = z.object({
  partitionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
});

/** `Idempotency-Key` on requests that start work: the same key gives the same resource. */
export const idempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
    .optional(),
});
