/** Guard dispatch from an alarm to the guard's phone and back; fire opens the building's doors with acknowledgements. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import type { DeviceEvent, EventKind } from '../../src/shared/events.ts';
import { startBuiltInBroker, type MqttTransport } from '../../src/server/adapters/mqtt/broker.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, PASSWORD, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { png } from '../helpers/images.ts';
import { waitFor } from '../helpers/wait.ts';

let t: TestApp;
let U: UniversityFixture;

const M_PER_DEG_LAT = 111_195.08;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((31.3 * Math.PI) / 180);
const at = (eastM: number, northM: number) => ({ lon: 121.5 + eastM / M_PER_DEG_LON, lat: 31.3 + northM / M_PER_DEG_LAT });

let seq = 0;
async function emit(deviceId: string, kind: EventKind, payload: object = {}) {
  const now = t.clock.nowIso();
  const e = { id: '', source: 'http', sourceEventId: `d-${++seq}`, orgId: U.universityId, deviceId, kind, severity: 'info', occurredAt: now, receivedAt: now, payload } as DeviceEvent;
  await t.services.writer.append(e);
  await t.services.alarmConsumer.settled();
}

const until = waitFor;

/** MQTT device connections a test opened; closed after it whether it passed or not. */
const openClients: mqtt.MqttClient[] = [];
async function closeClients() {
  await Promise.all(openClients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
}

describe('guard dispatch', () => {
  let guards: { id: string; username: string }[];
  let button: string;

  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'GD');
    button = (await t.services.devices.create(SYSTEM_ACTOR, { name: '宿舍求助', kind: 'panic_button', campusId: U.campusId, ...at(0, 0) })).id;
    guards = [];
    for (const [i, pos] of [at(300, 0), at(50, 0), at(0, 120)].entries()) {
      const u = await t.services.accounts.create(SYSTEM_ACTOR, { username: `gd-guard${i}`, displayName: `保安${i}`, password: PASSWORD, role: 'guard', universityId: U.universityId });
      guards.push({ id: u.id, username: u.username });
      const c = await t.login(u.username);
      assert.equal((await t.call(c, 'POST', '/api/my/position', { lon: pos.lon, lat: pos.lat, accuracyM: 8 })).statusCode, 204);
    }
  });
  after(() => t?.close());

  it('linkage sends the nearest on-duty guards, who accept, arrive and finish from their phone', async () => {
    await emit(button, 'panic'); // default rule: notify the 2 nearest guards
    const alarm = (await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', button).executeTakeFirstOrThrow());
    const record = await until('dispatches', async () => {
      const r = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/alarms/${alarm.id}`));
      return r.dispatches.length === 2 && r;
    });
    assert.deepEqual(record.dispatches.map((d: { guardId: string }) => d.guardId), [guards[1].id, guards[2].id], 'nearest first: 50 m, then 120 m');
    assert.ok(Math.abs(record.dispatches[0].distanceM - 50) <= 1);
    assert.equal(record.dispatches[0].etaS, Math.round((record.dispatches[0].distanceM * 1.3) / 1.2));
    assert.equal(record.alarm.state, 'dispatched');

    const phone = await t.login(guards[1].username);
    const mine = json(await t.call(phone, 'GET', '/api/my/dispatches'));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].alarm.type, 'panic');
    const d = mine[0].id;
    const step = (s: string, note?: string) => t.call(phone, 'POST', `/api/my/dispatches/${d}/steps`, { step: s, ...(note ? { note } : {}) });
    assert.equal((await step('accept')).statusCode, 200);
    assert.equal((await step('finish')).statusCode, 409, 'finish before arriving');
    assert.equal((await step('arrive')).statusCode, 200);
    let a = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/alarms/${alarm.id}`)).alarm;
    assert.equal(a.state, 'on_scene');

    // A photo from the scene for the procedure's on-site step.
    const photo = await t.app.inject({ method: 'POST', url: `/api/my/dispatches/${d}/photos`, headers: { cookie: phone, 'content-type': 'image/png' }, payload: png(32, 24) });
    assert.equal(photo.statusCode, 201, photo.body);
    const sop = json(await t.call(phone, 'POST', `/api/my/dispatches/${d}/sop/onsite`, { note: '学生突发疾病，已联系120' }));
    assert.ok(sop.find((s: { key: string; doneAt: string | null }) => s.key === 'onsite').doneAt);
    assert.equal((await step('finish')).statusCode, 400, 'finish without a note');
    assert.equal((await step('finish', '已送医，现场恢复正常')).statusCode, 200);
    a = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/alarms/${alarm.id}`)).alarm;
    assert.equal(a.state, 'resolved');

    // Another guard cannot touch this dispatch, nor read alarms.
    const other = await t.login(guards[0].username);
    assert.equal((await t.call(other, 'POST', `/api/my/dispatches/${d}/steps`, { step: 'accept' })).statusCode, 404);
    assert.equal((await t.call(other, 'GET', `/api/alarms/${alarm.id}`)).statusCode, 403);
    const img = await t.app.inject({ method: 'GET', url: `/api/alarms/${alarm.id}/photos/${json(photo).id}`, headers: { cookie: await t.login(U.users.operator.username) } });
    assert.equal(img.headers['content-type'], 'image/jpeg', 'stored re-encoded as JPEG');
    assert.deepEqual([...img.rawPayload.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const size = img.rawPayload.length;
    const own = await t.app.inject({ method: 'GET', url: `/api/my/dispatches/${d}/photos/${json(photo).id}`, headers: { cookie: phone } });
    assert.equal(own.rawPayload.length, size, 'the guard sees the photo they took');
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/my/dispatches/${d}/photos/${json(photo).id}`, headers: { cookie: other } })).statusCode, 404);
  });

  it('a patrol check-in tells where a guard is', async () => {
    const checkpoint = await t.services.devices.create(SYSTEM_ACTOR, { name: '巡更点', kind: 'patrol_checkpoint', campusId: U.campusId, ...at(10, 10) });
    await emit(checkpoint.id, 'patrol.checkin', { guardId: guards[0].username });
    const pos = await until('position', async () => {
      const p = await t.store.db.selectFrom('guard_positions').selectAll().where('user_id', '=', guards[0].id).executeTakeFirst();
      return p?.source === 'checkin' && p;
    });
    assert.ok(Math.abs(pos.lon - checkpoint.lon!) < 1e-9);
  });
});

