/**
 * The ingest benchmark's load process: MQTT devices built on the light client the simulator uses
 * (src/server/simulator/protocol/mqtt-device-client.ts — one socket and one mqtt-packet parser per
 * device, one shared ticker), driven by the orchestrator (bench/ingest/run.ts) over fork() IPC.
 * It is a separate process so that the broker under test does not share an event loop with
 * the load.
 *
 * Commands (see protocol.ts): connect N devices; saturate (closed loop: every device keeps
 * `window` QoS 1 messages in flight and sends the next as soon as a PUBACK arrives); steady (a
 * paced rate spread round-robin over the devices, publish times reported per sourceEventId);
 * heartbeats (every device every `intervalS` seconds, spread evenly); close.
 */
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import { MqttDeviceClient } from '../../src/server/simulator/protocol/mqtt-device-client.ts';
import { eventMessage, monoMs, type LatencySummary, type LoadCommand, type LoadDevice, type LoadReply } from './protocol.ts';

// ---- source addresses ------------------------------------------------------------------------------
// MqttDeviceClient connects with net.connect({ host, port }) and has no localAddress option. To
// open more connections than one source address has ephemeral ports (~28,000), the connections
// are spread over 127.0.0.x source addresses by wrapping net.connect in this process only
// (syncBuiltinESMExports updates the `import { connect } from 'node:net'` binding the client uses).
let localAddresses: string[] = [];
let nextLocal = 0;
const originalConnect = net.connect;
const spreadingConnect = function (this: unknown, ...args: unknown[]) {
  const first = args[0];
  if (localAddresses.length && first && typeof first === 'object' && !('localAddress' in first)) {
    args[0] = { ...(first as object), localAddress: localAddresses[nextLocal++ % localAddresses.length] };
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
};
(net as { connect: unknown }).connect = spreadingConnect;
syncBuiltinESMExports();

// ---- write coalescing ------------------------------------------------------------------------------
// MqttDeviceClient writes every packet with its own socket.write (one syscall each). When many
// PUBACKs arrive in one chunk, the publishes they trigger are coalesced: the socket is corked at
// the first publish and uncorked once the current burst of callbacks is over (process.nextTick
// runs after the promise callbacks of this turn), so the load process stays cheap next to the
// broker it measures. The socket is the client's private field, reached here on purpose.
const corked = new Set<net.Socket>();
let flushScheduled = false;
function flushCorked() {
  flushScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}
function cork(client: MqttDeviceClient) {
  const socket = (client as unknown as { socket: net.Socket | null }).socket;
  if (!socket || corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    process.nextTick(flushCorked);
  }
}

// ---- state -----------------------------------------------------------------------------------------

interface Device {
  info: LoadDevice;
  client: MqttDeviceClient;
  seq: number;
}

let devices: Device[] = [];
let heartbeatTimer: NodeJS.Timeout | null = null;
const hb = { sent: 0, errors: 0, lastError: null as string | null };

function send(msg: LoadReply) {
  process.send!(msg);
}

const progress = (text: string) => send({ type: 'progress', text });

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function summarize(samples: number[]): LatencySummary {
  const s = samples.slice().sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : NaN);
  return { count: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN };
}

