/**
 * GB/T 28181 access over real SIP sockets (UDP and TCP on port 0): digest registration and its
 * refusals, keepalive into device health, un-registration, alarms into events and through the
 * rules, and clear SIP errors (with a dead letter) for what cannot be understood.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { gbDate } from '../../src/server/modules/gb28181/index.ts';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const PLATFORM = '31000000112000000001';
const DOMAIN = '3100000011';
const NVR = '31000000111180000001';
const CAMERA = '31000000111310000001';
const PANIC = '31000000111340000001';
const STRANGER = '31000000111180999999';

// Thursday noon in Beijing: no after-hours rule is armed, whatever the day the suite runs.
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

describe('GB/T 28181 registration, keepalive and alarms over SIP', () => {
  let t: TestApp;
  let U: UniversityFixture;
  let transport: SipTransport;
  let port: number;
  let password: string;
  const ids: Record<string, string> = {};
  const devices: GbDevice[] = [];

  const device = async (transportKind: 'UDP' | 'TCP', opts: { gbId?: string; version?: '2.0' | '3.0' } = {}) => {
    const d = new GbDevice({ gbId: opts.gbId ?? NVR, password, platformId: PLATFORM, domain: DOMAIN, host: '127.0.0.1', port, transport: transportKind, version: opts.version });
    await d.connect();
    devices.push(d);
    return d;
  };

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'GB');
    const mk = (name: string, kind: 'recorder' | 'camera' | 'panic_button', gbId: string) =>
      t.services.devices.create(SYSTEM_ACTOR, { name, kind, campusId: U.campusId, gbId, lon: 121.5, lat: 31.3, ...(kind === 'camera' ? { camera: { resolution: '1080p', type: 'fixed' } } : {}) });
    ids.nvr = (await mk('东门NVR', 'recorder', NVR)).id;
    ids.camera = (await mk('东门枪机', 'camera', CAMERA)).id;
    ids.panic = (await mk('东门岗亭求助', 'panic_button', PANIC)).id;
    password = (await t.services.credentials.issue(SYSTEM_ACTOR, ids.nvr)).password;
    transport = new SipTransport((m, peer) => t.services.gbPlatform.handle(m, peer));
    port = await transport.listen('127.0.0.1', 0);
    t.services.gbPlatform.attach(transport);
    t.services.sipListening(port);
  });

  after(async () => {
    for (const d of devices) await d.close();
    await transport?.close();
    await t?.close();
  });

  it('challenges a REGISTER without credentials (401 with an MD5 digest challenge in the platform domain)', async () => {
    const d = await device('UDP');
    const answer = await d.registerOnce();
    assert.equal(answer.status, 401);
    const challenge = (answer.message.headers['www-authenticate'] as unknown as { realm: string; algorithm: string; nonce: string }[])[0]!;
    assert.equal(challenge.realm, `"${DOMAIN}"`);
    assert.equal(challenge.algorithm, 'MD5');
    // Retrying without credentials gets a new challenge, not a refusal.
    const again = await d.registerOnce();
    assert.equal(again.status, 401);
    assert.notEqual((again.message.headers['www-authenticate'] as unknown as { nonce: string }[])[0]!.nonce, '', 'a nonce each time');
  });

  it('registers with the issued password over UDP: 200 with Date (Beijing time) and the granted Expires; the device is online', async () => {
    const d = await device('UDP');
    const answer = await d.register(3600);
    assert.equal(answer.status, 200, answer.warning ?? '');
    assert.equal(answer.message.headers.expires, '3600');
    assert.equal(answer.message.headers.date, '2026-03-05T12:00:00.000');
    assert.ok(answer.message.headers.to.params.tag, 'the response carries a To tag');
    const op = await t.login(U.users.security_director.username);
    const diag = json(await t.call(op, 'GET', `/api/devices/${ids.nvr}/gb28181`));
    assert.equal(diag.registered, true);
    assert.equal(diag.device.transport, 'UDP');
    assert.equal(diag.device.gbVersion, '3.0');
    assert.equal(diag.device.exchanges.register.result, 'ok');
    assert.match(diag.device.exchanges.register.seenFrom, /^UDP 127\.0\.0\.1:\d+$/);
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [ids.nvr])[ids.nvr]?.online, true);
  });

  it('refuses a wrong password with 403 and says why on the device page; the device stays unregistered for that attempt', async () => {
    const d = await device('UDP');
    const answer = await d.register(3600, { password: 'not-the-password' });
    assert.equal(answer.status, 403);
    assert.match(answer.warning ?? '', /wrong password/);
    const op = await t.login(U.users.security_director.username);
    const diag = json(await t.call(op, 'GET', `/api/devices/${ids.nvr}/gb28181`));
    assert.equal(diag.device.exchanges.register.result, 'refused');
    assert.match(diag.device.exchanges.register.reason, /wrong password/);
  });

  it('answers 400 to a REGISTER without Expires, and 403 to an id not in the ledger (stored nowhere but a bounded list)', async () => {
    const d = await device('UDP');
    const noExpires = await d.register(3600, { withoutExpires: true });
    assert.equal(noExpires.status, 400);
    assert.match(noExpires.warning ?? '', /Expires is missing/);
    const stranger = await device('UDP', { gbId: STRANGER });
    const refused = await stranger.register();
    assert.equal(refused.status, 403);
    assert.match(refused.warning ?? '', /not|no device/);
    assert.ok(t.services.gbPlatform.unknownDevices.has(STRANGER));
    const admin = await t.login('admin');
    const status = json(await t.call(admin, 'GET', '/api/gb28181/status'));
    assert.equal(status.domain, DOMAIN);
    assert.equal(status.port, port);
    assert.ok(status.unknownDevices.some((u: { gbId: string }) => u.gbId === STRANGER));
  });

  it('registers over TCP with the 2016 edition, keeps alive on the same connection, and re-registers before expiry', async () => {
    const d = await device('TCP', { version: '2.0' });
    assert.equal((await d.register(60)).status, 200);
    const keepalive = await d.keepalive();
    assert.equal(keepalive.status, 200, keepalive.warning ?? '');
    clock.advance(50_000);
    const again = await d.register(60);
    assert.equal(again.status, 200);
    const op = await t.login(U.users.security_director.username);
    const diag = json(await t.call(op, 'GET', `/api/devices/${ids.nvr}/gb28181`));
    assert.equal(diag.device.transport, 'TCP');
    assert.equal(diag.device.gbVersion, '2.0');
    assert.ok(diag.device.lastKeepaliveAt);
    assert.equal(diag.device.exchanges.keepalive.result, 'ok');
  });

  it('a device that misses three keepalives goes offline through device health; Expires: 0 unregisters at once', async () => {
    const d = await device('UDP');
    assert.equal((await d.register(3600)).status, 200);
    assert.equal((await d.keepalive()).status, 200);
    clock.advance(181_000);
    await t.services.health.sweep();
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [ids.nvr])[ids.nvr]?.online, false, 'offline after 3 × 60 s');
    assert.equal((await d.keepalive()).status, 200);
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [ids.nvr])[ids.nvr]?.online, true, 'back with the next keepalive');
    const bye = await d.register(0);
    assert.equal(bye.status, 200);
    assert.equal(t.services.health.status(SYSTEM_ACTOR, [ids.nvr])[ids.nvr]?.online, false, 'offline when it unregisters');
    const after = await d.keepalive();
    assert.equal(after.status, 403, 'an unregistered device is told to register');
    assert.match(after.warning ?? '', /not registered/);
  });

  it('a camera channel’s intrusion alarm becomes an event and, through the rules, an alarm; the platform confirms it', async () => {
    const d = await device('UDP');
    assert.equal((await d.register(3600)).status, 200);
    // The device's clock is 2 s behind the platform's.
    const deviceTime = gbDate(clock.now() - 2000).slice(0, 19);
    const answer = await d.alarm({ channelId: CAMERA, method: 5, type: 6, priority: 1, time: deviceTime, description: '东门周界' });
    assert.equal(answer.status, 200, answer.warning ?? '');
    await t.services.alarmConsumer.settled();
    const op = await t.login(U.users.operator.username);
    const events = json(await t.call(op, 'GET', `/api/events?deviceId=${ids.camera}`)).items;
    assert.equal(events[0].kind, 'intrusion');
    assert.equal(events[0].source, 'gb28181');
    assert.equal(events[0].occurredAt, new Date(clock.now() - 2000).toISOString(), 'AlarmTime is Beijing time');
    await waitFor('the alarm confirmation', () => d.received.find((m) => m.root === 'Response' && m.cmdType === 'Alarm') ?? null, 10_000);
    // An alarm input wired to a panic button raises the panic alarm (24-hour armed rule).
    assert.equal((await d.alarm({ channelId: PANIC, method: 2, time: gbDate(clock.now()).slice(0, 19) })).status, 200);
    await t.services.alarmConsumer.settled();
    const alarms = json(await t.call(op, 'GET', `/api/alarms?deviceId=${ids.panic}`)).items;
    assert.equal(alarms[0]?.type, 'panic');
    const diag = json(await t.call(op, 'GET', `/api/devices/${ids.nvr}/gb28181`));
    assert.equal(diag.device.exchanges.alarm.result, 'ok');
    assert.equal(diag.device.clockOffsetMs, 0, 'the offset of the latest alarm');
  });

  it('reads GB18030 bodies: a Chinese description arrives intact', async () => {
    const d = await device('TCP');
    assert.equal((await d.register(3600)).status, 200);
    const xml = `<?xml version="1.0" encoding="GB2312"?><Notify><CmdType>Alarm</CmdType><SN>77</SN><DeviceID>${CAMERA}</DeviceID><AlarmPriority>4</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2026-03-05T12:00:01</AlarmTime><AlarmDescription>图书馆北侧移动侦测</AlarmDescription><Info><AlarmType>2</AlarmType></Info></Notify>`;
    const answer = await d.sendBody(iconv.encode(xml, 'gb18030').toString('binary'));
    assert.equal(answer.status, 200, answer.warning ?? '');
    const op = await t.login(U.users.operator.username);
    const events = json(await t.call(op, 'GET', `/api/events?deviceId=${ids.camera}&kind=motion`)).items;
    assert.equal(events[0].payload.region, '图书馆北侧移动侦测');
  });

  it('answers malformed XML, unknown commands and unmapped alarm types with 400 and the reason, and keeps a dead letter', async () => {
    const d = await device('UDP');
    assert.equal((await d.register(3600)).status, 200);
    const broken = await d.sendBody('<Notify><CmdType>Keepalive</CmdType><SN>1</SN>');
    assert.equal(broken.status, 400);
    assert.match(broken.warning ?? '', /malformed XML/);
    const unknown = await d.message('Notify', { CmdType: 'Teleport', SN: 5, DeviceID: NVR });
    assert.equal(unknown.status, 400);
    assert.match(unknown.warning ?? '', /CmdType Teleport is not supported/);
    const unmapped = await d.alarm({ channelId: CAMERA, method: 5, type: 8, time: '2026-03-05T12:00:02' });
    assert.equal(unmapped.status, 400);
    assert.match(unmapped.warning ?? '', /no event kind for AlarmMethod 5 AlarmType 8/);
    const op = await t.login(U.users.security_director.username);
    const dead = json(await t.call(op, 'GET', `/api/dead-letters?deviceId=${ids.nvr}`));
    const reasons = dead.items.map((x: { reason: string }) => x.reason).join(' | ');
    assert.match(reasons, /malformed XML/);
    assert.match(reasons, /Teleport/);
    // The server is still answering.
    assert.equal((await d.keepalive()).status, 200);
  });

  it('drops datagrams that are not SIP without answering or dying', async () => {
    const dgram = await import('node:dgram');
    const sock = dgram.createSocket('udp4');
    const before = transport.stats.malformed;
    for (const junk of ['hello', '\u0000\u0001\u0002', 'REGISTER sip:x SIP/2.0\r\n\r\n']) sock.send(Buffer.from(junk), port, '127.0.0.1');
    await waitFor('junk counted', () => (transport.stats.malformed >= before + 3 ? true : null), 5_000);
    sock.close();
    const d = await device('UDP');
    assert.equal((await d.register(3600)).status, 200);
  });
});
