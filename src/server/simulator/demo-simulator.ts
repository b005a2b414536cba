/**
 * The demo university comes alive: every device of 示范大学 gets credentials (kept in memory
 * only) and talks to the platform the way real devices do — over TCP to the MQTT broker and over
 * HTTP to the ingest endpoint, never by function call. Every device sends a heartbeat each
 * XIAOAN_HEARTBEAT_INTERVAL_S (spread evenly over the interval); events follow the campus
 * scenario at about XIAOAN_SIM_RATE per second; now and then a device loses power for a few
 * minutes, so the map shows it go offline and come back.
 *
 * Turnstiles and patrol checkpoints use HTTP ingest (events in batches, heartbeats on
 * POST /api/ingest/heartbeat); everything else
 * keeps one MQTT connection per device.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { DeviceKind } from '../../shared/domain.ts';
import type { Device } from '../../shared/devices.ts';
import { DENY_REASONS, type IngestEnvelopeT } from '../../shared/events.ts';
import { sipDomainOf, type Config } from '../config.ts';
import type { Services } from '../http/app.ts';
import { SYSTEM_ACTOR, type Actor } from '../http/policy.ts';
import type { Store } from '../store/database.ts';
import { GbDemo } from './gb-demo.ts';
import { demoCameraMedia, demoPattern } from './media/demo-media.ts';
import { startOnvifDemo } from './media/onvif-demo.ts';
import { HttpDeviceClient } from './protocol/http-device-client.ts';
import { MqttDeviceClient } from './protocol/mqtt-device-client.ts';
import { Random } from '../util/random.ts';
import { Scenario, type SimDevice } from './scenario/scenario.ts';
import { DEMO_FLEET_SEED } from './scenario/population.ts';
import { residentsOf } from './scenario/residents.ts';

export const DEMO_UNIVERSITY_NAME = '示范大学';

export interface DemoSimulatorOptions {
  services: Services;
  store: Store;
  config: Config;
  /** Where devices connect (the platform's broker), e.g. mqtt://127.0.0.1:1883 */
  mqttUrl: string;
  /** Where HTTP devices push, e.g. http://127.0.0.1:8080 */
  httpUrl: string;
  log: FastifyBaseLogger;
  /** Which university to animate (tests); default 示范大学. */
  universityName?: string;
  seed?: number;
  /** Device kinds that push over HTTP instead of MQTT. */
  httpKinds?: DeviceKind[];
  /** MQTT connections opened at once while ramping up. Default 100. */
  connectConcurrency?: number;
  /** Simulated power cuts; false turns them off. */
  outages?: false | { firstAfterMs?: number; everyMs?: [number, number]; maxConcurrent?: number; extraOfflineMs?: [number, number]; kinds?: DeviceKind[] };
  /** Share of door commands that fail (answered `failed`). Default 0.02. */
  commandFailureRate?: number;
  /** Scheduler period. Default 250 ms. */
  tickMs?: number;
  /** Period of the summary log line. Default 5 minutes (the first after 30 s). */
  statsEveryMs?: number;
  /** The platform's GB/T 28181 SIP port: recorders and their cameras speak GB/T 28181 there. Unset: everything over MQTT/HTTP. */
  sipPort?: number;
}

export interface DemoSimulatorStats {
  devices: number;
  mqttDevices: number;
  httpDevices: number;
  /** Recorders and their camera channels simulated over GB/T 28181. */
  gbDevices: number;
  connected: number;
  offline: string[];
  eventsSent: number;
  eventsAcked: number;
  eventsRejected: number;
  eventsSuppressed: number;
  errors: number;
  heartbeats: number;
  commands: number;
}

export interface DemoSimulator {
  stop(): Promise<void>;
  stats(): DemoSimulatorStats;
}

const DEFAULT_HTTP_KINDS: DeviceKind[] = ['turnstile', 'patrol_checkpoint'];

