/**
 * The case file PDF of an alarm handled end to end (panic press → linkage dispatch → guard on
 * scene with a photo → notes, reset, close), read back with a real PDF parser (pdf.js): the
 * Chinese text, the ledger's names, the notes, the embedded font and photo; scope and permission.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../../shared/events.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../../../../test/helpers/test-app.ts';
import { waitFor } from '../../../../test/helpers/wait.ts';
import { bombPng, png } from '../../../../test/helpers/images.ts';
import { pdfText } from '../../../../test/helpers/pdf-text.ts';

let t: TestApp;
let U: UniversityFixture;
let X: UniversityFixture;


const M_PER_DEG_LAT = 111_195.08;
const near = (northM: number) => ({ lon: 121.5, lat: 31.3 + northM / M_PER_DEG_LAT });

describe('alarm case file (PDF)', () => {
  let alarmId: string;
  let operator: string;

  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'CF');
    X = await createUniversity(t.services, 'CX', 121.43, 31.03);
    const button = await t.services.devices.create(SYSTEM_ACTOR, { name: '图书馆三楼紧急求助按钮', kind: 'panic_button', gbId: '31011500111340000042', areaId: U.areaId, ...near(0) });
    const guard = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'cf-guard', displayName: '王保安', password: PASSWORD, role: 'guard', universityId: U.universityId });
    const phone = await t.login('cf-guard');
    assert.equal((await t.call(phone, 'POST', '/api/my/position', { ...near(60), accuracyM: 5 })).statusCode, 204);

    // A panic press: the default rule makes a latched alarm, links cameras and sends the guard.
    const now = t.clock.nowIso();
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: 'cf-1', orgId: U.universityId, deviceId: button.id, kind: 'panic', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.alarmConsumer.settled();
    alarmId = (await t.store.db.selectFrom('alarms').select('id').where('device_id', '=', button.id).executeTakeFirstOrThrow()).id;
    operator = await t.login(U.users.operator.username);
    const ok = async <R extends { statusCode: number; body: string }>(p: Promise<R>, status = 200): Promise<R> => {
      const res = await p;
      assert.equal(res.statusCode, status, res.body);
      return res;
    };
    const dispatchId: string = await waitFor('the linkage to dispatch the guard', async () => json(await t.call(phone, 'GET', '/api/my/dispatches'))[0]?.id);

    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/video`, {}));
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/callback`, { note: '已回拨求助人，学生称同学晕倒' }));
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/dispatch`, {}));
    await ok(t.call(phone, 'POST', `/api/my/dispatches/${dispatchId}/steps`, { step: 'accept' }));
    await ok(t.call(phone, 'POST', `/api/my/dispatches/${dispatchId}/steps`, { step: 'arrive' }));
    const photo = await ok(t.app.inject({ method: 'POST', url: `/api/my/dispatches/${dispatchId}/photos`, headers: { cookie: phone, 'content-type': 'image/png' }, payload: png(320, 200) }), 201);
    await ok(t.call(phone, 'POST', `/api/my/dispatches/${dispatchId}/sop/onsite`, { note: '学生低血糖晕倒，已联系120送医', photoId: json(photo).id }));
    await ok(t.call(phone, 'POST', `/api/my/dispatches/${dispatchId}/steps`, { step: 'finish', note: '已移交120，现场恢复正常' }));
    // Photos stored before uploads were checked (issue 17): damaged PNG data, a fake WebP and a
    // 2.4 KB PNG declaring 60000 × 60000 pixels. The case file lists them and draws none.
    for (const [i, bytes] of [png(8, 8, Buffer.from('not deflate data')), Buffer.from('RIFF0000WEBPVP8 '), bombPng(60_000, 60_000, 8)].entries()) {
      await t.store.db
        .insertInto('alarm_photos')
        .values({ id: `legacy-${i}`, alarm_id: alarmId, content_type: i === 1 ? 'image/webp' : 'image/png', bytes, size: bytes.length, uploaded_by: U.users.operator.id, at: t.clock.nowIso() })
        .execute();
    }
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/reset`, { note: '现场确认安全，复位求助按钮' }));
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/reset`, {}));
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/sop/record`, { note: '学生突发低血糖，保安3分钟到场，送医后无大碍' }));
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/steps`, { step: 'close' }));
    // Later findings belong to the case file too; characters the font lacks must not break it.
    await ok(t.call(operator, 'POST', `/api/alarms/${alarmId}/notes`, { note: '事后补充：监控录像已刻盘归档 😀𠀀' }), 204);
  });
  after(() => t.close());

  it('exports the whole record as a PDF with the Chinese font embedded', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/alarms/${alarmId}/case-file.pdf`, headers: { cookie: operator } });
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.equal(res.headers['content-type'], 'application/pdf');
    const disposition = String(res.headers['content-disposition']);
    assert.match(disposition, /^attachment; filename="alarm-case-file-\d{4}-\d{4}-0001-[0-9a-f-]+\.pdf"; filename\*=UTF-8''/, 'named by the case number (the first alarm of its day)');
    assert.ok(disposition.includes(alarmId), disposition);
    assert.ok(decodeURIComponent(disposition.split("UTF-8''")[1]!).startsWith('报警案卷-'), disposition);
    const pdf = res.rawPayload;
    if (process.env.XIAOAN_CASE_FILE_OUT) writeFileSync(process.env.XIAOAN_CASE_FILE_OUT, pdf); // to look at it (docs/screenshots/case-file.png)
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const raw = pdf.toString('latin1');
    assert.ok(raw.includes('/FontFile2'), 'the TrueType font is embedded');
    assert.match(raw, /\/BaseFont \/[A-Z]{6}\+NotoSansSC/, 'as a subset of Noto Sans SC');
    assert.ok(raw.includes('/Subtype /Image'), 'the photo is embedded');

    const { text, pages } = await pdfText(pdf);
    const squeezed = text.replace(/\s+/g, '');
    for (const expected of [
      '报警处置记录',
      '大学CF', // university, from the org ledger
      '图书馆三楼紧急求助按钮', // device name, from the device ledger
      '校区CF/教学楼CF/1F/大厅CF', // place names
      '紧急求助', // alarm type label
      '已关闭', // final state
      '时间线',
      '触发事件',
      '联动规则与动作',
      '紧急求助报警（24小时布防）', // the rule that fired
      '1级优先，需人工复位', // what the create_alarm action did, in Chinese (trace code, not the English detail)
      '处置程序',
      '出警',
      '王保安', // the guard
      '照片',
      '学生低血糖晕倒，已联系120送医', // SOP note
      '现场确认安全，复位求助按钮', // reset note
      '事后补充：监控录像已刻盘归档', // a note after closing
      'operatorCF', // who closed it / who generated it
      '第1页/共',
      '照片无法嵌入', // damaged and WebP photos are listed, not drawn
      '案件编号',
      '国标编码：31011500111340000042', // the device's GB/T 28181 id
      '值班员签字',
      '值班领导签字',
    ])
      assert.ok(squeezed.includes(expected), `the PDF text lacks ${expected}`);
    assert.ok(pages >= 2, `expected the photos to need a second page, got ${pages}`);
    const caseNo = json(await t.call(operator, 'GET', `/api/alarms/${alarmId}`)).caseNo as string;
    assert.match(caseNo, /^\d{4}-\d{4}-0001$/);
    assert.ok(squeezed.includes(caseNo), `the PDF names case ${caseNo}`);

    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').where('entity_id', '=', alarmId).execute();
    assert.equal(audit.length, 1, 'the export is audited');
    assert.equal(audit[0]!.entity_type, 'alarm');
    assert.equal(audit[0]!.university_id, U.universityId);
  });

  it('is 404 for another university’s alarm, 403 without alarm.read, 401 without a session', async () => {
    const url = `/api/alarms/${alarmId}/case-file.pdf`;
    const other = await t.call(await t.login(X.users.operator.username), 'GET', url);
    assert.equal(other.statusCode, 404);
    assert.equal(json(other).code, 'XIAOAN_NOT_FOUND');
    assert.ok(!other.body.includes(U.universityId));
    assert.equal((await t.call(await t.login('cf-guard'), 'GET', url)).statusCode, 403);
    assert.equal((await t.call(await t.login(U.users.maintainer.username), 'GET', url)).statusCode, 403);
    assert.equal((await t.call(null, 'GET', url)).statusCode, 401);
    assert.equal((await t.call(operator, 'GET', '/api/alarms/no-such-alarm/case-file.pdf')).statusCode, 404);
    const audited = await t.store.db.selectFrom('audit_log').select('id').where('action', '=', 'export').where('entity_type', '=', 'alarm').execute();
    assert.equal(audited.length, 1, 'refused exports are not audited');
  });
});
