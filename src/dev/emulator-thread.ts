/**
 * Embedded mode's emulator on a thread of its own: its event loop answers the platform's calls
 * on the other core instead of queueing them behind the API's and the worker's (every platform
 * call is work on both ends of one loop otherwise).
 */
import { once } from 'node:events';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator';

interface ThreadData {
  emulatorThread: true;
  options: Omit<EmulatorOptions, 'logger'>;
  log: { level: string; name?: string; pretty: boolean };
}

type Started = { url: string } | { error: string };

/** Starts the emulator on a thread; `close` stops it and waits for the thread to end. */
export async function startEmulatorThread(
  options: Omit<EmulatorOptions, 'logger'>,
  log: { level: string; name?: string },
): Promise<RunningEmulator> {
  const data: ThreadData = {
    emulatorThread: true,
    options,
    log: { ...log, pretty: Boolean(process.stdout.isTTY) },
  };
  const thread = new Worker(__filename, { workerData: data });
  const exited = once(thread, 'exit');
  const [started] = (await Promise.race([
    once(thread, 'message'),
    exited.then(([code]) => [{ error: `the emulator thread exited (${String(code)})` }]),
  ])) as [Started];
  if ('error' in started) {
    await thread.terminate();
    throw new Error(`emulator did not start: ${started.error}`);
  }
  return {
    url: started.url,
    async close() {
      thread.postMessage('close');
      await exited;
    },
  };
}

/** The thread's side: start, say where, close when told. */
async function runThread(data: ThreadData): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  const { level, name, pretty } = data.log;
  const logger = createLogger({ level, name, pretty }).child({ component: 'emulator' });
  try {
    const emulator = await startEmulator({ ...data.options, logger });
    port.once('message', () => {
      void emulator.close().finally(() => port.close());
    });
    port.postMessage({ url: emulator.url } satisfies Started);
  } catch (error) {
    port.postMessage({ error: (error as Error).message } satisfies Started);
  }
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.emulatorThread) {
  void runThread(workerData as ThreadData);
}
