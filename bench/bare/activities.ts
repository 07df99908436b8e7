/** The one activity of the bare baseline: it does nothing, so only Temporal's own work is measured. */
export function noop(): Promise<void> {
  return Promise.resolve();
}
