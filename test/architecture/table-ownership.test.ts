/**
 * No module reads or writes another module's tables (issue 11). Today's crossings are listed in
 * table-crossings.json and may only go away: a new one fails this test, and so does a listed one
 * that is gone (take it off the list). Files outside src/server/modules count as "(outside)".
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TABLE_OWNERS } from '../../src/server/store/table-owners.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverDir = path.join(root, 'src/server');
const modulesDir = path.join(serverDir, 'modules');
const KNOWN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'table-crossings.json');

/** Query-builder calls that name a table as their first argument (`'devices'`, `'devices as d'`). */
const TABLE_CALL = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto|replaceInto)\(\s*['"`]([a-z_]+)(?:\s+as\s+\w+)?['"`]/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'migrations') sourceFiles(full, out); // migrations create every table
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function crossings(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(serverDir)) {
    const rel = path.relative(modulesDir, file);
    const module = rel.startsWith('..') ? '(outside)' : rel.split(path.sep)[0]!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(TABLE_CALL)) {
      const table = m[1] as keyof typeof TABLE_OWNERS;
      const owner = TABLE_OWNERS[table];
      assert.ok(owner, `${path.relative(root, file)} uses table ${table}, which has no owner in src/server/store/table-owners.ts`);
      if (owner !== module) found.add(`${path.relative(root, file)} → ${table} (owned by ${owner})`);
    }
  }
  return [...found].sort();
}

describe('table ownership', () => {
  it('no module touches another module’s tables beyond the known crossings, which only shrink', () => {
    const now = crossings();
    const known: string[] = JSON.parse(readFileSync(KNOWN, 'utf8'));
    const added = now.filter((c) => !known.includes(c));
    const gone = known.filter((c) => !now.includes(c));
    assert.deepEqual(added, [], 'new cross-module table access: go through the owning module’s service instead');
    assert.deepEqual(gone, [], `fixed crossings: remove them from ${path.relative(root, KNOWN)}`);
    process.stdout.write(`# ${now.length} known cross-module table accesses left (issue 11)\n`);
  });
});
