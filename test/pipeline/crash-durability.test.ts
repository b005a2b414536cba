/**
 * `kill -9` of the server while devices publish 50,000 QoS 1 events; after a restart every
 * event a publisher saw acknowledged is in the store exactly once, and resending everything
 * ends with each event stored once. The server is a real child process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig } from '../../src/server/config.ts';
import { createServices } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { createUniversity } from '../helpers/test-app.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { createTestStoreOptions, type TestStoreOptions } from '../helpers/test-store.ts';

const TOTAL = 50_000;
const DEVICES = 20;
const KILL_AFTER_ACKED = 15_000;

let storeOpts: TestStoreOptions;
let devices: { id: string; secret: string; topic: string }[] = [];
let server: ServerProcess | null = null;
let httpPort = 0;
let mqttPort = 0;

/** Starts the server on ports it picks itself (port 0); a restart may get other ports. */
async function startServer(): Promise<ServerProcess> {
  const started = await startServerProcess({
    inheritOutput: true,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XIAOAN_DATA_DIR: storeOpts.dataDir,
      ...(storeOpts.databaseUrl ? { DATABASE_URL: storeOpts.databaseUrl } : {}),
      XIAOAN_DEMO: '0',
      XIAOAN_ADMIN_PASSWORD: 'crash-test-pw',
      XIAOAN_LOG_LEVEL: 'error',
    },
    startTimeoutMs: 60_000,
  });
  httpPort = started.httpPort;
  mqttPort = started.mqttPort!;
  return started;
}

interface PublishRun {
  acked: Set<string>;
  clients: MqttClient[];
  done: Promise<void>;
}

/** Publishes the given events (by sequence number) spread over the devices, as fast as acks come. */
function publish(seqs: number[], onAck?: (n: number) => void): PublishRun {
  const acked = new Set<string>();
  const clients: MqttClient[] = [];
  const perDevice = devices.map((_, i) => seqs.filter((s) => s % DEVICES === i));
  const done = Promise.all(
    devices.map(async (d, i) => {
      // Errors are expected once the server is killed; a client that cannot connect sends nothing.
      const c = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { username: d.id, password: d.secret, reconnectPeriod: 0, clientId: `crash-${i}-${Date.now()}` });
      clients.push(c);
      c.on('error', () => {});
      const connected = await new Promise<boolean>((resolve) => {
        c.once('connect', () => resolve(true));
        c.once('close', () => resolve(false));
      });
      if (!connected) return;
      const mine = perDevice[i];
      let next = 0;
      // Up to 200 unacknowledged messages per device in flight.
      await new Promise<void>((resolve) => {
        let inflight = 0;
        let finished = false;
        const pump = () => {
          if (finished) return;
          if (!c.connected && inflight === 0) return ((finished = true), resolve());
          while (c.connected && inflight < 200 && next < mine.length) {
            const seq = mine[next++];
            const id = `ev-${seq}`;
            inflight++;
            c.publish(d.topic, JSON.stringify({ kind: 'motion', sourceEventId: id, payload: { objectType: 'person' } }), { qos: 1 }, (err) => {
              inflight--;
              if (!err) {
                acked.add(id);
                onAck?.(acked.size);
              }
              if (next >= mine.length && inflight === 0) return ((finished = true), resolve());
              pump();
            });
          }
        };
        c.on('close', () => {
          if (inflight === 0) ((finished = true), resolve());
          else setTimeout(() => ((finished = true), resolve()), 200);
        });
        pump();
      });
    }),
  ).then(() => undefined);
  return { acked, clients, done };
}

async function storedIds(): Promise<string[]> {
  const store = openStore(storeOpts);
  try {
    const rows = await store.db.selectFrom('events').select('source_event_id').where('kind', '=', 'motion').execute();
    return rows.map((r) => r.source_event_id!);
  } finally {
    await store.close();
  }
}