describe('too few guards, or too far (issue 10, item 8)', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'GW');
  });
  after(() => t?.close());

  it('tells the operator when the rule asks for 2 guards and the only one is 818 m away', async () => {
    const button = (await t.services.devices.create(SYSTEM_ACTOR, { name: '操场求助', kind: 'panic_button', campusId: U.campusId, ...at(0, 0) })).id;
    const u = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'gw-guard', displayName: '唯一保安', password: PASSWORD, role: 'guard', universityId: U.universityId });
    const pos = at(818, 0);
    assert.equal((await t.call(await t.login(u.username), 'POST', '/api/my/position', { lon: pos.lon, lat: pos.lat, accuracyM: 8 })).statusCode, 204);
    await emit(button, 'panic'); // the default panic rule asks for the 2 nearest guards
    const alarm = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', button).executeTakeFirstOrThrow();
    const operator = await t.login(U.users.operator.username);
    const action = await until('the dispatch to be done', async () => {
      const r = json(await t.call(operator, 'GET', `/api/alarms/${alarm.id}`));
      return r.actions.find((a: { action: { type: string }; status: string }) => a.action.type === 'notify_guards' && a.status !== 'pending');
    });
    assert.equal(action.result.dispatched.length, 1);
    assert.deepEqual(action.result.warnings, [
      { code: 'fewer_guards', requested: 2, found: 1 },
      { code: 'far', etaS: Math.round((818 * 1.3) / 1.2), limitS: 300 },
    ]);
  });
});

