/*
 * Durations in milliseconds and their text form (`90d`), without zod: workflow code imports
 * them, and every module a workflow imports is evaluated again for each workflow execution.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export const DAY_MS = UNIT_MS.d;

/** Parses a duration such as `500ms`, `1s`, `15m`, `1h` or `90d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** Milliseconds in the notation `parseDuration` reads, in the largest unit that divides them: `90d`, `3s`. */
export function formatDuration(ms: number): string {
  const units = Object.entries(UNIT_MS).sort(([, a], [, b]) => b - a);
  const [unit, size] = units.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}
