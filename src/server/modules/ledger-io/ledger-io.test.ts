/**
 * Excel/CSV import and export of the device ledger, through HTTP on the real store (SQLite and
 * PostgreSQL): round trip, the preview report, all-or-nothing commit, only-valid commit, the
 * university scope, the audit entry, the template and the file-format edge cases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../../../../test/helpers/test-app.ts';
import { cellText, HEADERS } from './columns.ts';
import type { ImportProblem, ImportReport } from '../../../shared/ledger-io.ts';
import { csvStream, parseCsv, readSpreadsheet, XLSX_MIME } from './spreadsheet.ts';

let t: TestApp;
let U: UniversityFixture;
let V: UniversityFixture;
let director: string;
let admin: string;

const gb = (type: number, serial: number) => `3101150011${type}0${String(serial).padStart(6, '0')}`;

/** Cells of a file as text, header first (what a person sees in Excel). */
async function sheetText(file: Buffer, name: string): Promise<string[][]> {
  const s = await readSpreadsheet(file, name);
  return [s.header, ...s.rows.map((r) => r.cells)].map((cells) => {
    const row = cells.map(cellText);
    while (row.length < HEADERS.length) row.push('');
    return row;
  });
}

const csvOf = (rows: (string | number | null)[][]) =>
  Buffer.from('\ufeff' + rows.map((r) => r.map((v) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))).join(',')).join('\r\n') + '\r\n');

/** A CSV row from named values, in the export's column order. */
function row(values: Partial<Record<(typeof HEADERS)[number], string | number>>): (string | number | null)[] {
  return HEADERS.map((h) => values[h] ?? null);
}

