/**
 * A user of university B can neither read nor change anything of university A, on EVERY route.
 * The test walks the app's own route table, so a new route is covered (or fails here, asking
 * for a sample body) without anyone remembering to add it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLE_PERMISSIONS } from '../../src/shared/permissions.ts';
import type { Role } from '../../src/shared/domain.ts';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, square, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { png } from '../helpers/images.ts';

let t: TestApp;
let A: UniversityFixture;
let B: UniversityFixture;
const cookies = new Map<string, string>();

/** Valid bodies per route, so that validation passes and the scope check is what answers. */
function sampleBody(method: string, url: string, target: UniversityFixture): unknown {
  const bodies: Record<string, unknown> = {
    'POST /api/org-units': { kind: 'building', parentId: target.campusId, name: '越权楼' },
    'PATCH /api/org-units/:id': { name: '越权改名' },
    'POST /api/key-sites': { campusId: target.campusId, name: '越权部位', category: 'archives', geometry: square(121.5, 31.3, 0.0001) },
    'PATCH /api/key-sites/:id': { name: '越权改名' },
    'POST /api/devices': { name: '越权设备', kind: 'door', campusId: target.campusId },
    'PATCH /api/devices/:id': { name: '越权改名' },
    'POST /api/devices/:id/maintenance': { date: '2025-02-03', kind: 'repair', performedBy: '越权' },
    'POST /api/users': { username: 'intruder', displayName: '越权', password: 'long-enough-1', role: 'operator', universityId: target.universityId },
    'PATCH /api/users/:id': { displayName: '越权改名' },
    'POST /api/devices/:id/credentials': undefined,
    'POST /api/devices/import': { file: '名称,设备类型,校区\n越权设备,门禁,校区A\n' },
    'POST /api/alarms/:id/steps': { step: 'acknowledge' },
    'POST /api/alarms/:id/reset': { note: '越权复位' },
    'POST /api/alarms/:id/notes': { note: '越权备注' },
    'PUT /api/alarm-rules/:id': { definition: { name: '越权', enabled: true, trigger: { type: 'event', kinds: ['panic'] }, actions: [{ type: 'create_alarm', alarmType: 'panic', priority: 1 }] } },
    'POST /api/alarm-rules': { universityId: target.universityId, definition: { name: '越权', enabled: true, trigger: { type: 'event', kinds: ['panic'], deviceIds: [target.deviceId] }, actions: [{ type: 'create_alarm', alarmType: 'panic', priority: 1 }] } },
    'POST /api/alarms/:id/sop/:key': { note: '越权' },
    'POST /api/alarm-rules/:id/dry-run': { deviceId: target.deviceId },
    'POST /api/alarms/:id/dispatches': { count: 1 },
    'POST /api/alarms/:id/photos': { not: 'an image' },
    'POST /api/my/dispatches/:id/photos': { not: 'an image' },
    'POST /api/my/dispatches/:id/steps': { step: 'accept' },
    'POST /api/my/dispatches/:id/sop/:key': { note: '越权' },
    'POST /api/my/position': { lon: 121.5, lat: 31.3 },
    'POST /api/calendar-days/import': { universityId: target.universityId, days: [{ date: '2026-10-01', kind: 'holiday', name: '越权' }] },
    'PUT /api/calendar-days/:date': { kind: 'holiday', universityId: target.universityId },
    'POST /api/devices/:id/gb28181/catalog': undefined,
    'POST /api/devices/:id/ptz': { action: 'stop' },
    // The place is checked before the camera is asked: nothing listens on port 9.
    'POST /api/onvif/cameras': { campusId: target.campusId, host: '127.0.0.1', port: 9, username: 'admin', password: '越权' },
    'POST /api/devices/:id/onvif/refresh': undefined,
    'PUT /api/devices/:id/onvif': { host: '127.0.0.1', port: 9, username: 'admin', password: '越权' },
    'PUT /api/recordings/:id/plan': { mode: 'continuous' },
    'POST /api/tour-groups': { name: '越权轮巡', cameraIds: [target.deviceId], layout: 4, intervalS: 20 },
    'PUT /api/tour-groups/:id': { name: '越权轮巡', cameraIds: [target.deviceId], layout: 4, intervalS: 20 },
    'POST /api/vehicles': { plate: '沪Z99999', list: 'staff', ownerName: '越权', universityId: target.universityId },
    'PUT /api/vehicles/:id': { plate: '沪Z99998', list: 'staff', ownerName: '越权' },
    'POST /api/vehicles/:id/approve': {},
    'POST /api/alarms/:id/evidence': { deviceIds: [target.deviceId], from: '2026-03-05T03:00:00Z', to: '2026-03-05T03:01:00Z', reason: '越权导出' },
    'POST /api/people': { kind: 'student', name: '越权人员', number: 'X-1', universityId: target.universityId },
    'PUT /api/people/:id': { name: '越权改名' },
    'POST /api/people/:id/credentials': { kind: 'card', value: '99990001' },
    'POST /api/people/:id/credentials/:credentialId/revoke': undefined,
    'POST /api/people/:id/unmask': { reason: '越权查看', fields: ['idNumber', 'phone', 'credentials'] },
    'POST /api/people/import': { file: '姓名,学工号,类别\n越权人员,X-2,学生\n' },
    'POST /api/visits': { visitorName: '越权访客', visitorPhone: '13800000000', reason: '越权', campusId: target.campusId, windowFrom: new Date(t.clock.now()).toISOString(), windowTo: new Date(t.clock.now() + 3_600_000).toISOString(), gateIds: [visitGateIds.get(target)!] },
    'POST /api/visits/:id/approve': {},
    'POST /api/visits/:id/reject': {},
    'POST /api/visits/:id/cancel': undefined,
    'POST /api/visits/:id/check-in': { gateId: visitGateIds.get(target)! },
    'POST /api/visits/:id/check-out': { gateId: visitGateIds.get(target)! },
    'POST /api/visit-passes/scan': { token: passTokens.get(target)!, gateId: visitGateIds.get(target)!, direction: 'in' },
    'POST /api/access/groups': { name: '越权权限组', doorIds: [visitGateIds.get(target)!], members: { personIds: [], kinds: ['staff'], departments: [] }, universityId: target.universityId },
    'PUT /api/access/groups/:id': { name: '越权权限组', doorIds: [visitGateIds.get(target)!], members: { personIds: [], kinds: ['staff'], departments: [] } },
    'PUT /api/access/doors/:id': { mode: 'online', credentials: ['card'], antiPassback: false, firstCardUnlock: false },
    'POST /api/access/doors/:id/push': undefined,
    'POST /api/access/check': { doorId: visitGateIds.get(target)!, credentialType: 'card', credentialId: '12345678' },
    'POST /api/trajectory': { type: 'person', value: personIds.get(target)!, reason: '越权查询轨迹', universityId: target.universityId },
    'POST /api/patrol/checkpoints': { name: '越权巡更点', lon: 121.5, lat: 31.3, universityId: target.universityId },
    'PUT /api/patrol/checkpoints/:id': { name: '越权巡更点', lon: 121.5, lat: 31.3 },
    'POST /api/patrol/checkpoints/:id/token': undefined,
    'POST /api/patrol/routes': { ...patrolRoute(target), universityId: target.universityId },
    'PUT /api/patrol/routes/:id': patrolRoute(target),
    'POST /api/duty/posts': { name: '越权岗位', kind: 'command_seat', commandCentre: true, pattern: '2x12', universityId: target.universityId },
    'PUT /api/duty/posts/:id': { name: '越权岗位', kind: 'command_seat', commandCentre: true, pattern: '2x12' },
    'POST /api/duty/assignments': { postId: dutyPostIds.get(target)!, accountId: target.users.operator.id, date: '2026-03-05', shift: 'night' },
    'POST /api/duty/publish': { month: '2026-04', universityId: target.universityId },
    'POST /api/handover': { universityId: target.universityId },
    'POST /api/handover/:id/sign': { checklist: [], notes: '越权' },
    'POST /api/handover/:id/accept': undefined,
    'POST /api/duty/certificates': { accountId: target.users.guard.id, type: '保安员证', number: 'X-1', issuer: '越权', validFrom: '2026-01-01', validTo: '2027-01-01' },
    'PUT /api/duty/certificates/:id/scan': { not: 'an image' },
    'PUT /api/duty/certificates/:id': { accountId: target.users.operator.id, type: '保安员证', number: 'X-1', issuer: '越权', validFrom: '2026-01-01', validTo: '2027-01-01' },
    'POST /api/duty/swaps': { assignmentId: dutyAssignmentIds.get(target)!, targetId: target.users.guard.id },
    'POST /api/duty/swaps/:id/approve': {},
    'POST /api/duty/swaps/:id/reject': {},
    'POST /api/duty/swaps/:id/decline': {},
    'POST /api/duty/swaps/:id/agree': undefined,
    'POST /api/duty/swaps/:id/cancel': undefined,
    'POST /api/training/sessions': { title: '越权培训', kind: 'theory', date: '2026-03-05', hours: 1, trainer: '越权', attendance: [{ accountId: target.users.operator.id, attended: true }], universityId: target.universityId },
    'PUT /api/training/sessions/:id': { title: '越权培训', kind: 'theory', date: '2026-03-05', hours: 1, trainer: '越权', attendance: [] },
    'POST /api/training/drills': { scenario: 'lost_child', universityId: target.universityId },
    'POST /api/training/drills/:id/finish': undefined,
    'PUT /api/compliance/settings': { params: { 'S-RET-90': { days: 120 } }, universityId: target.universityId },
    'POST /api/compliance/evidence': { ruleId: 'S-UPS-1H', note: '越权', fileName: 'x.pdf', content: EVIDENCE_PDF, universityId: target.universityId },
    'POST /api/compliance/evidence/:id/review': { decision: 'accept' },
    'POST /api/alarm-rules/import': { universityId: target.universityId, rules: [{ name: '越权', enabled: true, trigger: { type: 'event', kinds: ['panic'], deviceIds: [target.deviceId] }, actions: [{ type: 'create_alarm', alarmType: 'panic', priority: 1 }] }] },
  };
  const key = `${method} ${url}`;
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (!(key in bodies)) throw new Error(`add a sample body for ${key} to the tenant isolation test`);
  return bodies[key];
}

