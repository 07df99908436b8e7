/**
 * `npm run bench:profile -- <dir>`: where the CPU of the profiled processes went, from the V8
 * CPU profiles `BENCH_CPU_PROFILE=<dir> npm run bench` wrote (one folder per process, one file
 * per thread). Self time is summed by where the code lives: a package, a portflow source
 * folder, or V8's own (garbage collection, compiled code outside any function).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package or portflow folder a script belongs to; V8's own entries as V8 names them. */
function placeOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  const source = /\/(src|dist)\/([^/]+)\//.exec(url);
  if (source) return `portflow ${source[2]}`;
  if (url.startsWith('node:')) return 'node';
  // The workflow bundle runs in the worker's V8 context under its own name.
  if (url.includes('workflow')) return 'workflow bundle';
  return url;
}

function selfTimes(profile: Profile): Map<string, number> {
  const place = new Map(profile.nodes.map((node) => [node.id, placeOf(node.callFrame)]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const key = place.get(id) ?? '(unknown)';
    times.set(key, (times.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1_000);
  });
  return times;
}

function main(dir: string): void {
  for (const process of readdirSync(dir)) {
    const folder = join(dir, process);
    const totals = new Map<string, number>();
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Profile;
      for (const [key, ms] of selfTimes(profile)) totals.set(key, (totals.get(key) ?? 0) + ms);
    }
    totals.delete('(idle)');
    const busy = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
    console.log(`\n${relative(dir, folder)}: ${(busy / 1_000).toFixed(1)} s busy (all threads)`);
    for (const [key, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${key}`);
    }
  }
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npm run bench:profile -- <dir written by BENCH_CPU_PROFILE>');
  process.exit(2);
}
main(dir);
