import { chownSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../logger';
import { runToCompletion, startChild, type ManagedChild } from './child-process';
import { findOnPath, isExecutable } from './temporal-cli';

/** The superuser initdb makes; Temporal connects as it (trust authentication, loopback only). */
export const POSTGRES_USER = 'temporal';
const DEBIAN_ROOT = '/usr/lib/postgresql';
const INSTALL_HINT = 'apt-get update && apt-get install -y postgresql';

/** The directory of `initdb`, `postgres`, `pg_ctl` and `pg_isready`: on PATH, else Debian's newest. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const onPath = findOnPath('initdb', env);
  // Its siblings (pg_isready...) are where the real file is, not where a link to it is.
  if (onPath) return dirname(realpathSync(onPath));
  let versions: string[] = [];
  try {
    versions = readdirSync(DEBIAN_ROOT).filter((name) => /^\d+$/.test(name));
  } catch {
    // No Debian PostgreSQL at all.
  }
  const newest = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(DEBIAN_ROOT, version, 'bin'))
    .find((bin) => isExecutable(join(bin, 'initdb')));
  if (!newest) {
    throw new Error(
      `PostgreSQL is not installed (no initdb on PATH or in ${DEBIAN_ROOT}): ${INSTALL_HINT}`,
    );
  }
  return newest;
}

/** initdb and postgres refuse root: as root, they run as the `postgres` user the package makes. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(`PostgreSQL cannot run as root and there is no postgres user: ${INSTALL_HINT}`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

export interface RunningPostgres {
  port: number;
  /** Starts it again on the same data and port after `stop`. */
  start(): Promise<void>;
  /** A fast shutdown: open sessions are ended, committed data stays. */
  stop(): Promise<void>;
}

/**
 * A PostgreSQL of its own in `dir` (made for it), on 127.0.0.1:`port` only, without unix
 * sockets; fsync is off, which loses nothing when the server alone stops, however hard.
 */
export async function startPostgres(options: {
  logger: Logger;
  dir: string;
  port: number;
}): Promise<RunningPostgres> {
  const { port } = options;
  const logger = options.logger.child({ component: 'postgresql' });
  const bin = findPostgresBin();
  const user = serverUser();
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  if (user) chownSync(options.dir, user.uid, user.gid);
  const data = join(options.dir, 'data');
  const run = (command: string, args: string[]) =>
    runToCompletion(join(bin, command), args, { logger, user, cwd: options.dir });
  await run('initdb', [
    '--pgdata',
    data,
    '--username',
    POSTGRES_USER,
    '--auth',
    'trust',
    '--encoding',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
  ]);

  let server: ManagedChild | undefined;
  async function start(): Promise<void> {
    const started = startChild(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
      ],
      { logger, user, cwd: options.dir },
    );
    server = started;
    for (;;) {
      const reason = started.exitReason();
      if (reason) throw new Error(`${reason}\n${started.recentOutput()}`);
      try {
        await runToCompletion(
          join(bin, 'pg_isready'),
          ['-q', '-h', '127.0.0.1', '-p', String(port)],
          {
            logger,
          },
        );
        return;
      } catch {
        await delay(100);
      }
    }
  }
  async function stop(): Promise<void> {
    if (!server || server.exitReason() !== undefined) return;
    await run('pg_ctl', ['stop', '--pgdata', data, '--mode', 'fast', '--wait']).catch(
      (error: unknown) => logger.warn({ err: error }, 'pg_ctl stop failed: killing PostgreSQL'),
    );
    await server.stop(5_000);
  }
  await start();
  return { port, start, stop };
}