/** The id of A's object that a route's `:id` names, by the route's resource. */
function targetId(url: string, target: UniversityFixture): string {
  if (url.startsWith('/api/org-units/')) return target.buildingId;
  if (url.startsWith('/api/key-sites/')) return target.keySiteId;
  if (url.startsWith('/api/devices/')) return target.deviceId;
  if (url.startsWith('/api/users/')) return target.users.operator.id;
  if (url.startsWith('/api/dead-letters/')) return target.deviceId;
  if (url.startsWith('/api/alarms/')) return alarmIds.get(target)!;
  if (url.startsWith('/api/my/dispatches/')) return dispatchIds.get(target)!;
  if (url.startsWith('/api/alarm-rules/')) return ruleIds.get(target)!;
  if (url.startsWith('/api/media/')) return target.deviceId;
  if (url.startsWith('/api/tour-groups/')) return tourGroupIds.get(target)!;
  if (url.startsWith('/api/vehicles/')) return vehicleIds.get(target)!;
  if (url.startsWith('/api/recordings/segments/')) return segmentIds.get(target)!;
  if (url.startsWith('/api/recordings/')) return target.deviceId;
  if (url.startsWith('/api/evidence/')) return clipIds.get(target)!;
  if (url.startsWith('/api/people/')) return personIds.get(target)!;
  if (url.startsWith('/api/visits/')) return visitIds.get(target)!;
  if (url.startsWith('/api/access/groups/')) return accessGroupIds.get(target)!;
  if (url.startsWith('/api/access/doors/')) return visitGateIds.get(target)!;
  if (url.startsWith('/api/patrol/checkpoints/')) return checkpointIds.get(target)!;
  if (url.startsWith('/api/patrol/routes/')) return patrolRouteIds.get(target)!;
  if (url.startsWith('/api/duty/posts/')) return dutyPostIds.get(target)!;
  if (url.startsWith('/api/duty/assignments/')) return dutyAssignmentIds.get(target)!;
  if (url.startsWith('/api/duty/certificates/')) return certificateIds.get(target)!;
  if (url.startsWith('/api/duty/swaps/')) return dutySwapIds.get(target)!;
  if (url.startsWith('/api/handover/')) return handoverIds.get(target)!;
  if (url.startsWith('/api/training/sessions/')) return trainingSessionIds.get(target)!;
  if (url.startsWith('/api/training/drills/')) return drillIds.get(target)!;
  if (url.startsWith('/api/compliance/snapshots/')) return snapshotIds.get(target)!;
  if (url.startsWith('/api/compliance/evidence/')) return evidenceIds.get(target)!;
  if (url.startsWith('/api/training/records/')) return target.users.operator.id;
  throw new Error(`the tenant isolation test does not know which object ${url} addresses; add it`);
}

