import type { FastifyInstance } from 'fastify';

/**
 * Stops accepting connections and lets requests in flight finish; after `graceMs` it cuts
 * the connections still open (a client that stopped reading, an idle keep-alive) so that a
 * Ctrl-C never waits for Fastify's 72-second keep-alive timeout.
 */
export async function closeGracefully(app: FastifyInstance, graceMs = 10_000): Promise<void> {
  const cutOff = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(cutOff);
  }
}
