/** Migrations run from an empty database on the dialect under test (the suite runs on both). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/server/store/database.ts';
import { MIGRATIONS, migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { createTestStoreOptions, testDialect } from '../helpers/test-store.ts';

describe('migrations', () => {
  it('create every table from empty, once, and are idempotent', async () => {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    try {
      assert.equal(store.dialect, opts.dialect);
      const applied = await migrateToLatest(store.db, store.dialect);
      assert.deepEqual(applied, MIGRATIONS.map((m) => m.name));
      assert.deepEqual(await migrateToLatest(store.db, store.dialect), [], 'a second run applied something');
      const tables = (await store.db.introspection.getTables()).map((t) => t.name);
      for (const name of ['org_units', 'key_sites', 'devices', 'maintenance_records', 'users', 'sessions', 'audit_log']) assert.ok(tables.includes(name), `${name} missing on ${store.dialect}`);
      const devices = (await store.db.introspection.getTables()).find((t) => t.name === 'devices')!;
      for (const col of ['gb_id', 'bearing_deg', 'fov_deg', 'range_m', 'retention_days', 'warranty_end']) assert.ok(devices.columns.some((c) => c.name === col), col);
    } finally {
      await store.close();
      await opts.cleanup();
    }
  });

  // Several server instances share one PostgreSQL; the embedded SQLite file has one server.
  it('two servers starting on one PostgreSQL database do not migrate twice', { skip: testDialect() === 'sqlite' && 'SQLite serves a single instance' }, async () => {
    const opts = await createTestStoreOptions();
    const a = openStore(opts);
    const b = openStore(opts);
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a.db, a.dialect), migrateToLatest(b.db, b.dialect)]);
      assert.equal(ra.length + rb.length, MIGRATIONS.length);
    } finally {
      await a.close();
      await b.close();
      await opts.cleanup();
    }
  });
});
