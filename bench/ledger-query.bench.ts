/**
 * Ledger query benchmark (issue 2): 10,000 devices, filtered and paged ledger queries through
 * HTTP; target p95 < 50 ms.
 *
 *   node --import tsx bench/ledger-query.bench.ts [--db sqlite|postgres|both] [--devices 10000]
 *        [--requests 2000] [--concurrency 8 | 1,4,8] [--warmup 200] [--create-concurrency 16]
 *        [--max-seconds 180] [--max-create-seconds 600] [--seed 2] [--explain] [--write-results]
 *
 * For each database it starts the real server as a child process (src/server/main.ts, own
 * temporary data directory; PostgreSQL: a fresh database on a temporary server from
 * scripts/pg-test-server.ts), builds a university through the HTTP API as admin (2 campuses,
 * 40 buildings, their floors), registers the devices one POST at a time, creates a
 * university-scoped `operator` account, and then measures a weighted mix of ledger queries
 * with N concurrent keep-alive clients after a warm-up (several N: `--concurrency 1,4,8`; each
 * level gets its own warm-up and measurement on the same data).
 *
 * --explain     also prints the SQL of each query type with its plan (SQLite: EXPLAIN QUERY
 *               PLAN; PostgreSQL: EXPLAIN ANALYZE) and the time of each statement run directly
 *               on the database, to separate database time from HTTP/serialisation time.
 * --write-results  replaces this database's figures block in bench/RESULTS.md.
 * --pg-url URL  use this running (loopback) PostgreSQL instead of starting a temporary one; a
 *               fresh database is created on it and dropped at the end.
 * --pg-stats wait|analyze|none  PostgreSQL only. The devices table is created empty and filled
 *               just before measuring, so the planner has no statistics for it until autovacuum
 *               analyses it (within autovacuum_naptime, 1 min). `wait` (default) waits for that
 *               automatic ANALYZE — the state a server is in a minute after an import; `analyze`
 *               runs ANALYZE itself; `none` measures at once (fresh-import state).
 * --keep-data  leave the SQLite data directory (path printed), or with --pg-url the database,
 *               in place for inspection.
 * --server-root DIR  start the server from another checkout (to compare a candidate change);
 *               --explain still uses this checkout's repository code to print the SQL.
 * --server-node-args='…'  extra `node` arguments for the server process, e.g. to profile it:
 *               --server-node-args='--cpu-prof --cpu-prof-dir=/tmp/xiaoan-prof' (written when the server stops).
 *
 * Exit code 1 when the overall p95 misses the target for a database at any measured
 * concurrency, or when requests failed.
 * Only 127.0.0.1 is contacted; everything started is stopped and removed at the end, on error
 * and on Ctrl-C.
 */
import { ownTables } from '../src/server/store/tables.ts';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import { CAMERA_RESOLUTIONS, type DeviceKind, type DeviceStatus } from '../src/shared/domain.ts';
import type { DeviceInput } from '../src/shared/devices.ts';
import { DevicesRepository, type DeviceQuery } from '../src/server/modules/devices/devices.repository.ts';
import type { DB } from '../src/server/store/schema.ts';
import { ApiClient, queryString } from './lib/http.ts';
import { runLoad, seededRandom, weightedPicker, type LoadResult } from './lib/load.ts';
import { describeMachine, machineCpuMs, machineInfo, ownCpuMs, parentPid, processCpuMs, processTreeCpuMs, type MachineInfo } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { existingPostgres, startServer, type DbKind, type PostgresHandle, type RunningServer } from './lib/server.ts';
import { fmtMs, fmtRate, LATENCY_ALIGN, LATENCY_HEADERS, latencyRow, markdownTable, summarize, textTable, type Summary } from './lib/stats.ts';

const TARGET_P95_MS = 50;
const ADMIN_PASSWORD = 'bench-admin-Passw0rd';
const OPERATOR = { username: 'bench_operator', password: 'bench-operator-Passw0rd' };

