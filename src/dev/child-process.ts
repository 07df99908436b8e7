import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger';

export interface ChildOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Level its output lines are logged at: `info` for builds a user waits on. */
  outputLevel?: 'debug' | 'info';
}

export interface ManagedChild {
  readonly process: ChildProcess;
  /** Resolves with a description of how the process ended. */
  readonly exited: Promise<{ code: number | null; description: string }>;
  /** How the process ended, or undefined while it runs. */
  exitReason(): string | undefined;
  /** Its last lines of output, for an error message. */
  recentOutput(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const KEPT_LINES = 30;
// Maven prints bare colour resets even in batch mode; such lines carry nothing.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[\d;]*m/g;

/**
 * Starts a helper process whose output goes to the logger and which is killed if this
 * process exits first, so no run leaves an orphan behind.
 */
export function startChild(command: string, args: string[], options: ChildOptions): ManagedChild {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const level = options.outputLevel ?? 'debug';
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (raw) => {
      const line = raw.replace(ANSI_ESCAPE, '');
      if (line.trim() === '') return;
      recent.push(line);
      if (recent.length > KEPT_LINES) recent.shift();
      options.logger[level](line);
    });
  }
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let reason: string | undefined;
  const exited = new Promise<{ code: number | null; description: string }>((resolve) => {
    const settle = (code: number | null, description: string) => {
      reason = description;
      process.removeListener('exit', killOnExit);
      resolve({ code, description });
    };
    child.once('exit', (code, signal) =>
      settle(code, `${command} exited (${signal ?? `code ${code}`})`),
    );
    child.once('error', (error) => settle(null, `${command} failed to start: ${error.message}`));
  });

  return {
    process: child,
    exited,
    exitReason: () => reason,
    recentOutput: () => recent.join('\n'),
    async stop(graceMs = 10_000) {
      if (reason !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to completion, logging its output; rejects on a non-zero exit. */
export async function runToCompletion(
  command: string,
  args: string[],
  options: ChildOptions,
): Promise<void> {
  const child = startChild(command, args, options);
  const { code, description } = await child.exited;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')}: ${description}`);
}