/** A user of B whose role holds the route's permission (so the answer is about scope, not role). */
function userFor(permission: string, fixture: UniversityFixture): string | null {
  const roles = Object.keys(fixture.users) as (keyof UniversityFixture['users'])[];
  const role = roles.find((r) => (ROLE_PERMISSIONS[r as Role] as readonly string[]).includes(permission));
  return role ? fixture.users[role].username : null;
}

async function cookieOf(username: string) {
  if (!cookies.has(username)) cookies.set(username, await t.login(username));
  return cookies.get(username)!;
}

/**
 * Routes whose answers hold no ids: the health check, schemas, and the ledger's file downloads
 * (names only; their scope is tested by name in src/server/modules/ledger-io/ledger-io.test.ts),
 * the SIP server's own settings, the live streams running now (none run here) and the vehicles on
 * campus and the people on campus (counts; none inside here). Still checked for leaks.
 */
const TENANT_FREE = new Set(['/api/health', '/api/alarm-rules/schema', '/api/devices/export', '/api/devices/import-template', '/api/gb28181/status', '/api/media/streams', '/api/people/import-template', '/api/vehicles/on-campus', '/api/trajectory/on-campus',
  // Compressed files (PDF, xlsx): no id reads in their bytes; their content and scope are checked in test/compliance/report.test.ts.
  '/api/compliance/report.pdf', '/api/compliance/report.xlsx']);

