/** Migrations run from an empty database on the dialect under test (the suite runs on both). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/server/store/database.ts';
import { Migrator, type Kysely } from 'kysely';
import { columnTypes, MIGRATIONS, migrateToLatest } from '../../src/server/store/migrations/index.ts';
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

  it('0007 fills the ledger search text of devices that were there before', async () => {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    try {
      const db = store.db as unknown as Kysely<any>;
      const types = columnTypes(store.dialect);
      const upTo6 = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === '0007-ledger-search'));
      const provider = { getMigrations: async () => Object.fromEntries(upTo6.map((m) => [m.name, { up: (d: Kysely<any>) => m.up(d, types) }])) };
      const old = new Migrator({ db, provider, migrationTableName: 'xiaoan_migrations', migrationLockTableName: 'xiaoan_migrations_lock' });
      assert.equal((await old.migrateToLatest()).error, undefined);
      const now = new Date().toISOString();
      await db
        .insertInto('org_units')
        .values([
          { id: 'u1', kind: 'university', parent_id: null, university_id: 'u1', name: '大学', created_at: now, updated_at: now },
          { id: 'c1', kind: 'campus', parent_id: 'u1', university_id: 'u1', name: '校区', created_at: now, updated_at: now },
        ])
        .execute();
      await db
        .insertInto('devices')
        .values({ id: 'd1', university_id: 'u1', campus_id: 'c1', name: '东门 Camera', kind: 'camera', status: 'in_service', serial: 'SN-ABC', vendor: 'Hikvision', created_at: now, updated_at: now })
        .execute();
      assert.deepEqual(await migrateToLatest(store.db, store.dialect), MIGRATIONS.slice(upTo6.length).map((m) => m.name));
      const row = await db.selectFrom('devices').select('search_text').where('id', '=', 'd1').executeTakeFirstOrThrow();
      assert.equal(row.search_text, '东门 camera\u001fsn-abc\u001fhikvision');
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
