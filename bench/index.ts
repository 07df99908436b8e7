/**
 * `npm run bench`: portflow beside bare Temporal, on loopback, in processes of its own. Prints
 * the results and writes them into BENCHMARKS.md (a full run of every section only).
 *
 * BENCH_SCALE=small runs every section at a size for development (a few minutes);
 * BENCH_ONLY=throughput,embedded,latency,lifecycles,big-port,big-order,open-ports,cluster runs some sections;
 * BENCH_RENDER=dist/bench/results.full.json writes the tables again from saved results.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/worker/runtime';
import { measureCluster } from './cluster';
import { measureEmbedded } from './embedded';
import { measureLatency } from './latency';
import { measureLifecycles } from './lifecycles';
import { errorMessage } from './load';
import { describeMachine } from './machine';
import { renderReport, type Results, type SectionName } from './report';
import {
  WORKER_SETTINGS,
  measureBigOrder,
  measureBigPort,
  measureOpenPorts,
  type WorkerSetting,
} from './scale';
import { startStack } from './stack';
import { measureThroughput } from './throughput';

const SIZES = {
  full: {
    throughput: { ports: 1_000, concurrency: 64, timeoutMs: 900_000 },
    embedded: { perSecond: 50, durationMs: 10_000, warmupMs: 5_000 },
    latency: { rates: [10, 50, 100, 200], durationMs: 20_000, warmupMs: 5_000 },
    bigPort: 20_000,
    bigOrder: 10_000,
    openPorts: { ports: 10_000, concurrency: 32, perSecond: 100, durationMs: 20_000 },
    cluster: {
      throughput: { ports: 300, concurrency: 64, timeoutMs: 900_000 },
      latency: { rates: [10, 100], durationMs: 10_000, warmupMs: 5_000 },
    },
  },
  small: {
    throughput: { ports: 50, concurrency: 16, timeoutMs: 120_000 },
    embedded: { perSecond: 20, durationMs: 3_000, warmupMs: 1_000 },
    latency: { rates: [20, 50], durationMs: 3_000, warmupMs: 1_000 },
    bigPort: 100,
    bigOrder: 200,
    openPorts: { ports: 100, concurrency: 16, perSecond: 50, durationMs: 3_000 },
    cluster: {
      throughput: { ports: 30, concurrency: 16, timeoutMs: 120_000 },
      latency: { rates: [10, 50], durationMs: 3_000, warmupMs: 1_000 },
    },
  },
} as const;

const SECTIONS: SectionName[] = [
  'throughput',
  'embedded',
  'latency',
  'lifecycles',
  'big-port',
  'big-order',
  'open-ports',
  'cluster',
];

/** The repository: dist/bench/bench/index.js is three levels down. */
const ROOT = join(__dirname, '..', '..', '..');
const REPORT = join(ROOT, 'BENCHMARKS.md');
const BEGIN = '<!-- bench:begin (written by npm run bench) -->';
const END = '<!-- bench:end -->';

/** Replaces what lies between the markers, keeping the notes written around them. */
function writeReport(path: string, table: string): void {
  const previous = existsSync(path)
    ? readFileSync(path, 'utf8')
    : `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  const begin = previous.indexOf(BEGIN);
  const end = previous.indexOf(END);
  const next =
    begin >= 0 && end > begin
      ? `${previous.slice(0, begin + BEGIN.length)}\n${table}\n${previous.slice(end)}`
      : `${previous.trimEnd()}\n\n${BEGIN}\n${table}\n${END}\n`;
  writeFileSync(path, next);
}

/** One measurement per worker setting, one after the other. */
async function eachSetting<T>(measure: (setting: WorkerSetting, run: number) => Promise<T>) {
  const results: T[] = [];
  for (const [run, setting] of WORKER_SETTINGS.entries()) results.push(await measure(setting, run));
  return results;
}

async function run(): Promise<void> {
  // BENCH_RENDER=<results JSON>: the tables again from a run's saved results, nothing measured.
  const render = process.env.BENCH_RENDER;
  if (render) return publish(JSON.parse(readFileSync(render, 'utf8')) as Results);
  const scale = process.env.BENCH_SCALE === 'small' ? 'small' : 'full';
  const sizes = SIZES[scale];
  const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !SECTIONS.includes(name as SectionName)) ?? [];
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}`);
  const chosen = SECTIONS.filter((name) => !only || only.includes(name));

  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn', name: 'bench' });
  installTemporalRuntime(logger, { handleSignals: false });
  const startedAt = performance.now();
  const stack = await startStack({ dist: join(ROOT, 'dist'), benchDist: __dirname }, logger);
  const results: Results = {
    scale,
    machine: await describeMachine(ROOT, stack.client),
    sections: {},
  };
  const measure: Record<SectionName, () => Promise<unknown>> = {
    throughput: () => measureThroughput(stack, sizes.throughput),
    embedded: () => measureEmbedded(stack, sizes.embedded),
    latency: () => measureLatency(stack, sizes.latency),
    lifecycles: () => measureLifecycles(stack),
    'big-port': () =>
      eachSetting((setting, run) => measureBigPort(stack, sizes.bigPort, setting, run)),
    'big-order': () =>
      eachSetting((setting, run) => measureBigOrder(stack, sizes.bigOrder, setting, run)),
    'open-ports': () => measureOpenPorts(stack, sizes.openPorts),
    cluster: () => measureCluster(stack, sizes.cluster),
  };
  try {
    for (const name of chosen) {
      const sectionStart = performance.now();
      process.stdout.write(`bench: ${name}...\n`);
      try {
        const value = await measure[name]();
        results.sections[name] = { ok: true, value } as never;
      } catch (error) {
        results.sections[name] = { ok: false, error: errorMessage(error) };
        logger.error({ err: error, section: name }, 'section failed');
      }
      const seconds = (performance.now() - sectionStart) / 1_000;
      process.stdout.write(`bench: ${name} done in ${seconds.toFixed(0)} s\n`);
    }
  } finally {
    await stack.close();
  }
  results.totalSeconds = (performance.now() - startedAt) / 1_000;
  results.loadAtEnd = loadavg();
  const saved = join(ROOT, 'dist', 'bench', `results.${scale}.json`);
  writeFileSync(saved, JSON.stringify(results));
  process.stdout.write(`bench: results saved in ${saved}\n`);
  publish(results);
}

/** Prints the tables and writes them: into BENCHMARKS.md when every section of a full run ran. */
function publish(results: Results): void {
  const table = renderReport(results);
  process.stdout.write(`\n${table}\n`);
  const complete = results.scale === 'full' && SECTIONS.every((name) => results.sections[name]?.ok);
  const target = complete ? REPORT : join(ROOT, 'dist', 'bench', `BENCHMARKS.${results.scale}.md`);
  writeReport(target, table);
  process.stdout.write(`bench: written to ${target}\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