// ---------------------------------------------------------------- arguments

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    devices: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '200' },
    'create-concurrency': { type: 'string', default: '16' },
    'max-seconds': { type: 'string', default: '180' },
    'max-create-seconds': { type: 'string', default: '600' },
    seed: { type: 'string', default: '2' },
    explain: { type: 'boolean', default: false },
    'write-results': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    'pg-stats': { type: 'string', default: 'wait' },
    'server-root': { type: 'string' },
    'server-node-args': { type: 'string', default: '' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (args.help) {
  console.log('usage: node --import tsx bench/ledger-query.bench.ts [--db sqlite|postgres|both] [--devices N] [--requests N] [--concurrency N[,N…]] [--warmup N] [--create-concurrency N] [--max-seconds S] [--max-create-seconds S] [--seed N] [--explain] [--write-results] [--verbose] [--keep-data] [--pg-url URL] [--pg-stats wait|analyze|none] [--server-node-args="ARGS"] [--server-root DIR]');
  process.exit(0);
}

function intArg(name: keyof typeof args, min: number, max: number): number {
  const raw = String(args[name]);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer in ${min}..${max} (got ${raw})`);
    process.exit(2);
  }
  return n;
}

const opt = {
  dbs: (args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]) as DbKind[],
  devices: intArg('devices', 100, 200_000),
  requests: intArg('requests', 1, 1_000_000),
  /** One or more levels (`--concurrency 1,4,8`): each is warmed up and measured on the same data. */
  concurrency: String(args.concurrency)
    .split(',')
    .map((x) => {
      const n = Number(x.trim());
      if (!Number.isInteger(n) || n < 1 || n > 256) {
        console.error(`--concurrency must be integers in 1..256, comma-separated (got ${args.concurrency})`);
        process.exit(2);
      }
      return n;
    }),
  warmup: intArg('warmup', 0, 100_000),
  createConcurrency: intArg('create-concurrency', 1, 256),
  maxSeconds: intArg('max-seconds', 1, 3600),
  maxCreateSeconds: intArg('max-create-seconds', 1, 7200),
  seed: intArg('seed', 0, 2 ** 31),
};
const pgStats = String(args['pg-stats']) as 'wait' | 'analyze' | 'none';
if (!['wait', 'analyze', 'none'].includes(pgStats)) {
  console.error(`--pg-stats must be wait, analyze or none (got ${args['pg-stats']})`);
  process.exit(2);
}
if (!opt.dbs.every((d) => d === 'sqlite' || d === 'postgres')) {
  console.error(`--db must be sqlite, postgres or both (got ${args.db})`);
  process.exit(2);
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------- data

interface Unit {
  id: string;
  name: string;
}
interface Building extends Unit {
  campusId: string;
  floors: Unit[];
}
interface Org {
  universityId: string;
  campuses: Unit[];
  buildings: Building[];
}

const CAMPUSES = [
  { name: '东校区', short: '东区' },
  { name: '西校区', short: '西区' },
];
const BUILDING_TYPES = ['教学楼', '学生宿舍', '实验楼', '图书馆', '行政楼', '食堂', '体育馆', '科研楼'];

async function createOrg(admin: ApiClient, concurrency: number): Promise<{ org: Org; requests: number; ms: number }> {
  const t0 = performance.now();
  let requests = 0;
  const post = async <T>(body: unknown): Promise<T> => {
    requests++;
    return admin.post<T>('/api/org-units', body);
  };
  const commission = await admin.get<{ items: Unit[] }>('/api/org-units?kind=commission');
  const commissionId = commission.items[0]?.id;
  if (!commissionId) throw new Error('no commission org unit');
  const uni = await post<Unit>({ kind: 'university', parentId: commissionId, name: '基准测试大学', code: 'BENCH-U' });
  const campuses: Unit[] = [];
  for (const [ci, c] of CAMPUSES.entries()) {
    campuses.push(await post<Unit>({ kind: 'campus', parentId: uni.id, name: c.name, code: `C${ci + 1}`, population: 18000 + ci * 4000 }));
  }
  // 20 buildings per campus, 3–8 floors each, created with bounded concurrency.
  const specs = campuses.flatMap((campus, ci) =>
    Array.from({ length: 20 }, (_, b) => ({ campus, name: `${CAMPUSES[ci]!.short}${BUILDING_TYPES[b % BUILDING_TYPES.length]}${Math.floor(b / BUILDING_TYPES.length) + 1}号`, code: `C${ci + 1}-B${String(b + 1).padStart(2, '0')}`, floors: 3 + ((b * 7 + ci) % 6) })),
  );
  const buildings: Building[] = [];
  await runLoad({
    concurrency,
    total: specs.length,
    maxDurationMs: 120_000,
    failFast: true,
    next: (i) => ({
      label: 'building',
      run: async () => {
        const s = specs[i]!;
        const b = await post<Unit>({ kind: 'building', parentId: s.campus.id, name: s.name, code: s.code });
        const floors: Unit[] = [];
        for (let f = 1; f <= s.floors; f++) floors.push(await post<Unit>({ kind: 'floor', parentId: b.id, name: `${f}F`, floorLevel: f }));
        buildings[i] = { ...b, campusId: s.campus.id, floors };
      },
    }),
  });
  if (buildings.filter(Boolean).length !== specs.length) throw new Error('not every building was created');
  return { org: { universityId: uni.id, campuses, buildings }, requests, ms: performance.now() - t0 };
}

/** ≈60 % cameras (55 % fixed/PTZ cameras + 5 % LPR), the rest the usual campus security devices. */
const KIND_WEIGHTS: { kind: DeviceKind; weight: number; label: string; gbType?: string; ip: boolean; campusLevel?: boolean }[] = [
  { kind: 'camera', weight: 55, label: '摄像机', gbType: '132', ip: true },
  { kind: 'lpr_camera', weight: 5, label: '车牌识别', gbType: '131', ip: true, campusLevel: true },
  { kind: 'door', weight: 12, label: '门禁', gbType: '140', ip: true },
  { kind: 'intrusion_zone', weight: 6, label: '入侵防区', gbType: '134', ip: false },
  { kind: 'perimeter_zone', weight: 3, label: '周界防区', gbType: '134', ip: false, campusLevel: true },
  { kind: 'fire_detector', weight: 8, label: '烟感', ip: false },
  { kind: 'barrier_gate', weight: 1, label: '道闸', ip: true, campusLevel: true },
  { kind: 'turnstile', weight: 2, label: '闸机', ip: true },
  { kind: 'patrol_checkpoint', weight: 3, label: '巡更点', ip: false },
  { kind: 'panic_button', weight: 2, label: '紧急按钮', gbType: '134', ip: false },
  { kind: 'recorder', weight: 2, label: 'NVR', gbType: '118', ip: true },
  { kind: 'alarm_panel', weight: 1, label: '报警主机', gbType: '117', ip: true },
];
const STATUS_WEIGHTS: { status: DeviceStatus; weight: number }[] = [
  { status: 'in_service', weight: 75 },
  { status: 'under_repair', weight: 10 },
  { status: 'out_of_service', weight: 10 },
  { status: 'retired', weight: 5 },
];
type Vendor = { vendor: string; weight: number; models: string[]; serialPrefix: string };
const V = (vendor: string, weight: number, serialPrefix: string, ...models: string[]): Vendor => ({ vendor, weight, models, serialPrefix });
const VENDORS: Record<string, Vendor[]> = {
  camera: [V('海康威视', 45, 'DS', 'DS-2CD3T46WDV3', 'DS-2DE4425IW', 'DS-2CD2347G2'), V('大华', 30, 'DH', 'DH-IPC-HFW2433', 'DH-SD49425XB'), V('宇视', 15, 'UNV', 'IPC2124LB', 'IPC3614SB'), V('天地伟业', 5, 'TDWY', 'TC-C34WS'), V('Axis', 5, 'AX', 'P3265-LVE', 'Q6075-E')],
  access: [V('中控智慧', 50, 'ZK', 'inBio460', 'SpeedFace-V5L'), V('海康威视', 35, 'DS', 'DS-K2604T', 'DS-K3B411'), V('捷顺', 15, 'JS', 'JSKT-M6')],
  alarm: [V('霍尼韦尔', 40, 'HW', 'Vista-120', 'IS3016'), V('博世', 30, 'BS', 'AMAX 4000', 'ISC-BPR2'), V('海康威视', 30, 'DS', 'DS-PHA64', 'DS-PD1-MC')],
  fire: [V('海湾', 60, 'GST', 'JTY-GD-G3'), V('松江', 40, 'SJ', 'JTY-GD-SJ')],
  gate: [V('捷顺', 60, 'JS', 'JSDZ0101'), V('科拓', 40, 'KT', 'KT-DZ3')],
  patrol: [V('兰德华', 100, 'LDH', 'L-9000')],
  recorder: [V('海康威视', 60, 'DS', 'DS-9632N-I16'), V('大华', 40, 'DH', 'DHI-NVR5864')],
};
const VENDOR_GROUP: Record<DeviceKind, keyof typeof VENDORS> = {
  camera: 'camera',
  lpr_camera: 'camera',
  door: 'access',
  turnstile: 'access',
  intrusion_zone: 'alarm',
  perimeter_zone: 'alarm',
  panic_button: 'alarm',
  alarm_panel: 'alarm',
  fire_detector: 'fire',
  barrier_gate: 'gate',
  patrol_checkpoint: 'patrol',
  recorder: 'recorder',
};

function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

function generateDevices(org: Org, n: number, random: () => number): DeviceInput[] {
  const pickKind = weightedPicker(KIND_WEIGHTS, random);
  const pickStatus = weightedPicker(STATUS_WEIGHTS, random);
  const vendorPickers = Object.fromEntries(Object.entries(VENDORS).map(([k, list]) => [k, weightedPicker(list, random)]));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const devices: DeviceInput[] = [];
  for (let i = 0; i < n; i++) {
    const k = pickKind();
    const seq = String(i + 1).padStart(6, '0');
    const v = vendorPickers[VENDOR_GROUP[k.kind]]!();
    const year = 2014 + Math.floor(random() * 11);
    const installDate = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const isCamera = k.kind === 'camera' || k.kind === 'lpr_camera';
    let place: { campusId?: string; buildingId?: string; floorId?: string };
    let where: string;
    if (k.campusLevel) {
      const ci = Math.floor(random() * org.campuses.length);
      place = { campusId: org.campuses[ci]!.id };
      where = `${CAMPUSES[ci]!.short}${k.kind === 'perimeter_zone' ? '围墙' : '校门'}`;
    } else {
      const b = pick(org.buildings);
      if (random() < 0.9) {
        const f = pick(b.floors);
        place = { buildingId: b.id, floorId: f.id };
        where = `${b.name}-${f.name}`;
      } else {
        place = { buildingId: b.id };
        where = `${b.name}-外围`;
      }
    }
    const outdoor = k.campusLevel || where.endsWith('外围');
    devices.push({
      name: `${where}-${k.label}-${String(i + 1).padStart(5, '0')}`,
      kind: k.kind,
      status: pickStatus().status,
      ...place,
      ...(random() < 0.5 ? { lon: Math.round((121.4 + random() * 0.15) * 1e6) / 1e6, lat: Math.round((31.18 + random() * 0.14) * 1e6) / 1e6 } : {}),
      vendor: v.vendor,
      model: pick(v.models),
      serial: `${v.serialPrefix}${year}${String((i * 7919 + 104729) % 1_000_000).padStart(6, '0')}`,
      ip: k.ip ? `10.${10 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}` : null,
      gbId: k.gbType ? `3101150011${k.gbType}0${seq}` : null,
      installDate,
      warrantyEnd: addYears(installDate, random() < 0.7 ? 3 : 5),
      retentionDays: isCamera || k.kind === 'recorder' ? (random() < 0.3 ? 90 : 30) : null,
      notes: random() < 0.1 ? '2023年度安防改造项目' : null,
      camera: isCamera
        ? {
            resolution: k.kind === 'lpr_camera' ? '1080p' : pick(CAMERA_RESOLUTIONS),
            type: random() < 0.15 ? 'ptz' : 'fixed',
            mountHeightM: Math.round((2.5 + random() * 6) * 10) / 10,
            bearingDeg: Math.floor(random() * 360),
            fovDeg: 60 + Math.floor(random() * 50),
            rangeM: 10 + Math.floor(random() * 60),
            placement: outdoor ? 'outdoor' : 'indoor',
          }
        : null,
    });
  }
  return devices;
}

// ---------------------------------------------------------------- query mix

interface QueryType {
  label: string;
  weight: number;
  /** Admin (city-wide, no university filter) instead of the university operator. */
  admin?: boolean;
  params(): Record<string, string | number | string[] | undefined>;
}

interface QueryContext {
  org: Org;
  /** Pages of 50 of kind=camera&status=in_service per campus. */
  cameraInServicePages: Map<string, number>;
  serialFragments: string[];
}

function queryTypes(ctx: QueryContext, random: () => number): QueryType[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const campusIds = ctx.org.campuses.map((c) => c.id);
  return [
    {
      label: 'kind+status+campus, name, p1',
      weight: 3,
      params: () => ({ kind: pick(['camera', 'door', 'fire_detector', 'camera,lpr_camera']), status: pick(['in_service', 'in_service,under_repair', 'under_repair']), campusId: pick(campusIds), sort: 'name', page: 1, pageSize: 50 }),
    },
    {
      label: 'kind+status+campus, name, deep page',
      weight: 2,
      params: () => {
        const campusId = pick(campusIds);
        const pages = ctx.cameraInServicePages.get(campusId) ?? 1;
        return { kind: 'camera', status: 'in_service', campusId, sort: 'name', page: int(Math.ceil(pages / 2), pages), pageSize: 50 };
      },
    },
    { label: 'all, name, page ~100 of 50', weight: 1, params: () => ({ sort: 'name', page: int(95, 105), pageSize: 50 }) },
    { label: 'q=海康 (vendor), name, p1-3', weight: 2, params: () => ({ q: '海康', sort: 'name', page: int(1, 3), pageSize: 50 }) },
    { label: 'q=serial fragment', weight: 1, params: () => ({ q: pick(ctx.serialFragments), sort: 'name', page: 1, pageSize: 50 }) },
    { label: 'building, name, p1', weight: 2, params: () => ({ buildingId: pick(ctx.org.buildings).id, sort: 'name', page: 1, pageSize: 50 }) },
    { label: 'installDate desc, p1', weight: 1, params: () => ({ sort: 'installDate', order: 'desc', status: random() < 0.5 ? 'in_service' : undefined, page: 1, pageSize: 50 }) },
    { label: 'kind=camera, name, pageSize 200', weight: 1, params: () => ({ kind: 'camera', sort: 'name', page: int(1, 10), pageSize: 200 }) },
    { label: 'city-wide (admin) kind+status, p1', weight: 1, admin: true, params: () => ({ kind: 'camera', status: pick(['in_service', 'under_repair']), sort: 'name', page: 1, pageSize: 50 }) },
  ];
}

// ---------------------------------------------------------------- PostgreSQL statistics

/** Process id of the (local) PostgreSQL postmaster behind a connection URL, for CPU accounting. */
async function postmasterPidOf(databaseUrl: string): Promise<number | undefined> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
    const pid = r.rows[0]?.pid;
    return pid ? parentPid(pid) : undefined;
  } finally {
    await c.end();
  }
}

async function preparePostgresStats(databaseUrl: string, mode: 'wait' | 'analyze' | 'none'): Promise<string> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const analysed = async () => {
      const r = await c.query<{ a: string | null }>(`select coalesce(last_autoanalyze, last_analyze)::text as a from pg_stat_user_tables where relname = 'devices'`);
      return r.rows[0]?.a ?? null;
    };
    if (mode === 'none') return (await analysed()) ? 'analysed by autovacuum before measuring' : 'none (never analysed: fresh-import state, --pg-stats none)';
    if (mode === 'wait') {
      const t0 = Date.now();
      log('postgres: waiting for autovacuum to ANALYZE devices (up to 150 s; --pg-stats analyze skips this)');
      while (Date.now() - t0 < 150_000) {
        if (await analysed()) return `automatic ANALYZE by autovacuum, ${Math.round((Date.now() - t0) / 1000)} s after the import`;
        await new Promise((r) => setTimeout(r, 2_000));
      }
      log('postgres: autovacuum did not analyse devices within 150 s; running ANALYZE');
    }
    await c.query('ANALYZE');
    return mode === 'analyze' ? 'explicit ANALYZE after the import (--pg-stats analyze)' : 'explicit ANALYZE (autovacuum had not run within 150 s)';
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- explain

interface ExplainCase {
  label: string;
  query: DeviceQuery;
}

function explainCases(ctx: QueryContext): ExplainCase[] {
  const u = ctx.org.universityId;
  const c = ctx.org.campuses[0]!.id;
  const pages = ctx.cameraInServicePages.get(c) ?? 1;
  const base = { universityId: u, sort: 'name' as const, order: 'asc' as const, page: 1, pageSize: 50 };
  return [
    { label: 'kind+status+campus, name, p1', query: { ...base, kind: ['camera'], status: ['in_service'], campusId: c } },
    { label: 'kind+status+campus, name, deep page', query: { ...base, kind: ['camera'], status: ['in_service'], campusId: c, page: pages } },
    { label: 'all, name, page 100 of 50', query: { ...base, page: 100 } },
    { label: 'q=海康 (vendor), name, p1', query: { ...base, q: '海康' } },
    { label: 'q=serial fragment', query: { ...base, q: ctx.serialFragments[0]! } },
    { label: 'building, name, p1', query: { ...base, buildingId: ctx.org.buildings[0]!.id } },
    { label: 'installDate desc, p1', query: { ...base, sort: 'installDate', order: 'desc' } },
    { label: 'kind=camera, name, pageSize 200', query: { ...base, kind: ['camera'], pageSize: 200, page: 5 } },
    { label: 'city-wide (admin) kind+status, p1', query: { ...base, universityId: null, kind: ['camera'], status: ['in_service'] } },
  ];
}

async function explain(server: RunningServer, ctx: QueryContext): Promise<string> {
  const captured: { sql: string; parameters: readonly unknown[] }[] = [];
  const logger = (e: LogEvent) => {
    if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters });
  };
  const out: string[] = [];
  let db: Kysely<DB>;
  let runRaw: (sql: string, params: readonly unknown[]) => Promise<unknown>;
  let plan: (sql: string, params: readonly unknown[]) => Promise<string>;
  let close: () => Promise<void>;
  if (server.db === 'sqlite') {
    const { default: SQLite } = await import('better-sqlite3');
    const raw = new SQLite(server.sqliteFile!, { fileMustExist: true });
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new SQLite(server.sqliteFile!, { fileMustExist: true }) }), log: logger });
    runRaw = async (sql, params) => raw.prepare(sql).all(...(params as unknown[]));
    plan = async (sql, params) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as { id: number; parent: number; detail: string }[])
        .map((r) => `  ${r.parent ? '  ' : ''}${r.detail}`)
        .join('\n');
    close = async () => {
      raw.close();
      await db.destroy();
    };
  } else {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: server.databaseUrl!, max: 2 });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: server.databaseUrl!, max: 2 }) }), log: logger });
    runRaw = (sql, params) => pool.query(sql, params as unknown[]);
    plan = async (sql, params) => {
      const r = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params as unknown[]);
      return r.rows.map((x) => `  ${x['QUERY PLAN']}`).join('\n');
    };
    close = async () => {
      await pool.end();
      await db.destroy();
    };
  }
  const repo = new DevicesRepository(server.db);
  const rows: (string | number)[][] = [];
  try {
    for (const c of explainCases(ctx)) {
      captured.length = 0;
      await repo.list(ownTables<'devices'>(db), c.query);
      const statements = [...captured];
      out.push(`\n### ${c.label}`);
      const timings: string[] = [];
      for (const [si, st] of statements.entries()) {
        out.push(`SQL: ${st.sql}\nparams: ${JSON.stringify(st.parameters)}`);
        out.push(await plan(st.sql, st.parameters));
        const samples: number[] = [];
        for (let i = 0; i < 30; i++) {
          const t = performance.now();
          await runRaw(st.sql, st.parameters);
          samples.push(performance.now() - t);
        }
        const s = summarize(samples);
        timings.push(`${si === 0 ? 'count' : 'page'} p50 ${fmtMs(s.p50)} ms`);
        rows.push([c.label, si === 0 ? 'count(*)' : 'page rows', fmtMs(s.p50), fmtMs(s.p95)]);
      }
      out.push(`direct: ${timings.join(', ')}`);
    }
  } finally {
    await close();
  }
  const table = textTable(['query', 'statement', 'p50 ms', 'p95 ms'], rows, ['left', 'left', 'right', 'right']);
  return `${out.join('\n')}\n\nStatements run directly on the database (30 runs each, no HTTP):\n${table}`;
}

