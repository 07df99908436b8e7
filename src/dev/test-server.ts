import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger';
import { runToCompletion, startChild } from './child-process';
import { freePort, waitForTemporal } from './net';
import { findOnPath, isExecutable, portflowCacheDir } from './temporal-cli';
import { repoPath } from './repo-path';

/**
 * The Java SDK's time-skipping test server. 1.38.0 is the newest on Maven Central, and its
 * WorkflowService matches the protos bundled with @temporalio/* 1.24.0.
 */
export const TEST_SERVER_VERSION = '1.38.0';

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const POM = repoPath('tools', 'test-server', 'pom.xml');

export function testServerDir(cacheDir = portflowCacheDir()): string {
  return join(cacheDir, `test-server-${TEST_SERVER_VERSION}`);
}

/** The executable handed to `TestWorkflowEnvironment.createTimeSkipping` as an existing path. */
export function testServerLauncher(cacheDir = portflowCacheDir()): string {
  return join(testServerDir(cacheDir), 'temporal-test-server');
}

/*
 * The SDK gives the server 5 s to answer. A plain JVM start takes 1-2 s and more on a busy
 * machine, so the launcher uses C1 only, the serial GC and an AppCDS archive of the
 * server's own classes (made once below), which brings the start to a few hundred ms.
 */
const LAUNCHER = `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} (io.temporal:temporal-test-server), set up by portflow.
dir=$(cd "$(dirname "$0")" && pwd)
java=java
if [ -n "\${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
cds=
if [ -f "$dir/classes.jsa" ]; then cds="-XX:SharedArchiveFile=$dir/classes.jsa"; fi
"$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k $cds -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@" &
server=$!
trap 'kill "$server" 2>/dev/null' TERM INT HUP
# The SDK stops the server by SIGKILL to this script, and a test process may die without
# stopping it at all; sh has no event for either, so a watcher looks once a second.
launcher=$$
parent=$PPID
( while kill -0 "$launcher" 2>/dev/null && kill -0 "$parent" 2>/dev/null; do sleep 1; done
  kill "$server" 2>/dev/null ) &
status=0
wait "$server" || status=$?
while kill -0 "$server" 2>/dev/null; do wait "$server" || status=$?; done
exit "$status"
`;
/**
 * Returns the test server's launcher, fetching the server's jars with Maven into the cache
 * the first time (needs `mvn` and a JDK 11+).
 */
export async function ensureTestServer(options: {
  logger: Logger;
  cacheDir?: string;
}): Promise<string> {
  const launcher = testServerLauncher(options.cacheDir);
  if (isExecutable(launcher)) {
    refreshLauncher(launcher);
    return launcher;
  }
  const { logger } = options;
  if (await fetchTestServer(launcher, logger)) {
    // CDS checks the class path it was dumped with, so the archive is made in its final place.
    await dumpClassArchive(launcher, join(dirname(launcher), 'classes.jsa'), logger);
  }
  logger.info({ launcher }, 'Temporal test server ready');
  return launcher;
}

/** Rewrites a launcher left by an older portflow, atomically: another process may be running it. */
function refreshLauncher(launcher: string): void {
  if (readFileSync(launcher, 'utf8') === LAUNCHER) return;
  const next = `${launcher}.${process.pid}`;
  writeFileSync(next, LAUNCHER, { mode: 0o755 });
  renameSync(next, launcher);
}

/** Fetches into a temp dir and renames it into place; false when another process was faster. */
async function fetchTestServer(launcher: string, logger: Logger): Promise<boolean> {
  const mvn = findOnPath('mvn');
  if (!mvn || !findOnPath('java')) {
    throw new Error(
      'The time-skipping test server needs Maven (mvn) and a JDK 11+ on PATH to be fetched once',
    );
  }
  const finalDir = dirname(launcher);
  mkdirSync(dirname(finalDir), { recursive: true });
  const buildDir = mkdtempSync(`${finalDir}.build-`);
  chmodSync(buildDir, 0o755);
  try {
    logger.info({ version: TEST_SERVER_VERSION }, 'fetching the Temporal test server with Maven');
    await runToCompletion(
      mvn,
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        '-f',
        POM,
        `-Dtemporal.testServer.version=${TEST_SERVER_VERSION}`,
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        `-DoutputDirectory=${join(buildDir, 'lib')}`,
      ],
      { logger, outputLevel: 'info' },
    );
    writeFileSync(join(buildDir, 'temporal-test-server'), LAUNCHER, { mode: 0o755 });
    if (isExecutable(launcher)) return false;
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(buildDir, finalDir);
    return true;
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

/** Runs the server once with -XX:ArchiveClassesAtExit so later starts map its classes. */
async function dumpClassArchive(launcher: string, archive: string, logger: Logger): Promise<void> {
  const partial = `${archive}.partial`;
  const port = await freePort();
  const server = startChild(launcher, [String(port)], {
    logger,
    env: { ...process.env, JAVA_TOOL_OPTIONS: `-XX:ArchiveClassesAtExit=${partial}` },
  });
  try {
    await waitForTemporal(`127.0.0.1:${port}`, {
      timeoutMs: 60_000,
      failed: () => server.exitReason(),
    });
    await server.stop(30_000);
    renameSync(partial, archive);
  } catch (error) {
    logger.warn({ err: error }, 'no class archive made; the test server starts slower');
  } finally {
    await server.stop(30_000);
  }
}
