import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore } from '../../src/server/store/database.ts';
import { createTestStoreOptions, testDialect } from './test-store.ts';

async function databaseExists(databaseUrl: string): Promise<boolean> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: process.env.XIAOAN_TEST_DATABASE_URL });
  await client.connect();
  try {
    const res = await client.query('select 1 from pg_database where datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

test('createTestStoreOptions gives a working store of the selected dialect', async () => {
  const opts = await createTestStoreOptions();
  assert.equal(opts.dialect, testDialect());
  const store = openStore(opts);
  try {
    assert.equal(store.dialect, opts.dialect);
    const result = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    assert.equal(Number(result.rows[0]?.one), 1);
  } finally {
    await store.close();
    await opts.cleanup();
  }
  assert.equal(existsSync(opts.dataDir), false, 'cleanup removes the data dir');
  if (opts.databaseUrl) assert.equal(await databaseExists(opts.databaseUrl), false, 'cleanup drops the database');
  await opts.cleanup(); // idempotent
});

test('two calls give two separate databases', async () => {
  const a = await createTestStoreOptions();
  const b = await createTestStoreOptions();
  const storeA = openStore(a);
  const storeB = openStore(b);
  try {
    assert.notEqual(a.dataDir, b.dataDir);
    if (a.dialect === 'postgres') assert.notEqual(a.databaseUrl, b.databaseUrl);
    else assert.notEqual(a.sqliteFile, b.sqliteFile);

    await sql`create table only_in_a (id integer primary key)`.execute(storeA.db);
    await sql`insert into only_in_a (id) values (1)`.execute(storeA.db);
    const inA = await sql<{ n: number }>`select count(*) as n from only_in_a`.execute(storeA.db);
    assert.equal(Number(inA.rows[0]?.n), 1);
    await assert.rejects(sql`select count(*) from only_in_a`.execute(storeB.db), 'table must not exist in the other database');
  } finally {
    await storeA.close();
    await storeB.close();
    await a.cleanup();
    await b.cleanup();
  }
});
