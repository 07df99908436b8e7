import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../logger';

export interface ChildOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Level its output lines are logged at: `info` for builds a user waits on. */
  outputLevel?: 'debug' | 'info';
  /** Also told each output line (a build counting its steps). */
  onLine?: (line: string) => void;
  /** Runs it as another user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  cwd?: string;
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
  /** SIGKILL to it and its guard at once, as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
}

const KEPT_LINES = 30;
// Maven prints bare colour resets even in batch mode; such lines carry nothing.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[\d;]*m/g;

/*
 * Node cannot ask Linux to kill a child when its parent dies (no PDEATHSIG), so each child
 * runs under this small sh guard in a process group of its own. The guard passes a TERM on
 * to the command and waits for it to finish; a watcher holds the read end of a pipe from
 * this process, and when this process dies, however hard (even SIGKILL), the pipe closes
 * and the watcher stops the command. `$0` is the command, `$@` its arguments.
 */
const GUARD = `exec 3<&0
"$0" "$@" </dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
( while read -r _ <&3; do :; done; kill -TERM "$pid" 2>/dev/null ) &
watcher=$!
status=0
wait "$pid" || status=$?
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"`;

/**
 * Starts a helper process whose output goes to the logger and which cannot outlive this
 * process: stopped with it on a normal exit, and by its guard when this process is killed.
 */
export function startChild(command: string, args: string[], options: ChildOptions): ManagedChild {
  const child = spawn('/bin/sh', ['-c', GUARD, command, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    uid: options.user?.uid,
    gid: options.user?.gid,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own group: a terminal's Ctrl-C reaches only this process, which stops it in order.
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const level = options.outputLevel ?? 'debug';
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (raw) => {
      const line = raw.replace(ANSI_ESCAPE, '');
      if (line.trim() === '') return;
      recent.push(line);
      if (recent.length > KEPT_LINES) recent.shift();
      options.logger[level](line);
      options.onLine?.(line);
    });
  }
  const killOnExit = () => signalGroup('SIGKILL');
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
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (reason !== undefined) return;
      signalGroup('SIGKILL');
      await exited;
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