// ---------------------------------------------------------------- one database

interface LevelResult {
  concurrency: number;
  measure: LoadResult;
  overall: Summary;
  rows: { label: string; summary: Summary }[];
  errors: number;
  /** CPU time of the xiaoan server process per measured request. */
  serverCpuMsPerReq?: number;
  /** CPU time of this (client) process per measured request. */
  clientCpuMsPerReq: number;
  /** CPU time of the PostgreSQL server (all its processes) per measured request. */
  pgCpuMsPerReq?: number;
  /** Share of the machine's CPU time that was busy during the measurement (0..1). */
  machineBusy?: number;
  /** Busy CPU time not accounted to server, client or PostgreSQL, per request: other work on the machine. */
  otherCpuMsPerReq?: number;
}

interface DbResult {
  db: DbKind;
  dbVersion: string;
  orgUnits: number;
  orgMs: number;
  devices: number;
  createMs: number;
  createSummary: Summary;
  /** PostgreSQL: how the devices table got its planner statistics. */
  pgStatsNote?: string;
  levels: LevelResult[];
  explain?: string;
}

async function measureLevel(dbKind: DbKind, server: RunningServer, concurrency: number, makeOp: () => { label: string; run(): Promise<unknown> }, labels: string[]): Promise<LevelResult> {
  if (opt.warmup > 0) {
    log(`${dbKind}: warm-up ${opt.warmup} requests, concurrency ${concurrency}`);
    const w = await runLoad({ concurrency, total: opt.warmup, maxDurationMs: opt.maxSeconds * 1000, next: makeOp });
    if (w.errors.length) throw new Error(`warm-up errors: ${w.errors[0]!.label}: ${w.errors[0]!.message}`);
  }
  log(`${dbKind}: measuring ${opt.requests} requests, concurrency ${concurrency}`);
  const postmasterPid = dbKind === 'postgres' ? await postmasterPidOf(server.databaseUrl!) : undefined;
  const pgCpu0 = postmasterPid ? processTreeCpuMs(postmasterPid) : undefined;
  const machine0 = machineCpuMs();
  const serverCpu0 = processCpuMs(server.pid);
  const clientCpu0 = ownCpuMs();
  const measure = await runLoad({ concurrency, total: opt.requests, maxDurationMs: opt.maxSeconds * 1000, next: makeOp });
  const serverCpu1 = processCpuMs(server.pid);
  const machine1 = machineCpuMs();
  const pgCpu1 = postmasterPid ? processTreeCpuMs(postmasterPid) : undefined;
  const clientCpuMs = ownCpuMs() - clientCpu0;
  const serverCpuMs = serverCpu0 !== undefined && serverCpu1 !== undefined ? serverCpu1 - serverCpu0 : undefined;
  const pgCpuMs = pgCpu0 !== undefined && pgCpu1 !== undefined ? pgCpu1 - pgCpu0 : undefined;
  if (measure.timedOut) log(`${dbKind}: time budget (--max-seconds ${opt.maxSeconds}) reached after ${measure.completed} requests`);
  for (const e of measure.errors.slice(0, 5)) log(`${dbKind}: error ${e.label}: ${e.message}`);
  const n = Math.max(1, measure.completed);
  return {
    concurrency,
    measure,
    overall: summarize(measure.all),
    rows: labels.map((label) => ({ label, summary: summarize(measure.byLabel.get(label) ?? []) })),
    errors: measure.errors.length,
    serverCpuMsPerReq: serverCpuMs !== undefined ? serverCpuMs / n : undefined,
    clientCpuMsPerReq: clientCpuMs / n,
    pgCpuMsPerReq: pgCpuMs !== undefined ? pgCpuMs / n : undefined,
    machineBusy: machine0 && machine1 ? (machine1.busy - machine0.busy) / (machine1.total - machine0.total) : undefined,
    otherCpuMsPerReq: machine0 && machine1 && serverCpuMs !== undefined ? Math.max(0, machine1.busy - machine0.busy - serverCpuMs - clientCpuMs - (pgCpuMs ?? 0)) / n : undefined,
  };
}