/** WebSocket routes answer a plain GET without calling their handler. */
const WEBSOCKET_ROUTES = new Set(['/api/media/live/:id', '/api/media/playback/:id']);

/** Query parameters a route with an id cannot do without (so that it reaches the scope check). */
const ID_ROUTE_QUERY: Record<string, string> = {
  '/api/devices/:id/gb28181/records': '?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
  '/api/recordings/:id/segments': '?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
};

/** Query parameters a list route cannot do without. */
const REQUIRED_QUERY: Record<string, string | (() => string)> = {
  '/api/device-health/online-rate': 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
  '/api/devices/export': 'format=csv', // text, so that the leak check reads it
  '/api/recordings/completeness': 'date=2026-03-01',
  // People whose name has 人员 (each university's person is named 人员 <its id>).
  '/api/trajectory/candidates': 'type=person&q=%E4%BA%BA%E5%91%98',
  // The window around now: the alarms of withActivity() are counted (names and ids in the answer).
  '/api/duty/roster': 'month=2026-03',
  '/api/duty/coverage': 'from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z',
  '/api/duty-stats': 'month=2026-03',
  '/api/alarm-stats': () => `from=${encodeURIComponent(new Date(t.clock.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(t.clock.now() + 86_400_000).toISOString())}`,
};

/** POST routes that look something up by id rather than create under a parent (a trajectory): another university's id is not found. */
const LOOKUPS_BY_ID = new Set(['/api/trajectory']);

const eventIds = new Map<UniversityFixture, string>();
const alarmIds = new Map<UniversityFixture, string>();
const dispatchIds = new Map<UniversityFixture, string>();
const photoIds = new Map<UniversityFixture, string>();
const ruleIds = new Map<UniversityFixture, string>();
const segmentIds = new Map<UniversityFixture, string>();
const clipIds = new Map<UniversityFixture, string>();
const tourGroupIds = new Map<UniversityFixture, string>();
const vehicleIds = new Map<UniversityFixture, string>();
const personIds = new Map<UniversityFixture, string>();
const credentialIds = new Map<UniversityFixture, string>();
const visitGateIds = new Map<UniversityFixture, string>();
const visitIds = new Map<UniversityFixture, string>();
const accessGroupIds = new Map<UniversityFixture, string>();
const passTokens = new Map<UniversityFixture, string>();
const dutyPostIds = new Map<UniversityFixture, string>();
const dutyAssignmentIds = new Map<UniversityFixture, string>();
const certificateIds = new Map<UniversityFixture, string>();
const dutySwapIds = new Map<UniversityFixture, string>();
const handoverIds = new Map<UniversityFixture, string>();
const trainingSessionIds = new Map<UniversityFixture, string>();
const drillIds = new Map<UniversityFixture, string>();
const snapshotIds = new Map<UniversityFixture, string>();
const evidenceIds = new Map<UniversityFixture, string>();
/** A minimal PDF (header and end marker) as a base64 upload. */
const EVIDENCE_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1').toString('base64');

const checkpointIds = new Map<UniversityFixture, string>();
const checkpointTokens = new Map<UniversityFixture, string>();
const patrolRouteIds = new Map<UniversityFixture, string>();

/** A patrol route through the university's checkpoint, its tour running now (Beijing time), walked by its guard. */
function patrolRoute(f: UniversityFixture) {
  const hhmm = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(11, 16);
  return { name: `巡更路线 ${f.universityId.slice(0, 8)}`, ordered: true, points: [{ checkpointId: checkpointIds.get(f)!, withinMin: 60 }], minStepS: 60, lateGraceMin: 10, startTimes: [hhmm], days: [1, 2, 3, 4, 5, 6, 7], holidays: 'run', guardIds: [f.users.guard.id], enabled: true };
}

/** Everything of A that must never appear in an answer to B. */
function secretsOf(f: UniversityFixture): string[] {
  return [f.universityId, f.campusId, f.buildingId, f.floorId, f.areaId, f.keySiteId, f.deviceId, f.maintenanceId, eventIds.get(f)!, alarmIds.get(f)!, ruleIds.get(f)!, dispatchIds.get(f)!, photoIds.get(f)!, segmentIds.get(f)!, vehicleIds.get(f)!, personIds.get(f)!, credentialIds.get(f)!, visitGateIds.get(f)!, visitIds.get(f)!, passTokens.get(f)!, accessGroupIds.get(f)!, checkpointIds.get(f)!, checkpointTokens.get(f)!, patrolRouteIds.get(f)!, dutyPostIds.get(f)!, dutyAssignmentIds.get(f)!, certificateIds.get(f)!, dutySwapIds.get(f)!, handoverIds.get(f)!, trainingSessionIds.get(f)!, drillIds.get(f)!, snapshotIds.get(f)!, evidenceIds.get(f)!, ...Object.values(f.users).map((u) => u.id)];
}

