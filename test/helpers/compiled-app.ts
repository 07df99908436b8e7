import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { transformFile } from '@swc/core';
import { freePort } from '../../src/dev/net';

const ROOT = join(__dirname, '..', '..');

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Compiles src/ with swc (as jest does) into a temp dir that runs like dist/, so a test can
 * start an entry point as its own process. Returns the temp dir; `dist/` is inside it.
 */
export async function compileApp(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'portflow-app-'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const srcDir = join(ROOT, 'src');
  for (const file of typescriptFiles(srcDir)) {
    const { code } = await transformFile(file, { cwd: ROOT, swcrc: true });
    const target = join(root, 'dist', relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return root;
}

export interface NodeProcess {
  /** Resolves with the first stdout line `matches` accepts; rejects if the process exits first. */
  waitForLine(matches: (line: string) => boolean): Promise<string>;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  isRunning(): boolean;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

/** Runs a built entry point as its own process, the way `npm start` and friends do. */
export function startNodeProcess(entry: string, env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const output: string[] = [];
  const waiters = new Set<{
    matches: (line: string) => boolean;
    resolve: (line: string) => void;
  }>();
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    output.push(line);
    for (const waiter of waiters) {
      if (waiter.matches(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  return {
    waitForLine(matches) {
      return new Promise((resolve, reject) => {
        waiters.add({ matches, resolve });
        void exited.then(([code]) =>
          reject(new Error(`${entry} exited (${code}):\n${output.join('\n')}`)),
        );
      });
    },
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code] = await exited;
      return code;
    },
    isRunning: () => child.exitCode === null && child.signalCode === null,
    output: () => output.join('\n'),
  };
}

/** What embedded mode prints once it is up: its URLs and development token. */
export interface Banner {
  api: string;
  docs: string;
  temporalUi: string;
  temporal: string;
  platform: string;
  developmentToken: string;
}

/** `npm start` as a user runs it; resolves once it has printed its URLs and token. */
export async function startEmbedded(entry: string, env: NodeJS.ProcessEnv) {
  const embedded = startNodeProcess(entry, env);
  const found: Partial<Banner> = {};
  await embedded.waitForLine((line) => {
    if (line.startsWith('{')) Object.assign(found, JSON.parse(line) as Partial<Banner>);
    return Boolean(found.api && found.developmentToken);
  });
  return { embedded, banner: found as Banner };
}

/**
 * Built embedded mode (`npm start`) from `appRoot` (compileApp), on free ports, its data in
 * `appRoot/data`, with `env` on top.
 */
export async function startBuiltEmbedded(appRoot: string, env: NodeJS.ProcessEnv = {}) {
  return startEmbedded(join(appRoot, 'dist', 'dev', 'index.js'), {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: join(appRoot, 'data'),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    API_PORT: String(await freePort()),
    EMULATOR_PORT: String(await freePort()),
    ...env,
  });
}
