import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileApp, startBuiltEmbedded, type NodeProcess } from '../helpers/compiled-app';
import { runCommand } from '../helpers/run-command';

const ROOT = join(__dirname, '..', '..');
const SECTION = '## First ten minutes';

/** The README's walk-through as one script: every `sh` block of its section, in order. */
function walkthroughScript(readme: string): string {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
  return ['set -euo pipefail', ...blocks].join('\n');
}

describe('the README\'s "First ten minutes"', () => {
  let appRoot: string;
  let running: NodeProcess | undefined;

  beforeAll(async () => {
    appRoot = await compileApp();
  });

  afterAll(async () => {
    await running?.stop('SIGINT');
    rmSync(appRoot, { recursive: true, force: true });
  });

  it('runs as written against embedded mode: search, order, assign, check, port, clock, COMPLETED, release, AGING, reclaim', async () => {
    const script = walkthroughScript(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(script).toContain('/_emulator/clock/advance');
    // As a user runs it: from the project folder (`.data/`, `dist/`) that `npm start` made.
    const started = await startBuiltEmbedded(appRoot, { DATA_DIR: join(appRoot, '.data') });
    running = started.embedded;
    const { code, output } = await runCommand('bash', ['-c', script], {
      cwd: appRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        API: started.banner.api,
        EMULATOR: started.banner.platform,
      },
    });
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    expect(output).toContain('"status": "COMPLETED"');
    expect(output).toContain('"activation": "ACTIVATED"');
    expect(output).toContain('"status": "RECLAIMED"');
  }, 300_000);
});
