/** Tour groups (轮巡组) of the video wall: saved per university, checked camera by camera, audited, shared by its seats. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

describe('tour groups of the video wall', () => {
  let t: TestApp;
  let U: UniversityFixture;
  let other: UniversityFixture;
  let operator: string;
  const cams: string[] = [];
  let door: string;
  let foreignCamera: string;

  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'TG');
    other = await createUniversity(t.services, 'TH', 121.6, 31.4);
    operator = await t.login(U.users.operator.username);
    for (const name of ['南门 1', '南门 2', '图书馆 大厅']) cams.push((await t.services.devices.create(SYSTEM_ACTOR, { name, kind: 'camera', campusId: U.campusId, camera: { resolution: '1080p', type: 'fixed' } })).id);
    door = (await t.services.devices.create(SYSTEM_ACTOR, { name: '机房门禁', kind: 'door', campusId: U.campusId })).id;
    foreignCamera = (await t.services.devices.create(SYSTEM_ACTOR, { name: '别校摄像机', kind: 'camera', campusId: other.campusId, camera: { resolution: '1080p', type: 'fixed' } })).id;
  });
  after(() => t.close());

  it('saves a group that every seat of the university sees, and audits it', async () => {
    const res = await t.call(operator, 'POST', '/api/tour-groups', { name: ' 南门巡视 ', cameraIds: cams, layout: 4, intervalS: 20 });
    assert.equal(res.statusCode, 201, res.body);
    const group = json(res);
    assert.equal(group.name, '南门巡视', 'the name is trimmed');
    assert.deepEqual(group.cameraIds, cams, 'cameras in the order given');
    const director = await t.login(U.users.security_director.username);
    assert.deepEqual(json(await t.call(director, 'GET', '/api/tour-groups')).map((g: { id: string }) => g.id), [group.id], 'another seat sees it');
    assert.deepEqual(json(await t.call(await t.login(other.users.operator.username), 'GET', '/api/tour-groups')), [], 'another university does not');
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'entity_type']).where('entity_id', '=', group.id).execute();
    assert.deepEqual(audit, [{ action: 'create', entity_type: 'tour_group' }]);

    const changed = await t.call(operator, 'PUT', `/api/tour-groups/${group.id}`, { name: '南门巡视', cameraIds: cams.slice(0, 2), layout: 1, intervalS: 10 });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(json(changed).cameraIds, cams.slice(0, 2));
    assert.equal((await t.call(await t.login(other.users.operator.username), 'DELETE', `/api/tour-groups/${group.id}`)).statusCode, 404, 'another university cannot touch it');
    assert.equal((await t.call(operator, 'DELETE', `/api/tour-groups/${group.id}`)).statusCode, 204);
    assert.deepEqual(json(await t.call(operator, 'GET', '/api/tour-groups')), []);
  });

  it('refuses a camera of another university, a device that is not a camera, a taken name, bad settings, and who may not steer video', async () => {
    const refused = async (body: object, status: number, field: string) => {
      const res = await t.call(operator, 'POST', '/api/tour-groups', body);
      assert.equal(res.statusCode, status, res.body);
      assert.equal(json(res).details[0]?.field, field, res.body);
    };
    const good = { name: '夜间巡视', cameraIds: [cams[0]], layout: 4, intervalS: 30 };
    await refused({ ...good, cameraIds: [cams[0], foreignCamera] }, 400, 'cameraIds[1]');
    await refused({ ...good, cameraIds: [door] }, 400, 'cameraIds[0]');
    await refused({ ...good, layout: 6 }, 400, 'layout');
    await refused({ ...good, intervalS: 7 }, 400, 'intervalS');
    await refused({ ...good, cameraIds: [] }, 400, 'cameraIds');
    assert.equal((await t.call(operator, 'POST', '/api/tour-groups', good)).statusCode, 201);
    await refused(good, 409, 'name');
    assert.equal((await t.call(await t.login(U.users.guard.username), 'POST', '/api/tour-groups', { ...good, name: '保安' })).statusCode, 403);
  });

  it("a city-wide account saves a group for the university of its cameras, one university per group", async () => {
    const admin = await t.login('admin');
    const res = await t.call(admin, 'POST', '/api/tour-groups', { name: '市局抽查', cameraIds: cams.slice(0, 2), layout: 4, intervalS: 60 });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(json(res).universityId, U.universityId);
    const mixed = await t.call(admin, 'POST', '/api/tour-groups', { name: '混合', cameraIds: [cams[0], foreignCamera], layout: 4, intervalS: 60 });
    assert.equal(mixed.statusCode, 400);
    assert.equal(json(mixed).details[0].field, 'cameraIds[1]');
  });
});