async function upload(cookie: string, file: Buffer, query: string, type = 'text/csv'): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/devices/import?${query}`, headers: { cookie, 'content-type': type }, payload: file });
}

async function download(cookie: string, url: string): Promise<Buffer> {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return res.rawPayload;
}

const countDevices = async (universityId: string) =>
  Number((await t.store.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('university_id', '=', universityId).executeTakeFirstOrThrow()).n);
const countImports = async () =>
  Number((await t.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'import').executeTakeFirstOrThrow()).n);

const find = (problems: ImportProblem[], rowNo: number, column: string) => problems.find((p) => p.row === rowNo && p.column === column);

describe('ledger Excel/CSV import and export', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'X');
    V = await createUniversity(t.services, 'Y', 121.43, 31.03);
    director = await t.login(U.users.security_director.username);
    admin = await t.login('admin');
    // A second building with floors, and devices of several kinds with every field in use.
    const b2 = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: U.campusId, name: '图书馆' });
    const f3 = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'floor', parentId: b2.id, name: '3层', floorLevel: 3 });
    const devices = [
      {
        name: '南门-人脸抓拍-01',
        kind: 'camera',
        status: 'in_service',
        campusId: U.campusId,
        lon: 121.50123456,
        lat: 31.30098765,
        vendor: '海康威视',
        model: 'DS-2CD3T47',
        serial: '00012345',
        ip: '10.20.1.11',
        gbId: gb(132, 1),
        installDate: '2023-06-01',
        warrantyEnd: '2026-06-01',
        retentionDays: 90,
        notes: '镜头朝外, 含"引号"\n第二行',
        camera: { resolution: '4k', type: 'ptz', mountHeightM: 4.5, bearingDeg: 180, fovDeg: 92.5, rangeM: 80, placement: 'outdoor' },
      },
      { name: '图书馆3层门禁', kind: 'door', status: 'under_repair', buildingId: b2.id, floorId: f3.id, vendor: '中控智慧', serial: 'ZK-0001', ip: 'fe80::1', installDate: '2020-01-15' },
      { name: '=危险公式', kind: 'fire_detector', status: 'out_of_service', campusId: U.campusId, gbId: gb(134, 3), notes: '-不是负数' },
      { name: '监控中心录像机', kind: 'recorder', status: 'retired', buildingId: U.buildingId, floorId: U.floorId, gbId: gb(118, 4), retentionDays: 30 },
      { name: '车牌识别-入口', kind: 'lpr_camera', campusId: U.campusId, camera: { resolution: '1080p', type: 'fixed' } },
    ];
    for (const d of devices) {
      const res = await t.call(director, 'POST', '/api/devices', d);
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t.close());

  it('exports Chinese headers, labels and place names; the file imports into a copy of the tree and exports identically', async () => {
    // An empty copy of U's org tree (same names) in a new university.
    const commission = await t.services.org.ensureCommission(SYSTEM_ACTOR);
    const copy = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'university', parentId: commission.id, name: '副本大学' });
    const campus = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'campus', parentId: copy.id, name: '校区X' });
    const b1 = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: campus.id, name: '教学楼X' });
    const f1 = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'floor', parentId: b1.id, name: '1F', floorLevel: 1 });
    await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'area', parentId: f1.id, name: '大厅X' });
    const b2 = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: campus.id, name: '图书馆' });
    await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'floor', parentId: b2.id, name: '3层', floorLevel: 3 });

    for (const format of ['xlsx', 'csv'] as const) {
      const original = await download(director, `/api/devices/export?format=${format}`);
      const text = await sheetText(original, `a.${format}`);
      assert.deepEqual(text[0], HEADERS);
      assert.equal(text.length, 1 + 6, 'every device of the university (the fixture camera + 5)');
      const cam = text.find((r) => r[0] === '南门-人脸抓拍-01')!;
      const at = (h: string) => cam[HEADERS.indexOf(h)];
      assert.equal(at('设备类型'), '摄像机');
      assert.equal(at('台账状态'), '在用');
      assert.equal(at('校区'), '校区X');
      assert.equal(at('分辨率'), '4K 超高清');
      assert.equal(at('云台类型'), '球机/云台');
      assert.equal(at('室内外'), '室外');
      assert.equal(at('国标编码'), gb(132, 1));
      assert.equal(at('序列号'), '00012345', 'leading zeros kept');
      const door = text.find((r) => r[0] === '图书馆3层门禁')!;
      assert.deepEqual([door[HEADERS.indexOf('楼宇')], door[HEADERS.indexOf('楼层')], door[HEADERS.indexOf('台账状态')]], ['图书馆', '3层', '维修中']);
      if (format === 'csv') {
        assert.ok(original.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM for Excel');
        assert.match(original.toString('utf8'), /"'=危险公式"/, 'a formula-like text is defused in CSV');
      }

      // Import into the empty copy (as admin, naming the university), then export the copy.
      const before = await countDevices(copy.id);
      assert.equal(before, format === 'xlsx' ? 0 : 6);
      if (format === 'csv') await t.store.db.deleteFrom('devices').where('university_id', '=', copy.id).execute();
      const res = await upload(admin, original, `mode=commit&universityId=${copy.id}&fileName=a.${format}`, format === 'csv' ? 'text/csv' : XLSX_MIME);
      assert.equal(res.statusCode, 200, res.body);
      const report = json<ImportReport>(res);
      assert.deepEqual([report.rows, report.valid, report.invalid, report.created], [6, 6, 0, 6], JSON.stringify(report.problems));
      const again = await download(admin, `/api/devices/export?format=${format}&universityId=${copy.id}`);
      assert.deepEqual(await sheetText(again, `b.${format}`), text, `${format}: export → import → export gives the same rows`);
    }
  });

  it('exports with the ledger filter (all pages) and only the actor’s university', async () => {
    const doors = await sheetText(await download(director, '/api/devices/export?format=csv&kind=door,fire_detector&pageSize=1&page=3'), 'a.csv');
    assert.deepEqual(doors.slice(1).map((r) => r[0]).sort(), ['=危险公式', '图书馆3层门禁'].sort());
    const other = await t.login(V.users.security_director.username);
    const theirs = await sheetText(await download(other, `/api/devices/export?format=csv&universityId=${U.universityId}`), 'a.csv');
    assert.deepEqual(theirs.slice(1).map((r) => r[0]), ['摄像机Y'], 'another university’s devices never appear');
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').execute();
    assert.ok(audit.length >= 3, 'exports are audited');
  });

  it('preview reports row, column and reason for every bad row and writes nothing', async () => {
    const file = csvOf([
      HEADERS,
      row({ 名称: '好摄像机', 设备类型: '摄像机', 校区: '校区X', 楼宇: '教学楼X', 楼层: '1F', 分辨率: '1080P 高清', 云台类型: '枪机/固定', 国标编码: gb(132, 100) }),
      row({ 名称: '未知类型', 设备类型: '监控头', 校区: '校区X' }),
      row({ 名称: '坏国标', 设备类型: '门禁', 校区: '校区X', 国标编码: '1234' }),
      row({ 名称: '无此楼', 设备类型: '门禁', 校区: '校区X', 楼宇: '不存在楼' }),
      row({ 名称: '坏日期', 设备类型: '门禁', 校区: '校区X', 安装日期: '2024-13-01' }),
      row({ 名称: '重复一', 设备类型: '火灾探测器', 校区: '校区X', 国标编码: gb(134, 200) }),
      row({ 名称: '重复二', 设备类型: '火灾探测器', 校区: '校区X', 国标编码: gb(134, 200) }),
      row({ 名称: '已有国标', 设备类型: '火灾探测器', 校区: '校区X', 国标编码: gb(134, 3) }),
      row({ 名称: '门禁带录像', 设备类型: '门禁', 校区: '校区X', 录像保存天数: 30, 朝向: '' }),
      row({ 名称: '', 设备类型: '门禁', 校区: '校区X', 楼层: '1F' }),
      row({ 名称: '状态小写代码', 设备类型: 'door', 台账状态: 'retired', 校区: '校区X', 楼宇: '图书馆', 楼层: '3' }),
      row({ 名称: '没有机型的摄像机', 设备类型: '摄像机', 校区: '校区X', '朝向(度)': 400 }),
    ]);
    const devicesBefore = await countDevices(U.universityId);
    const auditBefore = await countImports();
    const res = await upload(director, file, 'mode=preview&fileName=bad.csv');
    assert.equal(res.statusCode, 200, res.body);
    const r = json<ImportReport>(res);
    assert.deepEqual([r.rows, r.valid, r.invalid, r.created], [12, 2, 10, 0]);
    const expect = (rowNo: number, column: string, rule: string) => {
      const p = find(r.problems, rowNo, column);
      assert.ok(p, `row ${rowNo} ${column}: ${JSON.stringify(r.problems.filter((x) => x.row === rowNo))}`);
      assert.equal(p.rule, rule, `row ${rowNo} ${column}: ${p.reason}`);
      assert.ok(p.reason.length > 3);
    };
    expect(3, '设备类型', 'enum');
    assert.equal(find(r.problems, 3, '设备类型')!.value, '监控头');
    assert.match(String(find(r.problems, 3, '设备类型')!.params?.allowed), /摄像机、门禁/);
    expect(4, '国标编码', 'gb28181');
    expect(5, '楼宇', 'place');
    assert.match(find(r.problems, 5, '楼宇')!.reason, /no building named "不存在楼" in 校区X/);
    expect(6, '安装日期', 'date');
    expect(7, '国标编码', 'duplicate');
    assert.equal(find(r.problems, 7, '国标编码')!.params?.rows, '8');
    expect(8, '国标编码', 'duplicate');
    expect(9, '国标编码', 'exists');
    assert.equal(find(r.problems, 9, '国标编码')!.params?.name, '=危险公式');
    expect(10, '录像保存天数', 'kind');
    expect(11, '名称', 'required');
    expect(11, '楼层', 'hierarchy');
    expect(13, '分辨率', 'required');
    expect(13, '云台类型', 'required');
    expect(13, '朝向(度)', 'maximum');
    assert.equal(r.problems.filter((p) => p.row === 2 || p.row === 12).length, 0, 'valid rows (a code and a floor level are accepted too)');
    assert.deepEqual(r.problems.map((p) => p.row), [...r.problems.map((p) => p.row)].sort((a, b) => a - b), 'ordered by row');
    assert.equal(await countDevices(U.universityId), devicesBefore, 'a preview writes nothing');
    assert.equal(await countImports(), auditBefore);

    // The same file committed: refused as a whole, with the report.
    const refused = await upload(director, file, 'mode=commit&fileName=bad.csv');
    assert.equal(refused.statusCode, 400);
    const body = json(refused);
    assert.equal(body.code, 'XIAOAN_VALIDATION_FAILED');
    assert.match(body.message, /10 of 12 rows are invalid; nothing was imported/);
    assert.equal(body.report.invalid, 10);
    assert.equal(body.details[0].field, 'row 3: 设备类型');
    assert.equal(await countDevices(U.universityId), devicesBefore, 'nothing written while a row is invalid');
    assert.equal(await countImports(), auditBefore);

    // onlyValid: the two valid rows, in one transaction with one audit entry.
    const partial = await upload(director, file, 'mode=commit&onlyValid=true&fileName=bad.csv');
    assert.equal(partial.statusCode, 200, partial.body);
    const done = json<ImportReport>(partial);
    assert.deepEqual([done.created, done.invalid], [2, 10]);
    assert.equal(await countDevices(U.universityId), devicesBefore + 2);
    const list = json(await t.call(director, 'GET', '/api/devices?q=' + encodeURIComponent('好摄像机')));
    assert.equal(list.items[0].floorId, U.floorId);
    assert.equal(list.items[0].camera.resolution, '1080p');
    const lower = json(await t.call(director, 'GET', '/api/devices?q=' + encodeURIComponent('状态小写代码'))).items[0];
    assert.deepEqual([lower.kind, lower.status, lower.floorId !== null], ['door', 'retired', true]);

    // The audit entry: who, file, counts and the created ids.
    const entries = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'import').where('university_id', '=', U.universityId).execute();
    assert.equal(entries.length, 1);
    const entry = entries[0]!;
    assert.equal(entry.actor_name, U.users.security_director.username);
    assert.equal(entry.entity_type, 'device');
    const afterValue = (typeof entry.after === 'string' ? JSON.parse(entry.after) : entry.after) as { fileName: string; rows: number; created: number; skippedInvalid: number; deviceIds: string[] };
    assert.deepEqual([afterValue.fileName, afterValue.rows, afterValue.created, afterValue.skippedInvalid], ['bad.csv', 12, 2, 10]);
    assert.equal(afterValue.deviceIds.length, 2);
    assert.ok(afterValue.deviceIds.includes(list.items[0].id));

    // Importing the same file again: the written rows are now refused as already in the ledger.
    const twice = json<ImportReport>(await upload(director, file, 'mode=preview&fileName=bad.csv'));
    assert.equal(find(twice.problems, 2, '国标编码')?.rule, 'exists');
  });

  it('reports a missing required column once on the header and every row it empties', async () => {
    const header: string[] = [...HEADERS.filter((h) => h !== '设备类型'), '负责人'];
    const file = csvOf([header, header.map((h) => (h === '名称' ? '缺类型' : h === '校区' ? '校区X' : h === '负责人' ? '张三' : null))]);
    const r = json<ImportReport>(await upload(director, file, 'mode=preview&fileName=nokind.csv'));
    assert.equal(find(r.problems, 1, '设备类型')?.rule, 'missingColumn');
    assert.equal(find(r.problems, 2, '设备类型')?.rule, 'required');
    assert.deepEqual(r.warnings.map((w) => [w.column, w.rule]), [['负责人', 'unknownColumn']]);
    assert.equal(r.valid, 0);
  });

  it('imports only into the actor’s own university', async () => {
    // V's campus name is unknown in U: place names never reach across universities.
    const file = csvOf([HEADERS, row({ 名称: '越权设备', 设备类型: '门禁', 校区: '校区Y', 楼宇: '教学楼Y' })]);
    const r = json<ImportReport>(await upload(director, file, 'mode=preview&fileName=x.csv'));
    assert.equal(r.universityId, U.universityId);
    assert.equal(find(r.problems, 2, '校区')?.rule, 'place');
    // Naming another university is refused, as is a city-wide account naming none.
    for (const [cookie, query] of [
      [director, `universityId=${V.universityId}`],
      [admin, ''],
      [admin, `universityId=${U.campusId}`],
    ] as const) {
      const res = await upload(cookie, file, `mode=commit&${query}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(json(res).details[0].field, 'universityId');
    }
    // Roles without device.write may not import at all.
    const guard = await t.login(U.users.guard.username);
    assert.equal((await upload(guard, file, 'mode=preview')).statusCode, 403);
    assert.equal(await t.store.db.selectFrom('devices').select('id').where('name', '=', '越权设备').executeTakeFirst(), undefined);
    // The admin, naming V, imports into V.
    const ok = await upload(admin, csvOf([HEADERS, row({ 名称: '市级导入', 设备类型: '门禁', 校区: '校区Y' })]), `mode=commit&universityId=${V.universityId}`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json<ImportReport>(ok).universityName, '大学Y');
  });

  it('serves a template with headers, an example row, an explanation sheet, the places and dropdowns', async () => {
    const file = await download(director, '/api/devices/import-template');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['设备台账', '说明', '位置']);
    const ws = wb.getWorksheet('设备台账')!;
    assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), HEADERS);
    const kindCol = ws.getColumn(HEADERS.indexOf('设备类型') + 1).letter;
    const validation = ws.getCell(`${kindCol}3`).dataValidation;
    assert.equal(validation?.type, 'list');
    assert.match(String(validation?.formulae?.[0]), /摄像机,门禁/);
    const help = wb.getWorksheet('说明')!;
    const helpText = JSON.stringify(help.getSheetValues());
    assert.match(helpText, /国标编码/);
    assert.match(helpText, /枪机\/固定、球机\/云台/);
    const places = JSON.stringify(wb.getWorksheet('位置')!.getSheetValues());
    assert.match(places, /教学楼X/);
    assert.doesNotMatch(places, /教学楼Y/);
    // The example row is valid as it stands.
    const r = json<ImportReport>(await upload(director, file, 'mode=preview&fileName=template.xlsx', XLSX_MIME));
    assert.deepEqual([r.rows, r.valid], [1, 1], JSON.stringify(r.problems));
  });

  it('reads what Excel makes of a sheet: date cells, numbers, text codes, GBK CSV; refuses codes Excel truncated', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['名称', '设备类型', '校区', '安装日期', '国标编码', '经度', '纬度', '序列号']);
    ws.addRow(['日期单元格', '火灾探测器', '校区X', new Date(Date.UTC(2024, 5, 1)), gb(134, 501), 121.5, 31.3, 98765]);
    ws.addRow(['被截断的国标', '火灾探测器', '校区X', '2024/6/1', 31011500111340000000, null, null, null]);
    ws.addRow(['公式名', '火灾探测器', { formula: '"校区"&"X"', result: '校区X' }, '2024年6月1日', null, null, null, null]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = json<ImportReport>(await upload(director, buf, 'mode=preview&fileName=excel.xlsx', XLSX_MIME));
    assert.equal(r.sheet, 'Sheet1');
    assert.deepEqual(r.problems.map((p) => [p.row, p.column, p.rule]), [[3, '国标编码', 'gbNumber']]);
    assert.equal(r.valid, 2);

    // A CSV that Excel saved after showing the code as a number; serials with an E stay text.
    const sci = csvOf([HEADERS, row({ 名称: '科学计数', 设备类型: '门禁', 校区: '校区X', 国标编码: '3.10115E+19' }), row({ 名称: '宇视序列号', 设备类型: '门禁', 校区: '校区X', 序列号: '210235E5742177824869' })]);
    const s = json<ImportReport>(await upload(director, sci, 'mode=preview&fileName=sci.csv'));
    assert.deepEqual(s.problems.map((p) => [p.row, p.column, p.rule]), [[2, '国标编码', 'gbNumber']]);

    // "名称,设备类型,校区 / GBK门禁,门禁,校区X" as Excel saves a CSV on a Chinese Windows (GBK).
    const gbkBytes = Buffer.from('c3fbb3c62cc9e8b1b8c0e0d0cd2cd0a3c7f80d0a47424bc3c5bdfb2cc3c5bdfb2cd0a3c7f8580d0a', 'hex');
    const g = json<ImportReport>(await upload(director, gbkBytes, 'mode=preview&fileName=gbk.csv', 'application/vnd.ms-excel'));
    assert.deepEqual([g.rows, g.valid], [1, 1], JSON.stringify(g));
  });

  it('refuses unreadable, legacy, oversized and missing uploads clearly', async () => {
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    const legacy = await upload(director, xls, 'mode=preview&fileName=old.xls', 'application/vnd.ms-excel');
    assert.equal(legacy.statusCode, 400);
    assert.match(json(legacy).message, /legacy \.xls/);
    const broken = await upload(director, Buffer.from('PK\u0003\u0004garbage'), 'mode=preview&fileName=x.xlsx', XLSX_MIME);
    assert.equal(broken.statusCode, 400);
    assert.equal(json(broken).details[0].field, 'file');
    const big = await upload(director, Buffer.alloc(21 * 1024 * 1024, 0x41), 'mode=preview', 'text/csv');
    assert.equal(big.statusCode, 413);
    const none = await t.call(director, 'POST', '/api/devices/import?mode=preview', { file: 'x' });
    assert.equal(none.statusCode, 400);
    const empty = await upload(director, csvOf([HEADERS]), 'mode=commit&fileName=empty.csv');
    assert.equal(empty.statusCode, 400);
    assert.match(json(empty).message, /no device rows/);
  });
});

