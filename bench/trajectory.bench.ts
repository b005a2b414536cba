/**
 * Trajectory benchmark (issue 14): one person's 30-day trajectory with N stored events (default
 * 50 million); goal p95 < 20 ms on SQLite and on PostgreSQL.
 *
 *   node --import tsx bench/trajectory.bench.ts [--db sqlite|postgres|both] [--events 50000000]
 *        [--people 20000] [--days 180] [--queries 400] [--dir /tmp] [--keep]
 *
 * Method. The store is the real one (migrations, `createServices`), and the query is the real
 * `TrajectoryService.trajectory` call a director's POST /api/trajectory makes (reason check, audit
 * entry written, every subject span read, merge, device/building/campus names), timed in process
 * without HTTP. The sightings index is filled as the live indexer would have filled it for
 * `--events` events over `--days` days: 60 % access events (a sighting of the person and of
 * their card: two rows each), 14 % plate reads (one row, 3,000 plates), the rest (motion,
 * heartbeats, alarms …) no row. The `events` table itself is not filled: the query never reads it.
 * Rows are loaded in key order (the fastest bulk load; a tree grown in time order has fuller
 * pages, so this is if anything optimistic for the range scan, see RESULTS). 50 people are
 * real register entries with a card (the ones queried); the rest exist only in the index.
 * Queries: a random one of the 50 and a random 30-day window inside the data, `--queries` of
 * them after 40 warm-up queries, one at a time. One core: the load and the queries run in this
 * process (PostgreSQL in its own, single backend).
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.ts';
import type { Clock } from '../src/server/clock.ts';
import { createServices } from '../src/server/http/app.ts';
import { SYSTEM_ACTOR, type Actor } from '../src/server/http/policy.ts';
import { openStore, type Store } from '../src/server/store/database.ts';
import { migrateToLatest } from '../src/server/store/migrations/index.ts';
import { startTemporaryPostgres } from '../scripts/pg-test-server.ts';
import { seededRandom as rng } from './lib/load.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { fmtMs, summarize } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    events: { type: 'string', default: '50000000' },
    people: { type: 'string', default: '20000' },
    days: { type: 'string', default: '180' },
    queries: { type: 'string', default: '400' },
    dir: { type: 'string', default: os.tmpdir() },
    keep: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const PEOPLE = Number(args.people);
const DAYS = Number(args.days);
const QUERIES = Number(args.queries);
const QUERIED = 50;
const PLATES = 3000;
const DEVICES = 200;
const TARGET_P95_MS = 20;
const DAY = 86_400_000;
const END = Date.parse('2026-12-01T00:00:00+08:00');
const START = END - DAYS * DAY;

const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
/** A uuid-shaped id from numbers (the index stores ids as text, like the event writer's UUID v7). */
const uuidOf = (a: number, b: number, c: number) => `${hex(a, 8)}-${hex(b >>> 16, 4)}-7${hex(b, 3)}-8${hex(c >>> 12, 3)}-${hex(c, 4)}${hex(a ^ c, 8)}`;

interface Row {
  subject: string;
  at: string;
  event_id: string;
  device_id: string;
  kind: string;
  direction: string | null;
  entrance: number;
}

/** The events of person `i` (times sorted), the same for their person row and their card row. */
function personEvents(i: number, perPerson: number, deviceIds: readonly string[]): { at: string; id: string; device: string; dir: string | null; entrance: number }[] {
  const r = rng(i * 7919 + 17);
  const times: number[] = [];
  for (let k = 0; k < perPerson; k++) times.push(START + Math.floor(r() * (END - START)));
  times.sort((x, y) => x - y);
  return times.map((t, k) => {
    const d = Math.floor(r() * deviceIds.length);
    return { at: new Date(t).toISOString(), id: uuidOf(Math.floor(t / 1000), i, k), device: deviceIds[d]!, dir: r() < 0.5 ? 'in' : 'out', entrance: d < 20 ? 1 : 0 };
  });
}

