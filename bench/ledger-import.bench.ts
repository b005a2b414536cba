/**
 * Ledger import benchmark (issue "Web console", part 4): a 10,000-row xlsx imported through
 * HTTP into a real server process; target < 10 s for the import.
 *
 *   node --import tsx bench/ledger-import.bench.ts [--db sqlite|postgres|both] [--rows 10000]
 *        [--formats xlsx | xlsx,csv] [--seed 4] [--write-results] [--pg-url URL]
 *
 * For each database it starts the real server as a child process (src/server/main.ts, own
 * temporary data directory, XIAOAN_DEMO=1 so the demo university 示范大学 with its ~5,000
 * devices is seeded; PostgreSQL: a fresh database on a temporary server), creates a
 * security-director account of the demo university and, per format:
 *
 *   1. generates N device rows against the demo university's real places (campus › building ›
 *      floor › area names read from GET /api/org-units/tree), every column filled as a real
 *      ledger would have it, and writes the file with exceljs (xlsx) or as UTF-8 CSV;
 *   2. POST /api/devices/import?mode=preview  (reads and checks every row, writes nothing);
 *   3. POST /api/devices/import?mode=commit   (checks again, writes all rows in one transaction);
 *   4. checks that N devices were added and that the import's audit entry is there;
 *
 * and finally exports the university's whole ledger (demo + imported devices) as xlsx and CSV.
 *
 * Times: the client's wall time of each request (upload of the file to the last byte of the
 * answer, on 127.0.0.1), and the server's own split from the answer (`timings`: parse = read the
 * workbook, validate = places, field rules, duplicates, write = bulk insert + audit in one
 * transaction). Exit code 1 when a commit takes 10 s or more, or a row is refused.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import type { DeviceKind } from '../src/shared/domain.ts';
import { HEADERS } from '../src/server/modules/ledger-io/columns.ts';
import type { ImportReport } from '../src/shared/ledger-io.ts';
import { CAMERA_TYPE_LABELS, KIND_LABELS, PLACEMENT_LABELS, RESOLUTION_LABELS, STATUS_LABELS } from '../src/server/modules/ledger-io/labels.ts';
import { ApiClient } from './lib/http.ts';
import { seededRandom, weightedPicker } from './lib/load.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { existingPostgres, startServer, type DbKind, type PostgresHandle } from './lib/server.ts';
import { fmtMs, markdownTable, textTable } from './lib/stats.ts';

const TARGET_MS = 10_000;
const ADMIN_PASSWORD = 'bench-admin-Passw0rd';
const DIRECTOR = { username: 'bench_import_director', password: 'bench-director-Passw0rd' };
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    rows: { type: 'string', default: '10000' },
    formats: { type: 'string', default: 'xlsx' },
    seed: { type: 'string', default: '4' },
    'write-results': { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  console.log('usage: node --import tsx bench/ledger-import.bench.ts [--db sqlite|postgres|both] [--rows N] [--formats xlsx[,csv]] [--seed N] [--write-results] [--pg-url URL]');
  process.exit(0);
}
const dbs = (args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]) as DbKind[];
const rowsWanted = Number(args.rows);
const formats = String(args.formats).split(',') as ('xlsx' | 'csv')[];
const seed = Number(args.seed);
if (!dbs.every((d) => d === 'sqlite' || d === 'postgres') || !Number.isInteger(rowsWanted) || rowsWanted < 1 || rowsWanted > 50_000 || !formats.every((f) => f === 'xlsx' || f === 'csv')) {
  console.error('bad arguments; see --help');
  process.exit(2);
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------- data

interface TreeNode {
  id: string;
  kind: string;
  name: string;
  children: TreeNode[];
}
interface Place {
  campus: string;
  building?: string;
  floor?: string;
  area?: string;
}

/** The demo university and every place in it, by name. */
async function demoPlaces(admin: ApiClient): Promise<{ universityId: string; campuses: string[]; floors: Place[]; areas: Place[] }> {
  const tree = await admin.get<TreeNode[]>('/api/org-units/tree');
  const all = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...all(n.children)]);
  const uni = all(tree).find((n) => n.kind === 'university');
  if (!uni) throw new Error('no university: the demo was not seeded');
  const campuses: string[] = [];
  const floors: Place[] = [];
  const areas: Place[] = [];
  for (const c of uni.children.filter((n) => n.kind === 'campus')) {
    campuses.push(c.name);
    for (const b of c.children.filter((n) => n.kind === 'building')) {
      for (const f of b.children.filter((n) => n.kind === 'floor')) {
        floors.push({ campus: c.name, building: b.name, floor: f.name });
        for (const a of f.children.filter((n) => n.kind === 'area')) areas.push({ campus: c.name, building: b.name, floor: f.name, area: a.name });
      }
    }
  }
  if (!floors.length) throw new Error('the demo university has no floors');
  return { universityId: uni.id, campuses, floors, areas };
}

