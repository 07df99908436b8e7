/**
 * Resolves with the first SIGINT or SIGTERM. A second one while the caller is still closing
 * means the user wants out now: exit at once (the caller's children die with it).
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', first);
      process.removeListener('SIGTERM', first);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}
