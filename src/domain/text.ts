import { z } from 'zod';

/**
 * What `String.prototype.trim` removes, spelled out: `\s` reads otherwise in other regex
 * dialects (Python's, which OpenAPI tools generate from), and the document must mean the same.
 */
const WHITE_SPACE =
  '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/**
 * Free text of at most `max` characters as sent, kept trimmed; blank is refused. The length is
 * checked before trimming and the pattern says "not blank", so the OpenAPI document states
 * exactly what is accepted.
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .trim()
    .min(1, 'must not be blank')
    .meta({ pattern: `[^${WHITE_SPACE}]` });
