/** The device ledger and the organization it hangs on: CRUD, filters, search, sort, paging. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let t: TestApp;
let U: UniversityFixture;
let c: string;

describe('device ledger', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'L');
    c = await t.login(U.users.security_director.username);
    const kinds = ['door', 'fire_detector', 'panic_button', 'turnstile'] as const;
    for (let i = 0; i < 40; i++) {
      const res = await t.call(c, 'POST', '/api/devices', {
        name: `设备-${String(i).padStart(2, '0')}`,
        kind: kinds[i % 4],
        status: i % 10 === 0 ? 'under_repair' : 'in_service',
        buildingId: U.buildingId,
        vendor: i % 2 ? '海康威视' : '大华',
        serial: `SN${1000 + i}`,
        installDate: `20${10 + (i % 15)}-06-01`,
        ip: `10.8.0.${i + 1}`,
      });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t.close());

  const list = async (query: string) => {
    const res = await t.call(c, 'GET', `/api/devices?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return json(res) as { items: { name: string; kind: string; status: string; installDate: string; vendor: string }[]; total: number; page: number; pageSize: number };
  };

  it('filters by kind and status, with totals over all pages', async () => {
    const doors = await list('kind=door&pageSize=3');
    assert.equal(doors.total, 10);
    assert.equal(doors.items.length, 3);
    assert.ok(doors.items.every((d) => d.kind === 'door'));
    const two = await list('kind=door,turnstile&status=in_service');
    assert.equal(two.total, 20 - 2 /* i=0 and i=20 are doors under repair */);
    assert.equal((await list('kind=door&kind=turnstile')).total, 20);
    assert.equal((await list(`buildingId=${U.buildingId}`)).total, 41); // + the fixture camera
    assert.equal((await list(`areaId=${U.areaId}`)).total, 1);
  });

  it('searches name, serial, IP and vendor, case-insensitively', async () => {
    assert.equal((await list('q=sn1007')).total, 1);
    assert.equal((await list('q=10.8.0.1')).total, 11); // .1, .10–.19
    assert.equal((await list('q=海康')).total, 20);
    assert.equal((await list('q=100%25')).total, 0, 'a % in the search is literal');
  });

  it('sorts and pages stably', async () => {
    const asc = await list('kind=door,fire_detector,panic_button,turnstile&sort=name&pageSize=15');
    assert.equal(asc.items[0].name, '设备-00');
    const page3 = await list('kind=door,fire_detector,panic_button,turnstile&sort=name&pageSize=15&page=3');
    assert.deepEqual(page3.items.map((d) => d.name), ['设备-30', '设备-31', '设备-32', '设备-33', '设备-34', '设备-35', '设备-36', '设备-37', '设备-38', '设备-39']);
    const byDate = await list('sort=installDate&order=desc&kind=door,fire_detector,panic_button,turnstile&pageSize=1');
    assert.equal(byDate.items[0].installDate, '2024-06-01');
  });

  it('PATCH changes only the fields given; null clears', async () => {
    const created = json(await t.call(c, 'POST', '/api/devices', { name: '球机', kind: 'camera', buildingId: U.buildingId, vendor: '宇视', camera: { resolution: '1080p', type: 'ptz', fovDeg: 90 } }));
    assert.equal(created.campusId, U.campusId, 'campus derived from the building');
    const p1 = json(await t.call(c, 'PATCH', `/api/devices/${created.id}`, { camera: { resolution: '4k' }, vendor: null }));
    assert.equal(p1.camera.resolution, '4k');
    assert.equal(p1.camera.type, 'ptz');
    assert.equal(p1.camera.fovDeg, 90);
    assert.equal(p1.vendor, null);
    assert.equal(p1.name, '球机');
    const moved = json(await t.call(c, 'PATCH', `/api/devices/${created.id}`, { floorId: U.floorId }));
    assert.equal(moved.buildingId, U.buildingId);
    const toDoor = await t.call(c, 'PATCH', `/api/devices/${created.id}`, { kind: 'door' });
    assert.equal(toDoor.statusCode, 200, toDoor.body);
    assert.equal(json(toDoor).camera, null, 'camera fields dropped when the kind no longer has them');
  });

  it('keeps maintenance records per device, newest first', async () => {
    const maintainer = await t.login(U.users.maintainer.username);
    for (const [date, kind] of [['2024-01-05', 'inspection'], ['2025-02-10', 'repair'], ['2023-07-01', 'cleaning']]) {
      const res = await t.call(maintainer, 'POST', `/api/devices/${U.deviceId}/maintenance`, { date, kind, performedBy: '王师傅', notes: '例行' });
      assert.equal(res.statusCode, 201, res.body);
    }
    const records = json(await t.call(maintainer, 'GET', `/api/devices/${U.deviceId}/maintenance`)) as { date: string }[];
    assert.deepEqual(records.map((r) => r.date), ['2025-02-10', '2025-01-02', '2024-01-05', '2023-07-01']);
    const future = await t.call(maintainer, 'POST', `/api/devices/${U.deviceId}/maintenance`, { date: '2999-01-01', kind: 'repair', performedBy: 'x' });
    assert.equal(future.statusCode, 400);
  });
});

