/**
 * The people register (人员库) through HTTP on the real store: CRUD and field errors, masking in
 * every answer, unmask (permission, reason, audit), the commission's 403, and the Excel/CSV
 * import (row report, upsert by 学工号, card numbers unique per university).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import type { PeopleImportReport, Person } from '../../src/shared/people.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let V: UniversityFixture;
let director: string;
let operator: string;
let auditor: string;
let analyst: string;

// Valid resident id numbers (check digit per GB 11643).
const ID_1 = '11010519491231002X';
const ID_2 = '110101199003077774';

const csv = (rows: (string | null)[][]) => Buffer.from('\ufeff' + rows.map((r) => r.map((v) => v ?? '').join(',')).join('\r\n') + '\r\n');
const HEAD = ['姓名', '学工号', '类别', '院系部门', '身份证号', '手机号', '卡号', '状态', '有效期至'];

function upload(cookie: string, file: Buffer, query: string, type = 'text/csv'): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/people/import?${query}`, headers: { cookie, 'content-type': type }, payload: file });
}

/** A JSON column: text in SQLite, already parsed (jsonb) in PostgreSQL. */
const jsonOf = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

async function auditOf(action: string, entityId?: string) {
  let q = t.store.db.selectFrom('audit_log').selectAll().where('action', '=', action);
  if (entityId) q = q.where('entity_id', '=', entityId);
  return q.orderBy('id').execute();
}

