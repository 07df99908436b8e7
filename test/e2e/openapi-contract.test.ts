import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portflowCacheDir } from '../../src/dev/temporal-cli';
import { compileApp, startBuiltEmbedded, type NodeProcess } from '../helpers/compiled-app';
import { runCommand } from '../helpers/run-command';

const ROOT = join(__dirname, '..', '..');
const TOOLS = join(ROOT, 'tools', 'schemathesis');
const VERSION = /^schemathesis==(.+)$/m.exec(
  readFileSync(join(TOOLS, 'requirements.txt'), 'utf8'),
)?.[1];
const SCHEMATHESIS = join(portflowCacheDir(), `schemathesis-${VERSION}`, 'bin', 'schemathesis');
/** Cases per operation and phase: enough to reach every rule, few enough for a few minutes. */
const CASES_PER_OPERATION = 5;

describe('the OpenAPI document against the running API (schemathesis --checks all)', () => {
  let appRoot: string;
  let reportDir: string;
  let running: NodeProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(SCHEMATHESIS)) {
      throw new Error(
        `schemathesis ${VERSION} is not installed: run bash tools/schemathesis/install`,
      );
    }
    appRoot = await compileApp();
    reportDir = mkdtempSync(join(tmpdir(), 'portflow-schemathesis-'));
  });

  afterAll(async () => {
    await running?.stop('SIGINT');
    rmSync(appRoot, { recursive: true, force: true });
  });

  it('finds no failure of any check in embedded mode', async () => {
    // Every request is one token's: the fuzzer must meet the API's rules, not its rate limit.
    const started = await startBuiltEmbedded(appRoot, { RATE_LIMIT_PER_MINUTE: '1000000' });
    running = started.embedded;
    const { code, output } = await runCommand(
      SCHEMATHESIS,
      [
        '--config-file',
        join(TOOLS, 'schemathesis.toml'),
        'run',
        `${started.banner.api}/openapi.json`,
        '--checks',
        'all',
        '--header',
        `X-AUTH-TOKEN: ${started.banner.developmentToken}`,
        '--max-examples',
        String(CASES_PER_OPERATION),
        '--seed',
        '14',
        '--no-shrink',
        // Most of a request's time is the API waiting on Temporal: two at once halve the run.
        '--workers',
        '2',
        '--request-timeout',
        '90',
        '--report',
        'junit',
        '--report-dir',
        reportDir,
      ],
      // Its caches (.schemathesis, .hypothesis) go to the temp dir, not the repository.
      {
        cwd: reportDir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NO_COLOR: '1',
          SCHEMATHESIS_HOOKS: join(TOOLS, 'hooks.py'),
        },
      },
    );
    process.stderr.write(`schemathesis report: ${reportDir}\n`);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/[0-9]+ passed/) });
    expect(output).not.toMatch(/FAILURES|failures?,/);
  }, 600_000);
});
