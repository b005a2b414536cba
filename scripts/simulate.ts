/**
 * Load driver: simulated devices against any xiaoan instance, over real MQTT (and optionally
 * HTTP ingest), at a target event rate, reporting acknowledgements and latency as it goes.
 *
 *   npm run simulate -- --url http://127.0.0.1:8080 --mqtt mqtt://127.0.0.1:1883 \
 *       --username admin --password '…' --rate 5000 --devices 500 --duration 60 --qos 1
 *
 * It logs in over HTTP, takes the instance's in-service devices (or creates `--create-devices N`
 * under a campus of its own), issues credentials for each (POST /api/devices/:id/credentials —
 * this REPLACES the secrets of existing devices: use it on test instances only), connects them
 * over MQTT and publishes plausible events for each device's kind, spread over the devices.
 * Every few seconds it prints: sent, acknowledged, acknowledgements per second, p50/p99
 * publish→PUBACK latency, errors. With --qos 1 on xiaoan's broker a PUBACK means "committed".
 *
 * Options (defaults in brackets):
 *   --url URL                 platform base URL [http://127.0.0.1:8080]
 *   --mqtt URL                broker [mqtt://<host of --url>:1883]
 *   --username / --password   an account with device.write [admin / $XIAOAN_ADMIN_PASSWORD]
 *   --rate N                  events per second, in total [100]
 *   --devices N               devices to use [100]
 *   --duration S              seconds of sending [60]
 *   --qos 0|1                 QoS of event publishes [1]
 *   --create-devices N        create N devices under a new campus instead of taking existing ones
 *   --university ID           university to take devices from / create the campus in
 *   --http-share F            fraction of the devices that push over HTTP ingest instead [0]
 *   --heartbeat S             heartbeat interval of each device, 0 = none [60]
 *   --report S                seconds between progress lines [5]
 *   --connect-concurrency N   connections opened at once [100]
 *   --max-inflight N          unacknowledged events before sending pauses [20000]
 *   --seed N                  scenario seed [1]
 */
import { parseArgs } from 'node:util';
import type { DeviceKind } from '../src/shared/domain.ts';
import { HttpDeviceClient } from '../src/server/simulator/protocol/http-device-client.ts';
import { MqttDeviceClient } from '../src/server/simulator/protocol/mqtt-device-client.ts';
import { Scenario, type SimDevice } from '../src/server/simulator/scenario/scenario.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    mqtt: { type: 'string' },
    username: { type: 'string', default: 'admin' },
    password: { type: 'string' },
    rate: { type: 'string', default: '100' },
    devices: { type: 'string' },
    duration: { type: 'string', default: '60' },
    qos: { type: 'string', default: '1' },
    'create-devices': { type: 'string' },
    university: { type: 'string' },
    'http-share': { type: 'string', default: '0' },
    heartbeat: { type: 'string', default: '60' },
    report: { type: 'string', default: '5' },
    'connect-concurrency': { type: 'string', default: '100' },
    'max-inflight': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (args.help) {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL(import.meta.url), 'utf8');
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(text)![1].replace(/^ \* ?/gm, ''));
  process.exit(0);
}

const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${v})`);
    process.exit(2);
  }
  return n;
};

const baseUrl = new URL(args.url!);
const mqttUrl = args.mqtt ?? `mqtt://${baseUrl.hostname}:1883`;
const password = args.password ?? process.env.XIAOAN_ADMIN_PASSWORD;
if (!password) {
  console.error('--password is required (or set XIAOAN_ADMIN_PASSWORD)');
  process.exit(2);
}
const createCount = args['create-devices'] !== undefined ? num('create-devices', args['create-devices'], 1, 100_000) : 0;
const deviceCount = num('devices', args.devices ?? String(createCount || 100), 1, 100_000);
const rate = num('rate', args.rate, 0.1, 1_000_000);
const durationS = num('duration', args.duration, 1, 86_400);
const qos = num('qos', args.qos, 0, 1) as 0 | 1;
const httpShare = num('http-share', args['http-share'], 0, 1);
const heartbeatS = num('heartbeat', args.heartbeat, 0, 3600);
const reportS = num('report', args.report, 1, 3600);
const concurrency = num('connect-concurrency', args['connect-concurrency'], 1, 10_000);
const maxInflight = num('max-inflight', args['max-inflight'], 1, 10_000_000);
const seed = num('seed', args.seed, 0, 2 ** 32);