async function benchOne(dbKind: DbKind, pgHandle: PostgresHandle | undefined): Promise<DbResult> {
  log(`${dbKind}: starting server`);
  const nodeArgs = String(args['server-node-args'] ?? '').split(/\s+/).filter(Boolean);
  const server = await startServer({ db: dbKind, adminPassword: ADMIN_PASSWORD, postgres: pgHandle, echoOutput: args.verbose, nodeArgs, keepDataDir: args['keep-data'], serverRoot: args['server-root'] });
  try {
    log(`${dbKind}: server pid ${server.pid} on ${server.baseUrl} (${server.dbVersion})`);
    const random = seededRandom(opt.seed);
    const admin = new ApiClient(server.baseUrl);
    await admin.login('admin', ADMIN_PASSWORD);

    const { org, requests: orgUnits, ms: orgMs } = await createOrg(admin, Math.min(8, opt.createConcurrency));
    const floorCount = org.buildings.reduce((s, b) => s + b.floors.length, 0);
    log(`${dbKind}: org created: 1 university, ${org.campuses.length} campuses, ${org.buildings.length} buildings, ${floorCount} floors (${orgUnits} POSTs, ${(orgMs / 1000).toFixed(1)} s)`);

    const inputs = generateDevices(org, opt.devices, random);
    log(`${dbKind}: creating ${inputs.length} devices via POST /api/devices, concurrency ${opt.createConcurrency}`);
    const created = await runLoad({
      concurrency: opt.createConcurrency,
      total: inputs.length,
      maxDurationMs: opt.maxCreateSeconds * 1000,
      next: (i) => ({ label: 'create', run: () => admin.post('/api/devices', inputs[i]) }),
      onProgress: (done, total) => log(`${dbKind}:   ${done}/${total} devices`),
    });
    if (created.errors.length) throw new Error(`${created.errors.length} device creations failed, first: ${created.errors[0]!.message}`);
    if (created.timedOut) throw new Error(`device creation exceeded --max-create-seconds ${opt.maxCreateSeconds}`);
    const createSummary = summarize(created.all);
    log(`${dbKind}: ${created.all.length} devices in ${(created.elapsedMs / 1000).toFixed(1)} s = ${fmtRate(created.all.length / (created.elapsedMs / 1000))}/s (POST p50 ${fmtMs(createSummary.p50)} ms, p95 ${fmtMs(createSummary.p95)} ms)`);

    // A university-bound reader: what the ledger page of a campus security office uses.
    await admin.post('/api/users', { username: OPERATOR.username, displayName: '值班员(基准)', password: OPERATOR.password, role: 'operator', universityId: org.universityId });
    const operator = new ApiClient(server.baseUrl);
    await operator.login(OPERATOR.username, OPERATOR.password);

    const all = await operator.get<{ total: number }>('/api/devices?pageSize=1');
    if (all.total !== opt.devices) throw new Error(`ledger total ${all.total}, expected ${opt.devices}`);
    const cameraInServicePages = new Map<string, number>();
    for (const c of org.campuses) {
      const r = await operator.get<{ total: number }>(`/api/devices${queryString({ kind: 'camera', status: 'in_service', campusId: c.id, pageSize: 1 })}`);
      cameraInServicePages.set(c.id, Math.max(1, Math.ceil(r.total / 50)));
    }
    const serialFragments = inputs.filter((_, i) => i % 97 === 0).map((d) => d.serial!.slice(-6, -1));
    const ctx: QueryContext = { org, cameraInServicePages, serialFragments };

    let pgStatsNote: string | undefined;
    if (dbKind === 'postgres') pgStatsNote = await preparePostgresStats(server.databaseUrl!, pgStats);

    const types = queryTypes(ctx, random);
    const pickType = weightedPicker(types, random);
    const makeOp = () => {
      const t = pickType();
      const path = `/api/devices${queryString(t.params())}`;
      const client = t.admin ? admin : operator;
      return {
        label: t.label,
        run: async () => {
          const text = await client.getText(path);
          if (!text.startsWith('{"items":[')) throw new Error(`unexpected body for ${path}: ${text.slice(0, 200)}`);
        },
      };
    };

    const levels: LevelResult[] = [];
    for (const c of opt.concurrency) levels.push(await measureLevel(dbKind, server, c, makeOp, types.map((t) => t.label)));

    const result: DbResult = {
      db: dbKind,
      dbVersion: server.dbVersion,
      orgUnits,
      orgMs,
      devices: created.all.length,
      createMs: created.elapsedMs,
      createSummary,
      pgStatsNote,
      levels,
    };
    if (args.explain) {
      log(`${dbKind}: explaining the query types`);
      result.explain = await explain(server, ctx);
    }
    return result;
  } catch (e) {
    console.error(`${dbKind}: server output tail:\n${server.outputTail()}`);
    throw e;
  } finally {
    await server.stop();
    log(`${dbKind}: server stopped, ${args['keep-data'] ? `data kept in ${server.databaseUrl ?? server.dataDir}` : 'temporary data removed'}`);
  }
}

