/** HTTP ingest: device auth, per-item results, duplicates once, dead letters with the reason. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let admin: string;
let basic: string;
let deviceId: string;

const plate = (n: number, extra: object = {}) => ({
  kind: 'plate.read',
  sourceEventId: `lpr-${n}`,
  occurredAt: new Date(t.clock.now() - 1000).toISOString(),
  payload: { plate: `沪A${10000 + n}`, colour: 'blue', direction: 'in', confidence: 0.96, ...extra },
});

async function push(body: unknown, auth = basic, raw?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/ingest/events',
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: raw ?? JSON.stringify(body),
  });
}

async function deadLetters() {
  return json(await t.call(admin, 'GET', '/api/dead-letters?limit=500')).items as { reason: string; field: string | null; rawText: string; deviceId: string | null }[];
}

describe('HTTP ingest', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'H');
    admin = await t.login('admin');
    const lpr = json(await t.call(admin, 'POST', '/api/devices', { name: '南门车牌', kind: 'lpr_camera', campusId: U.campusId, camera: { resolution: '1080p', type: 'fixed' } }));
    deviceId = lpr.id;
    const cred = json(await t.call(admin, 'POST', `/api/devices/${deviceId}/credentials`));
    assert.equal(cred.username, deviceId);
    assert.match(cred.topics.events, new RegExp(`^xiaoan/${U.universityId}/${deviceId}/events$`));
    basic = 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
  });
  after(() => t.close());

  it('stores a batch and answers per item; a repeated sourceEventId is stored once', async () => {
    const res = await push({ events: [plate(1), plate(2), { kind: 'tamper', payload: { what: 'lens_blocked' } }] });
    assert.equal(res.statusCode, 200, res.body);
    const results = json(res).results;
    assert.deepEqual(results.map((r: { status: string }) => r.status), ['stored', 'stored', 'stored']);
    const again = json(await push({ events: [plate(1)] })).results[0];
    assert.equal(again.status, 'duplicate');
    const stored = json(await t.call(admin, 'GET', `/api/events?deviceId=${deviceId}&kind=plate.read`)).items;
    assert.equal(stored.length, 2);
    assert.equal(stored[0].orgId, U.universityId);
    assert.equal(stored[0].source, 'http');
    assert.equal(stored[0].severity, 'info');
    const bySubject = json(await t.call(admin, 'GET', `/api/events?subject=${encodeURIComponent('沪A10002')}`)).items;
    assert.equal(bySubject.length, 1);
  });

  it('rejects bad items with their field, keeps them as dead letters, and still stores the good ones', async () => {
    const res = await push({
      events: [
        plate(10),
        plate(11, { colour: 'purple' }),
        { kind: 'plate.read', payload: { plate: '沪A1' } },
        { kind: 'teleport' },
        { kind: 'device.went_offline', payload: { lastSeenAt: null, silenceS: 1 } },
        { ...plate(12), occurredAt: new Date(t.clock.now() + 86400_000).toISOString() },
        { ...plate(13), colour: 'blue' },
      ],
    });
    assert.equal(res.statusCode, 400);
    const body = json(res);
    assert.equal(body.code, 'XIAOAN_VALIDATION_FAILED');
    assert.deepEqual(body.results.map((r: { status: string }) => r.status), ['stored', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    assert.deepEqual(
      body.details.map((d: { field: string }) => d.field),
      ['events[1].payload.colour', 'events[2].payload.colour', 'events[3].kind', 'events[4].kind', 'events[5].occurredAt', 'events[6].colour'],
    );
    assert.match(body.details[3].reason, /produced by the platform/);
    const dl = await deadLetters();
    assert.ok(dl.some((d) => d.field === 'payload.colour' && d.rawText.includes('purple') && d.deviceId === deviceId));
    assert.ok(dl.some((d) => d.field === 'kind' && /unknown event kind "teleport"/.test(d.reason)));
    const stored = json(await t.call(admin, 'GET', `/api/events?deviceId=${deviceId}&kind=plate.read&limit=100`)).items.map((e: { sourceEventId: string }) => e.sourceEventId);
    assert.ok(stored.includes('lpr-10'));
    assert.ok(!stored.includes('lpr-11'));
  });

  it('keeps a body that is not JSON, with its bytes', async () => {
    const res = await push(null, basic, '{"events": [ {"kind": "panic"');
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'body');
    const dl = await deadLetters();
    assert.ok(dl.some((d) => /not valid JSON/.test(d.reason) && d.rawText === '{"events": [ {"kind": "panic"'));
    const shape = await push({ events: 'all of them' });
    assert.equal(json(shape).details[0].field, 'events');
  });

  it('refuses unknown devices and wrong secrets, and counts the attempts without storing them', async () => {
    const deadBefore = (await deadLetters()).length;
    const refusedBefore = t.services.ingest.guard.refusals.unauthenticated;
    const wrong = await push({ events: [plate(20)] }, 'Basic ' + Buffer.from(`${deviceId}:guess`).toString('base64'));
    assert.equal(wrong.statusCode, 401);
    const ghost = await push({ events: [plate(21)] }, 'Basic ' + Buffer.from(`no-such-device:guess`).toString('base64'));
    assert.equal(ghost.statusCode, 401);
    assert.equal((await push({ events: [plate(22)] }, '')).statusCode, 401);
    assert.equal((await deadLetters()).length, deadBefore, 'an unauthenticated sender stores nothing');
    assert.equal(t.services.ingest.guard.refusals.unauthenticated - refusedBefore, 3, 'only counted');
  });

  it('a replaced secret stops working at once', async () => {
    const cred = json(await t.call(admin, 'POST', `/api/devices/${deviceId}/credentials`));
    assert.equal((await push({ events: [plate(30)] })).statusCode, 401, 'the old secret still works');
    basic = 'Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64');
    assert.equal((await push({ events: [plate(31)] })).statusCode, 200);
  });

  it('events, dead letters and credentials stay inside the university', async () => {
    const other = await createUniversity(t.services, 'H2', 121.4, 31.0);
    const director = await t.login(other.users.security_director.username);
    assert.equal(json(await t.call(director, 'GET', `/api/events?deviceId=${deviceId}`)).items.length, 0);
    assert.equal(json(await t.call(director, 'GET', '/api/dead-letters')).items.length, 0);
    assert.equal((await t.call(director, 'POST', `/api/devices/${deviceId}/credentials`)).statusCode, 404);
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', '/api/events')).statusCode, 403, 'guards do not read raw events (personal data)');
  });
});

describe('HTTP heartbeat', () => {
  it('marks the device online; wrong credentials are refused', async () => {
    const t2 = await createTestApp();
    try {
      const u = await createUniversity(t2.services, 'HB');
      const a = await t2.login('admin');
      const cred = json(await t2.call(a, 'POST', `/api/devices/${u.deviceId}/credentials`));
      const hb = (auth: string) => t2.app.inject({ method: 'POST', url: '/api/ingest/heartbeat', headers: { authorization: auth } });
      assert.equal((await hb('Basic ' + Buffer.from(`${u.deviceId}:nope`).toString('base64'))).statusCode, 401);
      assert.equal((await hb('Basic ' + Buffer.from(`${cred.username}:${cred.password}`).toString('base64'))).statusCode, 204);
      assert.equal(json(await t2.call(a, 'GET', '/api/device-health'))[u.deviceId].online, true);
    } finally {
      await t2.close();
    }
  });
});
