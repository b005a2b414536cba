import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type RawBuilder, type Expression } from 'kysely';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Human description for logs, never containing a password. */
  describe: string;
  close(): Promise<void>;
}

// PostgreSQL: return timestamps as ISO strings and bigint counts as numbers so that both
// dialects hand repositories the same JavaScript types.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface StoreOptions {
  databaseUrl?: string;
  dataDir: string;
  /** SQLite file name override (tests). */
  sqliteFile?: string;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection that the server drops (restart, failover, admin) is replaced on next use;
    // without a listener node-postgres re-throws it as an uncaught exception and the process dies.
    pool.on('error', (err) => console.warn(`PostgreSQL connection lost (it will be replaced): ${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      describe: `postgres ${url.hostname || 'socket'}:${url.port || 5432}${url.pathname}`,
      close: () => db.destroy(),
    };
  }
  const file = opts.sqliteFile ?? path.join(opts.dataDir, 'xiaoan.db');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  // WAL + synchronous=NORMAL would lose the last commits on power loss; FULL keeps every
  // acknowledged write (an accepted alarm must survive a crash).
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', describe: `sqlite ${path.resolve(file)}`, close: () => db.destroy() };
}

/** Case-insensitive substring match in both dialects. */
export function containsInsensitive(dialect: Dialect, column: Expression<unknown>, needle: string): RawBuilder<boolean> {
  const pattern = '%' + needle.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  return dialect === 'postgres'
    ? sql<boolean>`${column} ILIKE ${pattern} ESCAPE '\\'`
    : sql<boolean>`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** JSON columns are jsonb in PostgreSQL (driver returns objects) and text in SQLite. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}
