/**
 * SQLite keeps statements prepared across queries; results must not change because of it.
 * (A query inside a stream cannot happen: the stream holds the only connection.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/server/store/database.ts';
import { createTestStoreOptions, testDialect } from '../helpers/test-store.ts';

describe('prepared statement cache (SQLite)', { skip: testDialect() !== 'sqlite' && 'SQLite only' }, () => {
  it('gives the same answers, after a stream left early and after the schema changed', async () => {
    const opts = await createTestStoreOptions();
    const store = openStore(opts);
    const db = store.db as unknown as import('kysely').Kysely<{ t: { id: number; name: string; extra?: string | null } }>;
    try {
      await sql`create table t (id integer primary key, name text not null)`.execute(db);
      await db.insertInto('t').values([1, 2, 3].map((id) => ({ id, name: `n${id}` }))).execute();
      const all = () => db.selectFrom('t').selectAll().orderBy('id').execute();
      assert.deepEqual(await all(), [1, 2, 3].map((id) => ({ id, name: `n${id}` })));

      // A stream left early must not leave its (cached) statement unusable for the next query.
      for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) {
        assert.equal(row.id, 1);
        break;
      }
      assert.equal((await all()).length, 3);
      const streamed: number[] = [];
      for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) streamed.push(row.id);
      assert.deepEqual(streamed, [1, 2, 3]);

      // A column added after the statement was prepared shows up (SQLite re-prepares on schema change).
      await sql`alter table t add column extra text`.execute(db);
      await db.updateTable('t').set({ extra: 'x' }).where('id', '=', 2).execute();
      assert.deepEqual((await all())[1], { id: 2, name: 'n2', extra: 'x' });
    } finally {
      await store.close();
      await opts.cleanup();
    }
  });
});