describe('kill -9 durability', { timeout: 240_000 }, () => {
  before(async () => {
    storeOpts = await createTestStoreOptions();
    const store = openStore(storeOpts);
    await migrateToLatest(store.db, store.dialect);
    const services = createServices(loadConfig({}, { XIAOAN_DATA_DIR: storeOpts.dataDir }), store);
    const u = await createUniversity(services, 'K');
    const made = await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => services.devices.create(SYSTEM_ACTOR, { name: `红外探测器${i}`, kind: 'intrusion_zone', campusId: u.campusId })),
    );
    devices = made.map((d, i) => ({ id: d.id, secret: `secret-${i}-xxxxxxxxxxxxxxxx`, topic: `xiaoan/${u.universityId}/${d.id}/events` }));
    await services.credentials.setSecrets(devices.map((d) => ({ deviceId: d.id, secret: d.secret })), SYSTEM_ACTOR, u.universityId);
    await store.close();
  });

  after(async () => {
    await server?.kill();
    await storeOpts.cleanup();
  });

  it('every acknowledged event survives, exactly once; a full resend stores each event once', async () => {
    server = await startServer();
    const all = Array.from({ length: TOTAL }, (_, i) => i);
    let killedAt = 0;
    const first = publish(all, (n) => {
      if (n >= KILL_AFTER_ACKED && !killedAt) {
        killedAt = n;
        void server!.kill();
      }
    });
    await first.done;
    for (const c of first.clients) c.end(true);
    await server.kill(); // already killed: waits for the exit
    assert.ok(killedAt > 0, 'the server was not killed mid-stream');
    const acked = new Set(first.acked);
    assert.ok(acked.size >= KILL_AFTER_ACKED && acked.size < TOTAL, `acked ${acked.size}`);

    server = await startServer();
    const afterCrash = await storedIds();
    const stored = new Set(afterCrash);
    assert.equal(stored.size, afterCrash.length, 'an event is stored twice');
    const lost = [...acked].filter((id) => !stored.has(id));
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} acknowledged events lost`);

    // The devices now resend everything (as a device that lost track would): nothing doubles.
    const second = publish(all);
    await second.done;
    for (const c of second.clients) c.end(true);
    assert.equal(second.acked.size, TOTAL);
    const final = await storedIds();
    assert.equal(final.length, TOTAL);
    assert.equal(new Set(final).size, TOTAL);
    await server.stop();
  });

  it('every panic acknowledged before a kill -9 has its alarm after the restart (alarms are derived from stored events)', async () => {
    server = await startServer();
    const acked: string[] = [];
    // Bursts from every device at once; kill the server the moment the last answer arrives,
    // when many events are committed but not yet turned into alarms.
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        devices.map(async (d, i) => {
          const res = await fetch(`http://127.0.0.1:${httpPort}/api/ingest/events`, {
            method: 'POST',
            headers: { authorization: 'Basic ' + Buffer.from(`${d.id}:${d.secret}`).toString('base64'), 'content-type': 'application/json' },
            body: JSON.stringify({ events: [{ kind: 'panic', sourceEventId: `panic-${round}-${i}` }] }),
          });
          if (res.status === 200) acked.push(`panic-${round}-${i}`);
        }),
      );
    }
    await server.kill();
    assert.equal(acked.length, 5 * DEVICES);

    server = await startServer(); // answers /api/health only after the alarm engine caught up
    const store = openStore(storeOpts);
    try {
      const panics = await store.db.selectFrom('events').select(['id', 'device_id']).where('kind', '=', 'panic').execute();
      assert.equal(panics.length, acked.length);
      const linked = await store.db.selectFrom('alarm_events').select('event_id').where('event_id', 'in', panics.map((p) => p.id)).execute();
      assert.equal(linked.length, panics.length, `${panics.length - linked.length} acknowledged panic events have no alarm`);
      const alarms = await store.db.selectFrom('alarms').select(['device_id', 'event_count']).where('type', '=', 'panic').execute();
      assert.equal(alarms.length, DEVICES, 'one latched alarm per button, repeats merged');
      assert.equal(alarms.reduce((n, a) => n + a.event_count, 0), acked.length);
    } finally {
      await store.close();
    }
    await server.stop();
  });
});
