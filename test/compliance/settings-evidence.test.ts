/**
 * Pack parameters and evidence (issue 16 item 1) through the API: a university tightens its pack
 * (never loosens it), uploads a document or a site-visit record for S-UPS-1H and S-ROOM, a
 * reviewer other than the uploader accepts or rejects it, and the score follows; snapshots replay
 * with the parameters and evidence they were taken with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ComplianceScore, SnapshotReplay } from '../../src/shared/compliance.ts';
import type { ComplianceSettings, Evidence } from '../../src/shared/compliance-evidence.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { BASELINE_PACK } from '../../src/server/modules/compliance/packs.ts';
import { bombPng, png } from '../helpers/images.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let other: UniversityFixture;
let director: string;
let auditor: string;
let analyst: string;
let admin: string;
let otherDirector: string;

/** A minimal, valid one-page PDF. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
    `<< /Length ${text.length + 24} >>\nstream\nBT /F1 12 Tf 10 50 Td (${text}) Tj ET\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const upload = (cookie: string, body: Record<string, unknown>) => t.call(cookie, 'POST', '/api/compliance/evidence', { note: '', ...body });
const score = async (cookie = director) => json<ComplianceScore>(await t.call(cookie, 'GET', '/api/compliance/score'));
const ruleOf = (s: ComplianceScore, id: string) => s.rules.find((r) => r.rule.id === id)!;
const ROOM_OK = { areaM2: 36, temperatureC: 22, humidityPct: 50, illuminanceLx: 450 };

describe('compliance pack parameters and evidence', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'PE');
    other = await createUniversity(t.services, 'PX', 121.6, 31.4);
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'analyst_pe', displayName: '市教委分析员', password: PASSWORD, role: 'commission_analyst' });
    director = await t.login(U.users.security_director.username);
    auditor = await t.login(U.users.auditor.username);
    analyst = await t.login('analyst_pe');
    admin = await t.login('admin');
    otherDirector = await t.login(other.users.security_director.username);
  });
  after(() => t?.close());

  it('tightens a parameter; refuses loosening, unknown rules and parameters, and out-of-bound values naming the field', async () => {
    const baseline = json<ComplianceSettings>(await t.call(director, 'GET', '/api/compliance/settings'));
    assert.deepEqual(baseline.overrides, {});
    const ret90 = baseline.rules.find((r) => r.ruleId === 'S-RET-90')!.params.find((p) => p.name === 'days')!;
    assert.deepEqual({ baseline: ret90.baseline, stricter: ret90.stricter, min: ret90.min }, { baseline: 90, stricter: 'higher', min: 90 });

    const loosen = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-RET-90': { days: 60 } } });
    assert.equal(loosen.statusCode, 400, loosen.body);
    assert.deepEqual(json(loosen).details.map((d: { field: string; reason: string }) => [d.field, d.reason]), [['params.S-RET-90.days', '只能收紧：不得低于规则包的 90']]);
    const perimeter = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-PERIM-200': { maxLengthM: 250 } } });
    assert.equal(json(perimeter).details[0].field, 'params.S-PERIM-200.maxLengthM');
    assert.match(json(perimeter).details[0].reason, /只能收紧：不得高于规则包的 200/);
    const unknownParam = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-RET-90': { weeks: 20 } } });
    assert.equal(unknownParam.statusCode, 400);
    assert.equal(json(unknownParam).details[0].field, 'params.S-RET-90.weeks');
    assert.match(json(unknownParam).details[0].reason, /未知参数/);
    const unknownRule = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-NOPE': { days: 1 } } });
    assert.equal(json(unknownRule).details[0].field, 'params.S-NOPE');
    const tooFar = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-COVER': { minShare: 1.5 } } });
    assert.equal(json(tooFar).details[0].field, 'params.S-COVER.minShare');
    const fixed = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-DUTY24': { lookaheadDays: 14 } } });
    assert.equal(json(fixed).details[0].field, 'params.S-DUTY24.lookaheadDays');
    // The auditor reads the settings but does not change them.
    assert.equal((await t.call(auditor, 'PUT', '/api/compliance/settings', { params: {} })).statusCode, 403);

    const ok = await t.call(director, 'PUT', '/api/compliance/settings', { params: { 'S-RET-90': { days: 180 }, 'S-RET-30': { days: 30 } } });
    assert.equal(ok.statusCode, 200, ok.body);
    const tightened = json<ComplianceSettings>(ok);
    assert.deepEqual(tightened.overrides, { 'S-RET-90': { days: 180 } }, 'a value equal to the pack’s is dropped');
    const s = await score();
    assert.equal(s.pack.version, '2026.2+tightened');
    const r90 = ruleOf(s, 'S-RET-90');
    assert.equal(r90.rule.params.days, 180);
    assert.deepEqual(r90.rule.baselineParams, { days: 90 });
    assert.equal(ruleOf(s, 'S-RET-30').rule.baselineParams, undefined);
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'compliance_settings').execute();
    assert.equal(audit.length, 1);
    // Another university keeps the baseline.
    assert.equal((await score(otherDirector)).pack.version, BASELINE_PACK.version);
  });

  it('stores a PDF and a PNG (as JPEG); refuses a text file named .pdf, an oversized file and an over-dimension image, naming the file', async () => {
    const doc = await upload(director, { ruleId: 'S-UPS-1H', note: 'UPS 配置与放电测试报告', fileName: 'ups.pdf', content: pdf('UPS 2h').toString('base64') });
    assert.equal(doc.statusCode, 201, doc.body);
    const d = json<Evidence>(doc);
    assert.deepEqual([d.contentType, d.status, d.uploadedBy], ['application/pdf', 'submitted', U.users.security_director.id]);
    const file = await t.call(director, 'GET', `/api/compliance/evidence/${d.id}/file`);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.deepEqual(file.rawPayload, pdf('UPS 2h'));

    const photo = await upload(director, { ruleId: 'S-ROOM', note: '现场核查', fileName: 'room.png', content: png(64, 48).toString('base64'), facts: ROOM_OK });
    assert.equal(photo.statusCode, 201, photo.body);
    assert.deepEqual([json<Evidence>(photo).contentType, json<Evidence>(photo).fileName], ['image/jpeg', 'room.jpg']);
    assert.equal((await t.call(auditor, 'GET', `/api/compliance/evidence/${json<Evidence>(photo).id}/file`)).headers['content-type'], 'image/jpeg');

    const count = async () => (await t.store.db.selectFrom('compliance_evidence').select('id').execute()).length;
    const before = await count();
    const text = await upload(director, { ruleId: 'S-UPS-1H', fileName: 'fake.pdf', content: Buffer.from('just some text, not a PDF').toString('base64') });
    assert.equal(text.statusCode, 400);
    assert.equal(json(text).details[0].field, 'file');
    const bomb = await upload(director, { ruleId: 'S-ROOM', fileName: 'huge.png', content: bombPng(60000, 60000, 4).toString('base64'), facts: ROOM_OK });
    assert.equal(bomb.statusCode, 400);
    assert.equal(json(bomb).details[0].field, 'file');
    assert.match(json(bomb).details[0].reason, /60000 × 60000/);
    const big = Buffer.concat([pdf('x'), Buffer.alloc(10 * 1024 * 1024)]);
    const oversized = await upload(director, { ruleId: 'S-UPS-1H', fileName: 'big.pdf', content: big.toString('base64') });
    assert.equal(oversized.statusCode, 400, oversized.body.slice(0, 300));
    assert.equal(json(oversized).details[0].field, 'file');
    assert.match(json(oversized).details[0].reason, /超过 10 MB/);
    assert.equal(await count(), before, 'nothing of a refused file is kept');

    const noFacts = await upload(director, { ruleId: 'S-ROOM', fileName: 'room.pdf', content: pdf('room').toString('base64') });
    assert.equal(json(noFacts).details[0].field, 'facts');
    const badFacts = await upload(director, { ruleId: 'S-ROOM', fileName: 'room.pdf', content: pdf('room').toString('base64'), facts: { ...ROOM_OK, humidityPct: 140 } });
    assert.equal(json(badFacts).details[0].field, 'facts.humidityPct');
    const systemRule = await upload(director, { ruleId: 'S-HD', fileName: 'x.pdf', content: pdf('x').toString('base64') });
    assert.equal(json(systemRule).details[0].field, 'ruleId');
    assert.equal((await upload(auditor, { ruleId: 'S-UPS-1H', fileName: 'x.pdf', content: pdf('x').toString('base64') })).statusCode, 403);
  });

  it('judges from the latest evidence: pending has no data, accepted passes and the score gains the rule’s points, rejected fails with the reason', async () => {
    const s0 = await score();
    assert.equal(ruleOf(s0, 'S-UPS-1H').result.status, 'no_data');
    assert.equal(ruleOf(s0, 'S-UPS-1H').result.missing, '材料待审核');
    const [ups] = json<Evidence[]>(await t.call(auditor, 'GET', '/api/compliance/evidence?ruleId=S-UPS-1H'));
    const accepted = await t.call(auditor, 'POST', `/api/compliance/evidence/${ups!.id}/review`, { decision: 'accept' });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(json<Evidence>(accepted).reviewedBy, U.users.auditor.id);
    const s1 = await score();
    assert.equal(ruleOf(s1, 'S-UPS-1H').result.status, 'pass');
    assert.equal(s1.earned - s0.earned, 3);
    assert.equal(s1.score, Math.round((1000 * (s0.earned + 3)) / s1.possible) / 10);
    assert.equal((await t.call(auditor, 'POST', `/api/compliance/evidence/${ups!.id}/review`, { decision: 'reject', reason: '再审' })).statusCode, 409);

    // The commission (city-wide) reviews the room: accepted, its facts judged against the params.
    const small = json<Evidence>(await upload(director, { ruleId: 'S-ROOM', fileName: 'room2.pdf', content: pdf('room').toString('base64'), facts: { areaM2: 8, temperatureC: 33, humidityPct: 50, illuminanceLx: 500 } }));
    assert.equal((await t.call(analyst, 'POST', `/api/compliance/evidence/${small.id}/review`, { decision: 'accept' })).statusCode, 200);
    const room = ruleOf(await score(), 'S-ROOM').result;
    assert.deepEqual([room.status, room.earned, room.findings.map((f) => f.name)], ['partial', 1, ['面积', '温度']]);

    // A rejection needs a reason and fails the rule with it.
    const again = json<Evidence>(await upload(director, { ruleId: 'S-UPS-1H', fileName: 'ups2.pdf', content: pdf('UPS 0.5h').toString('base64') }));
    assert.equal(json(await t.call(auditor, 'POST', `/api/compliance/evidence/${again.id}/review`, { decision: 'reject' })).details[0].field, 'reason');
    assert.equal((await t.call(auditor, 'POST', `/api/compliance/evidence/${again.id}/review`, { decision: 'reject', reason: '放电测试仅 30 分钟，不足 1 小时' })).statusCode, 200);
    const ups2 = ruleOf(await score(), 'S-UPS-1H').result;
    assert.equal(ups2.status, 'fail');
    assert.match(ups2.findings[0]!.detail, /放电测试仅 30 分钟/);
  });

  it('refuses a review of one’s own upload, naming the rule', async () => {
    const mine = json<Evidence>(await upload(admin, { universityId: U.universityId, ruleId: 'S-UPS-1H', fileName: 'ups3.pdf', content: pdf('UPS').toString('base64') }));
    const res = await t.call(admin, 'POST', `/api/compliance/evidence/${mine.id}/review`, { decision: 'accept' });
    assert.equal(res.statusCode, 403);
    assert.match(json(res).message, /S-UPS-1H/);
    const actions = (await t.store.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'compliance_evidence').execute()).map((r) => r.action);
    assert.ok(actions.includes('upload') && actions.includes('accept') && actions.includes('reject'), actions.join());
  });

  it('keeps another university’s evidence out of sight', async () => {
    const [theirs] = json<Evidence[]>(await t.call(director, 'GET', '/api/compliance/evidence'));
    assert.deepEqual(json<Evidence[]>(await t.call(otherDirector, 'GET', '/api/compliance/evidence')), []);
    assert.equal((await t.call(otherDirector, 'GET', `/api/compliance/evidence/${theirs!.id}/file`)).statusCode, 404);
    assert.equal((await t.call(await t.login(other.users.auditor.username), 'POST', `/api/compliance/evidence/${theirs!.id}/review`, { decision: 'accept' })).statusCode, 404);
  });

  it('replays a snapshot with the parameters and evidence it was taken with, after the settings change', async () => {
    const snap = await t.services.compliance.takeSnapshot(U.universityId);
    assert.equal(snap.packVersion, '2026.2+tightened');
    assert.equal((await t.call(director, 'PUT', '/api/compliance/settings', { params: {} })).statusCode, 200);
    const pending = json<Evidence>(await upload(director, { ruleId: 'S-UPS-1H', fileName: 'ups4.pdf', content: pdf('UPS').toString('base64') }));
    assert.equal((await t.call(auditor, 'POST', `/api/compliance/evidence/${pending.id}/review`, { decision: 'accept' })).statusCode, 200);
    const now = await score();
    assert.equal(now.pack.version, BASELINE_PACK.version);
    const replay = json<SnapshotReplay>(await t.call(director, 'GET', `/api/compliance/snapshots/${snap.id}/replay`));
    assert.equal(replay.identical, true);
    assert.equal(replay.recomputed.score, snap.score);
    assert.equal(replay.recomputed.pack.version, '2026.2+tightened');
    assert.equal(ruleOf(replay.recomputed, 'S-RET-90').rule.params.days, 180);
    assert.equal(ruleOf(now, 'S-UPS-1H').result.status, 'pass');
    assert.equal(ruleOf(replay.recomputed, 'S-UPS-1H').result.status, 'no_data', 'the evidence as it stood then (the admin’s upload pending)');
  });
});
