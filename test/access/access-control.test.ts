/**
 * Door permissions (issue 14): decisions at schedule edges, across midnight and on holidays,
 * anti-passback and first-card unlock; access groups through the API with field errors; a door
 * controller asking online over the real MQTT broker; an offline controller holding its list and
 * acknowledging each version.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import type { PermissionList } from '../../src/shared/access-control.ts';
import type { ScheduleT } from '../../src/shared/alarms.ts';
import { startBuiltInBroker, type MqttTransport } from '../../src/server/adapters/mqtt/broker.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { buildList, decideAccess } from '../../src/server/modules/access-control/index.ts';
import type { DoorRule, GroupRule } from '../../src/server/modules/access-control/access-decision.ts';
import type { CredentialHolder } from '../../src/server/modules/people/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(`${iso}+08:00`);

describe('door decision', () => {
  const door: DoorRule = { doorId: 'd1', credentials: ['card', 'qr', 'face'], antiPassback: false, firstCardUnlock: false, normallyOpen: null, firstUnlockedOn: null };
  const holder: CredentialHolder = { personId: 'p1', credentialKind: 'card', value: '3001', name: '张三', personKind: 'student', department: '计算机学院', status: 'active', validUntil: null };
  const weekdays: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '22:30' }], holidays: 'disarmed', vacations: 'as_scheduled' };
  const group = (over: Partial<GroupRule> = {}): GroupRule => ({
    id: 'g1', name: '计算机学院学生', doorIds: new Set(['d1']), members: { personIds: [], kinds: ['student'], departments: ['计算机学院'] }, personIds: new Set(), schedule: weekdays, validFrom: null, validUntil: null, enabled: true, ...over,
  });
  const at = (iso: string, o: { g?: GroupRule; calendar?: Map<string, 'holiday' | 'workday' | 'vacation'>; h?: CredentialHolder | null; d?: DoorRule; direction?: 'in' | 'out'; last?: 'in' | 'out' | null; type?: 'card' | 'qr' | 'face' } = {}) =>
    decideAccess({ door: o.d ?? door, credentialType: o.type ?? 'card', holder: o.h === undefined ? holder : o.h, groups: [o.g ?? group()], atMs: bj(iso), calendar: o.calendar ?? new Map(), direction: o.direction, lastDirection: o.last ?? null });

  it('grants inside the group’s hours only, to the minute (2026-03-02 is a Monday)', () => {
    assert.equal(at('2026-03-02T06:59:59').reason, 'time_restricted');
    assert.deepEqual(at('2026-03-02T07:00:00'), { decision: 'grant', reason: null, personId: 'p1', groupId: 'g1', holdOpenUntil: null });
    assert.equal(at('2026-03-02T22:29:59').decision, 'grant');
    assert.equal(at('2026-03-02T22:30:00').reason, 'time_restricted');
    assert.equal(at('2026-03-07T10:00:00').reason, 'time_restricted', 'a Saturday');
  });

  it('follows the school calendar: closed on a holiday, open on a makeup workday (调休), hours across midnight', () => {
    assert.equal(at('2026-03-02T10:00:00', { calendar: new Map([['2026-03-02', 'holiday']]) }).reason, 'time_restricted');
    assert.equal(at('2026-03-07T10:00:00', { calendar: new Map([['2026-03-07', 'workday']]) }).decision, 'grant');
    const nights = group({ schedule: { periods: [{ days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' }], holidays: 'disarmed', vacations: 'as_scheduled' } });
    assert.equal(at('2026-03-03T05:59:00', { g: nights }).decision, 'grant', 'Monday night runs on into Tuesday morning');
    assert.equal(at('2026-03-03T06:00:00', { g: nights }).reason, 'time_restricted');
    assert.equal(at('2026-03-02T05:00:00', { g: nights }).reason, 'time_restricted', 'Sunday night is not a period');
    assert.equal(at('2026-03-03T02:00:00', { g: nights, calendar: new Map([['2026-03-02', 'holiday']]) }).reason, 'time_restricted', 'a holiday’s night is closed too');
  });

  it('refuses by reason: credential type, unknown card, inactive person, group over, not a member, anti-passback', () => {
    const cardOnly = { ...door, credentials: ['card' as const] };
    assert.equal(at('2026-03-02T10:00:00', { d: cardOnly, type: 'face' }).reason, 'credential_not_accepted');
    assert.equal(at('2026-03-02T10:00:00', { h: null }).reason, 'unknown_credential');
    assert.equal(at('2026-03-02T10:00:00', { h: { ...holder, status: 'suspended' } }).reason, 'person_inactive');
    assert.equal(at('2026-03-02T10:00:00', { h: { ...holder, validUntil: '2026-03-01' } }).reason, 'expired');
    assert.equal(at('2026-03-02T10:00:00', { g: group({ validUntil: '2026-03-01' }) }).reason, 'expired');
    assert.equal(at('2026-03-02T10:00:00', { g: group({ validUntil: '2026-03-02' }) }).decision, 'grant', 'the last day counts');
    assert.equal(at('2026-03-02T10:00:00', { h: { ...holder, department: '物理学院' } }).reason, 'no_permission');
    assert.equal(at('2026-03-02T10:00:00', { g: group({ members: { personIds: ['p1'], kinds: [], departments: [] }, personIds: new Set(['p1']) }), h: { ...holder, department: null } }).decision, 'grant', 'named');
    assert.equal(at('2026-03-02T10:00:00', { g: group({ doorIds: new Set(['d2']) }) }).reason, 'no_permission', 'another door');
    const apb = { ...door, antiPassback: true };
    assert.equal(at('2026-03-02T10:00:00', { d: apb, direction: 'in', last: 'in' }).reason, 'anti_passback');
    assert.equal(at('2026-03-02T10:00:00', { d: apb, direction: 'in', last: 'out' }).decision, 'grant');
    assert.equal(at('2026-03-02T10:00:00', { d: apb, direction: 'out', last: 'in' }).decision, 'grant');
  });

  it('first-card unlock: the first staff card in the normally-open hours holds the door open to their end, once a day', () => {
    const office: DoorRule = { ...door, firstCardUnlock: true, normallyOpen: { periods: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '17:30' }], holidays: 'disarmed', vacations: 'as_scheduled' } };
    const staff = { ...holder, personKind: 'staff' as const };
    const g = group({ members: { personIds: [], kinds: ['staff', 'student'], departments: [] }, schedule: null });
    assert.equal(at('2026-03-02T08:05:00', { d: office, h: staff, g }).holdOpenUntil, new Date(bj('2026-03-02T17:30:00')).toISOString());
    assert.equal(at('2026-03-02T08:05:00', { d: office, g }).holdOpenUntil, null, 'a student’s card does not open the door for the day');
    assert.equal(at('2026-03-02T07:50:00', { d: office, h: staff, g }).holdOpenUntil, null, 'before the hours');
    assert.equal(at('2026-03-02T09:00:00', { d: { ...office, firstUnlockedOn: '2026-03-02' }, h: staff, g }).holdOpenUntil, null, 'already opened today');
  });
});

describe('door permissions', () => {
  const clock = new ManualClock(bj('2026-03-02T10:00:00')); // a Monday morning
  let t: TestApp;
  let U: UniversityFixture;
  let broker: MqttTransport;
  let admin: string;
  let director: string;
  let labDoor: string;
  let dormDoor: string;
  let personId: string;
  let groupId: string;
  const clients: MqttClient[] = [];

  async function doorWithCredentials(name: string) {
    const d = json(await t.call(admin, 'POST', '/api/devices', { name, kind: 'door', campusId: U.campusId }));
    const cred = json(await t.call(admin, 'POST', `/api/devices/${d.id}/credentials`));
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: cred.username, password: cred.password, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(c);
    await c.subscribeAsync(cred.topics.commands, { qos: 1 });
    const received: Record<string, unknown>[] = [];
    c.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
    return { id: d.id as string, client: c, topics: { ...cred.topics, access: cred.topics.events.replace(/events$/, 'access') } as Record<string, string>, received };
  }

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'AC');
    admin = await t.login('admin');
    director = await t.login(U.users.security_director.username);
    broker = await startBuiltInBroker({ port: 0, host: '127.0.0.1', sink: t.services.deviceMessages, auth: { authenticate: (id, secret) => t.services.credentials.authenticate(id, secret) }, log: { info() {}, warn() {} } });
    t.services.deviceCommands.setSender((u, d, c) => broker.sendCommand(u, d, c));
    labDoor = json(await t.call(admin, 'POST', '/api/devices', { name: '化学实验楼 危化品库 门禁', kind: 'door', campusId: U.campusId })).id;
    dormDoor = json(await t.call(admin, 'POST', '/api/devices', { name: '学生公寓 3号楼 门禁', kind: 'door', campusId: U.campusId })).id;
    const p = json(await t.call(director, 'POST', '/api/people', { kind: 'student', name: '张三', number: '2025000001', department: '化学学院' }));
    personId = p.id;
    assert.equal((await t.call(director, 'POST', `/api/people/${personId}/credentials`, { kind: 'card', value: '3001234567' })).statusCode, 201);
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await broker?.close();
    await t?.close();
  });

  it('creates an access group through the API, naming the field of each mistake', async () => {
    const body = { name: '化学学院学生', doorIds: [labDoor], members: { personIds: [], kinds: ['student'], departments: ['化学学院'] }, schedule: { periods: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '22:00' }], holidays: 'disarmed', vacations: 'as_scheduled' } };
    const camera = json(await t.call(admin, 'POST', '/api/devices', { name: '实验楼 摄像机', kind: 'camera', campusId: U.campusId, camera: { resolution: '1080p', type: 'fixed' } })).id;
    let res = await t.call(director, 'POST', '/api/access/groups', { ...body, doorIds: [labDoor, camera] });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'doorIds.1');
    res = await t.call(director, 'POST', '/api/access/groups', { ...body, members: { personIds: [], kinds: [], departments: [] } });
    assert.equal(json(res).details[0].field, 'members');
    res = await t.call(director, 'POST', '/api/access/groups', { ...body, members: { personIds: ['no-such-person'], kinds: [], departments: [] } });
    assert.equal(json(res).details[0].field, 'members.personIds.0');
    res = await t.call(director, 'POST', '/api/access/groups', { ...body, validFrom: '2026-03-10', validUntil: '2026-03-01' });
    assert.equal(json(res).details[0].field, 'validUntil');
    res = await t.call(director, 'POST', '/api/access/groups', body);
    assert.equal(res.statusCode, 201);
    groupId = json(res).id;
    assert.equal(json(res).memberCount, 1);
    res = await t.call(director, 'POST', '/api/access/groups', body);
    assert.equal(res.statusCode, 409);
    assert.equal(json(res).details[0].field, 'name');
    const operator = await t.login(U.users.operator.username);
    assert.equal((await t.call(operator, 'POST', '/api/access/groups', { ...body, name: '另一个' })).statusCode, 403);
    assert.equal((await t.call(operator, 'GET', '/api/access/groups')).statusCode, 200);
    const audit = json(await t.call(admin, 'GET', '/api/audit?entityType=access_group'));
    assert.ok(audit.items.some((a: { entityId: string; action: string }) => a.entityId === groupId && a.action === 'create'));
  });

  it('keeps a card or QR beside face at every door, and first-card unlock needs its hours', async () => {
    let res = await t.call(director, 'PUT', `/api/access/doors/${labDoor}`, { mode: 'online', credentials: ['face'], antiPassback: false, firstCardUnlock: false });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'credentials');
    res = await t.call(director, 'PUT', `/api/access/doors/${labDoor}`, { mode: 'online', credentials: ['card', 'face'], antiPassback: false, firstCardUnlock: true });
    assert.equal(json(res).details[0].field, 'normallyOpen');
    res = await t.call(director, 'PUT', `/api/access/doors/${labDoor}`, { mode: 'online', credentials: ['card', 'face'], antiPassback: true, firstCardUnlock: false });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res).credentials, ['card', 'face']);
    const check = async (credentialId: string, direction?: 'in' | 'out') => json(await t.call(director, 'POST', '/api/access/check', { doorId: labDoor, credentialType: 'card', credentialId, direction }));
    assert.equal((await check('3001234567')).decision, 'grant');
    assert.equal((await check('3001234567')).personName, '张三');
    assert.equal((await check('3001234567')).groupName, '化学学院学生');
    assert.equal((await check('9999')).reason, 'unknown_credential');
    const bad = await t.call(director, 'POST', '/api/access/check', { doorId: 'nope', credentialType: 'card', credentialId: '1' });
    assert.equal(json(bad).details[0].field, 'doorId');
  });

  it('answers a controller that asks online over MQTT; anti-passback refuses a second entry; a malformed request is a dead letter and refused', async () => {
    const ctl = await doorWithCredentials('化学实验楼 东门 门禁控制器');
    const g = json(await t.call(director, 'GET', '/api/access/groups'))[0];
    assert.equal((await t.call(director, 'PUT', `/api/access/groups/${groupId}`, { name: g.name, doorIds: [labDoor, ctl.id], members: g.members, schedule: g.schedule })).statusCode, 200);
    assert.equal((await t.call(director, 'PUT', `/api/access/doors/${ctl.id}`, { mode: 'online', credentials: ['card'], antiPassback: true, firstCardUnlock: false })).statusCode, 200);
    const ask = async (requestId: string, body: Record<string, unknown>) => {
      await ctl.client.publishAsync(ctl.topics.access, JSON.stringify({ requestId, ...body }), { qos: 1 });
      return waitFor(`the answer to ${requestId}`, () => ctl.received.find((m) => m.requestId === requestId));
    };
    const first = await ask('r1', { credentialType: 'card', credentialId: '3001234567', direction: 'in' });
    assert.equal(first.command, 'access.decision');
    assert.equal(first.decision, 'grant');
    assert.equal(first.personId, personId);
    assert.equal((await ask('r2', { credentialType: 'card', credentialId: '3001234567', direction: 'in' })).reason, 'anti_passback');
    assert.equal((await ask('r3', { credentialType: 'card', credentialId: '3001234567', direction: 'out' })).decision, 'grant');
    assert.equal((await ask('r4', { credentialType: 'qr', credentialId: '3001234567' })).reason, 'credential_not_accepted');
    const late = await t.call(director, 'POST', '/api/access/check', { doorId: ctl.id, credentialType: 'card', credentialId: '3001234567', at: new Date(bj('2026-03-02T22:00:00')).toISOString() });
    assert.equal(json(late).reason, 'time_restricted');
    const bad = await ask('r6', { credentialType: 'card' });
    assert.equal(bad.decision, 'deny');
    const letters = json(await t.call(admin, 'GET', `/api/dead-letters?deviceId=${ctl.id}`));
    assert.ok(letters.items.some((l: { reason: string }) => /access request/.test(l.reason) && /credentialId/.test(l.reason)), JSON.stringify(letters.items));
  });

  it('pushes an offline door its list, records the controller’s acknowledgement, and sends a new version when the group changes', async () => {
    const ctl = await doorWithCredentials('学生公寓 3号楼 离线门禁');
    // The simulated controller stores each list and confirms it, as a real one does.
    const lists: PermissionList[] = [];
    ctl.client.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString());
      if (m.command !== 'access.list') return;
      lists.push(m.list);
      void ctl.client.publishAsync(ctl.topics.events, JSON.stringify({ kind: 'command.ack', sourceEventId: `ack-${m.id}`, payload: { commandId: m.id, result: 'ok' } }), { qos: 1 });
    });
    assert.equal((await t.call(director, 'PUT', `/api/access/doors/${ctl.id}`, { mode: 'offline', credentials: ['card', 'qr'], antiPassback: false, firstCardUnlock: false })).statusCode, 200);
    const g = json(await t.call(director, 'GET', '/api/access/groups')).find((x: { id: string }) => x.id === groupId);
    await t.call(director, 'PUT', `/api/access/groups/${groupId}`, { name: g.name, doorIds: [...g.doorIds, ctl.id, dormDoor], members: g.members, schedule: g.schedule });
    const pushed = json(await t.call(director, 'POST', `/api/access/doors/${ctl.id}/push`));
    assert.equal(pushed.list.status, 'acknowledged', JSON.stringify(pushed.list));
    assert.equal(pushed.list.ackedVersion, 1);
    assert.equal(pushed.list.entries, 1);
    assert.deepEqual(lists[0]!.entries, [{ type: 'card', id: '3001234567', schedules: [0], until: null }]);
    assert.deepEqual(lists[0]!.schedules[0]!.periods[0], { days: [1, 2, 3, 4, 5], from: '08:00', to: '22:00' });
    // Nothing changed: the job sends nothing.
    assert.equal(await t.services.permissionLists.pushDue(), 0);
    // A new card for the person: version 2, acknowledged.
    await t.call(director, 'POST', `/api/people/${personId}/credentials`, { kind: 'qr', value: 'QR-7f3a9c' });
    assert.equal(await t.services.permissionLists.pushDue(), 1);
    const door = json(await t.call(director, 'GET', '/api/access/doors')).find((d: { doorId: string }) => d.doorId === ctl.id);
    assert.equal(door.list.version, 2);
    assert.equal(door.list.ackedVersion, 2);
    assert.deepEqual(lists[1]!.entries.map((e) => e.type).sort(), ['card', 'qr']);
    // An online door holds no list.
    assert.equal(json(await t.call(director, 'POST', `/api/access/doors/${labDoor}/push`)).details[0].field, 'mode');
  });

  it('shows the commission no door permissions', async () => {
    const analyst = await t.services.accounts.create(SYSTEM_ACTOR, { username: 'ac-analyst', displayName: '市教委', password: 'analyst-password-1', role: 'commission_analyst', universityId: null });
    const cookie = await t.login(analyst.username, 'analyst-password-1');
    assert.equal((await t.call(cookie, 'GET', '/api/access/groups')).statusCode, 403);
    assert.equal((await t.call(cookie, 'GET', '/api/access/doors')).statusCode, 403);
  });
});

describe('offline permission list', () => {
  const door = { door_id: 'd1', university_id: 'u', mode: 'offline', credentials: '["card","face"]', anti_passback: 0, first_card_unlock: 0, normally_open: null, first_unlocked_on: null, list_version: 0, list_hash: null, list_entries: 0, list_status: null, list_sent_at: null, list_acked_version: null, list_acked_at: null, list_message: null, updated_at: '' };
  const holder = (personId: string, over: Partial<CredentialHolder> = {}): CredentialHolder => ({ personId, credentialKind: 'card', value: `C-${personId}`, name: personId, personKind: 'staff', department: '保卫处', status: 'active', validUntil: null, ...over });
  const group = (over: Partial<GroupRule>): GroupRule => ({ id: 'g', name: 'g', doorIds: new Set(['d1']), members: { personIds: [], kinds: ['staff'], departments: [] }, personIds: new Set(), schedule: null, validFrom: null, validUntil: null, enabled: true, ...over });
  const weekdays: ScheduleT = { periods: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }], holidays: 'disarmed', vacations: 'as_scheduled' };

  it('holds what the door takes, of people in its groups valid today, with their hours and the day they end', () => {
    const now = bj('2026-03-02T10:00:00');
    const list = buildList(
      door,
      [group({ id: 'day', schedule: weekdays, validUntil: '2026-06-30' }), group({ id: 'later', validFrom: '2026-03-03', members: { personIds: [], kinds: ['contractor'], departments: [] } }), group({ id: 'off', enabled: false, members: { personIds: [], kinds: ['student'], departments: [] } })],
      [holder('a'), holder('b', { credentialKind: 'qr', value: 'QR-b' }), holder('c', { personKind: 'contractor' }), holder('d', { personKind: 'student' }), holder('e', { status: 'left' }), holder('f', { validUntil: '2026-04-30' })],
      new Map([['2026-04-05', 'holiday']]),
      now,
    );
    assert.deepEqual(list.entries, [
      { type: 'card', id: 'C-a', schedules: [0], until: '2026-06-30' },
      { type: 'card', id: 'C-f', schedules: [0], until: '2026-04-30' },
    ], 'no QR at a card-and-face door, no group that starts tomorrow, none disabled, nobody who left');
    assert.deepEqual(list.schedules, [weekdays]);
    assert.deepEqual(list.calendar, { '2026-04-05': 'holiday' });
  });
});
