import { z } from 'zod';
import { parseDuration } from './time';

export { DAY_MS, formatDuration, parseDuration } from './time';

/** A zod schema for a duration string, producing milliseconds. */
export const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration such as 1s, 15m, 1h or 90d`,
    });
    return z.NEVER;
  }
  return ms;
});
