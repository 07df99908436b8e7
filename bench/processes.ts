/** The processes a bench starts, and what Linux says of their memory and CPU time. */
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { startChild, type ManagedChild } from '../src/dev/child-process';
import type { Logger } from '../src/logger';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;
const MIB = 1024 * 1024;

export interface Memory {
  rssMiB: number;
  /** The high-water mark of the resident set since the process started (VmHWM). */
  peakRssMiB: number;
}

/** A process measured from outside: memory and CPU time from /proc. */
export interface Measured {
  name: string;
  pid: number;
  memory(): Memory;
  /** User plus system CPU time since it started, in ms. */
  cpuMs(): number;
}

export interface BenchProcess extends Measured {
  /** Fails with the process's last lines of output when it has exited. */
  assertRunning(): void;
  stop(): Promise<void>;
}

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? (Number(match[1]) * 1024) / MIB : 0;
}

/** utime and stime follow the command name, which may hold spaces: read after its ')'. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Measures a process this one did not start through `startNodeProcess` (the dev server). */
export function measured(name: string, pid: number): Measured {
  return {
    name,
    pid,
    memory: () => ({ rssMiB: statusField(pid, 'VmRSS'), peakRssMiB: statusField(pid, 'VmHWM') }),
    cpuMs() {
      // Fields 14 and 15 of stat (utime, stime); the slice starts at field 3.
      const fields = statFields(pid);
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
  };
}

interface ProcessEntry {
  pid: number;
  parent: number;
  argv: string[];
}

function processTable(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      const pid = Number(entry);
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return [{ pid, parent: Number(statFields(pid)[1]), argv }];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/**
 * The pid of a process started under `root` (at any depth: startChild runs each command under
 * a small sh guard) whose command is `command` with `marker` among its arguments.
 */
export async function findDescendant(
  command: string,
  marker: string,
  root = process.pid,
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const table = processTable();
    const parentOf = new Map(table.map((entry) => [entry.pid, entry.parent]));
    const descends = (pid: number) => {
      for (let at = parentOf.get(pid); at !== undefined && at > 1; at = parentOf.get(at)) {
        if (at === root) return true;
      }
      return false;
    };
    const found = table.find(
      (entry) => entry.argv[0] === command && entry.argv.includes(marker) && descends(entry.pid),
    );
    if (found) return found.pid;
    await delay(100);
  }
  throw new Error(`no process ${command} … ${marker} under this one`);
}

/** Runs a built entry point with `node`, its output kept for an error message only. */
export async function startNodeProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  nodeArgs: string[] = [],
): Promise<BenchProcess> {
  const child: ManagedChild = startChild(process.execPath, [...nodeArgs, entry], {
    logger: logger.child({ process: name }),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  const assertRunning = () => {
    const reason = child.exitReason();
    if (reason) throw new Error(`${name}: ${reason}\n${child.recentOutput()}`);
  };
  // Memory and CPU are those of node itself, not of the guard startChild runs it under.
  const guard = child.process.pid ?? -1;
  const pid = await findDescendant(process.execPath, entry, guard).catch((error: unknown) => {
    assertRunning();
    throw error;
  });
  return { ...measured(name, pid), assertRunning, stop: () => child.stop(30_000) };
}

/** Retries `ready` every 200 ms until it holds; fails after `timeoutMs` or when `process` dies. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  process?: BenchProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    process?.assertRunning();
    if (await ready().catch(() => false)) return;
    await delay(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

/**
 * Waits until every process in `busy` uses less than `threshold` of a core over a second, so
 * one measurement does not pay for the backlog of the one before; gives up after `timeoutMs`.
 */
export async function quiesce(
  busy: Measured[],
  logger: Logger,
  timeoutMs = 120_000,
  threshold = 0.1,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const before = busy.map((p) => p.cpuMs());
    await delay(1_000);
    const used = busy.map((p, index) => p.cpuMs() - (before[index] ?? 0));
    if (used.every((cpuMs) => cpuMs < 1_000 * threshold)) {
      logger.info({ waitedMs: Date.now() - started }, 'quiet');
      return;
    }
  }
  logger.warn({ waitedMs: timeoutMs }, 'still busy: measuring anyway');
}
