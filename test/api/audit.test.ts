/** Every write records who, when, what, before and after; the log is append-only. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let director: string;

async function lastEntry(entityId: string) {
  const res = await t.call(await t.login('admin'), 'GET', `/api/audit?entityId=${entityId}&pageSize=1`);
  assert.equal(res.statusCode, 200, res.body);
  return json(res).items[0];
}

describe('audit log', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'Au');
    director = await t.login(U.users.security_director.username);
  });
  after(() => t.close());

  it('records create, update and delete of every entity with before and after', async () => {
    const writes: [string, string, unknown, string, string][] = [];
    const create = async (url: string, body: unknown, entity: string) => {
      const res = await t.call(director, 'POST', url, body);
      assert.equal(res.statusCode, 201, res.body);
      const id = json(res).id as string;
      writes.push(['create', url, body, id, entity]);
      return id;
    };
    const building = await create('/api/org-units', { kind: 'building', parentId: U.campusId, name: '审计楼', geometry: square(121.51, 31.31) }, 'org_unit');
    const site = await create('/api/key-sites', { campusId: U.campusId, name: '档案室', category: 'archives', geometry: square(121.51, 31.31, 0.0001) }, 'key_site');
    const device = await create('/api/devices', { name: '门禁1', kind: 'door', buildingId: building }, 'device');
    const user = await create('/api/users', { username: 'newop', displayName: '新值班员', password: 'password-123', role: 'operator' }, 'user');
    const record = await create(`/api/devices/${device}/maintenance`, { date: '2025-03-01', kind: 'repair', performedBy: '李工', notes: '更换读卡器' }, 'maintenance_record');

    for (const [, , body, id, entity] of writes) {
      const e = await lastEntry(id);
      assert.equal(e.action, 'create');
      assert.equal(e.entityType, entity);
      assert.equal(e.actorName, U.users.security_director.username);
      assert.equal(e.actorRole, 'security_director');
      assert.equal(e.universityId, U.universityId);
      assert.equal(e.before, null);
      assert.equal(e.after.id, id);
      assert.ok(Math.abs(t.clock.now() - Date.parse(e.at)) < 60_000, 'stamped by the app clock');
      if (entity === 'user') assert.equal(e.after.passwordHash, undefined, 'a password hash in the audit log');
      else assert.equal(e.after.name ?? e.after.performedBy, (body as { name?: string; performedBy?: string }).name ?? (body as { performedBy: string }).performedBy);
    }

    const patch = await t.call(director, 'PATCH', `/api/devices/${device}`, { name: '门禁1（东）', status: 'under_repair' });
    assert.equal(patch.statusCode, 200, patch.body);
    let e = await lastEntry(device);
    assert.equal(e.action, 'update');
    assert.equal(e.before.name, '门禁1');
    assert.equal(e.after.name, '门禁1（东）');
    assert.equal(e.after.status, 'under_repair');

    const del = await t.call(director, 'DELETE', `/api/devices/${device}`);
    assert.equal(del.statusCode, 204, del.body);
    e = await lastEntry(device);
    assert.equal(e.action, 'delete');
    assert.equal(e.before.name, '门禁1（东）');
    assert.equal(e.before.maintenance[0].id, record, 'the deleted maintenance history is kept in the audit log');

    const pw = await t.call(director, 'PATCH', `/api/users/${user}`, { password: 'another-pass-1' });
    assert.equal(pw.statusCode, 200);
    e = await lastEntry(user);
    assert.equal(e.after.password, '(changed)');
    assert.ok(!JSON.stringify(e).includes('another-pass-1'), 'a password in the audit log');

    await t.call(director, 'PATCH', `/api/key-sites/${site}`, { category: 'secrets_room' });
    e = await lastEntry(site);
    assert.deepEqual([e.before.category, e.after.category], ['archives', 'secrets_room']);
  });

  it('records logins and failed logins', async () => {
    const op = U.users.operator;
    await t.call(null, 'POST', '/api/auth/login', { username: op.username, password: 'wrong-password' });
    await t.login(op.username);
    const res = json(await t.call(await t.login('admin'), 'GET', `/api/audit?entityId=${op.id}&pageSize=5`));
    const actions = res.items.map((i: { action: string }) => i.action);
    assert.deepEqual(actions.slice(0, 2), ['login', 'login_failed']);
  });

  it('is readable by auditors (own university) and admins, and by no one else', async () => {
    const auditor = await t.login(U.users.auditor.username);
    const mine = await t.call(auditor, 'GET', '/api/audit?pageSize=500');
    assert.equal(mine.statusCode, 200);
    const items = json(mine).items as { universityId: string | null }[];
    assert.ok(items.length > 5);
    assert.ok(items.every((i) => i.universityId === U.universityId));
    for (const role of ['operator', 'guard', 'maintainer', 'security_director'] as const) {
      const res = await t.call(await t.login(U.users[role].username), 'GET', '/api/audit');
      assert.equal(res.statusCode, 403, `${role} read the audit log`);
    }
    assert.equal((await t.call(null, 'GET', '/api/audit')).statusCode, 401);
  });

  it('filters by entity type, action and time', async () => {
    const admin = await t.login('admin');
    const devices = json(await t.call(admin, 'GET', '/api/audit?entityType=device&pageSize=500')).items as { entityType: string }[];
    assert.ok(devices.length >= 3 && devices.every((i) => i.entityType === 'device'));
    const future = json(await t.call(admin, 'GET', `/api/audit?from=${encodeURIComponent(new Date(t.clock.now() + 3600_000).toISOString())}`));
    assert.equal(future.total, 0);
    const bad = await t.call(admin, 'GET', '/api/audit?from=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).details[0].field, 'from');
  });

  it('cannot be changed or deleted, even directly in the database', async () => {
    await assert.rejects(sql`UPDATE audit_log SET action = 'nothing'`.execute(t.store.db), /append-only/);
    await assert.rejects(sql`DELETE FROM audit_log`.execute(t.store.db), /append-only/);
    const routes = t.routes.filter((r) => r.url.startsWith('/api/audit'));
    assert.deepEqual(routes.map((r) => r.method), ['GET']);
  });
});