/** An event, a dead letter and a heartbeat for the university's device, so event-side lists have content. */
async function withActivity(f: UniversityFixture) {
  const now = t.clock.nowIso();
  const event = { id: '', source: 'http', sourceEventId: `t-${f.deviceId}`, orgId: f.universityId, deviceId: f.deviceId, kind: 'motion', severity: 'info', occurredAt: now, receivedAt: now, payload: {} } as DeviceEvent;
  await t.services.writer.append(event);
  eventIds.set(f, event.id);
  await t.services.ingest.ingestRaw(Buffer.from('garbage'), { source: 'mqtt', deviceId: f.deviceId, topic: null });
  t.services.health.markSeen(f.deviceId, f.universityId);
  await t.services.health.sample();
  // A panic press: the default rules make it an alarm.
  await t.services.writer.append({ ...event, id: '', sourceEventId: `p-${f.deviceId}`, kind: 'panic', severity: 'critical' } as DeviceEvent);
  await t.services.alarmConsumer.settled();
  const alarm = await t.store.db.selectFrom('alarms').select('id').where('university_id', '=', f.universityId).executeTakeFirstOrThrow();
  alarmIds.set(f, alarm.id);
  const [dispatch] = await t.services.dispatches.dispatch(SYSTEM_ACTOR, alarm.id, { guardIds: [f.users.guard.id] });
  dispatchIds.set(f, dispatch.id);
  photoIds.set(f, (await t.services.procedures.addPhoto(SYSTEM_ACTOR, alarm.id, 'image/png', png(4, 4))).id);
  // A rule whose name carries the university id, so exported definitions (which hold no ids) can be told apart.
  const rule = await t.services.rules.create(SYSTEM_ACTOR, {
    universityId: f.universityId,
    definition: { name: `专属规则 ${f.universityId}`, enabled: true, trigger: { type: 'event', kinds: ['tamper'] }, actions: [{ type: 'create_alarm', alarmType: 'tamper', priority: 3 }] },
  });
  ruleIds.set(f, rule.id);
  // A tour group of the university's camera (a city-wide actor saves it for the camera's university).
  tourGroupIds.set(f, (await t.services.tourGroups.create(SYSTEM_ACTOR, { name: `轮巡 ${f.universityId}`, cameraIds: [f.deviceId], layout: 4, intervalS: 20 })).id);
  // A recorded segment of the university's camera (its file need not exist: scope is checked first).
  const segmentId = `seg-${f.deviceId}`;
  await t.store.db
    .insertInto('recording_segments')
    .values({ id: segmentId, device_id: f.deviceId, university_id: f.universityId, start_at: '2026-03-01T01:00:00.000Z', end_at: '2026-03-01T01:01:00.000Z', path: `recordings/${f.deviceId}/x.mp4`, bytes: 100, codec: 'avc1.64001f', init_bytes: 40, evidence_hold: 0, created_at: now })
    .execute();
  segmentIds.set(f, segmentId);
  // An evidence clip of the university's alarm (its file need not exist: scope is checked first).
  const clipId = `clip-${f.deviceId}`;
  await t.store.db
    .insertInto('evidence_clips')
    .values({ id: clipId, university_id: f.universityId, alarm_id: alarm.id, device_id: f.deviceId, from_at: '2026-03-01T01:00:00.000Z', to_at: '2026-03-01T01:01:00.000Z', path: `evidence/${alarm.id}/x.mp4`, bytes: 100, sha256: '0'.repeat(64), duration_s: 60, reason: '测试', created_by: 'system', created_at: now })
    .execute();
  clipIds.set(f, clipId);
  // A guest vehicle of the university (approvable), whose owner name carries the university id.
  vehicleIds.set(f, (await t.services.vehicles.create(SYSTEM_ACTOR, { plate: f === A ? '沪A10001' : '沪B10001', list: 'guest', ownerName: `访客${f.universityId.slice(-6)}`, validUntil: new Date(t.clock.now() + 86_400_000).toISOString(), universityId: f.universityId })).id);
  // A plate read of that guest at the university's camera: a gate passage naming the vehicle.
  await t.services.writer.append({ ...event, id: '', sourceEventId: `lpr-${f.deviceId}`, kind: 'plate.read', payload: { plate: f === A ? '沪A10001' : '沪B10001', colour: 'blue', direction: 'in', confidence: 0.95 } } as DeviceEvent);
  await t.services.writer.idle();
  await t.services.gate.settled();
  // A person with a card (the department names the university, so its list can be told apart).
  const person = await t.services.people.create(SYSTEM_ACTOR, { universityId: f.universityId, kind: 'staff', name: `人员 ${f.universityId.slice(0, 8)}`, number: `N-${f.universityId.slice(0, 8)}`, department: `部门 ${f.universityId}` });
  personIds.set(f, person.id);
  credentialIds.set(f, (await t.services.people.addCredential(SYSTEM_ACTOR, person.id, { kind: 'card', value: '12345678' })).id);
  // An approved visit at a turnstile of the university (its pass token is a secret too).
  const gate = await t.services.devices.create(SYSTEM_ACTOR, { name: `闸机 ${f.universityId.slice(0, 8)}`, kind: 'turnstile', campusId: f.campusId });
  visitGateIds.set(f, gate.id);
  const host = { ...SYSTEM_ACTOR, id: f.users.operator.id, displayName: 'operator', role: 'operator' as const, universityId: f.universityId };
  const visit = await t.services.visitors.create(host, { visitorName: '访客', visitorPhone: '13800000000', reason: '参观', campusId: f.campusId, windowFrom: t.clock.nowIso(), windowTo: new Date(t.clock.now() + 86_400_000).toISOString(), gateIds: [gate.id] });
  await t.services.visitors.approve(SYSTEM_ACTOR, visit.id, {});
  visitIds.set(f, visit.id);
  passTokens.set(f, (await t.services.visitors.pass(SYSTEM_ACTOR, visit.id)).token);
  // The person through that turnstile: a sighting at an entrance (trajectories, gate traffic).
  await t.services.writer.append({ ...event, id: '', sourceEventId: `gate-${gate.id}`, deviceId: gate.id, kind: 'access.granted', payload: { credentialType: 'card', credentialId: '12345678', direction: 'in' } } as DeviceEvent);
  await t.services.writer.idle();
  await t.services.sightings.settled();
  // An access group naming the person at that turnstile.
  accessGroupIds.set(f, (await t.services.access.createGroup(SYSTEM_ACTOR, { universityId: f.universityId, name: '员工通道', doorIds: [gate.id], members: { personIds: [person.id], kinds: [], departments: [] } })).id);
  // A patrol checkpoint (its QR token is a secret too) and a route whose tour runs now.
  const checkpoint = await t.services.patrol.createCheckpoint(SYSTEM_ACTOR, { universityId: f.universityId, name: `巡更点 ${f.universityId.slice(0, 8)}`, lon: 121.5, lat: 31.3, deviceId: f.deviceId });
  checkpointIds.set(f, checkpoint.id);
  checkpointTokens.set(f, checkpoint.token!);
  patrolRouteIds.set(f, (await t.services.patrol.createRoute(SYSTEM_ACTOR, { ...patrolRoute(f), universityId: f.universityId } as never)).id);
  // A marked day, so the calendar list has something of the university's own.
  await t.services.calendar.put(SYSTEM_ACTOR, '2026-10-01', { universityId: f.universityId, kind: 'holiday', name: '国庆节' });
  // A command-centre seat with one certified operator on one night shift (the rest of the month shows as gaps).
  const post = await t.services.duty.createPost(SYSTEM_ACTOR, { universityId: f.universityId, name: `值班席 ${f.universityId.slice(0, 8)}`, kind: 'command_seat', commandCentre: true, pattern: '2x12' });
  dutyPostIds.set(f, post.id);
  certificateIds.set(f, (await t.services.duty.createCertificate(SYSTEM_ACTOR, { accountId: f.users.operator.id, type: '安全防范系统操作员证', number: `SF-${f.universityId.slice(0, 8)}`, issuer: '公安局', validFrom: '2025-01-01', validTo: '2029-12-31' })).id);
  dutyAssignmentIds.set(f, (await t.services.duty.assign(SYSTEM_ACTOR, { postId: post.id, accountId: f.users.operator.id, date: '2026-03-04', shift: 'night' })).id);
  // A gatehouse shift ahead that the operator asks the guard to take (换班).
  const gatehouse = await t.services.duty.createPost(SYSTEM_ACTOR, { universityId: f.universityId, name: `岗亭 ${f.universityId.slice(0, 8)}`, kind: 'gatehouse', commandCentre: false, pattern: '3x8' });
  const ahead = await t.services.duty.assign(SYSTEM_ACTOR, { postId: gatehouse.id, accountId: f.users.operator.id, date: '2029-06-01', shift: 'early' });
  dutySwapIds.set(f, (await t.services.dutySwaps.request(SYSTEM_ACTOR, { assignmentId: ahead.id, targetId: f.users.guard.id })).id);
  // A signed handover of that night shift (as the demo history loads them).
  const handoverId = `handover-${f.universityId}`;
  await t.services.handover.loadBulk(t.store.db, [
    { id: handoverId, university_id: f.universityId, shift_from: '2026-03-04T12:00:00.000Z', shift_to: '2026-03-05T00:00:00.000Z', post_name: post.name, shift_name: '夜班', outgoing_id: f.users.operator.id, outgoing_name: 'operator', incoming_expected: '[]', incoming_id: null, incoming_name: null, state: 'signed', open_alarms: '[]', device_faults: '[]', checklist: '[]', notes: `交班 ${f.universityId}`, moved_alarms: 0, created_at: now, signed_at: now, accepted_at: null },
  ]);
  handoverIds.set(f, handoverId);
  // A training session this year with the operator, and a drill (written as the training module would, running, no events).
  const year = new Date(t.clock.now() + 8 * 3_600_000).toISOString().slice(0, 4);
  trainingSessionIds.set(f, (await t.services.training.createSession(SYSTEM_ACTOR, { universityId: f.universityId, title: `培训 ${f.universityId.slice(0, 8)}`, kind: 'theory', date: `${year}-01-15`, hours: 2, trainer: '保卫处', attendance: [{ accountId: f.users.operator.id, attended: true, score: 90 }] })).id);
  const drillId = `drill-${f.universityId}`;
  await t.store.db.insertInto('drills').values({ id: drillId, university_id: f.universityId, scenario: 'lost_child', title: `演练 ${f.universityId.slice(0, 8)}`, device_id: f.deviceId, state: 'running', started_at: now, started_by: f.users.security_director.id, finished_at: null, event_ids: '[]', result: null, session_id: null, created_at: now }).execute();
  drillIds.set(f, drillId);
  // 评估快照: today's score of the university, with its inputs.
  snapshotIds.set(f, (await t.services.compliance.takeSnapshot(f.universityId)).id);
  // 佐证材料: a pending document (uploaded as the system, so the university's reviewers may review it).
  evidenceIds.set(f, (await t.services.complianceEvidence.upload(SYSTEM_ACTOR, { universityId: f.universityId, ruleId: 'S-UPS-1H', note: '后备电源', fileName: 'ups.pdf', content: EVIDENCE_PDF })).id);
}

