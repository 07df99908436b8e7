import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A path in the repository, found from this module wherever it was compiled to: src/dev under
 * ts-jest, dist/dev when built, dist/bench/src/dev in the bench.
 */
export function repoPath(...parts: string[]): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, ...parts);
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}
