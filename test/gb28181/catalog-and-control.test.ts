/**
 * GB/T 28181 catalog and control over real SIP: a 500-channel catalog gathered across many
 * MESSAGEs becomes ledger cameras with their recorder as parent, channels reported ON stay online
 * with their recorder's keepalive, and a PTZ preset call reaches the channel and is acknowledged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { GbDevice, type GbChannel } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const PLATFORM = '31000000112000000001';
const DOMAIN = '3100000011';
const NVR = '31000000111180000100';
const camera = (n: number) => `3100000011131${String(n).padStart(7, '0')}`;
const alarmInput = (n: number) => `3100000011134${String(n).padStart(7, '0')}`;

const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

describe('GB/T 28181 catalog and control', () => {
  let t: TestApp;
  let U: UniversityFixture;
  let transport: SipTransport;
  let nvrId: string;
  let device: GbDevice;
  const channels: GbChannel[] = [
    ...Array.from({ length: 498 }, (_, i) => ({ gbId: camera(i + 1), name: `${i + 1}号通道`, status: (i % 50 === 0 ? 'OFF' : 'ON') as 'ON' | 'OFF', ptzType: i < 10 ? 1 : 3, roomType: i % 2 ? 2 : 1, lon: 121.5 + i * 1e-5, lat: 31.3 })),
    { gbId: alarmInput(1), name: '报警输入1' },
    { gbId: alarmInput(2), name: '报警输入2' },
  ];

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'GC');
    nvrId = (await t.services.devices.create(SYSTEM_ACTOR, { name: '图书馆NVR', kind: 'recorder', campusId: U.campusId, gbId: NVR, lon: 121.5, lat: 31.3 })).id;
    const { password } = await t.services.credentials.issue(SYSTEM_ACTOR, nvrId);
    transport = new SipTransport((m, peer) => t.services.gbPlatform.handle(m, peer));
    const port = await transport.listen('127.0.0.1', 0);
    t.services.gbPlatform.attach(transport);
    device = new GbDevice({ gbId: NVR, password, platformId: PLATFORM, domain: DOMAIN, host: '127.0.0.1', port, transport: 'UDP', channels, catalogPageSize: 4, recordDays: 15, clockSkewMs: 4_000, now: () => clock.now() });
    await device.connect();
  });

  after(async () => {
    await device?.close();
    await transport?.close();
    await t?.close();
  });

  it('gathers a 500-channel catalog sent 4 per MESSAGE after registration: cameras enter the ledger, alarm inputs wait for a person', async () => {
    assert.equal((await device.register(3600)).status, 200);
    const director = await t.login(U.users.security_director.username);
    const diag = await waitFor('the catalog after registration', async () => {
      const d = json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181`));
      return d.device?.exchanges?.catalog ? d : null;
    }, 60_000);
    assert.equal(diag.device.exchanges.catalog.result, 'ok', diag.device.exchanges.catalog.reason);
    assert.match(diag.device.exchanges.catalog.reason, /^500 channels, 498 new in the ledger, 2 to classify by hand/);
    const ledger = json(await t.call(director, 'GET', `/api/devices?kind=camera&pageSize=500`));
    const fromCatalog = ledger.items.filter((d: { gbId: string | null }) => d.gbId?.startsWith('3100000011131'));
    assert.equal(fromCatalog.length, 498);
    const dome = fromCatalog.find((d: { gbId: string }) => d.gbId === camera(1));
    assert.equal(dome.camera.type, 'ptz');
    assert.equal(dome.camera.placement, 'outdoor');
    assert.equal(dome.name, '1号通道');
    assert.equal(dome.campusId, U.campusId, 'placed where its recorder is');
    assert.match(dome.notes, /分辨率未上报/);
    const health = t.services.health.status(SYSTEM_ACTOR);
    const cam2 = fromCatalog.find((d: { gbId: string }) => d.gbId === camera(2));
    assert.equal(health[cam2.id]?.online, true, 'a channel reported ON is online');
    assert.equal(health[dome.id], undefined, 'a channel reported OFF is not marked online');
  });

  it('asking again changes nothing in the ledger (channels matched by their 20-digit id)', async () => {
    const director = await t.login(U.users.security_director.username);
    const res = await t.call(director, 'POST', `/api/devices/${nvrId}/gb28181/catalog`);
    assert.equal(res.statusCode, 200, res.body);
    const sync = json(res);
    assert.deepEqual({ channels: sync.channels, created: sync.created, complete: sync.complete }, { channels: 500, created: 0, complete: true });
    assert.deepEqual(sync.unclassified.sort(), [alarmInput(1), alarmInput(2)]);
  });

  it('subscribes to catalog changes: a channel going OFF is offline at once, an ADDed one enters the ledger, a DELeted one leaves the recorder', async () => {
    const director = await t.login(U.users.security_director.username);
    await waitFor('the catalog subscription', async () => json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181`)).device.exchanges.subscribe ?? null);
    assert.ok(device.subscription, 'the platform subscribed');
    const byGb = async (gbId: string) => json(await t.call(director, 'GET', `/api/devices?q=${gbId}`)).items[0];
    const cam2 = await byGb(camera(2));
    const cam5 = await byGb(camera(5));
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [cam2.id])[cam2.id]?.online, true);
    const answer = await device.notifyCatalog([
      { gbId: camera(2), name: '2号通道', event: 'OFF' },
      { gbId: camera(600), name: '新增的600号通道', event: 'ADD' },
      { gbId: camera(5), name: '5号通道', event: 'DEL' },
    ]);
    assert.equal(answer.status, 200, answer.warning ?? '');
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [cam2.id])[cam2.id]?.online, false, 'OFF is offline now, not after the silence');
    const added = await byGb(camera(600));
    assert.equal(added?.name, '新增的600号通道');
    assert.ok(await t.services.gbPlatform.routeOf(added.id), 'the new channel hangs off the recorder');
    assert.equal(await t.services.gbPlatform.routeOf(cam5.id), null, 'the deleted channel no longer does');
    assert.ok(await byGb(camera(5)), 'the ledger keeps the camera: removing it is a person’s decision');
    const diag = json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181`));
    assert.equal(diag.device.exchanges.subscribe.reason, 'catalog change: 1 OFF, 1 ADD, 1 DEL');
    // ON again with the next change notification.
    assert.equal((await device.notifyCatalog([{ gbId: camera(2), name: '2号通道', event: 'ON' }])).status, 200);
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [cam2.id])[cam2.id]?.online, true);
  });

  it('channels stay online with their recorder’s keepalive, and go offline with its silence', async () => {
    const director = await t.login(U.users.security_director.username);
    const cam = json(await t.call(director, 'GET', `/api/devices?q=${camera(3)}`)).items[0];
    clock.advance(120_000);
    assert.equal((await device.keepalive()).status, 200);
    clock.advance(120_000);
    await t.services.health.sweep();
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [cam.id])[cam.id]?.online, true, 'kept alive by the NVR');
    clock.advance(181_000);
    await t.services.health.sweep();
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [cam.id])[cam.id]?.online, false, 'offline when the NVR falls silent');
    assert.equal((await device.register(3600)).status, 200);
  });

  it('a PTZ preset call goes to the channel as DeviceControl, and its 200 is recorded as the command’s acknowledgement', async () => {
    const director = await t.login(U.users.security_director.username);
    const cam = json(await t.call(director, 'GET', `/api/devices?q=${camera(1)}`)).items[0];
    assert.ok(await t.services.gbPlatform.routeOf(cam.id), 'the camera is reached through its recorder');
    await t.services.gbPlatform.sendCommand(cam.id, { id: 'cmd-ptz-1', command: 'ptz.goto_preset', preset: 3 });
    await waitFor('the PTZ command at the device', () => device.ptz.find((p) => p.channelId === camera(1)) ?? null);
    assert.deepEqual(device.ptz.at(-1), { channelId: camera(1), command: 0x82, data2: 3 });
    const operator = await t.login(U.users.operator.username);
    const ack = await waitFor('the acknowledgement event', async () => json(await t.call(operator, 'GET', `/api/events?deviceId=${cam.id}&kind=command.ack`)).items[0] ?? null);
    assert.equal(ack.payload.commandId, 'cmd-ptz-1');
    assert.equal(ack.payload.result, 'ok');
    assert.equal(ack.source, 'gb28181');
  });

  it('an operator steers a PTZ camera: move, stop and presets reach the channel; a fixed camera and a maintainer are refused', async () => {
    const operator = await t.login(U.users.operator.username);
    const byGb = async (gbId: string) => json(await t.call(operator, 'GET', `/api/devices?q=${gbId}`)).items[0];
    const dome = await byGb(camera(1));
    const ptz = (body: object, who = operator, id = dome.id) => t.call(who, 'POST', `/api/devices/${id}/ptz`, body);
    assert.equal((await ptz({ action: 'move', tilt: 1, speed: 30 })).statusCode, 200);
    assert.deepEqual(device.ptz.at(-1), { channelId: camera(1), command: 0x08, data2: 30 });
    assert.equal((await ptz({ action: 'stop' })).statusCode, 200);
    assert.equal(device.ptz.at(-1)!.command, 0x00);
    assert.equal((await ptz({ action: 'set_preset', preset: 5 })).statusCode, 200);
    assert.deepEqual(device.ptz.at(-1), { channelId: camera(1), command: 0x81, data2: 5 });
    const noPreset = await ptz({ action: 'goto_preset' });
    assert.equal(noPreset.statusCode, 400);
    assert.equal(json(noPreset).details[0].field, 'preset');
    const fixed = await byGb(camera(20));
    assert.equal((await ptz({ action: 'stop' }, operator, fixed.id)).statusCode, 400, 'a fixed camera has no PTZ');
    const maintainer = await t.login(U.users.maintainer.username);
    assert.equal((await ptz({ action: 'stop' }, maintainer)).statusCode, 403);
  });

  it('asks the recorder what it is and how it is (DeviceInfo, DeviceStatus), and keeps its clock offset', async () => {
    const director = await t.login(U.users.security_director.username);
    const info = json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181/device-info`));
    assert.deepEqual(info, { deviceName: 'SIM-000100', manufacturer: 'xiaoan-sim', model: 'SIM-NVR-64', firmware: 'V4.74.010', channels: 500 });
    const status = json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181/device-status`));
    assert.equal(status.recording, true);
    assert.equal(status.online, true);
    assert.ok(Math.abs(status.clockOffsetMs - 4_000) <= 1_000, `clock offset ${status.clockOffsetMs} ms`);
    const diag = json(await t.call(director, 'GET', `/api/devices/${nvrId}/gb28181`));
    assert.equal(diag.device.clockOffsetMs, status.clockOffsetMs);
  });

  it('lists what the recorder holds for a camera (RecordInfo, many pages): 15 days kept, not 30', async () => {
    const director = await t.login(U.users.security_director.username);
    const cam = json(await t.call(director, 'GET', `/api/devices?q=${camera(7)}`)).items[0];
    const to = new Date(clock.now()).toISOString();
    const from = new Date(clock.now() - 30 * 86_400_000).toISOString();
    const res = await t.call(director, 'GET', `/api/devices/${cam.id}/gb28181/records?from=${from}&to=${to}`);
    assert.equal(res.statusCode, 200, res.body);
    const { complete, records } = json(res);
    assert.equal(complete, true);
    assert.ok(records.length >= 15 * 24 && records.length <= 15 * 24 + 2, `${records.length} hourly files`);
    assert.equal(records[0].channelId, camera(7));
    const keptDays = (Date.parse(records.at(-1).end) - Date.parse(records[0].start)) / 86_400_000;
    assert.ok(keptDays > 14.9 && keptDays <= 15.01, `${keptDays} days on the recorder`);
    const tooLong = await t.call(director, 'GET', `/api/devices/${cam.id}/gb28181/records?from=${new Date(clock.now() - 40 * 86_400_000).toISOString()}&to=${to}`);
    assert.equal(tooLong.statusCode, 400);
  });

  it('refuses to query a device that is not registered, naming why', async () => {
    const other = (await t.services.devices.create(SYSTEM_ACTOR, { name: '未注册NVR', kind: 'recorder', campusId: U.campusId, gbId: '31000000111180000199' })).id;
    const director = await t.login(U.users.security_director.username);
    const res = await t.call(director, 'POST', `/api/devices/${other}/gb28181/catalog`);
    assert.equal(res.statusCode, 409);
    assert.match(json(res).details[0].reason, /has not registered/);
  });
});