describe('tenant isolation over every route', () => {
  before(async () => {
    t = await createTestApp();
    A = await createUniversity(t.services, 'A', 121.5, 31.3);
    B = await createUniversity(t.services, 'B', 121.43, 31.03);
    await withActivity(A);
    await withActivity(B);
  });
  after(() => t.close());

  it('every route declares its access', () => {
    assert.ok(t.routes.length > 15, 'route table is collected');
    for (const r of t.routes.filter((x) => x.url.startsWith('/api/'))) assert.ok(r.auth, `${r.method} ${r.url} declares no access`);
  });

  it('routes with an id answer 404 for another university’s objects, and change nothing', async () => {
    const scoped = t.routes.filter((r) => r.auth && 'permission' in r.auth && r.url.includes(':id'));
    assert.ok(scoped.length >= 12, `expected many id routes, got ${scoped.length}`);
    const writes = () => t.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '!=', 'login').executeTakeFirstOrThrow();
    const before = await writes();
    for (const r of scoped) {
      const permission = (r.auth as { permission: string }).permission;
      const username = userFor(permission, B);
      if (!username) continue; // no university role holds it (e.g. university.manage): covered by role tests
      if (WEBSOCKET_ROUTES.has(r.url)) continue; // not plain HTTP: its scope is tested over a WebSocket (test/media/gb-live.test.ts)
      const url = r.url.replace(':id', targetId(r.url, A)).replace(':date', '2026-03-01').replace(':key', 'video').replace(':photoId', photoIds.get(A)!).replace(':credentialId', credentialIds.get(A)!) + (ID_ROUTE_QUERY[r.url] ?? '');
      const res = await t.call(await cookieOf(username), r.method, url, sampleBody(r.method, r.url, A));
      assert.equal(res.statusCode, 404, `${r.method} ${url} as ${username}: ${res.statusCode} ${res.body}`);
      assert.equal(json(res).code, 'XIAOAN_NOT_FOUND');
      for (const secret of secretsOf(A)) assert.ok(!res.body.includes(secret), `${r.method} ${r.url} leaks ${secret}`);
    }
    const after = await writes();
    assert.equal(Number(after.n), Number(before.n), 'a refused request wrote something');
    const device = await t.services.devices.get({ id: 'x', username: 'x', displayName: 'x', role: 'admin', universityId: null }, A.deviceId);
    assert.equal(device.name, '摄像机A');
  });

  it('list routes never return another university’s data, even when asked for it', async () => {
    const lists = t.routes.filter((r) => r.method === 'GET' && !r.url.includes(':') && r.auth && 'permission' in r.auth);
    assert.ok(lists.length >= 6, `expected list routes, got ${lists.length}`);
    for (const r of lists) {
      const username = userFor((r.auth as { permission: string }).permission, B)!;
      const q = REQUIRED_QUERY[r.url] ?? '';
      const required = typeof q === 'function' ? q() : q;
      for (const query of [required ? `?${required}` : '', `?${required ? required + '&' : ''}universityId=${A.universityId}`]) {
        const res = await t.call(await cookieOf(username), 'GET', r.url + query);
        if (res.statusCode === 400 && query) continue; // route takes no universityId: fine
        assert.equal(res.statusCode, 200, `${r.url}${query}: ${res.body}`);
        for (const secret of secretsOf(A)) assert.ok(!res.body.includes(secret), `GET ${r.url}${query} as ${username} leaks ${secret}`);
      }
      // And B's own data is there (the filter is not simply "nothing").
      const own = await t.call(await cookieOf(username), 'GET', r.url + (required ? `?${required}` : ''));
      const expectsOwn = (r.url !== '/api/audit' || username.startsWith('auditor')) && !TENANT_FREE.has(r.url);
      if (expectsOwn) assert.ok(secretsOf(B).some((s) => own.body.includes(s)), `GET ${r.url} shows B nothing of its own`);
    }
  });

  it('creating under another university’s parent is refused with the field named, and writes nothing', async () => {
    // Routes that act on the caller alone (a guard's own position) have no other university to name.
    const creates = t.routes.filter((r) => r.method === 'POST' && !r.url.includes(':') && r.auth && 'permission' in r.auth && !r.url.startsWith('/api/my/'));
    assert.ok(creates.length >= 4);
    for (const r of creates) {
      const username = userFor((r.auth as { permission: string }).permission, B)!;
      const sample = sampleBody('POST', r.url, A);
      // The ledger and people imports take a file as the body and the university in the query.
      const res =
        r.url === '/api/devices/import' || r.url === '/api/people/import'
          ? await t.app.inject({
              method: 'POST',
              url: `${r.url}?mode=commit&universityId=${A.universityId}`,
              headers: { cookie: await cookieOf(username), 'content-type': 'text/csv' },
              payload: (sample as { file: string }).file,
            })
          : await t.call(await cookieOf(username), 'POST', r.url, sample);
      if (LOOKUPS_BY_ID.has(r.url)) {
        // A query about another university's person: not found, and nothing of it in the answer.
        assert.equal(res.statusCode, 404, `${r.url}: ${res.statusCode} ${res.body}`);
        for (const secret of secretsOf(A)) assert.ok(!res.body.includes(secret), `${r.url} leaks ${secret}`);
        continue;
      }
      assert.equal(res.statusCode, 400, `${r.url}: ${res.statusCode} ${res.body}`);
      const body = json(res);
      assert.ok(
        body.details.some((d: { field: string }) => ['parentId', 'campusId', 'universityId', 'gateId', 'doorId', 'postId', 'accountId', 'assignmentId'].includes(d.field) || /(device|camera)Ids\[0\]$/.test(d.field)),
        `${r.url}: ${res.body}`,
      );
    }
    const intruders = await t.store.db
      .selectFrom('devices')
      .select('id')
      .where('name', '=', '越权设备')
      .union(t.store.db.selectFrom('org_units').select('id').where('name', '=', '越权楼'))
      .union(t.store.db.selectFrom('users').select('id').where('username', '=', 'intruder'))
      .union(t.store.db.selectFrom('people').select('id').where('name', '=', '越权人员'))
      .execute();
    assert.deepEqual(intruders, []);
  });

  it('a device cannot be moved into another university’s building', async () => {
    const res = await t.call(await cookieOf(B.users.security_director.username), 'PATCH', `/api/devices/${B.deviceId}`, { buildingId: A.buildingId });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'buildingId');
  });

  it('the commission analyst reads every university but changes none', async () => {
    await t.services.accounts.create({ id: 'system', username: 'system', displayName: 'system', role: 'admin', universityId: null }, {
      username: 'analyst',
      displayName: '分析员',
      password: 'test-password-1',
      role: 'commission_analyst',
    });
    const c = await cookieOf('analyst');
    const list = json(await t.call(c, 'GET', '/api/devices'));
    assert.equal(list.total, 4, 'each university’s camera and visitor turnstile');
    const res = await t.call(c, 'PATCH', `/api/devices/${A.deviceId}`, { name: 'x' });
    assert.equal(res.statusCode, 403);
  });
});