interface Sim {
  device: SimDevice;
  mqtt: MqttDeviceClient | null;
  http: HttpDeviceClient | null;
  bootedAt: number;
  /** Simulated power cut until then (ms epoch); 0 = powered. */
  offlineUntil: number;
  lastHeartbeatAt: number;
}

const SIM_ACTOR: Actor = { ...SYSTEM_ACTOR, username: 'simulator', displayName: '设备模拟器' };

export async function startDemoSimulator(opts: DemoSimulatorOptions): Promise<DemoSimulator> {
  const { services, config, log } = opts;
  const name = opts.universityName ?? DEMO_UNIVERSITY_NAME;
  const noop: DemoSimulator = { stop: async () => {}, stats: () => emptyStats() };

  const university = await services.org.universityNamed(name);
  if (!university) {
    log.info(`simulator: no university named ${name}; no devices simulated`);
    return noop;
  }
  const universityId = university.id;
  const inService = (await services.devices.ofUniversity(universityId)).filter((d) => d.status === 'in_service').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const buildingNames = await services.org.namesOf(inService.map((d) => d.buildingId).filter((id): id is string => id !== null));
  const rows = inService.map((d) => ({ id: d.id, kind: d.kind, name: d.name, campus_id: d.campusId, building_id: d.buildingId, building_name: d.buildingId ? (buildingNames.get(d.buildingId) ?? null) : null }));
  if (!rows.length) {
    log.info(`simulator: ${name} has no devices in service; nothing to simulate`);
    return noop;
  }
  const guards = await services.accounts.activeGuardUsernames(universityId);

  // Credentials: one transaction for all devices; the secrets live only in this process.
  const secrets = new Map(rows.map((r) => [r.id, randomBytes(24).toString('base64url')]));
  await services.credentials.setSecrets(
    rows.map((r) => ({ deviceId: r.id, secret: secrets.get(r.id)! })),
    SIM_ACTOR,
    universityId,
  );
  await services.ingest.directory.preload(universityId); // 5,000 logins must not mean 5,000 queries

  const pattern = demoPattern(config.XIAOAN_DATA_DIR, config.XIAOAN_FFMPEG, log);
  // One camera speaks ONVIF + RTSP (started in the background: the picture is encoded on first start).
  const campusId = inService.find((d) => d.campusId)?.campusId;
  const onvifDemo = campusId
    ? startOnvifDemo({ pattern, onvif: services.onvif, devices: services.devices, universityId, campusId, actor: SIM_ACTOR }).catch((err: Error) => {
        log.warn({ err: err.message }, 'simulator: the demo ONVIF camera did not start');
        return null;
      })
    : Promise.resolve(null);
  const gb = opts.sipPort
    ? new GbDemo({
        media: demoCameraMedia(pattern),
        devices: inService,
        secrets,
        host: '127.0.0.1',
        sipPort: opts.sipPort,
        platformId: config.XIAOAN_SIP_ID,
        domain: sipDomainOf(config),
        keepaliveS: config.XIAOAN_SIP_KEEPALIVE_S,
        log,
      })
    : null;

  const seed = opts.seed ?? 20260101;
  const devices: SimDevice[] = rows.map((r) => ({ id: r.id, kind: r.kind as DeviceKind, name: r.name, campusId: r.campus_id, buildingId: r.building_id, buildingName: r.building_name ?? null }));
  // The register's people walk their days with their real cards (trajectories show paths).
  const [residents, calendar] = await Promise.all([services.people.cardHolders(universityId).then(residentsOf), services.calendar.daysOf(universityId)]);
  const scenario = new Scenario({ devices, seed, guards, commandFailureRate: opts.commandFailureRate, fleetSeed: DEMO_FLEET_SEED, residents, dayKind: (date) => calendar.get(date) });
  const rng = new Random(seed).fork('simulator');
  const httpKinds = new Set(opts.httpKinds ?? DEFAULT_HTTP_KINDS);
  const intervalMs = config.XIAOAN_HEARTBEAT_INTERVAL_S * 1000;
  const silenceMs = intervalMs * config.XIAOAN_OFFLINE_AFTER_MISSED;
  const tickMs = opts.tickMs ?? 250;
  const rate = config.XIAOAN_SIM_RATE;
  const started = Date.now();

  // Doors that ask the platform at each swipe (在线验证): a card swipe there is a question, and the
  // event the controller then reports is the platform's answer, not the scenario's guess.
  const askingDoors = new Set(
    (await services.access.doors(SIM_ACTOR, { universityId }))
      .filter((d) => d.mode === 'online' && d.credentials.includes('card'))
      .map((d) => d.doorId),
  );
  const questions = new Map<string, { envelope: IngestEnvelopeT; askedAt: number }>();

  const counters = { eventsSent: 0, eventsAcked: 0, eventsRejected: 0, eventsSuppressed: 0, errors: 0, heartbeats: 0, commands: 0 };
  const latencies: number[] = [];
  const noteLatency = (ms: number) => {
    if (latencies.length >= 4096) latencies.splice(0, 2048);
    latencies.push(ms);
  };
  let warnedRejections = 0;
  let stopping = false;

  const sims: Sim[] = [];
  const byId = new Map<string, Sim>();
  for (const device of devices) {
    const secret = secrets.get(device.id)!;
    const sim: Sim = { device, mqtt: null, http: null, bootedAt: started - rng.int(3600, 90 * 86400) * 1000, offlineUntil: 0, lastHeartbeatAt: 0 };
    if (gb?.speaksGb(device.id)) {
      // A GB/T 28181 recorder or one of its cameras: no client of its own (see GbDemo).
    } else if (httpKinds.has(device.kind)) {
      sim.http = new HttpDeviceClient({ url: opts.httpUrl, deviceId: device.id, secret, flushMs: 1000 });
    } else {
      sim.mqtt = new MqttDeviceClient({
        url: opts.mqttUrl,
        deviceId: device.id,
        secret,
        universityId,
        keepaliveS: Math.max(30, Math.min(1200, config.XIAOAN_HEARTBEAT_INTERVAL_S * 2)),
        reconnect: { minMs: 1000, maxMs: 30_000 },
        onConnect: () => heartbeat(sim, Date.now()), // online on the map as soon as it is connected
        onCommand: (command) => onCommand(sim, command),
      });
    }
    sims.push(sim);
    byId.set(device.id, sim);
  }
  // Heartbeats spread evenly: device i beats at phase i/N of the interval (kinds interleaved).
  const slots = Math.max(1, Math.round(intervalMs / tickMs));
  const buckets: Sim[][] = Array.from({ length: slots }, () => []);
  rng.shuffle(sims.slice()).forEach((s, i) => buckets[Math.floor((i * slots) / sims.length)].push(s));

  function heartbeat(sim: Sim, now: number) {
    if (stopping || sim.offlineUntil) return;
    const envelope = scenario.heartbeat(sim.device, now, (now - sim.bootedAt) / 1000);
    if (sim.mqtt) {
      if (!sim.mqtt.connected) return;
      sim.lastHeartbeatAt = now;
      counters.heartbeats++;
      sim.mqtt.publishHeartbeat(envelope, 0).catch(() => counters.errors++);
    } else if (sim.http) {
      // HTTP devices use the heartbeat endpoint: seen, not stored as an event.
      sim.lastHeartbeatAt = now;
      counters.heartbeats++;
      sim.http.heartbeat().catch((err) => httpError(err));
    }
  }

  function rejected(sim: Sim, envelope: IngestEnvelopeT, reason: string | undefined) {
    counters.eventsRejected++;
    if (warnedRejections++ < 5) log.warn({ deviceId: sim.device.id, kind: envelope.kind, reason }, 'simulator: the platform rejected a simulated event');
  }

  let lastHttpError = 0;
  function httpError(err: Error) {
    counters.errors++;
    if (Date.now() - lastHttpError > 60_000 && !stopping) {
      lastHttpError = Date.now();
      log.warn({ err: err.message }, 'simulator: HTTP ingest failed');
    }
  }

  function send(sim: Sim, envelope: IngestEnvelopeT) {
    if (stopping) return;
    if (gb?.speaksGb(sim.device.id)) {
      if (gb.send(sim.device.id, envelope, Date.now())) counters.eventsSent++;
      else counters.eventsSuppressed++;
      return;
    }
    if (sim.offlineUntil || (sim.mqtt && !sim.mqtt.connected)) {
      counters.eventsSuppressed++;
      return;
    }
    if (sim.mqtt && askingDoors.has(sim.device.id) && ask(sim, envelope)) return;
    counters.eventsSent++;
    const t0 = performance.now();
    if (sim.mqtt) {
      sim.mqtt.publishEvent(envelope, 1).then(
        () => {
          counters.eventsAcked++;
          noteLatency(performance.now() - t0);
        },
        () => counters.errors++,
      );
    } else if (sim.http) {
      sim.http.send(envelope).then((r) => {
        if (r.status === 'rejected') return rejected(sim, envelope, r.reason);
        counters.eventsAcked++;
      }, httpError);
    }
  }

  /** A card swipe at an online door becomes a question; false when there is nothing to ask. */
  function ask(sim: Sim, envelope: IngestEnvelopeT): boolean {
    const p = envelope.payload as { credentialType?: string; credentialId?: string; direction?: string } | undefined;
    if ((envelope.kind !== 'access.granted' && envelope.kind !== 'access.denied') || p?.credentialType !== 'card' || !p.credentialId || !envelope.sourceEventId) return false;
    questions.set(envelope.sourceEventId, { envelope, askedAt: Date.now() });
    sim.mqtt!.publishAccessRequest({ requestId: envelope.sourceEventId, credentialType: 'card', credentialId: p.credentialId, ...(p.direction ? { direction: p.direction } : {}) }).catch(() => {
      questions.delete(envelope.sourceEventId!);
      counters.errors++;
    });
    return true;
  }

  /** The platform's answer: the controller opens or not, and reports what happened. */
  function answered(sim: Sim, answer: { requestId?: unknown; decision?: unknown; reason?: unknown; personId?: unknown }) {
    const asked = typeof answer.requestId === 'string' ? questions.get(answer.requestId) : undefined;
    if (!asked) return;
    questions.delete(answer.requestId as string);
    const { personId: _guess, reason: _reason, ...swipe } = asked.envelope.payload as Record<string, unknown>;
    const personId = typeof answer.personId === 'string' ? { personId: answer.personId } : {};
    const envelope: IngestEnvelopeT =
      answer.decision === 'grant'
        ? { ...asked.envelope, kind: 'access.granted', payload: { ...swipe, ...personId } }
        : { ...asked.envelope, kind: 'access.denied', payload: { ...swipe, ...personId, reason: reportedDenial(answer.reason) } };
    counters.eventsSent++;
    sim.mqtt?.publishEvent(envelope, 1).then(() => counters.eventsAcked++, () => counters.errors++);
  }

  function onCommand(sim: Sim, command: unknown) {
    if ((command as { command?: unknown })?.command === 'access.decision') return answered(sim, command as Record<string, unknown>);
    counters.commands++;
    log.info({ deviceId: sim.device.id, device: sim.device.name, command }, 'simulator: device received a command');
    // Hook: the device answers a moment later (a door reports the remote opening, then its command.ack).
    const delay = 300 + rng.int(0, 1200);
    const answers = scenario.commandAck(sim.device, command, Date.now() + delay);
    if (answers.length) setTimeout(() => answers.forEach((a) => send(sim, a)), delay).unref();
  }

  // ---- power cuts -------------------------------------------------------------------------------

  const outages = opts.outages === false ? null : { firstAfterMs: 60_000, everyMs: [120_000, 300_000] as [number, number], maxConcurrent: 4, extraOfflineMs: [60_000, 300_000] as [number, number], ...opts.outages };
  let nextOutage = started + (outages?.firstAfterMs ?? 0);
  const offline = new Set<Sim>();
  const outageCandidates = sims.filter((s) => s.mqtt && (!outages?.kinds || outages.kinds.includes(s.device.kind)));

  function manageOutages(now: number) {
    for (const s of offline) {
      if (now < s.offlineUntil) continue;
      offline.delete(s);
      s.offlineUntil = 0;
      log.info({ deviceId: s.device.id, device: s.device.name }, 'simulator: device powered on again');
      s.mqtt?.resume().catch(() => {}); // reconnects with backoff if the first attempt fails
    }
    if (!outages || now < nextOutage || !outageCandidates.length) return;
    nextOutage = now + rng.int(outages.everyMs[0], outages.everyMs[1]);
    const count = rng.chance(0.3) ? 2 : 1;
    for (let i = 0; i < count && offline.size < outages.maxConcurrent; i++) {
      const s = rng.pick(outageCandidates);
      if (s.offlineUntil || !s.mqtt?.connected) continue;
      // Long enough for the platform to notice (missed heartbeats + a sweep), then a few minutes more.
      const forMs = silenceMs + 15_000 + rng.int(outages.extraOfflineMs[0], outages.extraOfflineMs[1]);
      s.offlineUntil = now + forMs;
      offline.add(s);
      s.mqtt.suspend();
      log.info({ deviceId: s.device.id, device: s.device.name, minutes: Math.round(forMs / 6000) / 10 }, 'simulator: device lost power');
    }
  }

  // ---- the clock --------------------------------------------------------------------------------

  let lastTick = Date.now();
  let lastSlot = -1;
  let lastStats = started;
  let statsEvery = 30_000;
  let sentAtLastStats = 0;
  const tick = () => {
    const now = Date.now();
    const dt = Math.min(5000, now - lastTick);
    lastTick = now;
    // Heartbeats of every slot passed since the last tick (drift-free, by wall clock).
    const slot = Math.floor((now % intervalMs) / tickMs) % slots;
    if (lastSlot < 0) lastSlot = (slot + slots - 1) % slots;
    if (slot !== lastSlot) {
      let s = lastSlot;
      do {
        s = (s + 1) % slots;
        for (const sim of buckets[s]) heartbeat(sim, now);
      } while (s !== slot);
      lastSlot = slot;
    }
    if (dt > 0) for (const e of scenario.step(now, dt, rate)) send(byId.get(e.device.id)!, e.envelope);
    manageOutages(now);
    // A question the platform did not answer (a lost connection): the controller gives up on it.
    for (const [id, q] of questions) if (now - q.askedAt > 10_000) questions.delete(id) && counters.errors++;
    if (now - lastStats >= statsEvery) {
      const sent = counters.eventsSent - sentAtLastStats;
      const perS = sent / ((now - lastStats) / 1000);
      sentAtLastStats = counters.eventsSent;
      lastStats = now;
      statsEvery = opts.statsEveryMs ?? 300_000;
      const sorted = latencies.slice().sort((a, b) => a - b);
      const pct = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10 : null);
      log.info(
        { ...stats(), offline: stats().offline.length, eventsPerS: Math.round(perS * 10) / 10, ackP50Ms: pct(0.5), ackP99Ms: pct(0.99), rss: Math.round(process.memoryUsage().rss / 1048576) },
        'simulator: running',
      );
    }
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();

  // ---- connect ----------------------------------------------------------------------------------

  const mqttSims = sims.filter((s) => s.mqtt);
  const httpCount = sims.filter((s) => s.http).length;
  log.info({ university: name, devices: sims.length, mqtt: mqttSims.length, http: httpCount, gb28181: gb?.deviceCount ?? 0, ratePerS: rate, heartbeatS: config.XIAOAN_HEARTBEAT_INTERVAL_S }, 'simulator: starting devices');
  const ramp = (async () => {
    await gb?.start();
    if (gb) await recordDemoCameras(services, inService, SIM_ACTOR, log);
    const t0 = Date.now();
    let failed = 0;
    let firstError = null as Error | null;
    let next = 0;
    const worker = async () => {
      while (!stopping && next < mqttSims.length) {
        const s = mqttSims[next++];
        try {
          await s.mqtt!.connect();
        } catch (err) {
          failed++;
          firstError ??= err as Error; // it keeps retrying in the background
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.connectConcurrency ?? 100, mqttSims.length) }, worker));
    if (stopping) return;
    const connected = mqttSims.filter((s) => s.mqtt!.connected).length;
    if (failed) log.warn({ connected, failed, err: firstError?.message }, 'simulator: some MQTT devices could not connect (retrying)');
    log.info({ connected, seconds: Math.round((Date.now() - t0) / 100) / 10 }, 'simulator: MQTT devices connected');
  })();

  function stats(): DemoSimulatorStats {
    return {
      devices: sims.length,
      mqttDevices: mqttSims.length,
      httpDevices: httpCount,
      gbDevices: gb?.deviceCount ?? 0,
      connected: mqttSims.reduce((n, s) => n + (s.mqtt!.connected ? 1 : 0), 0),
      offline: [...offline].map((s) => s.device.id),
      ...counters,
    };
  }

  return {
    stats,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms).unref())]);
      await within(Promise.allSettled(sims.map((s) => s.http?.close())), 5000);
      await within(Promise.allSettled(sims.map((s) => s.mqtt?.close())), 5000);
      await within(gb?.stop() ?? Promise.resolve(), 5000);
      await within(onvifDemo.then((d) => d?.stop()), 5000);
      await ramp; // closed clients end the connect workers
      log.info(stats(), 'simulator: stopped');
    },
  };
}