// ---------------------------------------------------------------- report

const passed = (l: LevelResult) => l.overall.p95 < TARGET_P95_MS && l.errors === 0;
const rpsOf = (l: LevelResult) => l.measure.completed / (l.measure.elapsedMs / 1000);

function cpuLine(db: DbKind, l: LevelResult): string {
  const ms = (x: number | undefined) => (x === undefined ? '?' : `${fmtMs(x)} ms`);
  const parts = [`xiaoan server (Node) ${ms(l.serverCpuMsPerReq)}`];
  if (db === 'postgres') parts.push(`PostgreSQL ${ms(l.pgCpuMsPerReq)}`);
  parts.push(`load client ${ms(l.clientCpuMsPerReq)}`);
  if (l.otherCpuMsPerReq !== undefined) parts.push(`other processes ${ms(l.otherCpuMsPerReq)}`);
  const busy = l.machineBusy !== undefined ? `; machine CPU busy ${(l.machineBusy * 100).toFixed(0)} % of ${machineInfo().nproc} cores` : '';
  return parts.join(', ') + busy;
}

const latencyRows = (l: LevelResult, overallLabel: string) => [...l.rows.map((x) => latencyRow(x.label, x.summary)), latencyRow(overallLabel, l.overall)];

const SWEEP_HEADERS = ['concurrency', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p95 < 50 ms'];
const SWEEP_ALIGN = ['right', 'right', 'right', 'right', 'right', 'right', 'left'] as const;
const sweepRow = (l: LevelResult) => [l.concurrency, fmtRate(rpsOf(l)), fmtMs(l.overall.p50), fmtMs(l.overall.p95), fmtMs(l.overall.p99), fmtMs(l.overall.max), passed(l) ? 'yes' : 'NO'];

function consoleReport(r: DbResult): string {
  const out: string[] = [];
  for (const l of r.levels) {
    out.push(
      `\n=== ${r.db} (${r.dbVersion}) — ${r.devices} devices, ${l.measure.completed} requests, concurrency ${l.concurrency} ===`,
      textTable(LATENCY_HEADERS, latencyRows(l, 'overall'), LATENCY_ALIGN),
      `throughput: ${fmtRate(rpsOf(l))} req/s; errors: ${l.errors}`,
      `CPU per request: ${cpuLine(r.db, l)}`,
      `overall p95 ${fmtMs(l.overall.p95)} ms ${l.overall.p95 < TARGET_P95_MS ? '<' : '≥'} ${TARGET_P95_MS} ms → ${passed(l) ? 'PASS' : 'FAIL'}`,
    );
  }
  if (r.levels.length > 1) out.push(`\n${r.db}: overall by concurrency`, textTable(SWEEP_HEADERS, r.levels.map(sweepRow), [...SWEEP_ALIGN]));
  if (r.pgStatsNote) out.push(`planner statistics: ${r.pgStatsNote}`);
  out.push(`create: ${r.devices} devices in ${(r.createMs / 1000).toFixed(1)} s = ${fmtRate(r.devices / (r.createMs / 1000))} devices/s (POST p50 ${fmtMs(r.createSummary.p50)} ms, p95 ${fmtMs(r.createSummary.p95)} ms, concurrency ${opt.createConcurrency})`);
  return out.join('\n');
}

function markdownReport(r: DbResult, m: MachineInfo): string {
  const out: string[] = [
    `#### ${r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${r.dbVersion}`,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(m)}; load average ${startLoadAvg.toFixed(2)} when the run started.`,
    `Command: \`node --import tsx bench/ledger-query.bench.ts --db ${r.db} --devices ${opt.devices} --requests ${opt.requests} --concurrency ${opt.concurrency.join(',')} --warmup ${opt.warmup} --seed ${opt.seed}${r.db === 'postgres' ? ` --pg-stats ${pgStats}` : ''}\``,
  ];
  for (const l of r.levels) {
    out.push(
      '',
      `Concurrency ${l.concurrency}: ${l.measure.completed} requests in ${(l.measure.elapsedMs / 1000).toFixed(1)} s = **${fmtRate(rpsOf(l))} req/s**, ${l.errors} errors; overall p95 **${fmtMs(l.overall.p95)} ms** (target < ${TARGET_P95_MS} ms: **${passed(l) ? 'met' : 'missed'}**).`,
      '',
      markdownTable(LATENCY_HEADERS, latencyRows(l, '**overall**'), LATENCY_ALIGN),
      '',
      `CPU time per request: ${cpuLine(r.db, l)}.`,
    );
  }
  if (r.levels.length > 1) out.push('', 'Overall by concurrency:', '', markdownTable(SWEEP_HEADERS, r.levels.map(sweepRow), [...SWEEP_ALIGN]));
  out.push('');
  if (r.pgStatsNote) out.push(`- Planner statistics: ${r.pgStatsNote}.`);
  out.push(
    `- Data creation: ${r.orgUnits} org units in ${(r.orgMs / 1000).toFixed(1)} s; ${r.devices} devices in ${(r.createMs / 1000).toFixed(1)} s = **${fmtRate(r.devices / (r.createMs / 1000))} devices/s** (POST /api/devices p50 ${fmtMs(r.createSummary.p50)} ms, p95 ${fmtMs(r.createSummary.p95)} ms at concurrency ${opt.createConcurrency}).`,
  );
  return out.join('\n');
}

