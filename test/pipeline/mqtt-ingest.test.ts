/** MQTT ingest through the built-in broker: auth, topic ownership, QoS 1 acknowledged only after commit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startBuiltInBroker, type MqttTransport } from '../../src/server/adapters/mqtt/broker.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

let t: TestApp;
let U: UniversityFixture;
let broker: MqttTransport;
let admin: string;
const clients: MqttClient[] = [];
const silentLog = { info() {}, warn() {} };

async function deviceWithCredentials(name: string, kind = 'panic_button') {
  const d = json(await t.call(admin, 'POST', '/api/devices', { name, kind, campusId: U.campusId }));
  const cred = json(await t.call(admin, 'POST', `/api/devices/${d.id}/credentials`));
  return { id: d.id as string, ...cred } as { id: string; username: string; password: string; topics: { events: string; heartbeat: string; commands: string } };
}

async function connect(username: string, password: string) {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username, password, reconnectPeriod: 0, connectTimeout: 5000 });
  clients.push(c);
  return c;
}

const countEvents = async (deviceId: string) =>
  Number((await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', '=', deviceId).executeTakeFirstOrThrow()).n);

describe('MQTT ingest', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'M');
    admin = await t.login('admin');
    broker = await startBuiltInBroker({
      port: 0,
      host: '127.0.0.1',
      sink: t.services.deviceMessages,
      auth: { authenticate: (id, secret) => t.services.credentials.authenticate(id, secret) },
      log: silentLog,
    });
  });
  after(async () => {
    for (const c of clients) c.end(true);
    await broker.close();
    await t.close();
  });

  it('stores a QoS 1 event and a heartbeat marks the device online', async () => {
    const d = await deviceWithCredentials('财务室报警按钮');
    const c = await connect(d.username, d.password);
    await c.publishAsync(d.topics.events, JSON.stringify({ kind: 'panic', sourceEventId: 'p-1' }), { qos: 1 });
    assert.equal(await countEvents(d.id), 1, 'PUBACK arrived before the event was stored');
    await c.publishAsync(d.topics.events, JSON.stringify({ kind: 'panic', sourceEventId: 'p-1' }), { qos: 1 });
    assert.equal(await countEvents(d.id), 1, 'a resent event was stored twice');
    await c.publishAsync(d.topics.heartbeat, JSON.stringify({ uptimeS: 12 }), { qos: 1 });
    const health = json(await t.call(admin, 'GET', '/api/device-health'));
    assert.equal(health[d.id].online, true);
  });

  it('acknowledges a QoS 1 message only after its event is committed', async () => {
    const d = await deviceWithCredentials('门厅报警按钮');
    const c = await connect(d.username, d.password);
    // Another process holds the store's write lock for 800 ms (SQLite blocks our thread while it
    // waits, so the lock must live elsewhere); the PUBACK must come after the lock is released.
    const locker = await holdWriteLockElsewhere(800);
    const sentAt = Date.now();
    await c.publishAsync(d.topics.events, JSON.stringify({ kind: 'panic', sourceEventId: 'held-1' }), { qos: 1 });
    const ackedAt = Date.now();
    const releasedAt = await locker.released;
    assert.ok(ackedAt >= releasedAt, `PUBACK at +${ackedAt - sentAt} ms, lock released at +${releasedAt - sentAt} ms`);
    assert.equal(await countEvents(d.id), 1);
  });

  it('bad payloads are acknowledged (no endless resend) and kept as dead letters with the reason', async () => {
    const d = await deviceWithCredentials('周界报警', 'perimeter_zone');
    const c = await connect(d.username, d.password);
    await c.publishAsync(d.topics.events, 'ALARM!!', { qos: 1 });
    await c.publishAsync(d.topics.events, JSON.stringify({ kind: 'perimeter', payload: { method: 'flying' } }), { qos: 1 });
    const dl = json(await t.call(admin, 'GET', `/api/dead-letters?deviceId=${d.id}`)).items;
    assert.equal(dl.length, 2);
    assert.equal(dl[0].field, 'payload.method');
    assert.match(dl[1].reason, /not valid JSON/);
    assert.equal(dl[1].rawText, 'ALARM!!');
    assert.equal(dl[1].topic, d.topics.events);
    assert.equal(await countEvents(d.id), 0);
  });

  it('a device cannot publish as another device, and is disconnected when it tries', async () => {
    const a = await deviceWithCredentials('A');
    const b = await deviceWithCredentials('B');
    const c = await connect(a.username, a.password);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish(b.topics.events, JSON.stringify({ kind: 'panic', sourceEventId: 'forged' }), { qos: 1 });
    await closed;
    assert.equal(await countEvents(b.id), 0);
    const dl = json(await t.call(admin, 'GET', `/api/dead-letters?deviceId=${a.id}`)).items;
    assert.match(dl[0].reason, /may not publish as/);
  });

  it('a device cannot take over another device’s connection by using its client id (issue 17, item 4)', async () => {
    const a = await deviceWithCredentials('CA');
    const b = await deviceWithCredentials('CB');
    const victim = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: a.username, password: a.password, clientId: `door-${a.id}`, reconnectPeriod: 0 });
    clients.push(victim);
    await assert.rejects(
      mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: b.username, password: b.password, clientId: `door-${a.id}`, reconnectPeriod: 0, connectTimeout: 5000 }),
      /Identifier rejected/i,
    );
    assert.equal(victim.connected, true, 'the first device stays connected');
    // The same device reconnecting with its own client id still takes over (a device that rebooted).
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: a.username, password: a.password, clientId: `door-${a.id}`, reconnectPeriod: 0 });
    clients.push(again);
    assert.equal(again.connected, true);
  });

  it('refuses wrong secrets and unknown devices at connect', async () => {
    const d = await deviceWithCredentials('C');
    await assert.rejects(connect(d.username, 'wrong'), /Bad username or password|Not authorized/i);
    await assert.rejects(connect('ghost', 'x'), /Bad username or password|Not authorized/i);
  });

  it('a device subscribes only to its own commands, and receives them', async () => {
    const a = await deviceWithCredentials('门禁A', 'door');
    const b = await deviceWithCredentials('门禁B', 'door');
    const c = await connect(a.username, a.password);
    const granted = await c.subscribeAsync(a.topics.commands, { qos: 1 });
    assert.equal(granted[0].qos, 1);
    // Refused with SUBACK 0x80; the connection stays up.
    await assert.rejects(c.subscribeAsync(b.topics.commands, { qos: 1 }), /Subscribe error/);
    assert.equal(c.connected, true);
    const got = new Promise<string>((r) => c.once('message', (_topic, payload) => r(payload.toString())));
    await broker.sendCommand(U.universityId, a.id, { command: 'door.unlock', seconds: 5 });
    assert.deepEqual(JSON.parse(await got), { command: 'door.unlock', seconds: 5 });
  });
});

/** Starts a child process that holds the store's write lock for `ms`; resolves once it holds it. */
async function holdWriteLockElsewhere(ms: number): Promise<{ released: Promise<number> }> {
  const target =
    t.store.dialect === 'postgres'
      ? await currentPgUrl()
      : (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(t.store.db)).rows[0].file;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/hold-write-lock.ts', t.store.dialect, target, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let onReleased!: (at: number) => void;
  const released = new Promise<number>((r) => (onReleased = r));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
    lines.on('line', (line) => {
      if (line === 'LOCKED') resolve();
      const m = /^RELEASED (\d+)$/.exec(line);
      if (m) onReleased(Number(m[1]));
    });
  });
  return { released };
}

async function currentPgUrl(): Promise<string> {
  const db = (await sql<{ db: string }>`select current_database() as db`.execute(t.store.db)).rows[0].db;
  const base = new URL(process.env.XIAOAN_TEST_DATABASE_URL!);
  base.pathname = '/' + db;
  return base.toString();
}
