import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.ts';
import type { DB } from './schema.ts';

/**
 * Keeps the query planner's statistics current. Without them SQLite chooses indexes by
 * heuristics (bench/RESULTS.md: a building count read all 10,000 ledger rows through the wrong
 * index), and PostgreSQL plans a just-imported table as if it were empty until autovacuum runs.
 */
export async function refreshPlannerStatistics(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  // PostgreSQL: autovacuum keeps statistics current (and the ledger import runs ANALYZE itself).
  if (dialect !== 'sqlite') return;
  // analysis_limit samples each index, so this stays fast with millions of events.
  await sql`PRAGMA analysis_limit = 1000`.execute(db);
  await sql`PRAGMA optimize = 0x10002`.execute(db);
}