describe('organization', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'O');
    c = await t.login(U.users.security_director.username);
  });
  after(() => t.close());

  it('builds the tree commission → university → campus → building → floor → area', async () => {
    const tree = json(await t.call(c, 'GET', '/api/org-units/tree'));
    assert.equal(tree.length, 1);
    assert.equal(tree[0].kind, 'commission');
    const path = [tree[0], tree[0].children[0], tree[0].children[0].children[0], tree[0].children[0].children[0].children[0]];
    assert.deepEqual(path.map((n: { kind: string }) => n.kind), ['commission', 'university', 'campus', 'building']);
    assert.equal(path[3].children[0].children[0].id, U.areaId);
  });

  it('marks privacy areas and refuses to delete a unit that still holds something', async () => {
    const toilet = await t.call(c, 'POST', '/api/org-units', { kind: 'area', parentId: U.floorId, name: '卫生间', privacy: 'toilet' });
    assert.equal(toilet.statusCode, 201, toilet.body);
    assert.equal(json(toilet).privacy, 'toilet');
    const busy = await t.call(c, 'DELETE', `/api/org-units/${U.buildingId}`);
    assert.equal(busy.statusCode, 409);
    assert.match(json(busy).message, /children/);
    assert.equal((await t.call(c, 'DELETE', `/api/org-units/${json(toilet).id}`)).statusCode, 204);
  });

  it('only an administrator registers a university', async () => {
    const tree = json(await t.call(c, 'GET', '/api/org-units/tree'));
    const res = await t.call(c, 'POST', '/api/org-units', { kind: 'university', parentId: tree[0].id, name: '野鸡大学' });
    assert.equal(res.statusCode, 403);
    const admin = await t.login('admin');
    assert.equal((await t.call(admin, 'POST', '/api/org-units', { kind: 'university', parentId: tree[0].id, name: '新大学' })).statusCode, 201);
  });

  it('key sites carry a category and a polygon, and filter by them', async () => {
    const res = await t.call(c, 'POST', '/api/key-sites', { campusId: U.campusId, name: '南门', category: 'gate', geometry: square(121.5, 31.295, 0.0002) });
    assert.equal(res.statusCode, 201, res.body);
    const gates = json(await t.call(c, 'GET', '/api/key-sites?category=gate'));
    assert.equal(gates.total, 1);
    assert.equal(gates.items[0].geometry.type, 'Polygon');
  });

  it('serves the map layers as GeoJSON', async () => {
    const map = json(await t.call(c, 'GET', `/api/map?campusId=${U.campusId}`));
    assert.equal(map.campuses.features.length, 1);
    assert.equal(map.buildings.features[0].properties.floors, 1);
    const cam = map.devices.features.find((f: { id: string }) => f.id === U.deviceId);
    assert.deepEqual(cam.geometry.coordinates, [121.5, 31.3]);
    assert.equal(cam.properties.bearingDeg, 90);
    assert.equal(cam.properties.floorLevel, 1);
    assert.equal((await t.call(c, 'GET', `/api/map?campusId=${U.buildingId}`)).statusCode, 400);
  });
});

describe('maintenance dates are Beijing dates', () => {
  let t: TestApp;
  // 01:00 on 5 March in Beijing is still 4 March in UTC.
  const clock = new ManualClock(Date.parse('2026-03-05T01:00:00+08:00'));
  after(() => t?.close());

  it('accepts today’s Beijing date in the early morning and refuses tomorrow’s', async () => {
    t = await createTestApp({ clock });
    const U = await createUniversity(t.services, 'MB');
    const maintainer = await t.login(U.users.maintainer.username);
    const today = await t.call(maintainer, 'POST', `/api/devices/${U.deviceId}/maintenance`, { date: '2026-03-05', kind: 'repair', performedBy: '王师傅' });
    assert.equal(today.statusCode, 201, today.body);
    const tomorrow = await t.call(maintainer, 'POST', `/api/devices/${U.deviceId}/maintenance`, { date: '2026-03-06', kind: 'repair', performedBy: '王师傅' });
    assert.equal(tomorrow.statusCode, 400);
    assert.match(json(tomorrow).details[0].reason, /future/);
  });
});