const KINDS: { kind: DeviceKind; weight: number; gbType: number; place: 'campus' | 'floor' | 'area' }[] = [
  { kind: 'camera', weight: 55, gbType: 132, place: 'floor' },
  { kind: 'lpr_camera', weight: 5, gbType: 131, place: 'campus' },
  { kind: 'door', weight: 12, gbType: 139, place: 'area' },
  { kind: 'fire_detector', weight: 8, gbType: 134, place: 'area' },
  { kind: 'intrusion_zone', weight: 6, gbType: 134, place: 'floor' },
  { kind: 'perimeter_zone', weight: 3, gbType: 134, place: 'campus' },
  { kind: 'patrol_checkpoint', weight: 3, gbType: 139, place: 'floor' },
  { kind: 'turnstile', weight: 2, gbType: 139, place: 'floor' },
  { kind: 'panic_button', weight: 2, gbType: 134, place: 'floor' },
  { kind: 'recorder', weight: 2, gbType: 118, place: 'floor' },
  { kind: 'barrier_gate', weight: 1, gbType: 139, place: 'campus' },
  { kind: 'alarm_panel', weight: 1, gbType: 117, place: 'floor' },
];
const VENDORS = ['海康威视', '大华', '宇视', '天地伟业', '中控智慧', '霍尼韦尔', '博世', '海湾'];

/** N rows in the export's column order; `tag` keeps names, serials and GB ids unique per run. */
function generateRows(n: number, places: Awaited<ReturnType<typeof demoPlaces>>, tag: number): (string | number | null)[][] {
  const random = seededRandom(seed * 1000 + tag);
  const pickKind = weightedPicker(KINDS, random);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const statuses = [...Array(15).fill('in_service'), 'under_repair', 'under_repair', 'out_of_service', 'out_of_service', 'retired'] as const;
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < n; i++) {
    const k = pickKind();
    const place: Place = k.place === 'campus' ? { campus: pick(places.campuses) } : k.place === 'area' && places.areas.length && random() < 0.5 ? pick(places.areas) : pick(places.floors);
    const camera = k.kind === 'camera' || k.kind === 'lpr_camera';
    const year = 2014 + Math.floor(random() * 11);
    const date = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const v: Record<string, string | number | null> = {
      名称: `导入-${place.building ?? place.campus}-${KIND_LABELS.label(k.kind)}-${tag}${String(i).padStart(5, '0')}`,
      设备类型: KIND_LABELS.label(k.kind),
      台账状态: STATUS_LABELS.label(pick(statuses)),
      校区: place.campus,
      楼宇: place.building ?? null,
      楼层: place.floor ?? null,
      区域: place.area ?? null,
      经度: Math.round((121.4 + random() * 0.1) * 1e6) / 1e6,
      纬度: Math.round((31.0 + random() * 0.3) * 1e6) / 1e6,
      厂商: pick(VENDORS),
      型号: `M-${Math.floor(random() * 9000 + 1000)}`,
      序列号: `BENCH-IMP-${tag}-${String(i).padStart(6, '0')}`,
      IP地址: `10.${100 + tag}.${i >> 8}.${i & 255}`,
      // Area 31019999 (unused by the demo), serial = tag and row: unique and valid for the kind.
      国标编码: `3101999911${k.gbType}0${String(tag * 100_000 + i).padStart(6, '0')}`,
      安装日期: date,
      质保到期: `${year + 3}${date.slice(4)}`,
      录像保存天数: camera || k.kind === 'recorder' ? pick([30, 30, 90]) : null,
      分辨率: camera ? RESOLUTION_LABELS.label(k.kind === 'lpr_camera' ? '1080p' : pick(['720p', '1080p', '1080p', '4k'] as const)) : null,
      云台类型: camera ? CAMERA_TYPE_LABELS.label(random() < 0.15 ? 'ptz' : 'fixed') : null,
      '安装高度(米)': camera ? Math.round((2.5 + random() * 6) * 10) / 10 : null,
      '朝向(度)': camera ? Math.floor(random() * 360) : null,
      '水平视场角(度)': camera ? 60 + Math.floor(random() * 50) : null,
      '监控距离(米)': camera ? 10 + Math.floor(random() * 60) : null,
      室内外: camera ? PLACEMENT_LABELS.label(place.floor ? 'indoor' : 'outdoor') : null,
      备注: random() < 0.1 ? '批量导入基准测试' : null,
    };
    rows.push(HEADERS.map((h) => v[h] ?? null));
  }
  return rows;
}

