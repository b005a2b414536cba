/**
 * A module is one folder with one public face (issue 11): code outside `src/server/modules/<x>/`
 * imports that module only through `modules/<x>/index.ts`. Tests and benchmarks may reach inside.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverDir = path.join(root, 'src/server');
const modulesDir = path.join(serverDir, 'modules');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** Static imports, re-exports and dynamic imports with a literal path. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** The module a file belongs to; null outside any (src/server/modules/module.ts is the contract itself). */
const moduleOf = (file: string): string | null => {
  const parts = path.relative(modulesDir, file).split(path.sep);
  return parts[0] === '..' || path.isAbsolute(parts[0]!) || parts.length < 2 ? null : parts[0]!;
};

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(serverDir)) {
    const from = moduleOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      const to = moduleOf(target);
      if (to === null || to === from) continue;
      if (path.relative(path.join(modulesDir, to), target) !== 'index.ts') found.push(`${path.relative(root, file)} imports ${spec}`);
    }
  }
  return found.sort();
}

describe('module boundaries', () => {
  it('code outside a module imports it only through its index.ts', () => {
    assert.deepEqual(violations(), [], 'import the module’s index.ts; export from there what others may use');
  });

  it('every module has an index.ts', () => {
    const missing = readdirSync(modulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !readdirSync(path.join(modulesDir, d.name)).includes('index.ts'))
      .map((d) => d.name);
    assert.deepEqual(missing, []);
  });
});