describe('fire opens the doors of the building (S-FIRE-OPEN)', () => {
  let broker: MqttTransport;
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'FD');
    broker = await startBuiltInBroker({ port: 0, host: '127.0.0.1', sink: t.services.deviceMessages, auth: { authenticate: (id, s) => t.services.credentials.authenticate(id, s) }, log: { info() {}, warn() {} } });
    t.services.deviceCommands.setSender((u, d, c) => broker.sendCommand(u, d, c));
  });
  after(async () => {
    await closeClients();
    await broker.close();
    await t.close();
  });

  it('sends hold_open to every door of the building and records each acknowledgement', async () => {
    const admin = await t.login('admin');
    const door = async (name: string, buildingId: string) => json(await t.call(admin, 'POST', '/api/devices', { name, kind: 'door', buildingId }));
    const d1 = await door('东门', U.buildingId);
    const d2 = await door('西门', U.buildingId);
    const other = json(await t.call(admin, 'POST', '/api/org-units', { kind: 'building', parentId: U.campusId, name: '另一栋' }));
    await door('别栋门', other.id);
    const detector = json(await t.call(admin, 'POST', '/api/devices', { name: '烟感', kind: 'fire_detector', buildingId: U.buildingId }));

    // Door 1 is a real MQTT device that acknowledges commands; door 2 is offline.
    const cred = json(await t.call(admin, 'POST', `/api/devices/${d1.id}/credentials`));
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: cred.username, password: cred.password, reconnectPeriod: 0 });
    openClients.push(c);
    await c.subscribeAsync(cred.topics.commands, { qos: 1 });
    const received: { command: string; id: string }[] = [];
    c.on('message', (_t, payload) => {
      const cmd = JSON.parse(payload.toString());
      received.push(cmd);
      void c.publishAsync(cred.topics.events, JSON.stringify({ kind: 'command.ack', sourceEventId: `ack-${cmd.id}`, payload: { commandId: cmd.id, result: 'ok' } }), { qos: 1 });
    });

    await emit(detector.id, 'fire', { detectorType: 'smoke' });
    const alarm = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', detector.id).executeTakeFirstOrThrow();
    const action = await until('door command done', async () => {
      const r = json(await t.call(admin, 'GET', `/api/alarms/${alarm.id}`));
      return r.actions.find((a: { action: { type: string }; status: string }) => a.action.type === 'door_command' && a.status !== 'pending');
    });
    assert.deepEqual(received.map((r) => r.command), ['door.hold_open']);
    const byDoor = Object.fromEntries(action.result.doors.map((d: { doorId: string; status: string }) => [d.doorId, d]));
    assert.equal(Object.keys(byDoor).length, 2, 'only the doors of the burning building');
    assert.equal(byDoor[d1.id].status, 'acknowledged');
    assert.ok(byDoor[d1.id].ackMs < 2000, `door acknowledged after ${byDoor[d1.id].ackMs} ms (S-AC-2S)`);
    assert.equal(byDoor[d2.id].status, 'no_ack');
    assert.equal(action.status, 'failed', 'a door that did not confirm makes the action fail visibly');
  });
});