async function writeFile(format: 'xlsx' | 'csv', rows: (string | number | null)[][]): Promise<Buffer> {
  if (format === 'csv') {
    const field = (v: string | number | null) => (v === null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    return Buffer.from('\ufeff' + [HEADERS, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n');
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('设备台账');
  ws.addRow(HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- measuring

interface Step {
  ms: number;
  report: ImportReport;
}

async function upload(client: ApiClient, cookie: string, file: Buffer, format: 'xlsx' | 'csv', mode: 'preview' | 'commit'): Promise<Step> {
  const t0 = performance.now();
  const res = await fetch(`${client.baseUrl}/api/devices/import?mode=${mode}&fileName=bench.${format}`, {
    method: 'POST',
    headers: { cookie, 'content-type': format === 'csv' ? 'text/csv' : XLSX_MIME, accept: 'application/json' },
    body: file as unknown as BodyInit, // a Buffer is a Uint8Array; DOM typings want ArrayBuffer-backed views
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${mode} → ${res.status}: ${text.slice(0, 1000)}`);
  return { ms, report: JSON.parse(text) as ImportReport };
}

interface ExportStep {
  format: 'xlsx' | 'csv';
  devices: number;
  bytes: number;
  ms: number;
}

/** The whole university's ledger as a file, timed to the last byte. */
async function exportLedger(client: ApiClient, cookie: string, format: 'xlsx' | 'csv', devices: number): Promise<ExportStep> {
  const t0 = performance.now();
  const res = await fetch(`${client.baseUrl}/api/devices/export?format=${format}`, { headers: { cookie }, signal: AbortSignal.timeout(120_000) });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`export ${format} → ${res.status}: ${body.toString('utf8', 0, 500)}`);
  return { format, devices, bytes: body.length, ms };
}

interface Result {
  db: DbKind;
  dbVersion: string;
  format: 'xlsx' | 'csv';
  rows: number;
  fileBytes: number;
  generateMs: number;
  preview: Step;
  commit: Step;
  devicesBefore: number;
  devicesAfter: number;
  /** Set on the last result of a database: exports of the whole ledger after the imports. */
  exports?: ExportStep[];
}

async function runDb(db: DbKind, pg: PostgresHandle | undefined): Promise<Result[]> {
  log(`${db}: starting the server with the demo university …`);
  const t0 = performance.now();
  const server = await startServer({ db, adminPassword: ADMIN_PASSWORD, postgres: pg, env: { XIAOAN_DEMO: '1' }, startTimeoutMs: 300_000 });
  const results: Result[] = [];
  try {
    log(`${db}: ${server.dbVersion}, healthy after ${((performance.now() - t0) / 1000).toFixed(1)} s (demo seeded) at ${server.baseUrl}`);
    const admin = new ApiClient(server.baseUrl, { timeoutMs: 120_000 });
    await admin.login('admin', ADMIN_PASSWORD);
    const places = await demoPlaces(admin);
    log(`${db}: demo university: ${places.campuses.length} campuses, ${places.floors.length} floors, ${places.areas.length} areas`);
    await admin.post('/api/users', { ...DIRECTOR, displayName: '基准测试处长', role: 'security_director', universityId: places.universityId });
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DIRECTOR) });
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('xiaoan_session=')) ?? '').split(';')[0]!;
    if (!cookie) throw new Error('director login failed');
    const director = new ApiClient(server.baseUrl, { timeoutMs: 120_000 });
    await director.login(DIRECTOR.username, DIRECTOR.password);

    for (const [n, format] of formats.entries()) {
      const g0 = performance.now();
      const rows = generateRows(rowsWanted, places, n + 1);
      const file = await writeFile(format, rows);
      const generateMs = performance.now() - g0;
      log(`${db}/${format}: ${rows.length} rows, file ${(file.length / 1024 / 1024).toFixed(2)} MB, generated in ${fmtMs(generateMs)} ms`);
      const devicesBefore = (await director.get<{ total: number }>('/api/devices?pageSize=1')).total;
      const preview = await upload(director, cookie, file, format, 'preview');
      log(`${db}/${format}: preview ${fmtMs(preview.ms)} ms — ${preview.report.valid} valid, ${preview.report.invalid} invalid`);
      if (preview.report.invalid) throw new Error(`rows refused: ${JSON.stringify(preview.report.problems.slice(0, 5))}`);
      const commit = await upload(director, cookie, file, format, 'commit');
      log(`${db}/${format}: commit ${fmtMs(commit.ms)} ms — ${commit.report.created} created`);
      const devicesAfter = (await director.get<{ total: number }>('/api/devices?pageSize=1')).total;
      if (devicesAfter - devicesBefore !== rows.length) throw new Error(`expected ${rows.length} new devices, found ${devicesAfter - devicesBefore}`);
      const audit = await admin.get<{ items: { action: string; after: { created: number; deviceIds: string[] } }[] }>('/api/audit?action=import&pageSize=1');
      if (audit.items[0]?.after.created !== rows.length || audit.items[0].after.deviceIds.length !== rows.length) throw new Error('no audit entry with every created id');
      results.push({ db, dbVersion: server.dbVersion, format, rows: rows.length, fileBytes: file.length, generateMs, preview, commit, devicesBefore, devicesAfter });
    }
    const total = results[results.length - 1]!.devicesAfter;
    const exports: ExportStep[] = [];
    for (const format of ['xlsx', 'csv'] as const) {
      const e = await exportLedger(director, cookie, format, total);
      log(`${db}: export of ${total} devices as ${format}: ${fmtMs(e.ms)} ms, ${(e.bytes / 1024 / 1024).toFixed(2)} MB`);
      exports.push(e);
    }
    results[results.length - 1]!.exports = exports;
  } finally {
    await server.stop();
  }
  return results;
}

// ---------------------------------------------------------------- report

const HEAD = ['request', 'client wall ms', 'server parse ms', 'server validate ms', 'server write ms', 'server total ms'];
const ALIGN = ['left', 'right', 'right', 'right', 'right', 'right'] as const;
const stepRow = (label: string, s: Step) => [label, fmtMs(s.ms), fmtMs(s.report.timings.parseMs), fmtMs(s.report.timings.validateMs), s.report.mode === 'commit' ? fmtMs(s.report.timings.writeMs) : '—', fmtMs(s.report.timings.totalMs)];

function markdown(results: Result[], startLoad: number): string {
  const r0 = results[0]!;
  const m = machineInfo();
  const lines = [
    `#### ${r0.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} — ${r0.dbVersion}`,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(m)}; load average ${startLoad.toFixed(2)} when the run started.`,
    `Command: \`node --import tsx bench/ledger-import.bench.ts --db ${r0.db} --rows ${rowsWanted} --formats ${formats.join(',')} --seed ${seed}\``,
    '',
  ];
  for (const r of results) {
    const met = r.commit.ms < TARGET_MS;
    lines.push(
      `${r.format}: ${r.rows} rows, ${(r.fileBytes / 1024 / 1024).toFixed(2)} MB, into a ledger of ${r.devicesBefore} devices → ${r.devicesAfter}. ` +
        `Commit **${(r.commit.ms / 1000).toFixed(2)} s** through HTTP (target < 10 s: **${met ? 'met' : 'missed'}**).`,
      '',
      markdownTable(HEAD, [stepRow('preview (check only)', r.preview), stepRow('commit (check + write)', r.commit)], [...ALIGN]),
      '',
    );
  }
  const exports = results[results.length - 1]!.exports ?? [];
  if (exports.length) {
    lines.push(
      `Export of the whole ledger afterwards (\`GET /api/devices/export\`, all ${exports[0]!.devices} devices of the university, to the last byte): ` +
        exports.map((e) => `${e.format} **${(e.ms / 1000).toFixed(2)} s** (${(e.bytes / 1024 / 1024).toFixed(2)} MB)`).join(', ') +
        '.',
      '',
    );
  }
  return lines.join('\n');
}

async function main() {
  const startLoad = os.loadavg()[0]!;
  log(`machine: ${describeMachine(machineInfo())}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let failed = false;
  const pg = args['pg-url'] ? await existingPostgres(args['pg-url']) : undefined;
  for (const db of dbs) {
    let results: Result[];
    try {
      results = await runDb(db, pg);
    } catch (e) {
      console.error(`${db}: ${(e as Error).stack ?? e}`);
      failed = true;
      continue;
    }
    console.log('');
    for (const r of results) {
      console.log(`${db} / ${r.format}: ${r.rows} rows, ${(r.fileBytes / 1024 / 1024).toFixed(2)} MB`);
      console.log(textTable(HEAD, [stepRow('preview', r.preview), stepRow('commit', r.commit)], [...ALIGN]));
      const met = r.commit.ms < TARGET_MS;
      console.log(`commit through HTTP: ${(r.commit.ms / 1000).toFixed(2)} s (target < 10 s: ${met ? 'met' : 'MISSED'})\n`);
      if (!met) failed = true;
    }
    for (const e of results[results.length - 1]?.exports ?? []) console.log(`export of ${e.devices} devices as ${e.format}: ${(e.ms / 1000).toFixed(2)} s, ${(e.bytes / 1024 / 1024).toFixed(2)} MB`);
    if (args['write-results']) {
      const file = upsertResultsBlock(`ledger-import:${db}`, markdown(results, startLoad), { after: '### Ledger import figures' });
      log(`figures written to ${file}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
