/**
 * Per-test database for the store: every call gives a brand-new, empty database so that test
 * files (which `npm test` runs in parallel) never share state.
 *
 *   const opts = await createTestStoreOptions();
 *   const store = openStore(opts);
 *   try { ... } finally { await store.close(); await opts.cleanup(); }
 *
 * The dialect comes from the environment set by scripts/test.ts:
 *   XIAOAN_TEST_DB=sqlite (default when unset)  → fresh temp dir with a SQLite file
 *   XIAOAN_TEST_DB=postgres + XIAOAN_TEST_DATABASE_URL=postgres://<superuser>@host:port/db
 *                                               → fresh database `xiaoan_t_<random>` on that server
 * `dataDir` is always a fresh temporary directory (removed by cleanup()).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

export interface TestStoreOptions {
  databaseUrl?: string;
  dataDir: string;
  sqliteFile?: string;
  dialect: TestDialect;
  /** Drops the database / removes the temp dir. Call after the store was closed. Never throws. */
  cleanup(): Promise<void>;
}

/** The dialect selected by XIAOAN_TEST_DB (default sqlite). */
export function testDialect(): TestDialect {
  const value = (process.env.XIAOAN_TEST_DB ?? '').trim().toLowerCase();
  if (value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres' || value === 'postgresql' || value === 'pg') return 'postgres';
  throw new Error(`XIAOAN_TEST_DB must be "sqlite" or "postgres", got "${process.env.XIAOAN_TEST_DB}"`);
}

function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createTestStoreOptions(): Promise<TestStoreOptions> {
  const dialect = testDialect();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-test-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true }).catch(() => {});

  if (dialect === 'sqlite') {
    let cleaned = false;
    return {
      dialect,
      dataDir,
      sqliteFile: path.join(dataDir, 'xiaoan.db'),
      async cleanup() {
        if (cleaned) return;
        cleaned = true;
        await removeDataDir();
      },
    };
  }

  const adminUrl = process.env.XIAOAN_TEST_DATABASE_URL;
  if (!adminUrl) {
    await removeDataDir();
    throw new Error('XIAOAN_TEST_DB=postgres needs XIAOAN_TEST_DATABASE_URL (a superuser URL to a test server)');
  }
  const database = `xiaoan_t_${randomBytes(8).toString('hex')}`;
  try {
    await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
  } catch (error) {
    await removeDataDir();
    throw error;
  }
  const url = new URL(adminUrl);
  url.pathname = '/' + database;

  let cleaned = false;
  return {
    dialect,
    dataDir,
    databaseUrl: url.toString(),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      try {
        await withAdminClient(adminUrl, async (client) => {
          // A closed pool's connections may still be saying goodbye: give them a moment, because
          // FORCE would terminate them and their client would report it as an error in the test.
          for (let attempt = 0; attempt < 10; attempt++) {
            try {
              await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
              return;
            } catch {
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          try {
            // FORCE (PostgreSQL 13+) also ends connections a test forgot to close.
            await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
          } catch {
            await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
          }
        });
      } catch {
        // Tolerated: the temporary server is thrown away at the end of the run anyway.
      }
      await removeDataDir();
    },
  };
}