describe('CSV writing', () => {
  it('defuses a formula that starts like a negative number, keeps real negative numbers, and reads both back (issue 17, item 11)', async () => {
    const attack = "-1+cmd|'/c calc'!A1";
    async function* rows() {
      yield [attack, '-5', '-2.5', '=1+1'];
    }
    let text = '';
    for await (const chunk of csvStream(rows())) text += chunk;
    const line = text.split('\r\n')[1]!;
    assert.equal(line, `"'${attack}",-5,-2.5,"'=1+1"`);
    assert.deepEqual(parseCsv(line)[0]!.cells, [attack, '-5', '-2.5', '=1+1'], 'the import takes the guard off again');
  });
});

describe('CSV reading', () => {
  it('parses quotes, doubled quotes, line breaks in fields and the formula guard', () => {
    const rows = parseCsv('a,"b,1","say ""hi""","x\r\ny"\r\n\'=SUM(1),\'\'=x,-5,\'-5\r\n');
    assert.deepEqual(
      rows.map((r) => r.cells),
      [
        ['a', 'b,1', 'say "hi"', 'x\r\ny'],
        ['=SUM(1)', "'=x", '-5', "'-5"],
      ],
    );
    assert.deepEqual(rows.map((r) => r.row), [1, 2]);
  });
});
