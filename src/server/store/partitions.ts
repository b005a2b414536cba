/**
 * Month partitions on PostgreSQL (issue 14, scale path): the event store and the sightings index
 * grow by hundreds of millions of rows a year on a large campus. Partitioned by month (Beijing
 * months), a lookup of one subject over 30 days touches two partitions' indexes, and retention drops
 * a whole month (space back at once, no vacuum) instead of deleting rows one by one.
 *
 * Native declarative partitioning, maintained by the platform: any PostgreSQL ≥ 13 works, including
 * managed ones without the pg_partman extension. Each table has a DEFAULT partition, so a row whose
 * time lies outside the prepared months (a device clock in 1970 or 2099) is still stored; when the
 * month it belongs to is prepared later, its rows move out of the default in the same transaction.
 * SQLite has no partitions: there every function here is a no-op.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './database.ts';

/** Tables partitioned by month, with the column they are partitioned by. */
export const MONTH_PARTITIONED = { events: 'occurred_at', sightings: 'at' } as const;
export type MonthPartitionedTable = keyof typeof MONTH_PARTITIONED;

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The Beijing month containing `ms`, as { year, month (1–12) }. */
export function beijingMonthOf(ms: number): { year: number; month: number } {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** The instant a Beijing month starts (00:00 +08:00 on its first day). */
export function beijingMonthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) - BEIJING_OFFSET_MS;
}

/** A Beijing month's range: start (inclusive) and end (exclusive), epoch ms. */
export function monthRange(year: number, month: number): { from: number; to: number } {
  return { from: beijingMonthStart(year, month), to: month === 12 ? beijingMonthStart(year + 1, 1) : beijingMonthStart(year, month + 1) };
}

export function partitionName(table: MonthPartitionedTable, year: number, month: number): string {
  return `${table}_p${year}${String(month).padStart(2, '0')}`;
}

/** Each Beijing month overlapping [fromMs, toMs]. */
export function monthsBetween(fromMs: number, toMs: number): { year: number; month: number }[] {
  const out: { year: number; month: number }[] = [];
  let { year, month } = beijingMonthOf(fromMs);
  while (beijingMonthStart(year, month) <= toMs) {
    out.push({ year, month });
    month === 12 ? ((year += 1), (month = 1)) : (month += 1);
  }
  return out;
}

export interface MonthPartition {
  name: string;
  /** Range start (inclusive) and end (exclusive), epoch ms. */
  from: number;
  to: number;
}