/** The reason a controller reports for a refusal, from the platform's (the event knows fewer reasons). */
function reportedDenial(reason: unknown): (typeof DENY_REASONS)[number] {
  if ((DENY_REASONS as readonly unknown[]).includes(reason)) return reason as (typeof DENY_REASONS)[number];
  return reason === 'person_inactive' ? 'expired' : 'no_permission';
}

function emptyStats(): DemoSimulatorStats {
  return { devices: 0, mqttDevices: 0, httpDevices: 0, gbDevices: 0, connected: 0, offline: [], eventsSent: 0, eventsAcked: 0, eventsRejected: 0, eventsSuppressed: 0, errors: 0, heartbeats: 0, commands: 0 };
}

/** Cameras of the demo that record around the clock: those of the security office's building (a few), so playback has something to show. */
const DEMO_RECORDED_CAMERAS = 6;

async function recordDemoCameras(services: Services, devices: Device[], actor: Actor, log: FastifyBaseLogger) {
  const names = await services.org.namesOf([...new Set(devices.map((d) => d.buildingId).filter((id): id is string => id !== null))]);
  const office = devices.filter((d) => d.kind === 'camera' && d.gbId && d.buildingId && names.get(d.buildingId)?.includes('保卫处')).slice(0, DEMO_RECORDED_CAMERAS);
  for (const camera of office) {
    try {
      const plan = await services.recordings.getPlan(actor, camera.id);
      if (plan.mode === 'off') await services.recordings.putPlan(actor, camera.id, { mode: 'continuous' });
    } catch (err) {
      log.warn({ device: camera.name, err: (err as Error).message }, 'simulator: could not set the demo recording plan');
    }
  }
  if (office.length) log.info({ cameras: office.length }, 'simulator: demo cameras of the security office record continuously');
}