async function fill(store: Store, personIds: readonly string[], deviceIds: readonly string[], log: (s: string) => void): Promise<number> {
  const accessEvents = Math.round(EVENTS * 0.6);
  const perPerson = Math.max(1, Math.round(accessEvents / PEOPLE));
  const plateRows = Math.round(EVENTS * 0.14);
  const perPlate = Math.max(1, Math.round(plateRows / PLATES));
  let written = 0;
  const started = performance.now();
  const report = () => log(`  ${(written / 1e6).toFixed(1)} M rows, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  let nextReport = 5_000_000;

  // Batches in key order: card:… < person:… < plate:…
  const batches = function* (): Generator<Row[]> {
    let batch: Row[] = [];
    const cardOrder = [...personIds.keys()]; // card '30' + 8 digits of the index: index order is key order
    for (const i of cardOrder) {
      for (const e of personEvents(i, perPerson, deviceIds)) batch.push({ subject: `card:${cardOf(i)}`, at: e.at, event_id: e.id, device_id: e.device, kind: 'access.granted', direction: e.dir, entrance: e.entrance });
      if (batch.length >= 20_000) yield batch.splice(0);
    }
    const personOrder = [...personIds.keys()].sort((a, b) => (personIds[a]! < personIds[b]! ? -1 : 1));
    for (const i of personOrder) {
      for (const e of personEvents(i, perPerson, deviceIds)) batch.push({ subject: `person:${personIds[i]}`, at: e.at, event_id: e.id, device_id: e.device, kind: 'access.granted', direction: e.dir, entrance: e.entrance });
      if (batch.length >= 20_000) yield batch.splice(0);
    }
    const plates = Array.from({ length: PLATES }, (_, p) => `沪${'ABDEFGHJKLMN'[p % 12]}${String(10000 + p).padStart(5, '0')}`).sort();
    for (const [p, plate] of plates.entries()) {
      const r = rng(1_000_003 + p);
      const times = Array.from({ length: perPlate }, () => START + Math.floor(r() * (END - START))).sort((x, y) => x - y);
      times.forEach((t, k) => batch.push({ subject: `plate:${plate}`, at: new Date(t).toISOString(), event_id: uuidOf(Math.floor(t / 1000), 900_000 + p, k), device_id: deviceIds[k % 20]!, kind: 'plate.read', direction: k % 2 ? 'out' : 'in', entrance: 1 }));
      if (batch.length >= 20_000) yield batch.splice(0);
    }
    yield batch;
  };

  if (store.dialect === 'sqlite') {
    const db = store.sqlite!;
    db.pragma('synchronous = OFF'); // a bulk load that can be redone; the server runs with FULL
    const insert = db.prepare('insert into sightings (university_id, subject, at, event_id, device_id, kind, direction, entrance) values (?, ?, ?, ?, ?, ?, ?, ?)');
    const many = db.transaction((rows: Row[]) => {
      for (const r of rows) insert.run(UNIVERSITY_ID.value, r.subject, r.at, r.event_id, r.device_id, r.kind, r.direction, r.entrance);
    });
    for (const b of batches()) {
      many(b);
      written += b.length;
      if (written >= nextReport) (report(), (nextReport += 5_000_000));
    }
    db.pragma('synchronous = FULL');
    db.exec('ANALYZE');
  } else {
    for (const b of batches()) {
      await sql`insert into sightings (university_id, subject, at, event_id, device_id, kind, direction, entrance)
        select ${UNIVERSITY_ID.value}, * from unnest(${b.map((r) => r.subject)}::text[], ${b.map((r) => r.at)}::timestamptz[], ${b.map((r) => r.event_id)}::text[], ${b.map((r) => r.device_id)}::text[], ${b.map((r) => r.kind)}::text[], ${b.map((r) => r.direction)}::text[], ${b.map((r) => r.entrance)}::int[])`.execute(store.db);
      written += b.length;
      if (written >= nextReport) (report(), (nextReport += 5_000_000));
    }
    await sql`analyze sightings`.execute(store.db);
  }
  report();
  return written;
}

const cardOf = (i: number) => `30${String(i).padStart(8, '0')}`;

function dirSize(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, f) => n + dirSize(path.join(p, f)), 0);
}

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const log = (s: string) => console.log(`[${kind}] ${s}`);
  const dataDir = mkdtempSync(path.join(args.dir!, 'xiaoan-trajectory-bench-'));
  const pg = kind === 'postgres' ? await startTemporaryPostgres({ maxConnections: 20 }) : null;
  const store = openStore({ dataDir, databaseUrl: pg?.url, sqliteFile: pg ? undefined : path.join(dataDir, 'bench.sqlite') });
  try {
    await migrateToLatest(store.db, store.dialect);
    const clock: Clock = { now: () => END, nowIso: () => new Date(END).toISOString() };
    const services = createServices(loadConfig({ XIAOAN_LOG_LEVEL: 'silent' }, { XIAOAN_DATA_DIR: dataDir }), store, clock);
    // The university, a campus, a building and the devices the sightings point at.
    const commission = await services.org.ensureCommission(SYSTEM_ACTOR);
    const square = (lon: number, lat: number, h: number) => ({ type: 'Polygon' as const, coordinates: [[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]] as [number, number][]] });
    const uni = await services.org.createUnit(SYSTEM_ACTOR, { kind: 'university', parentId: commission.id, name: '基准大学' });
    const campus = await services.org.createUnit(SYSTEM_ACTOR, { kind: 'campus', parentId: uni.id, name: '基准校区', geometry: square(121.5, 31.3, 0.01) });
    const building = await services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: campus.id, name: '基准楼', geometry: square(121.5, 31.3, 0.001) });
    const deviceIds: string[] = [];
    for (let d = 0; d < DEVICES; d++) {
      const dev = await services.devices.create(SYSTEM_ACTOR, { name: `门禁${d}`, kind: d < 20 ? 'turnstile' : 'door', ...(d < 20 ? { campusId: campus.id } : { buildingId: building.id }), lon: 121.5 + d * 1e-5, lat: 31.3 });
      deviceIds.push(dev.id);
    }
    // The register: the queried people are real entries with a card; the others are in the index only.
    const personIds: string[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      if (i < QUERIED) {
        const p = await services.people.create(SYSTEM_ACTOR, { universityId: uni.id, kind: 'student', name: `学生${i}`, number: `2025${String(i).padStart(6, '0')}` });
        await services.people.addCredential(SYSTEM_ACTOR, p.id, { kind: 'card', value: cardOf(i) });
        personIds.push(p.id);
      } else personIds.push(uuidOf(i * 2654435761, i, i * 40503));
    }
    const universityId = uni.id;
    const director = await services.accounts.create(SYSTEM_ACTOR, { username: 'bench_director', displayName: '处长', password: 'bench-director-Passw0rd', role: 'security_director', universityId });
    const actor: Actor = { id: director.id, username: director.username, displayName: director.displayName, role: 'security_director', universityId };

    log(`loading the index for ${(EVENTS / 1e6).toFixed(1)} M events (${PEOPLE} people, ${PLATES} plates, ${DAYS} days) …`);
    const t0 = performance.now();
    const rows = await fillFor(store, universityId, personIds, deviceIds, log);
    const loadS = (performance.now() - t0) / 1000;
    const size = pg ? Number((await sql<{ n: string }>`select pg_total_relation_size('sightings') as n`.execute(store.db)).rows[0]!.n) : dirSize(dataDir);
    log(`${(rows / 1e6).toFixed(1)} M sighting rows in ${loadS.toFixed(0)} s, ${(size / 2 ** 30).toFixed(2)} GiB`);

    const r = rng(4242);
    const query = async () => {
      const i = Math.floor(r() * QUERIED);
      const endMs = START + 30 * DAY + Math.floor(r() * (END - START - 30 * DAY));
      const started = performance.now();
      const tr = await services.trajectory.trajectory(actor, { type: 'person', value: personIds[i]!, from: new Date(endMs - 30 * DAY).toISOString(), to: new Date(endMs).toISOString(), reason: '基准测试：轨迹查询' });
      return { ms: performance.now() - started, n: tr.sightings.length };
    };
    for (let w = 0; w < 40; w++) await query();
    const samples: number[] = [];
    let returned = 0;
    for (let q = 0; q < QUERIES; q++) {
      const { ms, n } = await query();
      samples.push(ms);
      returned += n;
    }
    const s = summarize(samples);
    // The same windows, the index reads alone (the person's range and the card's), to tell them from the audit commit and the rest.
    const r2 = rng(4242);
    const reads: number[] = [];
    for (let q = 0; q < QUERIES + 40; q++) {
      const i = Math.floor(r2() * QUERIED);
      const endMs = START + 30 * DAY + Math.floor(r2() * (END - START - 30 * DAY));
      const [from, to] = [new Date(endMs - 30 * DAY).toISOString(), new Date(endMs).toISOString()];
      const started = performance.now();
      for (const subject of [`person:${personIds[i]}`, `card:${cardOf(i)}`]) {
        await store.db.selectFrom('sightings').selectAll().where('university_id', '=', universityId).where('subject', '=', subject).where('at', '>=', from).where('at', '<=', to).orderBy('at').limit(5001).execute();
      }
      if (q >= 40) reads.push(performance.now() - started);
    }
    const ri = summarize(reads);
    log(`index reads alone (person + card ranges): p50 ${fmtMs(ri.p50)} ms, p95 ${fmtMs(ri.p95)} ms, p99 ${fmtMs(ri.p99)} ms`);
    const plan = pg
      ? (await sql<{ 'QUERY PLAN': string }>`explain select * from sightings where university_id = ${universityId} and subject = ${'person:' + personIds[0]} and at >= ${new Date(END - 30 * DAY).toISOString()} and at <= ${new Date(END).toISOString()} order by at limit 5001`.execute(store.db)).rows.map((x) => x['QUERY PLAN']).join(' | ')
      : store.sqlite!.prepare("explain query plan select * from sightings where university_id = ? and subject = ? and at >= ? and at <= ? order by at limit 5001").all(universityId, 'person:' + personIds[0], '2026-01-01', '2027-01-01').map((x) => (x as { detail: string }).detail).join(' | ');
    log(`${QUERIES} queries (30 days, one of ${QUERIED} people, ${(returned / QUERIES).toFixed(0)} sightings each on average): p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms, max ${fmtMs(s.max)} ms — goal p95 < ${TARGET_P95_MS} ms: ${s.p95 < TARGET_P95_MS ? 'met' : 'MISSED'}`);
    log(`plan: ${plan}`);
    await Promise.all(services.modules.map((m) => m.stop?.()));
  } finally {
    await store.close();
    await pg?.stop();
    if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir}`);
  }
}

/** `fill` for the bench university (the rows are written with its id). */
async function fillFor(store: Store, universityId: string, personIds: readonly string[], deviceIds: readonly string[], log: (s: string) => void) {
  UNIVERSITY_ID.value = universityId;
  return fill(store, personIds, deviceIds, log);
}
const UNIVERSITY_ID = { value: '' };

console.log(`trajectory bench — ${describeMachine(machineInfo())}, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`);
for (const kind of args.db === 'both' ? (['sqlite', 'postgres'] as const) : [args.db as 'sqlite' | 'postgres']) await run(kind);
