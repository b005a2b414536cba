/** Live push over WebSocket: only the user's university; a slow browser never slows ingest. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { DeviceEvent } from '../../src/shared/events.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';
import { LIVE_CLOSE_SESSION_ENDED } from '../../src/shared/live.ts';

let t: TestApp;
let A: UniversityFixture;
let B: UniversityFixture;
let base: string;
const sockets: WebSocket[] = [];

function event(f: UniversityFixture, i: number, payloadBytes = 0): DeviceEvent {
  const now = t.clock.nowIso();
  return {
    id: uuid7(),
    source: 'http',
    sourceEventId: `e-${f.deviceId}-${i}`,
    orgId: f.universityId,
    deviceId: f.deviceId,
    kind: 'motion',
    severity: 'info',
    occurredAt: now,
    receivedAt: now,
    payload: { objectType: 'person', region: 'x'.repeat(Math.min(64, payloadBytes)) },
  } as DeviceEvent;
}

async function open(username: string, cookie?: string): Promise<{ ws: WebSocket; cookie: string; messages: { type: string; [k: string]: unknown }[] }> {
  cookie ??= await t.login(username);
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/live`, { headers: { cookie } });
  sockets.push(ws);
  const messages: { type: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, cookie, messages: messages as { type: string; [k: string]: unknown }[] };
}

const until = (cond: () => boolean, ms = 5000) => waitFor('the live messages', cond, ms, 10);

describe('live push', () => {
  before(async () => {
    t = await createTestApp();
    A = await createUniversity(t.services, 'WA');
    B = await createUniversity(t.services, 'WB', 121.4, 31.0);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    for (const s of sockets) s.terminate();
    await t.close();
  });

  it('refuses anonymous connections', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/live`);
    ws.on('error', () => {}); // the refused handshake
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 401);
  });

  it('sends committed events of the user’s own university only', async () => {
    const a = await open(A.users.operator.username);
    const b = await open(B.users.operator.username);
    await Promise.all([t.services.writer.append(event(A, 1)), t.services.writer.append(event(B, 1))]);
    await until(() => a.messages.some((m) => m.type === 'events') && b.messages.some((m) => m.type === 'events'));
    const aEvents = a.messages.filter((m) => m.type === 'events').flatMap((m) => m.events as DeviceEvent[]);
    const bEvents = b.messages.filter((m) => m.type === 'events').flatMap((m) => m.events as DeviceEvent[]);
    assert.deepEqual(aEvents.map((e) => e.orgId), [A.universityId]);
    assert.deepEqual(bEvents.map((e) => e.orgId), [B.universityId]);
  });

  it('a guard gets device status but not raw events (personal data)', async () => {
    const g = await open(A.users.guard.username);
    await t.services.writer.append(event(A, 2));
    // A device never seen before: its first sign of life is a status change.
    const fresh = await t.services.devices.create(SYSTEM_ACTOR, { name: '新门禁', kind: 'door', campusId: A.campusId });
    t.services.health.markSeen(fresh.id, A.universityId);
    await until(() => g.messages.some((m) => m.type === 'status'));
    assert.ok(!g.messages.some((m) => m.type === 'events'));
  });

  it('a guard’s phone hears about its own dispatches, and only its own', async () => {
    const g = await open(A.users.guard.username);
    const other = await open(B.users.guard.username);
    await t.services.writer.append({ ...event(A, 3), kind: 'panic', severity: 'critical', payload: {} } as DeviceEvent);
    await t.services.alarmConsumer.settled();
    const alarm = await t.store.db.selectFrom('alarms').select('id').where('university_id', '=', A.universityId).executeTakeFirstOrThrow();
    const [d] = await t.services.dispatches.dispatch(SYSTEM_ACTOR, alarm.id, { guardIds: [A.users.guard.id] });
    await until(() => g.messages.some((m) => m.type === 'dispatches'));
    assert.deepEqual(g.messages.find((m) => m.type === 'dispatches')!.changes, [{ dispatchId: d.id, change: 'offered' }]);
    assert.ok(!other.messages.some((m) => m.type === 'dispatches'));
  });

  it('closes a socket when its session ends: logout closes that session’s, disabling closes all', async () => {
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => (ws.readyState === ws.CLOSED ? resolve(-1) : ws.once('close', (code) => resolve(code))));
    const user = A.users.maintainer.username;
    const first = await open(user);
    const second = await open(user); // another login: a second session
    const sameSession = await open(user, first.cookie);
    const firstClosed = closed(first.ws);
    const sameClosed = closed(sameSession.ws);
    assert.equal((await t.call(first.cookie, 'POST', '/api/auth/logout')).statusCode, 204);
    assert.deepEqual(await Promise.all([firstClosed, sameClosed]), [LIVE_CLOSE_SESSION_ENDED, LIVE_CLOSE_SESSION_ENDED]);
    assert.equal(second.ws.readyState, second.ws.OPEN, 'the other session goes on');

    const secondClosed = closed(second.ws);
    const admin = await t.login('admin');
    assert.equal((await t.call(admin, 'PATCH', `/api/users/${A.users.maintainer.id}`, { disabled: true })).statusCode, 200);
    assert.equal(await secondClosed, LIVE_CLOSE_SESSION_ENDED, 'a disabled user keeps no live stream');
    // Nothing more reaches the closed sockets, and a new connection is refused.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/live`, { headers: { cookie: second.cookie } });
    ws.on('error', () => {});
    assert.equal(await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))), 401);
  });

  it('a browser that stops reading does not stall ingest, and is told what it missed', async () => {
    const slow = await open(A.users.security_director.username);
    const fast = await open(A.users.auditor.username);
    // Stop reading from the socket: the server's send buffer fills up.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const started = performance.now();
    const total = 20_000;
    for (let batch = 0; batch < total / 1000; batch++) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => t.services.writer.append(event(A, 1000 + batch * 1000 + i, 64))));
    }
    const elapsed = performance.now() - started;
    assert.ok(t.services.live.stats.dropped > 0, 'nothing was dropped for the slow browser');
    await until(() => fast.messages.filter((m) => m.type === 'events').reduce((n, m) => n + (m.events as unknown[]).length, 0) >= total);
    assert.ok(!fast.messages.some((m) => m.type === 'missed'), 'the fast browser lost events');
    // Ingest went on at full speed (a stalled writer would take as long as the socket timeout).
    assert.ok(elapsed < 30_000, `ingest took ${elapsed} ms`);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await t.services.writer.append(event(A, 99_999));
    await until(() => slow.messages.some((m) => m.type === 'missed'), 10_000);
    const missed = slow.messages.find((m) => m.type === 'missed')!;
    assert.ok((missed.count as number) > 0);
    assert.equal(missed.hint, 'reload');
  });
});
