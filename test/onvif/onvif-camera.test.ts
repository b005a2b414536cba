/**
 * ONVIF cameras over real HTTP (our own ONVIF camera on port 0): adding one by address and
 * credentials (profiles, RTSP URIs, presets kept; a ledger camera with resolution and PTZ from the
 * main profile), the refusals an installer meets (wrong password, nothing at the address), events
 * pulled from a pull-point subscription into the normal ingest path, a PTZ preset called by
 * linkage and acknowledged, and a stop that leaves nothing running.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import type { OnvifCommand } from '../../src/server/modules/onvif/index.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { OnvifCamera, onvifEvents } from '../../src/server/simulator/protocol/onvif-camera.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
const M_PER_DEG_LAT = 111_195.08;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((31.3 * Math.PI) / 180);
const at = (eastM: number, northM: number) => ({ lon: 121.5 + eastM / M_PER_DEG_LON, lat: 31.3 + northM / M_PER_DEG_LAT });

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ONVIF cameras', () => {
  let t: TestApp;
  let U: UniversityFixture;
  let dome: OnvifCamera;
  let bullet: OnvifCamera;
  let domePort: number;
  let bulletPort: number;
  let domeId: string;
  let director: string;

  before(async () => {
    t = await createTestApp({ clock, env: { XIAOAN_ONVIF_TIMEOUT_MS: '2000' } });
    U = await createUniversity(t.services, 'OV');
    dome = new OnvifCamera({
      username: 'admin',
      password: 'Dome-pass-1',
      manufacturer: 'HIKVISION',
      model: 'DS-2DE4A425IW',
      serial: '0073100251',
      presets: [
        { token: '1', name: '大门' },
        { token: '2', name: '停车场' },
        { token: '03', name: '北侧 & 围墙' },
      ],
      credentialsInStreamUri: true,
      maxPullWaitMs: 200,
      now: () => clock.now(),
    });
    domePort = await dome.listen();
    bullet = new OnvifCamera({ username: 'onvif', password: 'Bullet-pass-1', profiles: [{ token: 'p0', name: 'main', encoding: 'H264', width: 1920, height: 1080 }], maxPullWaitMs: 200, now: () => clock.now() });
    bulletPort = await bullet.listen();
    await t.services.onvifCameras.start();
    director = await t.login(U.users.security_director.username);
  });

  after(async () => {
    await t?.close(); // stops the subscriptions (module stop)
    await dome?.close();
    await bullet?.close();
  });

  it('adds a camera by address and credentials: profiles, RTSP URIs without the password, presets; a 4K PTZ camera enters the ledger', async () => {
    const res = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, name: '南门球机', host: '127.0.0.1', port: domePort, username: 'admin', password: 'Dome-pass-1' });
    assert.equal(res.statusCode, 200, res.body);
    const cam = json(res);
    domeId = cam.deviceId;
    assert.equal(cam.manufacturer, 'HIKVISION');
    assert.equal(cam.model, 'DS-2DE4A425IW');
    assert.equal(cam.hasPtz, true);
    assert.deepEqual(
      cam.profiles.map((p: { token: string; width: number; height: number; encoding: string }) => [p.token, p.width, p.height, p.encoding]),
      [
        ['profile_main', 3840, 2160, 'H264'],
        ['profile_sub', 640, 360, 'H264'],
      ],
    );
    assert.equal(cam.profiles[0].streamUri, 'rtsp://127.0.0.1:554/Streaming/Channels/101', 'the camera put admin:password in it');
    assert.ok(!res.body.includes('Dome-pass-1'), 'the password is never sent back');
    assert.match(cam.snapshotUri, /^http:\/\/127\.0\.0\.1:\d+\/onvif\/snapshot\/1\.jpg$/);
    assert.deepEqual(cam.presets, [
      { token: '1', name: '大门' },
      { token: '2', name: '停车场' },
      { token: '03', name: '北侧 & 围墙' },
    ]);
    assert.equal(cam.serial, '0073100251', 'read as sent, not as the number the package makes of it');
    const device = json(await t.call(director, 'GET', `/api/devices/${domeId}`));
    assert.equal(device.name, '南门球机');
    assert.equal(device.kind, 'camera');
    assert.equal(device.campusId, U.campusId);
    assert.equal(device.vendor, 'HIKVISION');
    assert.equal(device.ip, '127.0.0.1');
    assert.deepEqual([device.camera.resolution, device.camera.type], ['4k', 'ptz']);
    const read = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/devices/${domeId}/onvif`));
    assert.deepEqual(read.presets, cam.presets);
    assert.equal(t.services.health.status(SYSTEM_ACTOR)[domeId]?.online, true, 'a camera that answered is online');
  });

  it('links a camera already in the ledger, and refuses to add it (or its address) twice', async () => {
    const res = await t.call(director, 'POST', '/api/onvif/cameras', { deviceId: U.deviceId, host: '127.0.0.1', port: bulletPort, username: 'onvif', password: 'Bullet-pass-1' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json(res).hasPtz, false);
    assert.equal(json(res).profiles[0].width, 1920);
    const again = await t.call(director, 'POST', '/api/onvif/cameras', { deviceId: U.deviceId, host: '127.0.0.1', port: bulletPort, username: 'onvif', password: 'Bullet-pass-1' });
    assert.equal(again.statusCode, 409, again.body);
    const sameAddress = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, host: '127.0.0.1', port: domePort, username: 'admin', password: 'Dome-pass-1' });
    assert.equal(sameAddress.statusCode, 409, sameAddress.body);
    assert.equal(json(sameAddress).details[0].field, 'host');
  });

  it('the same camera added twice at once: one is added, the other is a 409 and leaves no ledger camera behind', async () => {
    const twin = new OnvifCamera({ username: 'admin', password: 'Twin-pass-1' });
    try {
      const body = { campusId: U.campusId, name: '双击添加', host: '127.0.0.1', port: await twin.listen(), username: 'admin', password: 'Twin-pass-1' };
      const answers = await Promise.all([t.call(director, 'POST', '/api/onvif/cameras', body), t.call(director, 'POST', '/api/onvif/cameras', body)]);
      assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 409], answers.map((r) => r.body).join('\n'));
      assert.equal(json(await t.call(director, 'GET', `/api/devices?q=${encodeURIComponent('双击添加')}`)).total, 1);
    } finally {
      await twin.close();
    }
  });

  it('a wrong password is a 400 naming the password, and nothing enters the ledger', async () => {
    const before = json(await t.call(director, 'GET', '/api/devices?kind=camera')).total;
    const spare = new OnvifCamera({ username: 'admin', password: 'Spare-pass-1' });
    try {
      const res = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, host: '127.0.0.1', port: await spare.listen(), username: 'admin', password: 'wrong', name: '不该出现' });
      assert.equal(res.statusCode, 400, res.body);
      const body = json(res);
      assert.equal(body.details[0].field, 'password');
      assert.match(body.message, /refused the username or password/);
      assert.ok(spare.refused > 0, 'the camera checked the WS-UsernameToken digest');
      assert.deepEqual(spare.requests.slice(0, 2), ['GetSystemDateAndTime', 'GetServices'], 'the clock is asked without credentials, the rest with');
    } finally {
      await spare.close();
    }
    assert.equal(json(await t.call(director, 'GET', '/api/devices?kind=camera')).total, before);
  });

  it('an address where nothing answers is a 504 saying so, at once', async () => {
    const started = performance.now();
    const res = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, host: '127.0.0.1', port: await closedPort(), username: 'admin', password: 'x' });
    assert.equal(res.statusCode, 504, res.body);
    assert.equal(json(res).code, 'XIAOAN_DEVICE_UNREACHABLE');
    assert.match(json(res).message, /connection refused/);
    assert.ok(performance.now() - started < 5_000);
  });

  it('pulls motion and tamper into events (source onvif); ends of states are skipped, a digital input is a dead letter', async () => {
    const operator = await t.login(U.users.operator.username);
    await waitFor('the pull-point subscription', async () => json(await t.call(operator, 'GET', `/api/devices/${domeId}/onvif`)).events.state === 'subscribed');
    dome.emit(onvifEvents.motion(true));
    dome.emit(onvifEvents.motion(false));
    dome.emit(onvifEvents.tooDark(true));
    dome.emit(onvifEvents.digitalInput(true, 'DI-2'));
    dome.emit({ ...onvifEvents.motionAlarm(true), operation: 'Initialized' });
    const motion = await waitFor('the motion event', async () => json(await t.call(operator, 'GET', `/api/events?deviceId=${domeId}&kind=motion`)).items[0] ?? null);
    assert.equal(motion.source, 'onvif');
    assert.equal(motion.payload.region, 'MyMotionDetectorRule');
    assert.equal(motion.occurredAt, clock.nowIso());
    const tamper = await waitFor('the tamper event', async () => json(await t.call(operator, 'GET', `/api/events?deviceId=${domeId}&kind=tamper`)).items[0] ?? null);
    assert.deepEqual(tamper.payload, { what: 'lens_blocked' });
    const status = await waitFor('the counts', async () => {
      const s = json(await t.call(operator, 'GET', `/api/devices/${domeId}/onvif`)).events;
      return s.deadLetters === 1 ? s : null;
    });
    assert.equal(status.stored, 2);
    assert.equal(status.skipped, 2, 'motion end and the initial state');
    assert.equal(status.lastEventTopic, 'VideoSource/ImageTooDark/ImagingService');
    const letters = json(await t.call(director, 'GET', `/api/dead-letters?deviceId=${domeId}`));
    assert.match(JSON.stringify(letters), /digital input DI-2/);
    assert.equal(json(await t.call(operator, 'GET', `/api/events?deviceId=${domeId}&kind=motion`)).items.length, 1);
  });

  it('a camera that forgets its subscription (restart) is subscribed again and its events still arrive', async () => {
    dome.dropSubscriptions();
    await waitFor('a new subscription', () => dome.subscriptionCount === 1);
    clock.advance(60_000);
    dome.emit(onvifEvents.sceneChange(true));
    const tamper = await waitFor('the scene-change tamper', async () => json(await t.call(director, 'GET', `/api/events?deviceId=${domeId}&kind=tamper`)).items.find((e: { payload: { what?: string } }) => e.payload.what === 'moved') ?? null);
    assert.equal(tamper.source, 'onvif');
    const s = json(await t.call(director, 'GET', `/api/devices/${domeId}/onvif`)).events;
    assert.equal(s.state, 'subscribed');
    assert.match(s.lastError ?? '', /subscription/);
  });

  it('calls a PTZ preset by linkage: the camera receives GotoPreset with the token, and the answer is a command.ack', async () => {
    assert.equal(await t.services.onvifCameras.routeOf(domeId), true);
    assert.equal(await t.services.onvifCameras.routeOf(U.users.operator.id), false);
    await t.services.onvifCameras.sendCommand(domeId, { id: 'cmd-onvif-1', command: 'ptz.goto_preset', preset: 2 });
    await waitFor('GotoPreset at the camera', () => dome.gotoPresets.length > 0);
    assert.deepEqual(dome.gotoPresets.at(-1), { profileToken: 'profile_main', presetToken: '2' });
    const operator = await t.login(U.users.operator.username);
    const ack = await waitFor('the acknowledgement', async () => json(await t.call(operator, 'GET', `/api/events?deviceId=${domeId}&kind=command.ack`)).items[0] ?? null);
    assert.deepEqual([ack.source, ack.payload.commandId, ack.payload.result], ['onvif', 'cmd-onvif-1', 'ok']);

    await t.services.onvifCameras.sendCommand(domeId, { id: 'cmd-onvif-3', command: 'ptz.goto_preset', preset: 3 });
    await waitFor('preset 3 at the camera', () => dome.gotoPresets.length > 1);
    assert.deepEqual(dome.gotoPresets.at(-1), { profileToken: 'profile_main', presetToken: '03' });

    await t.services.onvifCameras.sendCommand(domeId, { id: 'cmd-onvif-2', command: 'ptz.goto_preset', preset: 9 });
    const refused = await waitFor('the refusal', async () => json(await t.call(operator, 'GET', `/api/events?deviceId=${domeId}&kind=command.ack`)).items.find((e: { payload: { commandId: string } }) => e.payload.commandId === 'cmd-onvif-2') ?? null);
    assert.equal(refused.payload.result, 'failed');
    assert.match(refused.payload.message, /no preset 9; its presets: 1 \(大门\), 2 \(停车场\), 03/);
  });

  it('an alarm rule turns the ONVIF dome to its preset through the action executor, which sees the acknowledgement', async () => {
    const admin = await t.login('admin');
    // Where the dome is and what it covers, so the alarm engine links it to an alarm next to it.
    const patched = await t.call(admin, 'PATCH', `/api/devices/${domeId}`, { ...at(20, 0), camera: { bearingDeg: 270, fovDeg: 60, rangeM: 50 } });
    assert.equal(patched.statusCode, 200, patched.body);
    const zone = json(await t.call(admin, 'POST', '/api/devices', { name: '机房红外', kind: 'intrusion_zone', campusId: U.campusId, ...at(0, 0) }));
    const rule = await t.call(admin, 'POST', '/api/alarm-rules', {
      universityId: U.universityId,
      definition: {
        name: '机房入侵（ONVIF 球机转预置位）',
        enabled: true,
        trigger: { type: 'event', kinds: ['intrusion'], deviceIds: [zone.id] },
        actions: [
          { type: 'create_alarm', alarmType: 'intrusion', priority: 1, title: '机房入侵' },
          { type: 'link_cameras', max: 4, presetFromRule: 2 },
        ],
      },
    });
    assert.equal(rule.statusCode, 201, rule.body);
    // As main.ts routes commands (no GB/T 28181 device here): ONVIF cameras by ONVIF.
    t.services.deviceCommands.setSender(async (_u, deviceId, command) => {
      if (await t.services.onvifCameras.routeOf(deviceId)) return t.services.onvifCameras.sendCommand(deviceId, command as OnvifCommand);
      throw new Error('not an ONVIF camera');
    });
    const calls = dome.gotoPresets.length;
    const now = t.clock.nowIso();
    await t.services.writer.append({ id: '', source: 'http', sourceEventId: 'onvif-linkage-1', orgId: U.universityId, deviceId: zone.id, kind: 'intrusion', severity: 'critical', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent);
    await t.services.alarmConsumer.settled();
    const alarm = await t.store.db.selectFrom('alarms').select('id').where('device_id', '=', zone.id).executeTakeFirstOrThrow();
    const action = await waitFor('the preset call', async () => {
      const r = json(await t.call(admin, 'GET', `/api/alarms/${alarm.id}`));
      return r.actions.find((a: { action: { type: string }; status: string }) => a.action.type === 'link_cameras' && a.status !== 'pending');
    });
    assert.deepEqual(dome.gotoPresets.slice(calls), [{ profileToken: 'profile_main', presetToken: '2' }]);
    assert.equal(action.result.cameras[0].cameraId, domeId);
    assert.equal(action.result.cameras[0].status, 'acknowledged', JSON.stringify(action.result));
    t.services.deviceCommands.setSender(null);
  });

  it('refresh asks the camera again; a camera that is gone keeps its last answer and says why', async () => {
    const ok = await t.call(director, 'POST', `/api/devices/${domeId}/onvif/refresh`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json(ok).lastError, null);
    assert.equal(json(ok).refreshedAt, clock.nowIso());
    await bullet.close();
    const gone = await t.call(director, 'POST', `/api/devices/${U.deviceId}/onvif/refresh`);
    assert.equal(gone.statusCode, 504, gone.body);
    const view = json(await t.call(director, 'GET', `/api/devices/${U.deviceId}/onvif`));
    assert.match(view.lastError, /connection refused/);
    assert.equal(view.profiles[0].width, 1920);
  });

  it('new credentials are tried with the camera before they are kept; the subscription goes on with them', async () => {
    const wrong = await t.call(director, 'PUT', `/api/devices/${domeId}/onvif`, { host: '127.0.0.1', port: domePort, username: 'admin', password: 'not-it' });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(json(wrong).details[0].field, 'password');
    const ok = await t.call(director, 'PUT', `/api/devices/${domeId}/onvif`, { host: '127.0.0.1', port: domePort, username: 'admin', password: 'Dome-pass-1' });
    assert.equal(ok.statusCode, 200, ok.body);
    await waitFor('the subscription again', async () => json(await t.call(director, 'GET', `/api/devices/${domeId}/onvif`)).events.state === 'subscribed');
    clock.advance(1_000);
    dome.emit(onvifEvents.motionAlarm(true));
    await waitFor('motion after reconnecting', async () => json(await t.call(director, 'GET', `/api/devices/${domeId}/onvif`)).events.lastEventTopic === 'VideoSource/MotionAlarm');
  });

  it('a camera deleted from the ledger is no longer pulled, and its ONVIF record goes with it', async () => {
    const gate = new OnvifCamera({ username: 'admin', password: 'Gate-pass-1', maxPullWaitMs: 200 });
    try {
      const added = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, host: '127.0.0.1', port: await gate.listen(), username: 'admin', password: 'Gate-pass-1' });
      assert.equal(added.statusCode, 200, added.body);
      const id = json(added).deviceId;
      await waitFor('its subscription', () => gate.subscriptionCount === 1);
      assert.equal((await t.call(director, 'DELETE', `/api/devices/${id}`)).statusCode, 204);
      await waitFor('the unsubscription', () => gate.subscriptionCount === 0);
      assert.equal(t.services.onvifCameras.statusOf(id).state, 'stopped');
      assert.equal(await t.services.onvifCameras.routeOf(id), false);
    } finally {
      await gate.close();
    }
  });

  it('stop ends every subscription (Unsubscribe sent, nothing left running)', async () => {
    await t.services.onvifCameras.stop();
    assert.equal(dome.subscriptionCount, 0, 'the camera was told to unsubscribe');
    const view = json(await t.call(director, 'GET', `/api/devices/${domeId}/onvif`));
    assert.equal(view.events.state, 'stopped');
  });
});