/** Keeps at most `cap` samples, uniformly (reservoir sampling). */
class Reservoir {
  readonly samples: number[] = [];
  private seen = 0;
  constructor(private readonly cap = 200_000) {}
  add(x: number) {
    this.seen++;
    if (this.samples.length < this.cap) this.samples.push(x);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.cap) this.samples[j] = x;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- connect ---------------------------------------------------------------------------------------

async function connect(cmd: Extract<LoadCommand, { type: 'connect' }>) {
  localAddresses = cmd.localAddresses;
  // Appended: several connect commands build up the population step by step.
  const added: Device[] = cmd.devices.map((info) => ({
    info,
    seq: 0,
    client: new MqttDeviceClient({
      url: cmd.url,
      deviceId: info.id,
      secret: info.secret,
      universityId: info.universityId,
      keepaliveS: cmd.keepaliveS,
      subscribeCommands: cmd.subscribeCommands,
      connectTimeoutMs: 60_000,
      ackTimeoutMs: 120_000,
      maxQueued: 65_000,
      reconnect: { minMs: 1000, maxMs: 10_000 },
    }),
  }));
  devices.push(...added);
  const started = performance.now();
  let failed = 0;
  let lastError: string | null = null;
  let next = 0;
  let done = 0;
  const report = setInterval(() => progress(`connected ${done.toLocaleString('en-US')}/${added.length.toLocaleString('en-US')} (${failed} failed)`), 5000);
  await Promise.all(
    Array.from({ length: Math.min(cmd.concurrency, added.length) }, async () => {
      while (next < added.length) {
        const d = added[next++];
        try {
          await d.client.connect();
        } catch (e) {
          failed++;
          lastError = (e as Error).message;
        }
        done++;
      }
    }),
  );
  clearInterval(report);
  // Failed first attempts keep retrying in the background (reconnect on); give them a moment.
  const deadline = Date.now() + 15_000;
  while (failed && added.some((d) => !d.client.connected) && Date.now() < deadline) await sleep(250);
  const connected = devices.filter((d) => d.client.connected).length;
  const failedNow = added.filter((d) => !d.client.connected).length;
  send({ type: 'connected', connected, failed: failedNow, ms: performance.now() - started, lastError, rssBytes: process.memoryUsage().rss });
}

// ---- saturate --------------------------------------------------------------------------------------

async function saturate(cmd: Extract<LoadCommand, { type: 'saturate' }>) {
  const live = devices.filter((d) => d.client.connected);
  const t0 = performance.now();
  const windowStart = t0 + cmd.warmupS * 1000;
  const windowEnd = windowStart + cmd.measureS * 1000;
  let stopping = false;
  let acked = 0;
  let totalAcked = 0;
  let errors = 0;
  let inflight = 0;
  let lastError: string | null = null;
  const perSecond = new Array<number>(Math.ceil(cmd.measureS)).fill(0);
  const latency = new Reservoir();
  let cpuAtStart = 0;
  let nowIso = new Date().toISOString();
  let isoAt = performance.now();

  const pump = (d: Device) => {
    if (stopping || !d.client.connected) return;
    const seq = ++d.seq;
    const sent = performance.now();
    if (sent - isoAt > 1) {
      nowIso = new Date().toISOString();
      isoAt = sent;
    }
    inflight++;
    cork(d.client);
    d.client.publish(d.client.topics.events, eventMessage(d.info.kind, `${cmd.tag}-${d.info.id.slice(0, 8)}-${seq}`, seq, nowIso), 1).then(
      () => {
        inflight--;
        totalAcked++;
        const now = performance.now();
        if (now >= windowStart && now < windowEnd) {
          acked++;
          perSecond[Math.floor((now - windowStart) / 1000)]++;
          latency.add(now - sent);
        }
        pump(d);
      },
      (err: Error) => {
        inflight--;
        errors++;
        lastError = err.message;
        // Give a refused/lost connection time to come back before trying again.
        setTimeout(() => pump(d), 100);
      },
    );
  };

  for (let w = 0; w < cmd.window; w++) for (const d of live) pump(d);
  await sleep(Math.max(0, windowStart - performance.now()));
  cpuAtStart = cpuMs();
  send({ type: 'mark', what: 'window-start', at: monoMs() });
  progress(`saturating with ${live.length} devices × window ${cmd.window}: warm-up done, measuring ${cmd.measureS} s`);
  const ticker = setInterval(() => {
    const s = Math.floor((performance.now() - windowStart) / 1000) - 1;
    if (s >= 0 && s < perSecond.length) progress(`  t=${s + 1}s ${perSecond[s].toLocaleString('en-US')} acks/s (in flight ${inflight.toLocaleString('en-US')})`);
  }, 5000);
  await sleep(Math.max(0, windowEnd - performance.now()));
  clearInterval(ticker);
  send({ type: 'mark', what: 'window-end', at: monoMs() });
  const cpu = cpuMs() - cpuAtStart;
  stopping = true;
  const drainUntil = performance.now() + 60_000;
  while (inflight > 0 && performance.now() < drainUntil) await sleep(50);
  send({
    type: 'saturated',
    devices: live.length,
    window: cmd.window,
    acked,
    seconds: cmd.measureS,
    rate: acked / cmd.measureS,
    perSecond,
    pubackMs: summarize(latency.samples),
    errors,
    lastError,
    unacked: inflight,
    totalAcked,
    cpuMs: cpu,
    rssBytes: process.memoryUsage().rss,
  });
}

// ---- steady ----------------------------------------------------------------------------------------

async function steady(cmd: Extract<LoadCommand, { type: 'steady' }>) {
  const live = devices.filter((d) => d.client.connected).slice(0, cmd.devices);
  const started = performance.now();
  const windowStart = started + cmd.warmupS * 1000;
  const end = windowStart + cmd.measureS * 1000;
  const published: [string, number][] = [];
  const latency = new Reservoir();
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let lastError: string | null = null;
  let cursor = 0;
  let lastSendAt = 0;
  let maxGap = 0;
  let marked = false;

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!marked && now >= windowStart) {
        marked = true;
        send({ type: 'mark', what: 'window-start', at: monoMs() });
      }
      if (now >= end) {
        send({ type: 'mark', what: 'window-end', at: monoMs() });
        return resolve();
      }
      // Events due by now at the target rate; at most 50 ms worth at once after a stall.
      const due = Math.min(Math.floor(((now - started) / 1000) * cmd.rate) - sent, Math.ceil(cmd.rate / 20));
      for (let i = 0; i < due; i++) {
        const d = live[cursor++ % live.length];
        if (!d.client.connected) continue;
        const seq = ++d.seq;
        const id = `${cmd.tag}-${d.info.id.slice(0, 8)}-${seq}`;
        const t = performance.now();
        if (lastSendAt && t >= windowStart) maxGap = Math.max(maxGap, t - lastSendAt);
        lastSendAt = t;
        const inWindow = t >= windowStart;
        if (inWindow) published.push([id, monoMs()]);
        sent++;
        d.client.publish(d.client.topics.events, eventMessage(d.info.kind, id, seq, new Date().toISOString()), 1).then(
          () => {
            acked++;
            if (inWindow) latency.add(performance.now() - t);
          },
          (err: Error) => {
            errors++;
            lastError = err.message;
          },
        );
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  const drainUntil = performance.now() + 30_000;
  while (acked + errors < sent && performance.now() < drainUntil) await sleep(20);
  send({ type: 'steadied', rate: cmd.rate, sent, acked, seconds: cmd.measureS, published, pubackMs: summarize(latency.samples), errors, lastError, maxSendGapMs: maxGap });
}

// ---- heartbeats ------------------------------------------------------------------------------------

function startHeartbeats(cmd: Extract<LoadCommand, { type: 'heartbeats' }>) {
  // Device i beats in slot i mod (intervalS × 10), one slot every 100 ms: the same number of
  // heartbeats every 100 ms, each device once per interval.
  const slots = cmd.intervalS * 10;
  const started = Date.now();
  let slot = 0;
  const tick = () => {
    const due = Math.floor((Date.now() - started) / 100);
    for (; slot <= due; slot++) {
      const s = slot % slots;
      for (let i = s; i < devices.length; i += slots) {
        const d = devices[i];
        if (!d.client.connected) continue;
        hb.sent++;
        d.client.publishHeartbeat({ uptimeS: 86_400 + Math.floor((Date.now() - started) / 1000), firmware: 'V5.7.3' }, cmd.qos).catch((err: Error) => {
          hb.errors++;
          hb.lastError = err.message;
        });
      }
    }
  };
  tick();
  heartbeatTimer = setInterval(tick, 100);
  send({ type: 'heartbeats-started' });
}

function stopHeartbeats() {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  heartbeatTimer = null;
  const connected = devices.filter((d) => d.client.connected).length;
  const disconnects = devices.reduce((n, d) => n + d.client.stats.disconnects, 0);
  send({ type: 'heartbeats-stopped', sent: hb.sent, errors: hb.errors, connected, disconnects, lastError: hb.lastError, rssBytes: process.memoryUsage().rss });
}

async function closeAll() {
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  for (let i = 0; i < devices.length; i += 1000) await Promise.allSettled(devices.slice(i, i + 1000).map((d) => d.client.close()));
  devices = [];
  send({ type: 'closed' });
}

// ---- dispatch --------------------------------------------------------------------------------------

if (!process.send) {
  console.error('bench/ingest/load.ts is started by bench/ingest/run.ts (fork with IPC)');
  process.exit(2);
}

process.on('message', (cmd: LoadCommand) => {
  const run = async () => {
    switch (cmd.type) {
      case 'connect':
        return connect(cmd);
      case 'saturate':
        return saturate(cmd);
      case 'steady':
        return steady(cmd);
      case 'heartbeats':
        return startHeartbeats(cmd);
      case 'stop-heartbeats':
        return stopHeartbeats();
      case 'close':
        await closeAll();
        process.disconnect();
        return;
    }
  };
  run().catch((e: Error) => send({ type: 'error', message: e.stack ?? e.message }));
});
// The orchestrator went away: stop.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
send({ type: 'ready', pid: process.pid });
