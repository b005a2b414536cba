/**
 * The composition root builds every module folder, and each face tells the truth: every table
 * has exactly one owning module, every bus message exactly one publishing module (issue 11).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TABLE_OWNERS } from '../../src/server/store/table-owners.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const modulesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/server/modules');

describe('module faces', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t?.close());

  it('every module folder is composed, in an order where a module comes after those it uses', () => {
    const folders = readdirSync(modulesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const composed = t.services.modules.map((m) => m.name);
    assert.deepEqual([...composed].sort(), folders);
    const position = new Map(composed.map((name, i) => [name, i]));
    for (const name of composed) {
      const index = readFileSync(path.join(modulesDir, name, 'index.ts'), 'utf8');
      for (const m of index.matchAll(/from '\.\.\/([a-z-]+)\/index\.ts'/g)) {
        assert.ok(position.get(m[1]!)! < position.get(name)!, `${name} uses ${m[1]}, which must be composed before it`);
      }
    }
  });

  it('a module\'s bus subscriptions, many made in constructors, end when the server stops', async () => {
    const own = await createTestApp();
    const subscribed = own.services.modules.filter((m) => (m.bus?.open ?? 0) > 0).map((m) => m.name);
    for (const name of ['alarms', 'dispatch', 'health', 'ingest', 'live']) assert.ok(subscribed.includes(name), `${name} subscribes through its module bus`);
    await own.close();
    assert.deepEqual(own.services.modules.filter((m) => (m.bus?.open ?? 0) > 0).map((m) => `${m.name}: ${m.bus!.open}`), []);
  });

  it('each table belongs to the module the ownership map names, and to no other', () => {
    const claimed = t.services.modules.flatMap((m) => m.tables.map((table) => [table, m.name] as const));
    assert.deepEqual(claimed.map(([table]) => table).sort(), Object.keys(TABLE_OWNERS).sort(), 'every table claimed once');
    for (const [table, owner] of claimed) assert.equal(owner, TABLE_OWNERS[table]);
  });

  it('each bus message has one publishing module, and only that module publishes it', () => {
    const publishers = new Map<string, string>();
    for (const m of t.services.modules) for (const name of m.publishes ?? []) {
      assert.ok(!publishers.has(name), `${name} is declared by ${publishers.get(name)} and ${m.name}`);
      publishers.set(name, m.name);
    }
    const busFile = readFileSync(path.join(modulesDir, '../bus/event-bus.ts'), 'utf8');
    const declared = [...busFile.slice(busFile.indexOf('interface EventMap')).matchAll(/^\s+'([a-z_.]+)':/gm)].map((m) => m[1]!);
    assert.deepEqual([...publishers.keys()].sort(), declared.sort(), 'every EventMap message has a publishing module');
    for (const folder of readdirSync(modulesDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(path.join(modulesDir, folder.name)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
        for (const m of readFileSync(path.join(modulesDir, folder.name, file), 'utf8').matchAll(/\.publish\(\s*'([a-z_.]+)'/g)) {
          assert.equal(publishers.get(m[1]!), folder.name, `${folder.name}/${file} publishes ${m[1]}`);
        }
      }
    }
  });
});
