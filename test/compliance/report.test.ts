/**
 * The inspection report (检查报告, issue 16 item 6) through the API: the PDF read back with pdf.js
 * (Chinese text, every rule, the footer, the blind-spot maps' site names), the workbook opened with
 * exceljs (a row per rule, a row per listed finding, a site's share as the coverage API gives it),
 * the Chinese file name, permission, scope and the audit entry.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type * as ExcelJS from 'exceljs';
import { MAX_FINDINGS_LISTED, type ComplianceScore, type CoverageReport } from '../../src/shared/compliance.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { BASELINE_PACK } from '../../src/server/modules/compliance/packs.ts';
import { SHEETS } from '../../src/server/modules/compliance/report.xlsx.ts';
import { loadExcelJS } from '../../src/server/util/spreadsheet.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { at, LAT0, LON0, rect } from './local-metres.ts';
import { pdfText } from '../helpers/pdf-text.ts';


let t: TestApp;
let U: UniversityFixture;
let other: UniversityFixture;
let director: string;
let officeId: string;

const binary = async (cookie: string, url: string) => {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, body: res.body };
};

describe('inspection report (PDF and Excel)', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'RP', LON0, LAT0);
    other = await createUniversity(t.services, 'RX', 121.6, 31.4);
    director = await t.login(U.users.security_director.username);
    const office = await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, buildingId: U.buildingId, name: '财务处', category: 'finance_office', geometry: rect(100, 0, 110, 10) });
    officeId = office.id;
    await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, name: '南门', category: 'gate', geometry: rect(200, 0, 220, 20) });
    await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, name: '危化品仓库', category: 'hazardous_lab', geometry: rect(300, 0, 340, 25) });
    const camera = (name: string, eastM: number, northM: number, extra: Record<string, unknown>, floor = true) =>
      t.services.devices.create(SYSTEM_ACTOR, { name, kind: 'camera', ...(floor ? { floorId: U.floorId } : { campusId: U.campusId }), ...at(eastM, northM), camera: { resolution: '1080p', type: 'fixed', ...extra } });
    await camera('财务处-1', 100, 0, { bearingDeg: 45, fovDeg: 90, rangeM: 10 });
    await camera('财务处-2', 105, 5, { fovDeg: 90, rangeM: 10 }); // no bearing: a dot on the map, never counted
    await t.services.devices.create(SYSTEM_ACTOR, { name: '财务处门', kind: 'door', floorId: U.floorId, ...at(103, 0) });
    await camera('南门-1', 200, 0, { bearingDeg: 45, fovDeg: 90, rangeM: 40 }, false);
    await t.services.devices.create(SYSTEM_ACTOR, { name: '南门道闸', kind: 'barrier_gate', campusId: U.campusId, ...at(210, 0) });
    await camera('危化品仓库-西', 300, 12, { bearingDeg: 90, fovDeg: 70, rangeM: 25 }, false);
    // Many SD cameras elsewhere: a rule with more findings than the PDF lists (另有 N 项).
    for (let i = 0; i < 40; i++) await camera(`标清-${i}`, 500 + i * 3, 100, { resolution: 'analog', bearingDeg: 0, fovDeg: 60, rangeM: 20 }, false);
  });
  after(() => t?.close());

  it('the PDF: Chinese file name, every rule, the evidence list capped, a map per site short of full coverage, the footer', async () => {
    const res = await binary(director, '/api/compliance/report.pdf');
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    const disposition = String(res.headers['content-disposition']);
    const fileName = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!);
    assert.match(fileName, /^校园技防检查报告-大学RP-\d{4}-\d{2}-\d{2}\.pdf$/);
    assert.match(disposition, /filename="compliance-report-\d{4}-\d{2}-\d{2}\.pdf"/);
    assert.equal(res.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    writeFileSync('/tmp/compliance-report.pdf', res.bytes);

    const { pages, text } = await pdfText(res.bytes);
    assert.ok(pages >= 3, `pages ${pages}`);
    const flat = text.replace(/\s+/g, '');
    for (const s of ['校园安全技术防范检查报告', '大学RP', '评估依据', BASELINE_PACK.title, '检查项目与结论', '问题清单', '重点部位盲区图', '财务处', '危化品仓库', '检查人', '被检查单位负责人', '由xiaoan根据平台数据自动生成', `共${pages}页`]) {
      assert.ok(flat.includes(s.replace(/\s+/g, '')), `the PDF says ${s}`);
    }
    for (const rule of BASELINE_PACK.rules) assert.ok(flat.includes(rule.id), `rule ${rule.id} in the table`);
    const score = json<ComplianceScore>(await t.call(director, 'GET', '/api/compliance/score'));
    assert.ok(flat.includes(`${Math.round(score.score * 10) / 10}/100`), 'the score as the page shows it');
    const hd = score.rules.find((r) => r.rule.id === 'S-HD')!.result;
    assert.ok(hd.findingsTotal > 30, `S-HD findings ${hd.findingsTotal}`);
    assert.ok(flat.includes(`另有${hd.findingsTotal - 30}项`), 'the evidence list is capped with 另有 N 项');
    // 南门 is fully covered: it gets no map (its name still appears in the findings? not as a map heading).
    assert.ok(!/\d+\.南门（/.test(flat), 'a fully covered site has no map');
  });

  it('the workbook: a row per rule, a row per listed finding, the sites as the coverage API gives them', async () => {
    const res = await binary(director, `/api/compliance/report.xlsx?campusId=${U.campusId}`);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(String(res.headers['content-disposition']))![1]!), /^校园技防检查报告-大学RP-.+-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const Excel = await loadExcelJS();
    const wb: ExcelJS.Workbook = new Excel.Workbook();
    await wb.xlsx.load(res.bytes as unknown as ExcelJS.Buffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), Object.values(SHEETS));
    const rowsOf = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      assert.equal(ws.views[0]?.state, 'frozen', `${name}: frozen header`);
      const rows: unknown[][] = [];
      ws.eachRow((row, n) => {
        if (n > 1) rows.push((row.values as unknown[]).slice(1));
      });
      return { header: (ws.getRow(1).values as unknown[]).slice(1), rows };
    };
    const score = json<ComplianceScore>(await t.call(director, 'GET', `/api/compliance/score?campusId=${U.campusId}`));
    const coverage = json<CoverageReport>(await t.call(director, 'GET', `/api/compliance/coverage?campusId=${U.campusId}`));

    const rules = rowsOf(SHEETS.rules);
    assert.deepEqual(rules.header.slice(0, 7), ['编号', '检查项目', '依据', '应/宜', '分值', '得分', '结论']);
    assert.equal(rules.rows.length, BASELINE_PACK.rules.length);
    assert.deepEqual(rules.rows.map((r) => r[0]), score.rules.map((r) => r.rule.id));

    const findings = rowsOf(SHEETS.findings);
    assert.equal(findings.rows.length, score.rules.reduce((n, r) => n + Math.min(r.result.findingsTotal, MAX_FINDINGS_LISTED), 0));
    assert.ok(findings.rows.some((r) => r[0] === 'S-HD' && r[2] === '设备' && String(r[3]).startsWith('标清-')));

    const sites = rowsOf(SHEETS.sites);
    assert.equal(sites.rows.length, coverage.sites.length);
    const office = coverage.sites.find((s) => s.siteId === officeId)!;
    const row = sites.rows.find((r) => r[0] === '财务处')!;
    assert.equal(row[1], '财务室');
    assert.equal(row[5], office.share, 'covered share as the coverage API gives it');
    assert.equal(row[6], office.identifiedShare);
    assert.equal(row[8], office.entrances.filter((e) => e.identifiedBy.length).length);
    assert.equal(row[9], office.entrances.length);
    assert.equal(row[10], '财务处-2');

    const summary = rowsOf(SHEETS.summary).rows;
    assert.equal(summary.find((r) => r[0] === '总分（满分 100）')?.[1], Math.round(score.score * 10) / 10);
  });

  it('the commission analyst and the auditor export too; a role without compliance.read is refused; scope and campus as for the score', async () => {
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'rp-analyst', displayName: '分析员', password: PASSWORD, role: 'commission_analyst' });
    const analyst = await t.login('rp-analyst');
    const named = await binary(analyst, `/api/compliance/report.xlsx?universityId=${U.universityId}`);
    assert.equal(named.status, 200, named.body);
    const unnamed = await t.call(analyst, 'GET', '/api/compliance/report.pdf');
    assert.equal(unnamed.statusCode, 400);
    assert.equal(json(unnamed).details[0].field, 'universityId');

    const auditor = await t.login(U.users.auditor.username);
    assert.equal((await binary(auditor, '/api/compliance/report.xlsx')).status, 200);
    const guard = await t.call(await t.login(U.users.guard.username), 'GET', '/api/compliance/report.pdf');
    assert.equal(guard.statusCode, 403, guard.body);

    // Another university's campus: not found, as GET /api/compliance/score answers.
    const foreign = await t.call(director, 'GET', `/api/compliance/report.pdf?campusId=${other.campusId}`);
    assert.equal(foreign.statusCode, 404, foreign.body);
    assert.equal((await t.call(director, 'GET', `/api/compliance/score?campusId=${other.campusId}`)).statusCode, 404);
    const unknownField = await t.call(director, 'GET', '/api/compliance/report.pdf?format=doc');
    assert.equal(unknownField.statusCode, 400);
    assert.equal(json(unknownField).details[0].field, 'format');

    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'compliance_report').execute();
    assert.ok(audit.length >= 4, `exports audited: ${audit.length}`);
    assert.ok(audit.every((a) => a.action === 'export'));
  });
});
