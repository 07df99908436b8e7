import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/config';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('documents every variable src/config.ts reads', () => {
    const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('gives the one command .ci/run tests with', () => {
    const ciRun = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(readme).toContain('npm ci && npm test');
    expect(ciRun).toMatch(/^npm ci$/m);
    expect(ciRun.trim().split('\n').at(-1)).toBe('npm test');
  });
});
