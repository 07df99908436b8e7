import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';

/** A TCP port that was free a moment ago on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A TCP port in `[low, high]` that was free a moment ago on `host`, picked at random. */
export async function freePortInRange(
  low: number,
  high: number,
  host = '127.0.0.1',
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, host, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${low} and ${high} on ${host}`);
}

/** Fails with a message naming the port when something already listens on it. */
export function assertPortFree(host: string, port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `${host}:${port} is already in use: stop what listens there or set ${variable}`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

const RETRY_MS = 100;

/**
 * Waits until a Temporal frontend answers at `address`. A server process gives no event
 * for "ready", so this retries a cheap RPC; `failed()` lets the caller stop early when
 * the process it started has already died.
 */
export async function waitForTemporal(
  address: string,
  options: { timeoutMs: number; failed?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = options.failed?.();
    if (failure) throw new Error(failure);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
    }
    await delay(RETRY_MS);
  }
  throw new Error(
    `Temporal at ${address} not ready after ${options.timeoutMs} ms: ${String(lastError)}`,
  );
}
