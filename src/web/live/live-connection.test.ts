import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceEvent } from '../../shared/events.ts';
import { LIVE_CLOSE_SESSION_ENDED } from '../../shared/live.ts';
import { defaultBackoff, LiveConnection, liveUrl, type LiveState, type SocketLike } from './live-connection.ts';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  send(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.onerror?.({});
    this.onclose?.({ code: 1006 });
  }
}

function harness(onSessionEnded?: () => void) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  let now = 1_000_000;
  const conn = new LiveConnection({
    url: 'ws://x/api/live',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    backoff: (n) => n * 1000,
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => ((h as (typeof timers)[number]).cleared = true),
    onSessionEnded,
  });
  const fire = () => {
    const t = timers.filter((x) => !x.cleared).pop();
    assert.ok(t, 'a retry is scheduled');
    t.cleared = true;
    now += t.ms;
    t.fn();
  };
  return { conn, sockets, timers, fire, advance: (ms: number) => (now += ms) };
}

const ev = (id: string): DeviceEvent =>
  ({ id, source: 'http', sourceEventId: null, orgId: 'u', deviceId: 'd', kind: 'panic', severity: 'critical', occurredAt: '', receivedAt: '', payload: {} }) as DeviceEvent;

describe('live connection', () => {
  it('opens on hello and hands events and status changes to subscribers', () => {
    const { conn, sockets } = harness();
    const events: string[] = [];
    const status: boolean[] = [];
    conn.onEvents((e) => events.push(...e.map((x) => x.id)));
    conn.onStatus((c) => status.push(...c.map((x) => x.online)));
    conn.start();
    assert.equal(conn.getState().phase, 'connecting');
    assert.equal(sockets.length, 1);
    sockets[0]!.send({ type: 'hello', at: 'now' });
    assert.equal(conn.getState().phase, 'open');
    sockets[0]!.send({ type: 'events', events: [ev('a'), ev('b')] });
    sockets[0]!.send({ type: 'status', changes: [{ deviceId: 'd', universityId: 'u', online: false, at: 'now' }] });
    sockets[0]!.onmessage?.({ data: 'not json' });
    assert.deepEqual(events, ['a', 'b']);
    assert.deepEqual(status, [false]);
  });

  it('counts missed events until a resync, which tells subscribers to re-read', () => {
    const { conn, sockets } = harness();
    const reasons: string[] = [];
    conn.onResync((r) => reasons.push(r));
    conn.start();
    sockets[0]!.send({ type: 'hello', at: 'now' });
    sockets[0]!.send({ type: 'missed', count: 12, hint: 'reload' });
    sockets[0]!.send({ type: 'missed', count: 3, hint: 'reload' });
    assert.equal(conn.getState().missed, 15);
    conn.resync();
    assert.equal(conn.getState().missed, 0);
    assert.deepEqual(reasons, ['missed']);
  });

  it('reconnects with growing delays, and after the next hello asks subscribers to re-read', () => {
    const { conn, sockets, fire } = harness();
    const reasons: string[] = [];
    const phases: LiveState['phase'][] = [];
    conn.onResync((r) => reasons.push(r));
    conn.onState((s) => phases.push(s.phase));
    conn.start();
    sockets[0]!.send({ type: 'hello', at: 'now' });
    sockets[0]!.drop();
    let s = conn.getState();
    assert.equal(s.phase, 'down');
    assert.equal(s.attempts, 1);
    assert.equal(s.retryAt! - s.downSince!, 1000);
    fire();
    assert.equal(sockets.length, 2);
    sockets[1]!.drop(); // the server is still away
    s = conn.getState();
    assert.equal(s.attempts, 2);
    assert.equal(s.retryAt! - s.downSince!, 1000 + 2000, 'second delay is longer; down since the first failure');
    fire();
    sockets[2]!.send({ type: 'hello', at: 'now' });
    s = conn.getState();
    assert.equal(s.phase, 'open');
    assert.equal(s.attempts, 0);
    assert.equal(s.downSince, null);
    assert.deepEqual(reasons, ['reconnected'], 'the first hello is not a reconnection, the later one is');
  });

  it('reconnects at once on demand, and stops for good on stop()', () => {
    const { conn, sockets, timers } = harness();
    conn.start();
    sockets[0]!.drop();
    conn.reconnectNow();
    assert.equal(sockets.length, 2, 'no wait for the timer');
    assert.ok(timers.every((t) => t.cleared));
    conn.stop();
    assert.ok(sockets[1]!.closed);
    assert.equal(conn.getState().phase, 'stopped');
    sockets[1]!.drop(); // late close of the old socket
    assert.equal(sockets.length, 2, 'no reconnection after stop');
  });

  it('stops and asks for a new login when the server closes the socket because the session ended', () => {
    let ended = 0;
    const { conn, sockets, timers } = harness(() => ended++);
    conn.start();
    sockets[0]!.send({ type: 'hello', at: '' });
    sockets[0]!.onclose?.({ code: LIVE_CLOSE_SESSION_ENDED });
    assert.equal(ended, 1);
    assert.equal(conn.getState().phase, 'stopped');
    assert.ok(timers.every((t) => t.cleared), 'no reconnection with a dead session');
    assert.equal(sockets.length, 1);
  });

  it('passes message types it has no hook for to onMessage subscribers, and survives a failing subscriber', () => {
    const { conn, sockets } = harness();
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      conn.onEvents(() => {
        throw new Error('boom');
      });
      const got: string[] = [];
      conn.onEvents((e) => got.push(e[0]!.id));
      conn.onMessage('alarms', (m) => seen.push(m));
      conn.start();
      sockets[0]!.send({ type: 'alarms', changes: [{ alarmId: 'a1', change: 'created' }] });
      sockets[0]!.send({ type: 'events', events: [ev('x')] });
      assert.deepEqual(seen, [{ type: 'alarms', changes: [{ alarmId: 'a1', change: 'created' }] }]);
      assert.deepEqual(got, ['x']);
      assert.equal(errors.length, 1);
    } finally {
      console.error = original;
    }
  });

  it('backs off 1, 2, 5, 10, 20, then 30 s, with jitter; uses wss on https', () => {
    const mid = () => 0.5;
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map((n) => defaultBackoff(n, mid)), [1000, 2000, 5000, 10000, 20000, 30000, 30000, 30000]);
    assert.equal(defaultBackoff(1, () => 0), 800);
    assert.equal(defaultBackoff(1, () => 1), 1200);
    assert.equal(liveUrl({ protocol: 'https:', host: 'a.edu.cn' }), 'wss://a.edu.cn/api/live');
    assert.equal(liveUrl({ protocol: 'http:', host: '127.0.0.1:8080' }), 'ws://127.0.0.1:8080/api/live');
  });
});
