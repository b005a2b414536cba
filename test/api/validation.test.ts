/**
 * Bad input gets HTTP 400 with {statusCode, code, message, details:[{field, reason}]} naming the
 * field; never a 500; nothing half-written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let admin: string;

async function deviceCount() {
  const r = await t.store.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Sends the request and returns the fields named in a 400 answer. */
async function fieldsOf(method: string, url: string, body?: unknown): Promise<string[]> {
  const res = await t.call(admin, method, url, body);
  assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
  const b = json(res);
  assert.equal(b.statusCode, 400);
  assert.equal(typeof b.message, 'string');
  assert.ok(Array.isArray(b.details) && b.details.length > 0, res.body);
  for (const d of b.details) assert.ok(d.field && d.reason, `detail without field/reason: ${res.body}`);
  return b.details.map((d: { field: string }) => d.field);
}

describe('validation errors name the field', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'V');
    admin = await t.login('admin');
  });
  after(() => t.close());

  const camera = () => ({ name: 'cam', kind: 'camera', campusId: U.campusId, camera: { resolution: '4k', type: 'ptz' } });

  it('device: schema-level problems, all reported at once', async () => {
    const before = await deviceCount();
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { kind: 'camera' }), ['name']);
    const fields = await fieldsOf('POST', '/api/devices', { ...camera(), kind: 'laser', lat: 95, colour: 'red' });
    assert.ok(fields.includes('kind') && fields.includes('lat') && fields.includes('colour'), fields.join());
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), camera: { resolution: '8k', type: 'fixed' } }), ['camera.resolution']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), camera: { resolution: '4k', type: 'fixed', fovDeg: 0 } }), ['camera.fovDeg']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), installDate: '2025-13-40' }), ['installDate']);
    assert.equal(await deviceCount(), before, 'a rejected device was written');
  });

  it('device: domain rules', async () => {
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'cam', kind: 'camera', campusId: U.campusId }), ['camera']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'door', kind: 'door', campusId: U.campusId, camera: { resolution: '4k', type: 'ptz' } }), ['camera']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'door', kind: 'door', campusId: U.campusId, retentionDays: 30 }), ['retentionDays']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), ip: '10.0.0.300' }), ['ip']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), lon: 121.5 }), ['lat']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { ...camera(), installDate: '2024-05-01', warrantyEnd: '2023-05-01' }), ['warrantyEnd']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'x', kind: 'door' }), ['campusId']);
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'x', kind: 'door', campusId: U.buildingId }), ['campusId']);
    // A floor of another building than the one given.
    const other = await t.services.org.createUnit({ id: 'system', username: 's', displayName: 's', role: 'admin', universityId: null }, { kind: 'building', parentId: U.campusId, name: '另一楼' });
    assert.deepEqual(await fieldsOf('POST', '/api/devices', { name: 'x', kind: 'door', buildingId: other.id, floorId: U.floorId }), ['floorId']);
  });

  it('device: GB/T 28181 id structure and fit to the kind', async () => {
    const reasonFor = async (gbId: string, kind = 'camera') => {
      const body = kind === 'camera' ? { ...camera(), gbId } : { name: 'x', kind, campusId: U.campusId, gbId };
      const res = await t.call(admin, 'POST', '/api/devices', body);
      assert.equal(res.statusCode, 400, res.body);
      const d = json(res).details;
      assert.equal(d[0].field, 'gbId');
      return d[0].reason as string;
    };
    assert.match(await reasonFor('3101150011132000001'), /20 digits/);
    assert.match(await reasonFor('99011500111320000001'), /province/);
    assert.match(await reasonFor('31011500110500000001'), /type/);
    assert.match(await reasonFor('31011500111180000001'), /NVR|118/); // an NVR id on a camera
    const ok = await t.call(admin, 'POST', '/api/devices', { ...camera(), gbId: '31011500111320000001' });
    assert.equal(ok.statusCode, 201, ok.body);
    const dup = await t.call(admin, 'POST', '/api/devices', { ...camera(), gbId: '31011500111320000001' });
    assert.equal(dup.statusCode, 409);
    assert.equal(json(dup).details[0].field, 'gbId');
  });

  it('org units and key sites', async () => {
    assert.deepEqual(await fieldsOf('POST', '/api/org-units', { kind: 'floor', parentId: U.buildingId, name: '2F' }), ['floorLevel']);
    assert.deepEqual(await fieldsOf('POST', '/api/org-units', { kind: 'floor', parentId: U.campusId, name: '2F', floorLevel: 2 }), ['parentId']);
    assert.deepEqual(await fieldsOf('POST', '/api/org-units', { kind: 'building', parentId: U.campusId, name: 'b', privacy: 'toilet' }), ['privacy']);
    const bad = square(121.5, 31.3);
    bad.coordinates[0][4] = [121.6, 31.4]; // ring not closed
    const fields = await fieldsOf('POST', '/api/org-units', { kind: 'building', parentId: U.campusId, name: 'b', geometry: bad });
    assert.ok(fields.every((f) => f.startsWith('geometry.coordinates')), fields.join());
    assert.deepEqual(await fieldsOf('POST', '/api/key-sites', { campusId: U.campusId, name: 'k', category: 'casino', geometry: square(121.5, 31.3) }), ['category']);
    assert.deepEqual(await fieldsOf('POST', '/api/key-sites', { campusId: U.campusId, name: 'k', category: 'archives' }), ['geometry']);
  });

  it('users, paging and malformed requests', async () => {
    assert.deepEqual(await fieldsOf('POST', '/api/users', { username: 'u1', displayName: 'u', password: 'short', role: 'operator', universityId: U.universityId }), ['password']);
    assert.deepEqual(await fieldsOf('POST', '/api/users', { username: 'u1', displayName: 'u', password: 'long-enough', role: 'operator' }), ['universityId']);
    assert.deepEqual(await fieldsOf('GET', '/api/devices?pageSize=100000'), ['pageSize']);
    assert.deepEqual(await fieldsOf('GET', '/api/devices?kind=camera,laser'), ['kind[1]']);
    assert.deepEqual(await fieldsOf('GET', '/api/devices?sort=password'), ['sort']);
    assert.deepEqual(await fieldsOf('GET', '/api/devices?page=99999999999999999999'), ['page']);
    // No list answers 500 to a page number beyond any database's OFFSET (issue 17, item 11).
    for (const r of t.routes.filter((x) => x.method === 'GET' && x.url.startsWith('/api/') && !x.url.includes(':') && !x.url.includes('*'))) {
      const res = await t.call(admin, 'GET', `${r.url}?page=99999999999999999999`);
      assert.ok(res.statusCode < 500, `${r.url}?page=99999999999999999999 → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/devices', headers: { cookie: admin, 'content-type': 'application/json' }, payload: '{"name": "x",' });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).code, 'XIAOAN_REQUEST_MALFORMED');
  });

  it('never answers 500 to junk', async () => {
    const junk: unknown[] = [null, 1, 'x', [], [1], { name: {} }, { name: 'x', kind: 'camera', camera: 'yes' }, { name: 'x'.repeat(1000), kind: 'door' }, { lon: 'east' }];
    const routes = ['/api/devices', '/api/org-units', '/api/key-sites', '/api/users', `/api/devices/${U.deviceId}/maintenance`];
    for (const url of routes)
      for (const body of junk) {
        const res = await t.call(admin, 'POST', url, body);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url} ${JSON.stringify(body)} → ${res.statusCode} ${res.body}`);
        assert.ok(json(res).code, res.body);
      }
    for (const body of junk.filter((j) => j && typeof j === 'object' && !Array.isArray(j))) {
      const res = await t.call(admin, 'PATCH', `/api/devices/${U.deviceId}`, body);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(body)} → ${res.statusCode}`);
    }
  });
});