describe('PTZ preset linkage', () => {
  let broker: MqttTransport;
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'PZ');
    broker = await startBuiltInBroker({ port: 0, host: '127.0.0.1', sink: t.services.deviceMessages, auth: { authenticate: (id, s) => t.services.credentials.authenticate(id, s) }, log: { info() {}, warn() {} } });
    t.services.deviceCommands.setSender((u, d, c) => broker.sendCommand(u, d, c));
  });
  after(async () => {
    await closeClients();
    await broker.close();
    await t.close();
  });

  it('turns the linked PTZ cameras to the rule preset and records their acknowledgement', async () => {
    const admin = await t.login('admin');
    const zone = json(await t.call(admin, 'POST', '/api/devices', { name: '机房红外', kind: 'intrusion_zone', campusId: U.campusId, ...at(0, 0) }));
    const camera = (name: string, east: number, type: 'ptz' | 'fixed', bearingDeg: number) =>
      t.call(admin, 'POST', '/api/devices', { name, kind: 'camera', campusId: U.campusId, ...at(east, 0), camera: { resolution: '4k', type, bearingDeg, fovDeg: 60, rangeM: 50 } }).then(json);
    const dome = await camera('机房球机', 20, 'ptz', 270);
    const fixed = await camera('机房枪机', -20, 'fixed', 90);
    const rule = await t.call(admin, 'POST', '/api/alarm-rules', {
      universityId: U.universityId,
      definition: {
        name: '机房入侵（球机转预置位）',
        enabled: true,
        trigger: { type: 'event', kinds: ['intrusion'], deviceIds: [zone.id] },
        actions: [
          { type: 'create_alarm', alarmType: 'intrusion', priority: 1, title: '机房入侵' },
          { type: 'link_cameras', max: 4, presetFromRule: 3 },
        ],
      },
    });
    assert.equal(rule.statusCode, 201, rule.body);

    const received: Record<string, { command: string; preset?: number }[]> = { [dome.id]: [], [fixed.id]: [] };
    const acks: Promise<unknown>[] = [];
    for (const cam of [dome, fixed]) {
      const cred = json(await t.call(admin, 'POST', `/api/devices/${cam.id}/credentials`));
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: cred.username, password: cred.password, reconnectPeriod: 0 });
      openClients.push(c);
      await c.subscribeAsync(cred.topics.commands, { qos: 1 });
      c.on('message', (_t, payload) => {
        const cmd = JSON.parse(payload.toString());
        received[cam.id].push(cmd);
        acks.push(c.publishAsync(cred.topics.events, JSON.stringify({ kind: 'command.ack', sourceEventId: `ack-${cmd.id}`, payload: { commandId: cmd.id, result: 'ok' } }), { qos: 1 }));
      });
    }

    await emit(zone.id, 'intrusion', {});
    const alarm = await t.store.db.selectFrom('alarms').selectAll().where('device_id', '=', zone.id).where('title', '=', '机房入侵').executeTakeFirstOrThrow();
    const action = await until('preset call done', async () => {
      const r = json(await t.call(admin, 'GET', `/api/alarms/${alarm.id}`));
      return r.actions.find((a: { action: { type: string }; status: string }) => a.action.type === 'link_cameras' && a.status !== 'pending');
    });
    assert.deepEqual(received[dome.id].map((c) => [c.command, c.preset]), [['ptz.goto_preset', 3]]);
    assert.deepEqual(received[fixed.id], [], 'a fixed camera has no presets');
    assert.equal(action.status, 'done');
    assert.equal(action.result.cameras[0].cameraId, dome.id);
    assert.equal(action.result.cameras[0].status, 'acknowledged');
    await Promise.all(acks); // the PUBACKs, before the connections close
  });
});

describe('rule dry run', () => {
  it('shows what a rule would do for a device, doing nothing', async () => {
    t = await createTestApp();
    try {
      U = await createUniversity(t.services, 'DR');
      const admin = await t.login('admin');
      const detector = json(await t.call(admin, 'POST', '/api/devices', { name: '烟感', kind: 'fire_detector', buildingId: U.buildingId, ...at(0, 0) }));
      await t.call(admin, 'POST', '/api/devices', { name: '楼门', kind: 'door', buildingId: U.buildingId });
      await t.call(admin, 'POST', '/api/devices', { name: '南向摄像机', kind: 'camera', campusId: U.campusId, ...at(0, -15), camera: { resolution: '4k', type: 'fixed', bearingDeg: 0, fovDeg: 60, rangeM: 30 } });
      const rules = json(await t.call(admin, 'GET', '/api/alarm-rules')) as { id: string; definition: { trigger: { kinds: string[] } } }[];
      const fire = rules.find((r) => r.definition.trigger.kinds.includes('fire'))!;
      const before = await t.store.db.selectFrom('pending_actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const res = await t.call(admin, 'POST', `/api/alarm-rules/${fire.id}/dry-run`, { deviceId: detector.id });
      assert.equal(res.statusCode, 200, res.body);
      const r = json(res);
      assert.equal(r.fires, true);
      const byType = Object.fromEntries(r.actions.map((a: { type: string }) => [a.type, a]));
      assert.equal(byType.door_command.doors.length, 1);
      assert.equal(byType.link_cameras.cameras.length, 1);
      assert.equal(byType.notify_guards.guards.length, 0);
      const wrongKind = json(await t.call(admin, 'POST', `/api/alarm-rules/${fire.id}/dry-run`, { deviceId: detector.id, kind: 'motion' }));
      assert.equal(wrongKind.fires, false);
      assert.equal(wrongKind.checks.kindMatches, false);
      const after = await t.store.db.selectFrom('pending_actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n), 'a dry run queued an action');
      assert.equal((await t.store.db.selectFrom('alarms').selectAll().execute()).length, 0);
    } finally {
      await t.close();
    }
  });
});
