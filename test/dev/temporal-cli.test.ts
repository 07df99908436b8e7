import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  cachedTemporalCliPath,
  resolveTemporalCli,
  TEMPORAL_CLI_MODULE,
  TEMPORAL_CLI_VERSION,
} from '../../src/dev/temporal-cli';

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('resolveTemporalCli', () => {
  let root: string;
  let bin: string;
  let cacheDir: string;

  function executable(path: string, script = '#!/bin/sh\nexit 0\n'): string {
    writeFileSync(path, script);
    chmodSync(path, 0o755);
    return path;
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'portflow-cli-'));
    bin = join(root, 'bin');
    cacheDir = join(root, 'cache');
    mkdirSync(bin);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes TEMPORAL_CLI_PATH first', async () => {
    const configured = executable(join(root, 'my-temporal'));
    executable(join(bin, 'temporal'));
    const { logger } = capturingLogger();
    await expect(
      resolveTemporalCli({ logger, cacheDir, env: { TEMPORAL_CLI_PATH: configured, PATH: bin } }),
    ).resolves.toEqual({ source: 'TEMPORAL_CLI_PATH', path: configured });
  });

  it('refuses a TEMPORAL_CLI_PATH that is not an executable', async () => {
    const { logger } = capturingLogger();
    await expect(
      resolveTemporalCli({ logger, cacheDir, env: { TEMPORAL_CLI_PATH: join(root, 'nope') } }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH/);
  });

  it('then `temporal` on PATH, before the cache', async () => {
    const onPath = executable(join(bin, 'temporal'));
    mkdirSync(join(cachedTemporalCliPath(cacheDir), '..'), { recursive: true });
    executable(cachedTemporalCliPath(cacheDir));
    const { logger } = capturingLogger();
    await expect(resolveTemporalCli({ logger, cacheDir, env: { PATH: bin } })).resolves.toEqual({
      source: 'PATH',
      path: onPath,
    });
  });

  it('then the cached build', async () => {
    mkdirSync(join(cachedTemporalCliPath(cacheDir), '..'), { recursive: true });
    executable(cachedTemporalCliPath(cacheDir));
    const { logger } = capturingLogger();
    await expect(resolveTemporalCli({ logger, cacheDir, env: { PATH: bin } })).resolves.toEqual({
      source: 'cache',
      path: cachedTemporalCliPath(cacheDir),
    });
  });

  it('then builds the pinned version with go install into the cache, showing progress', async () => {
    // A stand-in for go that "builds" a binary recording how it was asked.
    executable(
      join(bin, 'go'),
      '#!/bin/sh\necho "go: downloading github.com/temporalio/cli"\n' +
        'printf "%s " "$@" > "$GOBIN/temporal"\n/bin/chmod +x "$GOBIN/temporal"\n',
    );
    const { logger, lines } = capturingLogger();
    const cli = await resolveTemporalCli({ logger, cacheDir, env: { PATH: bin } });

    expect(cli).toEqual({ source: 'go install', path: cachedTemporalCliPath(cacheDir) });
    expect(readFileSync(cachedTemporalCliPath(cacheDir), 'utf8').trim()).toBe(
      `install -v ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`,
    );
    // Up front: that it is a one-time build, and how long it takes.
    expect(lines[0]).toMatch(/first start on this machine: .* a one-time build of 3-5 minutes/);
    expect(lines.join('\n')).toContain('go: downloading github.com/temporalio/cli');
    expect(readdirSync(cacheDir)).toEqual([`temporal-cli-${TEMPORAL_CLI_VERSION}`]);
  });

  it('leaves no half-built binary when go install fails', async () => {
    executable(join(bin, 'go'), '#!/bin/sh\necho "go: module not found" >&2\nexit 1\n');
    const { logger } = capturingLogger();
    await expect(resolveTemporalCli({ logger, cacheDir, env: { PATH: bin } })).rejects.toThrow(
      /go install/,
    );
    expect(existsSync(cachedTemporalCliPath(cacheDir))).toBe(false);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('falls back to the SDK download when there is no CLI and no Go', async () => {
    const { logger } = capturingLogger();
    await expect(resolveTemporalCli({ logger, cacheDir, env: { PATH: bin } })).resolves.toEqual({
      source: 'sdk-download',
    });
  });
});
