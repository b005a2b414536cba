/**
 * No module reads or writes another module's tables (issue 11): each asks the owner through its
 * public face. Files outside src/server/modules (the composition root, the demo simulator) count
 * as "(outside)" and own nothing, so they too go through the modules.
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

/**
 * Query-builder calls whose table is not a literal (`selectFrom(table)`): the check above cannot
 * see them. A join on a subquery of the module's own tables is named in ALLOWED_DYNAMIC.
 */
const ALLOWED_DYNAMIC = new Set(['src/server/modules/alarms/alarms.repository.ts: leftJoin(firstSteps,']);
const DYNAMIC_TABLE_CALL = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto|replaceInto)\(\s*[a-zA-Z_$][\w$]*\s*[,)]/g;

describe('table ownership', () => {
  it('no module touches another module’s tables', () => {
    assert.deepEqual(crossings(), [], 'cross-module table access: ask the owning module through its index.ts instead');
  });

  it('every query names its table literally, so ownership can be checked', () => {
    const found: string[] = [];
    for (const file of sourceFiles(serverDir)) {
      for (const m of readFileSync(file, 'utf8').matchAll(DYNAMIC_TABLE_CALL)) found.push(`${path.relative(root, file)}: ${m[0]}`);
    }
    assert.deepEqual(found.filter((f) => !ALLOWED_DYNAMIC.has(f)), []);
  });
});
