import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';

const ROOT = join(__dirname, '..', '..');

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Compiles src/ with swc (as jest does) into a temp dir that runs like dist/, so a test can
 * start an entry point as its own process. Returns the temp dir; `dist/` is inside it.
 */
export async function compileApp(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'portflow-app-'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const srcDir = join(ROOT, 'src');
  for (const file of typescriptFiles(srcDir)) {
    const { code } = await transformFile(file, { cwd: ROOT, swcrc: true });
    const target = join(root, 'dist', relative(srcDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return root;
}