describe('people register', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'U');
    V = await createUniversity(t.services, 'V', 121.43, 31.03);
    director = await t.login(U.users.security_director.username);
    operator = await t.login(U.users.operator.username);
    auditor = await t.login(U.users.auditor.username);
    await t.services.accounts.create(SYSTEM_ACTOR, { username: 'analyst', displayName: '分析员', password: PASSWORD, role: 'commission_analyst' });
    analyst = await t.login('analyst');
  });
  after(() => t.close());

  let personId: string;

  it('creates a person and answers masked id number and phone', async () => {
    const res = await t.call(director, 'POST', '/api/people', { kind: 'student', name: '张三', number: '2025000001', department: '计算机学院', idNumber: ID_1, phone: '13812345678', validUntil: '2029-07-31' });
    assert.equal(res.statusCode, 201, res.body);
    const p = json<Person>(res);
    personId = p.id;
    assert.equal(p.idNumber, '1101**********002X');
    assert.equal(p.phone, '138****5678');
    assert.equal(p.universityId, U.universityId);
    assert.equal(p.status, 'active');
    assert.ok(!res.body.includes(ID_1) && !res.body.includes('13812345678'));
    // Stored in full.
    const row = await t.store.db.selectFrom('people').select(['id_number', 'phone']).where('id', '=', p.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { id_number: ID_1, phone: '13812345678' });
    // The audit entry holds the masked view, not a second copy of the id number.
    const [entry] = await auditOf('create', p.id);
    assert.ok(entry && !JSON.stringify(entry.after).includes(ID_1));
  });

  it('names each invalid field (400, the devices error shape)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'student', number: '1' }, 'name'],
      [{ kind: 'student', name: '李四' }, 'number'],
      [{ kind: 'alien', name: '李四', number: '2' }, 'kind'],
      [{ kind: 'student', name: '李四', number: '2', idNumber: '110105194912310021' }, 'idNumber'],
      [{ kind: 'student', name: '李四', number: '2', phone: '12345' }, 'phone'],
      [{ kind: 'student', name: '李四', number: '2 3' }, 'number'],
      [{ kind: 'student', name: '李四', number: '2', validUntil: '2029-13-01' }, 'validUntil'],
      [{ kind: 'student', name: '李四', number: '2', status: 'gone' }, 'status'],
      [{ kind: 'student', name: '   ', number: '2' }, 'name'],
      [{ kind: 'student', name: '李四', number: '2', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await t.call(director, 'POST', '/api/people', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      const e = json(res);
      assert.equal(e.code, 'XIAOAN_VALIDATION_FAILED');
      assert.ok(e.details.some((d: { field: string }) => d.field === field), `${field} not named: ${res.body}`);
    }
  });

  it('refuses a 学工号 already registered in the university, allows it in another', async () => {
    const dup = await t.call(director, 'POST', '/api/people', { kind: 'staff', name: '王五', number: '2025000001' });
    assert.equal(dup.statusCode, 409);
    assert.equal(json(dup).details[0].field, 'number');
    const other = await t.call(await t.login(V.users.security_director.username), 'POST', '/api/people', { kind: 'staff', name: '王五', number: '2025000001' });
    assert.equal(other.statusCode, 201, other.body);
  });

  it('lists with search and filters, masked; detail masked', async () => {
    await t.call(director, 'POST', '/api/people', { kind: 'staff', name: '赵六', number: 'T1001', department: '保卫处', phone: '021-64001234' });
    const all = json(await t.call(operator, 'GET', '/api/people'));
    assert.equal(all.total, 2);
    assert.ok(all.items.every((p: Person) => p.universityId === U.universityId));
    const byName = json(await t.call(operator, 'GET', '/api/people?q=张'));
    assert.deepEqual(byName.items.map((p: Person) => p.number), ['2025000001']);
    const byNumber = json(await t.call(operator, 'GET', '/api/people?q=t10'));
    assert.deepEqual(byNumber.items.map((p: Person) => p.name), ['赵六']);
    assert.equal(byNumber.items[0].phone, '021*****1234');
    assert.equal(json(await t.call(operator, 'GET', '/api/people?kind=staff')).total, 1);
    assert.equal(json(await t.call(operator, 'GET', '/api/people?kind=staff,student&status=active')).total, 2);
    assert.equal(json(await t.call(operator, 'GET', `/api/people?department=${encodeURIComponent('保卫处')}`)).total, 1);
    const page = json(await t.call(operator, 'GET', '/api/people?pageSize=1&page=2&sort=number'));
    assert.equal(page.items.length, 1);
    assert.equal(page.items[0].number, 'T1001');
    const detail = await t.call(operator, 'GET', `/api/people/${personId}`);
    assert.equal(detail.statusCode, 200);
    assert.equal(json(detail).idNumber, '1101**********002X');
    assert.ok(!detail.body.includes(ID_1));
    assert.deepEqual(json(await t.call(operator, 'GET', '/api/people/departments')), ['保卫处', '计算机学院']);
  });

  it('updates: fields left out keep their value, null clears; operators cannot write', async () => {
    const res = await t.call(director, 'PUT', `/api/people/${personId}`, { name: '张三丰', phone: null });
    assert.equal(res.statusCode, 200, res.body);
    const p = json<Person>(res);
    assert.equal(p.name, '张三丰');
    assert.equal(p.phone, null);
    assert.equal(p.idNumber, '1101**********002X');
    assert.equal(p.department, '计算机学院');
    const bad = await t.call(director, 'PUT', `/api/people/${personId}`, { idNumber: '12345' });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).details[0].field, 'idNumber');
    assert.equal((await t.call(operator, 'PUT', `/api/people/${personId}`, { name: 'x' })).statusCode, 403);
    await t.call(director, 'PUT', `/api/people/${personId}`, { phone: '13812345678' });
  });

  let cardId: string;

  it('issues credentials masked; card numbers unique among active ones; face is a reference', async () => {
    const card = await t.call(director, 'POST', `/api/people/${personId}/credentials`, { kind: 'card', value: '3001234567' });
    assert.equal(card.statusCode, 201, card.body);
    cardId = json(card).id;
    assert.equal(json(card).value, '30******67');
    const other = json(await t.call(director, 'POST', '/api/people', { kind: 'contractor', name: '钱七', number: 'C-01' }));
    const taken = await t.call(director, 'POST', `/api/people/${other.id}/credentials`, { kind: 'card', value: '3001234567' });
    assert.equal(taken.statusCode, 409);
    assert.equal(json(taken).details[0].field, 'value');
    const image = await t.call(director, 'POST', `/api/people/${other.id}/credentials`, { kind: 'face', value: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' });
    assert.equal(image.statusCode, 400);
    assert.equal(json(image).details[0].field, 'value');
    assert.equal((await t.call(director, 'POST', `/api/people/${other.id}/credentials`, { kind: 'face', value: 'face-tpl-000123' })).statusCode, 201);
    const detail = json<Person>(await t.call(operator, 'GET', `/api/people/${personId}`));
    assert.deepEqual(detail.credentials.map((c) => [c.kind, c.value, c.status]), [['card', '30******67', 'active']]);
  });

  it('unmask needs person.unmask and a reason, answers raw values and audits the reason and fields', async () => {
    const url = `/api/people/${personId}/unmask`;
    assert.equal((await t.call(operator, 'POST', url, { reason: '核实身份信息', fields: ['idNumber'] })).statusCode, 403);
    assert.equal((await t.call(auditor, 'POST', url, { reason: '核实身份信息', fields: ['idNumber'] })).statusCode, 403);
    const noReason = await t.call(director, 'POST', url, { fields: ['idNumber'] });
    assert.equal(noReason.statusCode, 400);
    assert.ok(json(noReason).details.some((d: { field: string }) => d.field === 'reason'));
    const blank = await t.call(director, 'POST', url, { reason: '    ', fields: ['idNumber'] });
    assert.equal(blank.statusCode, 400);
    assert.equal(json(blank).details[0].field, 'reason');
    assert.equal((await auditOf('person.unmask')).length, 0, 'a refused unmask is not a look');

    const res = await t.call(director, 'POST', url, { reason: '门禁异常，核实持卡人', fields: ['idNumber', 'phone', 'credentials'] });
    assert.equal(res.statusCode, 200, res.body);
    const raw = json(res);
    assert.equal(raw.idNumber, ID_1);
    assert.equal(raw.phone, '13812345678');
    assert.deepEqual(raw.credentials.map((c: { value: string }) => c.value), ['3001234567']);
    const only = json(await t.call(director, 'POST', url, { reason: '回访电话', fields: ['phone'] }));
    assert.equal(only.phone, '13812345678');
    assert.equal(only.idNumber, undefined);

    const entries = await auditOf('person.unmask', personId);
    assert.equal(entries.length, 2);
    const first = jsonOf<{ reason: string; fields: string[] }>(entries[0]!.after);
    assert.equal(first.reason, '门禁异常，核实持卡人');
    assert.deepEqual(first.fields, ['idNumber', 'phone', 'credentials']);
    assert.equal(entries[0]!.entity_type, 'person');
    assert.equal(entries[0]!.actor_name, U.users.security_director.username);
  });

  it('the commission analyst sees no individual: 403 on every people route', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/people'],
      ['GET', `/api/people/${personId}`],
      ['POST', `/api/people/${personId}/unmask`, { reason: '统计需要', fields: ['idNumber'] }],
      ['POST', '/api/people', { kind: 'student', name: 'x', number: 'x1', universityId: U.universityId }],
      ['GET', '/api/people/import-template'],
    ] as const) {
      const res = await t.call(analyst, method, url, body);
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    }
  });

  it('revokes a credential; DELETE marks the person left, revokes the rest and keeps the record', async () => {
    const revoked = await t.call(director, 'POST', `/api/people/${personId}/credentials/${cardId}/revoke`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(json(revoked).status, 'revoked');
    // A revoked card may be issued again.
    assert.equal((await t.call(director, 'POST', `/api/people/${personId}/credentials`, { kind: 'card', value: '3001234567' })).statusCode, 201);
    const del = await t.call(director, 'DELETE', `/api/people/${personId}`);
    assert.equal(del.statusCode, 200, del.body);
    const p = json<Person>(del);
    assert.equal(p.status, 'left');
    assert.ok(p.credentials.every((c) => c.status === 'revoked'));
    assert.equal((await t.call(operator, 'GET', `/api/people/${personId}`)).statusCode, 200);
    assert.equal(json(await t.call(operator, 'GET', '/api/people?status=left')).total, 1);
  });

  describe('import', () => {
    it('gives the template with the Chinese headers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/people/import-template', headers: { cookie: operator } });
      assert.equal(res.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('人员名单')!;
      assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), HEAD);
      // The template's example row itself imports (it is a valid row).
      const preview = await upload(director, Buffer.from(res.rawPayload), 'mode=preview&fileName=t.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      assert.equal(preview.statusCode, 200, preview.body);
      assert.equal(json<PeopleImportReport>(preview).valid, 1);
    });

    const file = csv([
      HEAD,
      ['孙一', 'S2025001', '学生', '数学学院', ID_2, '13900001111', '4001000001', '', '2029-06-30'],
      ['周二', 'S2025002', '教职工', '物理学院', '', '', '4001000002', '在校在职', ''],
      ['吴三', 'S2025003', '学生', '', '110101199003077778', '', '4001000003', '', ''],
      ['郑四', 'S2025004', '保安', '', '', '12345', '', '', '2029/2/30'],
      ['王五', 'S2025005', '外包', '', '', '', '4001000001', '', ''],
    ]);

    it('previews with the row number and field of every problem, writing nothing', async () => {
      const res = await upload(director, file, 'mode=preview&fileName=people.csv');
      assert.equal(res.statusCode, 200, res.body);
      const r = json<PeopleImportReport>(res);
      assert.equal(r.rows, 5);
      // Rows 2 and 6 share a card number: both are refused.
      assert.equal(r.valid, 1);
      assert.equal(r.invalid, 4);
      assert.equal(r.created, 1);
      const at = (row: number, field: string) => r.problems.find((p) => p.row === row && p.field === field);
      assert.equal(at(4, 'idNumber')?.rule, 'checksum');
      assert.equal(at(4, 'idNumber')?.column, '身份证号');
      assert.equal(at(4, 'idNumber')?.value, undefined, 'id numbers are not echoed');
      assert.equal(at(5, 'kind')?.rule, 'enum');
      assert.equal(at(5, 'phone')?.rule, 'format');
      assert.equal(at(5, 'validUntil')?.rule, 'date');
      assert.equal(at(6, 'card')?.rule, 'duplicate');
      assert.equal(at(2, 'card')?.rule, 'duplicate');
      assert.equal(json(await t.call(operator, 'GET', '/api/people?q=S2025')).total, 0);
    });

    it('commit refuses while rows are invalid; onlyValid writes the valid rows with one audit entry', async () => {
      const refused = await upload(director, file, 'mode=commit');
      assert.equal(refused.statusCode, 400);
      assert.equal(json(refused).report.invalid, 4);
      const before = (await auditOf('import')).length;
      const res = await upload(director, file, 'mode=commit&onlyValid=true&fileName=people.csv');
      assert.equal(res.statusCode, 200, res.body);
      const r = json<PeopleImportReport>(res);
      assert.equal(r.created, 1);
      const imports = await auditOf('import');
      assert.equal(imports.length, before + 1);
      const counts = jsonOf<{ created: number; fileName: string }>(imports.at(-1)!.after);
      assert.equal(counts.created, 1);
      assert.equal(counts.fileName, 'people.csv');
      const list = json(await t.call(operator, 'GET', '/api/people?q=S2025'));
      assert.deepEqual(list.items.map((p: Person) => p.number), ['S2025002']);
      assert.equal(list.items[0].credentials[0].value, '40******02');
    });

    it('re-import updates by 学工号 instead of duplicating and replaces the card', async () => {
      const again = csv([
        HEAD,
        ['周二', 'S2025002', '教职工', '化学学院', '', '13700002222', '4001000099', '', ''],
        ['孙一', 'S2025001', '学生', '数学学院', ID_2, '13900001111', '4001000001', '', '2029-06-30'],
      ]);
      const res = await upload(director, again, 'mode=commit');
      assert.equal(res.statusCode, 200, res.body);
      const r = json<PeopleImportReport>(res);
      assert.equal(r.created, 1);
      assert.equal(r.updated, 1);
      assert.equal(r.cardsIssued, 2);
      const list = json(await t.call(operator, 'GET', '/api/people?q=S2025&sort=number'));
      assert.equal(list.total, 2);
      const zhou = list.items.find((p: Person) => p.number === 'S2025002');
      assert.equal(zhou.department, '化学学院');
      assert.equal(zhou.phone, '137****2222');
      assert.deepEqual(zhou.credentials.map((c: { value: string; status: string }) => [c.value, c.status]), [['40******02', 'revoked'], ['40******99', 'active']]);
      // Same file once more: nothing changes.
      const same = json<PeopleImportReport>(await upload(director, again, 'mode=commit'));
      assert.deepEqual([same.created, same.updated, same.cardsIssued], [0, 0, 0]);
    });

    it('card numbers are unique per university: another person’s active card is refused, another university may hold it', async () => {
      const clash = csv([HEAD, ['冯六', 'S2025006', '学生', '', '', '', '4001000099', '', '']]);
      const res = await upload(director, clash, 'mode=preview');
      const p = json<PeopleImportReport>(res).problems[0]!;
      assert.deepEqual([p.row, p.field, p.rule], [2, 'card', 'cardTaken']);
      const v = await upload(await t.login(V.users.security_director.username), clash, 'mode=commit');
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(json<PeopleImportReport>(v).cardsIssued, 1);
    });

    it('reports a missing required column and an unreadable file', async () => {
      const r = json<PeopleImportReport>(await upload(director, csv([['姓名', '类别'], ['陈七', '学生']]), 'mode=preview'));
      assert.ok(r.problems.some((p) => p.rule === 'missingColumn' && p.column === '学工号'));
      const bad = await upload(director, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'mode=preview&fileName=x.xls');
      assert.equal(bad.statusCode, 400);
      assert.equal(json(bad).details[0].field, 'file');
    });

    it('a university-bound account cannot import into another university', async () => {
      const res = await upload(director, csv([HEAD, ['越权', 'X1', '学生', '', '', '', '', '', '']]), `mode=commit&universityId=${V.universityId}`);
      assert.equal(res.statusCode, 400);
      assert.equal(json(res).details[0].field, 'universityId');
    });
  });
});