// ---- HTTP API -----------------------------------------------------------------------------------

let cookie = '';
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  if (method === 'POST' && path === '/api/auth/login') {
    const c = res.headers.getSetCookie().find((h) => h.startsWith('xiaoan_session='));
    if (!c) throw new Error('login answered without a session cookie');
    cookie = c.split(';')[0];
  }
  return (text ? JSON.parse(text) : null) as T;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

interface ApiDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  campusId: string;
  buildingId: string | null;
  universityId: string;
}

const MIX: [DeviceKind, number, string][] = [
  ['camera', 40, '摄像机'],
  ['door', 20, '门禁'],
  ['lpr_camera', 8, '车牌识别'],
  ['turnstile', 8, '人行闸机'],
  ['barrier_gate', 4, '道闸'],
  ['fire_detector', 6, '感烟'],
  ['intrusion_zone', 5, '双鉴防区'],
  ['perimeter_zone', 3, '周界防区'],
  ['patrol_checkpoint', 4, '巡更点'],
  ['panic_button', 2, '紧急报警按钮'],
];

async function createDevices(n: number): Promise<ApiDevice[]> {
  let universityId = args.university;
  if (!universityId) {
    const unis = await api<{ items: { id: string }[] }>('GET', '/api/org-units?kind=university&pageSize=1');
    if (unis.items.length) universityId = unis.items[0].id;
    else {
      const commission = await api<{ items: { id: string }[] }>('GET', '/api/org-units?kind=commission&pageSize=1');
      universityId = (await api<{ id: string }>('POST', '/api/org-units', { kind: 'university', parentId: commission.items[0].id, name: '压测大学' })).id;
    }
  }
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const campus = await api<{ id: string }>('POST', '/api/org-units', { kind: 'campus', parentId: universityId, name: `压测校区 ${stamp}` });
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  const plan: { kind: DeviceKind; name: string }[] = [];
  for (let i = 0; i < n; i++) {
    let r = ((i * 7919) % total) + 0.5;
    const [kind, , label] = MIX.find(([, w]) => (r -= w) < 0)!;
    plan.push({ kind, name: `压测 ${label}-${String(i + 1).padStart(5, '0')}` });
  }
  console.log(`creating ${n} devices under campus 压测校区 ${stamp} …`);
  return pool(plan, 16, (p) =>
    api<ApiDevice>('POST', '/api/devices', {
      name: p.name,
      kind: p.kind,
      campusId: campus.id,
      ...(p.kind === 'camera' || p.kind === 'lpr_camera' ? { camera: { resolution: '1080p', type: 'fixed' } } : {}),
    }),
  );
}

async function takeDevices(n: number): Promise<ApiDevice[]> {
  const out: ApiDevice[] = [];
  for (let page = 1; out.length < n; page++) {
    const q = new URLSearchParams({ status: 'in_service', pageSize: '500', page: String(page), sort: 'name' });
    if (args.university) q.set('universityId', args.university);
    const res = await api<{ items: ApiDevice[]; total: number }>('GET', `/api/devices?${q}`);
    out.push(...res.items);
    if (res.items.length < 500) break;
  }
  return out.slice(0, n);
}

// ---- statistics ---------------------------------------------------------------------------------

