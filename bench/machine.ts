/** What a bench ran on and with: written beside every figure. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TEMPORAL_CLI_VERSION } from '../src/dev/temporal-cli';
import { TEST_SERVER_VERSION } from '../src/dev/test-server';

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** Load averages (1, 5, 15 min) when the bench started: other work on the machine skews figures. */
  loadAtStart: number[];
  commit: string;
  versions: Record<string, string>;
}

function packageVersion(root: string, name: string): string {
  const manifest = join(root, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function gitCommit(root: string): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
    }).length;
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export async function describeMachine(root: string, client: Client): Promise<Machine> {
  const { serverVersion } = await client.workflowService.getSystemInfo({});
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: totalmem() / 1024 ** 3,
    kernel: release(),
    node: process.version,
    loadAtStart: loadavg(),
    commit: gitCommit(root),
    versions: {
      portflow: own.version,
      'Temporal CLI (dev server)': `${TEMPORAL_CLI_VERSION} (server ${serverVersion ?? '?'})`,
      'Temporal test server': TEST_SERVER_VERSION,
      '@temporalio/worker': packageVersion(root, '@temporalio/worker'),
      fastify: packageVersion(root, 'fastify'),
      undici: packageVersion(root, 'undici'),
      zod: packageVersion(root, 'zod'),
      'better-sqlite3': packageVersion(root, 'better-sqlite3'),
    },
  };
}
