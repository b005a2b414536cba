/**
 * People import benchmark (issue 14): 50,000 people from the campus card system as one xlsx,
 * imported through HTTP into a real server process; goal < 30 s for the commit.
 *
 *   node --import tsx bench/people-import.bench.ts [--db sqlite|postgres|both] [--rows 50000]
 *        [--formats xlsx,csv] [--write-results] [--pg-url URL]
 *
 * For each database it starts the real server as a child process (own data directory or a fresh
 * PostgreSQL database, no demo), creates a university as the administrator, and per format
 * generates N rows as a card system exports them (姓名, 学工号, 类别, 院系部门, a resident id with a
 * valid check digit, a mobile number, a card number, 有效期至), then posts the file with
 * mode=preview and mode=commit, and checks that N people are registered. Times: the client's wall
 * time of each request and the server's split (parse, validate, write). Exit code 1 when a commit
 * takes 30 s or more or a row is refused. Only 127.0.0.1 is contacted.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import type { PeopleImportReport } from '../src/shared/people.ts';
import { ApiClient } from './lib/http.ts';
import { seededRandom } from './lib/load.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { existingPostgres, startServer, type DbKind, type PostgresHandle } from './lib/server.ts';
import { fmtMs, markdownTable, textTable } from './lib/stats.ts';

const TARGET_MS = 30_000;
const ADMIN_PASSWORD = 'bench-admin-Passw0rd';
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADERS = ['姓名', '学工号', '类别', '院系部门', '身份证号', '手机号', '卡号', '有效期至'];
const DEPARTMENTS = ['计算机科学与技术学院', '数学科学学院', '物理学院', '化学与分子工程学院', '外国语学院', '经济管理学院', '法学院', '生命科学学院', '保卫处', '后勤保障处'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    rows: { type: 'string', default: '50000' },
    formats: { type: 'string', default: 'xlsx' },
    'write-results': { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});
const rowsWanted = Number(args.rows);
const formats = args.formats!.split(',') as ('xlsx' | 'csv')[];
const log = (s: string) => process.stderr.write(`${s}\n`);

function residentId(rnd: () => number): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const body = `310104${1995 + Math.floor(rnd() * 12)}${pad(1 + Math.floor(rnd() * 12), 2)}${pad(1 + Math.floor(rnd() * 28), 2)}${pad(Math.floor(rnd() * 1000), 3)}`;
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

function generateRows(n: number, seed: number): string[][] {
  const rnd = seededRandom(seed);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 10 < 8 ? '学生' : i % 10 < 9 ? '教职工' : '外包';
    return [
      `${pick(SURNAMES)}${pick(GIVEN)}${rnd() < 0.5 ? pick(GIVEN) : ''}`,
      `${kind === '学生' ? 'S' : kind === '教职工' ? 'T' : 'W'}${String(seed * 1_000_000 + i).padStart(9, '0')}`,
      kind,
      DEPARTMENTS[i % DEPARTMENTS.length]!,
      residentId(rnd),
      `13${Math.floor(rnd() * 10)}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      String(4_000_000_000 + seed * 1_000_000 + i),
      kind === '学生' ? '2030-07-31' : '',
    ];
  });
}

async function writeFile(format: 'xlsx' | 'csv', rows: string[][]): Promise<Buffer> {
  if (format === 'csv') return Buffer.from([HEADERS, ...rows].map((r) => r.join(',')).join('\n'), 'utf8');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('人员名单');
  sheet.addRow(HEADERS);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

interface Step {
  ms: number;
  report: PeopleImportReport;
}

async function upload(baseUrl: string, cookie: string, universityId: string, file: Buffer, format: 'xlsx' | 'csv', mode: 'preview' | 'commit'): Promise<Step> {
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/api/people/import?mode=${mode}&universityId=${universityId}&fileName=bench.${format}`, {
    method: 'POST',
    headers: { cookie, 'content-type': format === 'csv' ? 'text/csv' : XLSX_MIME, accept: 'application/json' },
    body: file as unknown as BodyInit,
    signal: AbortSignal.timeout(300_000),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${mode} → ${res.status}: ${text.slice(0, 1000)}`);
  return { ms, report: JSON.parse(text) as PeopleImportReport };
}

interface Result {
  db: string;
  format: string;
  rows: number;
  mb: number;
  preview: Step;
  commit: Step;
}

async function runDb(db: DbKind, pg: PostgresHandle | undefined): Promise<Result[]> {
  const server = await startServer({ db, adminPassword: ADMIN_PASSWORD, postgres: pg, startTimeoutMs: 120_000 });
  const results: Result[] = [];
  try {
    const admin = new ApiClient(server.baseUrl, { timeoutMs: 120_000 });
    await admin.login('admin', ADMIN_PASSWORD);
    const tree = await admin.get<{ id: string; kind: string }[]>('/api/org-units/tree');
    const commission = tree.find((n) => n.kind === 'commission')!;
    const uni = await admin.post<{ id: string }>('/api/org-units', { kind: 'university', parentId: commission.id, name: '基准测试大学' });
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('xiaoan_session=')) ?? '').split(';')[0]!;
    for (const [n, format] of formats.entries()) {
      const rows = generateRows(rowsWanted, n + 1);
      const file = await writeFile(format, rows);
      log(`${server.dbVersion}/${format}: ${rows.length} rows, ${(file.length / 1024 / 1024).toFixed(1)} MB`);
      const preview = await upload(server.baseUrl, cookie, uni.id, file, format, 'preview');
      const commit = await upload(server.baseUrl, cookie, uni.id, file, format, 'commit');
      if (commit.report.invalid) throw new Error(`${commit.report.invalid} rows refused: ${JSON.stringify(commit.report).slice(0, 800)}`);
      const total = (await admin.get<{ total: number }>(`/api/people?universityId=${uni.id}&page=1&pageSize=1&sort=name&order=asc`)).total;
      if (total !== rowsWanted * (n + 1)) throw new Error(`expected ${rowsWanted * (n + 1)} people, found ${total}`);
      results.push({ db: server.dbVersion, format, rows: rows.length, mb: file.length / 1024 / 1024, preview, commit });
    }
  } finally {
    await server.stop();
  }
  return results;
}

async function main() {
  const machine = machineInfo();
  log(`people import: ${rowsWanted} rows per file (${formats.join(', ')}); ${describeMachine(machine)}`);
  const dbs = (args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]) as DbKind[];
  const results: Result[] = [];
  let pg: PostgresHandle | undefined;
  try {
    for (const db of dbs) {
      if (db === 'postgres' && args['pg-url']) pg = await existingPostgres(args['pg-url']);
      results.push(...(await runDb(db, pg)));
    }
  } finally {
    await pg?.stop();
  }
  const headers = ['database', 'format', 'rows', 'file', 'preview', 'commit', 'commit: parse / validate / write (server)'];
  const rows = results.map((r) => [r.db, r.format, String(r.rows), `${r.mb.toFixed(1)} MB`, `${fmtMs(r.preview.ms)} ms`, `${fmtMs(r.commit.ms)} ms`, `${fmtMs(r.commit.report.timings.parseMs)} / ${fmtMs(r.commit.report.timings.validateMs)} / ${fmtMs(r.commit.report.timings.writeMs)} ms`]);
  console.log(textTable(headers, rows));
  if (args['write-results']) {
    upsertResultsBlock('people-import', `Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine(machine)}.\n\n` + markdownTable(headers, rows), { after: '## People import (issue 14)' });
  }
  process.exitCode = results.some((r) => r.commit.ms >= TARGET_MS) ? 1 : 0;
}

await main();