const stats = { sent: 0, acked: 0, errors: 0, rejected: 0, heldBack: 0, heartbeats: 0 };
let window: number[] = [];
const all: number[] = [];
let lastError = '';
const noteLatency = (ms: number) => {
  window.push(ms);
  if (all.length < 500_000) all.push(ms);
  else all[Math.floor(Math.random() * all.length)] = ms;
};
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
const ms = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(1)} ms`);
const fmt = (n: number) => n.toLocaleString('en-US');

// ---- main ---------------------------------------------------------------------------------------

await api('POST', '/api/auth/login', { username: args.username, password });
const apiDevices = createCount ? await createDevices(createCount) : await takeDevices(deviceCount);
if (!apiDevices.length) {
  console.error('no devices to use: pass --create-devices N');
  process.exit(1);
}
const chosen = apiDevices.slice(0, deviceCount);
if (!createCount) console.warn(`note: issuing new credentials for ${chosen.length} existing devices — real devices using the old ones are locked out`);
const credentials = await pool(chosen, 16, (d) => api<{ username: string; password: string; topics: { events: string } }>('POST', `/api/devices/${d.id}/credentials`));

const simDevices: SimDevice[] = chosen.map((d) => ({ id: d.id, kind: d.kind, name: d.name, campusId: d.campusId, buildingId: d.buildingId, buildingName: null }));
const scenario = new Scenario({ devices: simDevices, seed, runTag: `L${Date.now().toString(36)}` });

interface Driven {
  device: SimDevice;
  mqtt: MqttDeviceClient | null;
  http: HttpDeviceClient | null;
}
const httpEvery = httpShare > 0 ? Math.max(1, Math.round(1 / httpShare)) : 0;
const driven: Driven[] = chosen.map((d, i) => {
  const cred = credentials[i];
  const universityId = cred.topics.events.split('/')[1];
  const device = simDevices[i];
  if (httpEvery && i % httpEvery === 0) return { device, mqtt: null, http: new HttpDeviceClient({ url: baseUrl.toString(), deviceId: cred.username, secret: cred.password, flushMs: 100, maxBatch: 200 }) };
  return {
    device,
    http: null,
    mqtt: new MqttDeviceClient({ url: mqttUrl, deviceId: cred.username, secret: cred.password, universityId, keepaliveS: Math.max(30, heartbeatS * 2 || 60), reconnect: { minMs: 500, maxMs: 10_000 } }),
  };
});

const mqttCount = driven.filter((d) => d.mqtt).length;
console.log(`connecting ${fmt(mqttCount)} MQTT devices to ${mqttUrl}${mqttCount < driven.length ? ` (+ ${driven.length - mqttCount} over HTTP ingest)` : ''} …`);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const c0 = performance.now();
let connectFailures = 0;
await pool(
  driven.filter((d) => d.mqtt),
  concurrency,
  (d) =>
    d.mqtt!.connect().catch((err: Error) => {
      connectFailures++;
      lastError = err.message;
    }),
);
global.gc?.();
const perConn = mqttCount ? (process.memoryUsage().rss - rssBefore) / mqttCount / 1024 : 0;
const connectedNow = driven.filter((d) => d.mqtt?.connected).length;
console.log(
  `connected ${fmt(connectedNow)}/${fmt(mqttCount)} in ${((performance.now() - c0) / 1000).toFixed(1)} s` +
    (mqttCount >= 50 ? ` (≈ ${perConn.toFixed(1)} KiB RSS per connection)` : '') +
    (connectFailures ? `; ${connectFailures} failed first attempt: ${lastError}` : ''),
);

let stopping = false;
let cursor = 0;
function sendOne(now: number): boolean {
  for (let tries = 0; tries < driven.length; tries++) {
    const d = driven[cursor];
    cursor = (cursor + 1) % driven.length;
    if (d.mqtt && !d.mqtt.connected) continue;
    const envelope = scenario.eventFor(d.device, now);
    const t0 = performance.now();
    stats.sent++;
    if (d.mqtt) {
      d.mqtt.publishEvent(envelope, qos).then(
        () => {
          stats.acked++;
          if (qos === 1) noteLatency(performance.now() - t0);
        },
        (err: Error) => {
          stats.errors++;
          lastError = err.message;
        },
      );
    } else {
      d.http!.send(envelope).then(
        (r) => {
          if (r.status === 'rejected') {
            stats.rejected++;
            lastError = `rejected: ${r.reason}`;
          } else {
            stats.acked++;
            noteLatency(performance.now() - t0);
          }
        },
        (err: Error) => {
          stats.errors++;
          lastError = err.message;
        },
      );
    }
    return true;
  }
  return false;
}

const started = performance.now();
const startedWall = Date.now();
let lastReport = started;
let lastSent = 0;
let lastAcked = 0;
let lastHeartbeatSecond = -1;
const inflight = () => stats.sent - stats.acked - stats.errors - stats.rejected;

function report(final = false) {
  const now = performance.now();
  const dt = (now - lastReport) / 1000;
  const sorted = (final ? all : window).slice().sort((a, b) => a - b);
  const connected = driven.filter((d) => d.mqtt?.connected).length;
  const line = final
    ? `total: sent ${fmt(stats.sent)} acked ${fmt(stats.acked)} in ${((now - started) / 1000).toFixed(1)} s → ${fmt(Math.round(stats.acked / ((now - started) / 1000)))} acks/s; ` +
      `p50 ${ms(pct(sorted, 0.5))} p99 ${ms(pct(sorted, 0.99))} max ${ms(sorted[sorted.length - 1] ?? NaN)}; errors ${stats.errors} rejected ${stats.rejected} unacked ${inflight()}`
    : `[${String(Math.round((now - started) / 1000)).padStart(4)}s] sent ${fmt(stats.sent)} (${fmt(Math.round((stats.sent - lastSent) / dt))}/s) ` +
      `acked ${fmt(stats.acked)} (${fmt(Math.round((stats.acked - lastAcked) / dt))}/s) p50 ${ms(pct(sorted, 0.5))} p99 ${ms(pct(sorted, 0.99))} ` +
      `inflight ${fmt(inflight())} errors ${stats.errors}${stats.rejected ? ` rejected ${stats.rejected}` : ''} connected ${connected}/${mqttCount}` +
      (stats.heldBack ? ` held back ${fmt(stats.heldBack)}` : '');
  console.log(line + (lastError && (stats.errors || stats.rejected) ? `  (last error: ${lastError})` : ''));
  lastReport = now;
  lastSent = stats.sent;
  lastAcked = stats.acked;
  window = [];
}

await new Promise<void>((resolve) => {
  const tick = () => {
    if (stopping) return resolve();
    const now = performance.now();
    const elapsed = (now - started) / 1000;
    if (elapsed >= durationS) return resolve();
    const due = Math.min(Math.floor(rate * elapsed) - stats.sent, Math.ceil(rate * 0.1));
    for (let i = 0; i < due; i++) {
      if (inflight() >= maxInflight) {
        stats.heldBack += due - i;
        break;
      }
      if (!sendOne(Date.now())) break;
    }
    // Heartbeats: device i beats in second i mod interval.
    const second = Math.floor(elapsed);
    if (heartbeatS > 0 && second !== lastHeartbeatSecond) {
      lastHeartbeatSecond = second;
      for (let i = second % heartbeatS; i < driven.length; i += heartbeatS) {
        const m = driven[i].mqtt;
        if (m?.connected) {
          stats.heartbeats++;
          m.publishHeartbeat(scenario.heartbeat(driven[i].device, Date.now(), (Date.now() - startedWall) / 1000 + 3600), 0).catch(() => {});
        }
      }
    }
    if (now - lastReport >= reportS * 1000) report();
    setTimeout(tick, 5);
  };
  process.once('SIGINT', () => {
    stopping = true;
    console.log('interrupted: finishing …');
  });
  tick();
});

// Let the last acknowledgements arrive, then say how it went.
const drainUntil = performance.now() + 15_000;
while (inflight() > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
await Promise.allSettled(driven.map((d) => d.http?.flush()));
report();
report(true);
await Promise.allSettled(driven.map((d) => d.mqtt?.close()));
process.exit(stats.errors || stats.rejected || inflight() ? 1 : 0);