/** The month partitions a table has now (the default partition not included), oldest first. */
export async function monthPartitions(db: Kysely<any>, table: MonthPartitionedTable): Promise<MonthPartition[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = ${table}::regclass`.execute(db);
  const out: MonthPartition[] = [];
  for (const { name } of rows) {
    const m = /_p(\d{4})(\d{2})$/.exec(name);
    if (!m) continue;
    out.push({ name, ...monthRange(Number(m[1]), Number(m[2])) });
  }
  return out.sort((a, b) => a.from - b.from);
}

const literal = (ms: number) => sql.lit(new Date(ms).toISOString());

/**
 * Creates the month partitions of `table` overlapping [fromMs, toMs] that do not exist yet, each
 * in its own transaction: rows of that month waiting in the default partition move into it.
 * Several processes may call this at once (an advisory lock per table). Returns the names created.
 */
export async function ensureMonthPartitions(db: Kysely<any>, dialect: Dialect, table: MonthPartitionedTable, fromMs: number, toMs: number): Promise<string[]> {
  if (dialect !== 'postgres') return [];
  const column = sql.ref(MONTH_PARTITIONED[table]);
  const created: string[] = [];
  // One catalogue read for the months already there: the usual call (start, each maintenance) makes none.
  const existing = new Set((await monthPartitions(db, table)).map((p) => p.name));
  for (const { year, month } of monthsBetween(fromMs, toMs)) {
    const name = partitionName(table, year, month);
    if (existing.has(name)) continue;
    const { from, to } = monthRange(year, month);
    const made = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${'xiaoan partitions ' + table}))`.execute(trx);
      // Made meanwhile by another process (it held the lock first).
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_class where relname = ${name}`.execute(trx);
      if (rows[0]!.n > 0) return false;
      const parked = sql.table(`${table}_default`);
      const moving = sql.table(`${name}_moving`);
      // Rows already in the default partition for this month would make the new partition's bounds
      // overlap them; they are taken out, the partition created, and they are put back (now routed into it).
      await sql`create temporary table ${moving} on commit drop as
        with moved as (delete from ${parked} where ${column} >= ${literal(from)} and ${column} < ${literal(to)} returning *)
        select * from moved`.execute(trx);
      await sql`create table ${sql.table(name)} partition of ${sql.table(table)} for values from (${literal(from)}) to (${literal(to)})`.execute(trx);
      await sql`insert into ${sql.table(table)} select * from ${moving}`.execute(trx);
      return true;
    });
    if (made) created.push(name);
  }
  return created;
}

/** Drops the month partitions of `table` that end at or before `beforeMs`. Returns the names dropped. */
export async function dropMonthPartitionsBefore(db: Kysely<any>, dialect: Dialect, table: MonthPartitionedTable, beforeMs: number): Promise<string[]> {
  if (dialect !== 'postgres') return [];
  const dropped: string[] = [];
  for (const p of await monthPartitions(db, table)) {
    if (p.to > beforeMs) break;
    await sql`drop table if exists ${sql.table(p.name)}`.execute(db);
    dropped.push(p.name);
  }
  return dropped;
}

/** Months prepared ahead: the partition for a month exists well before its first row. */
const PREPARED_AHEAD_MS = 92 * 86400_000;

/**
 * Keeps `table`'s months prepared from `keptDays` back to three months ahead of `now`, and drops the
 * months that ended before that (what retention keeps no longer). No-op on SQLite.
 */
export async function maintainMonthPartitions(store: { db: Kysely<any>; dialect: Dialect }, table: MonthPartitionedTable, now: number, keptDays: number) {
  const keptFrom = now - keptDays * 86400_000;
  const created = await ensureMonthPartitions(store.db, store.dialect, table, keptFrom, now + PREPARED_AHEAD_MS);
  const dropped = await dropMonthPartitionsBefore(store.db, store.dialect, table, keptFrom);
  return { created, dropped };
}

/**
 * Migration step: turns `table` (plain) into a table partitioned by month with the same columns,
 * a default partition and a partition for each month of 2000–2099 that holds rows (stray times,
 * like a device clock at 1970, stay in the default). The caller re-creates keys and indexes.
 */
export async function partitionByMonth(db: Kysely<any>, table: MonthPartitionedTable): Promise<void> {
  const column = sql.ref(MONTH_PARTITIONED[table]);
  const next = sql.table(`${table}_by_month`);
  await sql`create table ${next} (like ${sql.table(table)} including defaults) partition by range (${column})`.execute(db);
  await sql`create table ${sql.table(`${table}_default`)} partition of ${next} default`.execute(db);
  const { rows } = await sql<{ month: string | null }>`
    select distinct to_char(${column} at time zone 'Asia/Shanghai', 'YYYY-MM') as month from ${sql.table(table)}`.execute(db);
  for (const { month: m } of rows) {
    const year = Number(m?.slice(0, 4));
    const month = Number(m?.slice(5, 7));
    if (!(year >= 2000 && year <= 2099)) continue;
    const { from, to } = monthRange(year, month);
    await sql`create table ${sql.table(partitionName(table, year, month))} partition of ${next} for values from (${literal(from)}) to (${literal(to)})`.execute(db);
  }
  await sql`insert into ${next} select * from ${sql.table(table)}`.execute(db);
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table ${next} rename to ${sql.table(table)}`.execute(db);
}