// ---------------------------------------------------------------- main

let startLoadAvg = 0;

async function main() {
  const machine = machineInfo();
  startLoadAvg = os.loadavg()[0]!;
  log(`machine: ${describeMachine(machine)}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (startLoadAvg > 0.5 * machine.nproc) log(`WARNING: the machine is busy (load average ${startLoadAvg.toFixed(2)} on ${machine.nproc} cores); other work distorts the figures`);
  log(`plan: ${opt.dbs.join(' + ')}, ${opt.devices} devices, ${opt.warmup} warm-up + ${opt.requests} requests at concurrency ${opt.concurrency.join(', ')}, seed ${opt.seed}`);
  let pgHandle: PostgresHandle | undefined;
  let ownPg = false;
  const results: DbResult[] = [];
  try {
    for (const dbKind of opt.dbs) {
      if (dbKind === 'postgres' && !pgHandle && args['pg-url']) {
        pgHandle = await existingPostgres(args['pg-url']);
        log(`postgres: using PostgreSQL ${pgHandle.version} at ${pgHandle.url} (a fresh database is created)`);
      } else if (dbKind === 'postgres' && !pgHandle) {
        const { startTemporaryPostgres } = await import('../scripts/pg-test-server.ts');
        log('postgres: starting a temporary PostgreSQL server');
        pgHandle = await startTemporaryPostgres();
        ownPg = true;
        log(`postgres: PostgreSQL ${pgHandle.version} at ${pgHandle.url}`);
      }
      results.push(await benchOne(dbKind, pgHandle));
    }
  } finally {
    if (pgHandle && ownPg) {
      await pgHandle.stop();
      log('postgres: temporary PostgreSQL stopped and removed');
    }
  }

  for (const r of results) {
    if (r.explain) console.log(`\n=== ${r.db}: query plans ===${r.explain}`);
  }
  for (const r of results) console.log(consoleReport(r));
  if (args['write-results']) {
    for (const r of results) {
      const file = upsertResultsBlock(`ledger-query:${r.db}`, markdownReport(r, machine), { after: '### Ledger query figures' });
      log(`wrote ${r.db} figures to ${file}`);
    }
  }
  const failed = results.flatMap((r) => r.levels.filter((l) => !passed(l)).map((l) => `${r.db} at concurrency ${l.concurrency}`));
  if (failed.length) {
    console.log(`\nTARGET (p95 < ${TARGET_P95_MS} ms, no errors) MISSED for: ${failed.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\nTarget met: overall p95 < ${TARGET_P95_MS} ms for every database and concurrency.`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
