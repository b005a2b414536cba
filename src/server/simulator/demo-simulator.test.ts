/**
 * The simulator against the real platform: the built-in broker over TCP and HTTP ingest over a
 * listening socket. Events must land in the store, heartbeats must mark devices online.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { startBuiltInBroker, type MqttTransport } from '../adapters/mqtt/broker.ts';
import { loadConfig } from '../config.ts';
import { SYSTEM_ACTOR } from '../http/policy.ts';
import { EVENT_KINDS } from '../../shared/events.ts';
import { createTestApp, createUniversity, type TestApp, type UniversityFixture } from '../../../test/helpers/test-app.ts';
import { startDemoSimulator, type DemoSimulator } from './demo-simulator.ts';
import { HttpDeviceClient } from './protocol/http-device-client.ts';
import { MqttDeviceClient } from './protocol/mqtt-device-client.ts';

let t: TestApp;
let U: UniversityFixture;
let broker: MqttTransport;
let httpUrl: string;
const silent = { info() {}, warn() {} };
const log = { ...silent, error() {}, debug() {}, trace() {}, fatal() {}, level: 'silent', child: () => log, silent() {} } as unknown as FastifyBaseLogger;

const waitFor = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const events = (deviceId?: string) => t.services.events.list(SYSTEM_ACTOR, { limit: 1000, universityId: U.universityId, deviceId }).then((r) => r.items);

describe('device simulator against the platform', () => {
  const ids: Record<string, string> = {};

  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'S');
    const dorm = await t.services.org.createUnit(SYSTEM_ACTOR, { kind: 'building', parentId: U.campusId, name: '学生宿舍1号楼' });
    const add = async (key: string, input: Parameters<typeof t.services.devices.create>[1]) => (ids[key] = (await t.services.devices.create(SYSTEM_ACTOR, input)).id);
    await add('dormIn', { name: '学生宿舍1号楼 南门门禁（进）', kind: 'door', buildingId: dorm.id });
    await add('dormOut', { name: '学生宿舍1号楼 南门门禁（出）', kind: 'door', buildingId: dorm.id });
    await add('lpr', { name: '南大门 1号车道（入）车牌识别', kind: 'lpr_camera', campusId: U.campusId, camera: { resolution: '1080p', type: 'fixed' } });
    await add('barrier', { name: '南大门 1号车道（入）道闸', kind: 'barrier_gate', campusId: U.campusId });
    await add('turnstile', { name: '南大门 人行闸机1', kind: 'turnstile', campusId: U.campusId });
    await add('patrol', { name: '巡更点 SS-001 南大门门卫室', kind: 'patrol_checkpoint', campusId: U.campusId });
    await add('smoke', { name: '学生宿舍1号楼 1F 走廊感烟1', kind: 'fire_detector', buildingId: dorm.id });
    await add('retired', { name: '旧摄像机', kind: 'camera', campusId: U.campusId, status: 'retired', camera: { resolution: 'analog', type: 'fixed' } });
    ids.camera = U.deviceId;

    broker = await startBuiltInBroker({
      port: 0,
      host: '127.0.0.1',
      sink: t.services.deviceMessages,
      auth: { authenticate: (id, s) => t.services.credentials.authenticate(id, s) },
      log: silent,
    });
    // A door that asks (在线验证) gets its access.decision over this broker, as main.ts wires it.
    t.services.deviceMessages.setReplier((universityId, deviceId, message) => broker.sendCommand(universityId, deviceId, message));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    httpUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  after(async () => {
    await broker.close();
    await t.close();
  });

  it('does nothing when the university does not exist', async () => {
    const config = loadConfig({}, { XIAOAN_DATA_DIR: '/tmp' });
    const sim = await startDemoSimulator({ services: t.services, store: t.store, config, mqttUrl: broker.url, httpUrl, log, universityName: '没有这所大学' });
    assert.equal(sim.stats().devices, 0);
    await sim.stop();
  });

  it('a light MQTT device gets its PUBACK only once the event is stored', async () => {
    const cred = await t.services.credentials.issue(SYSTEM_ACTOR, ids.smoke);
    const c = new MqttDeviceClient({ url: broker.url, deviceId: cred.username, secret: cred.password, universityId: U.universityId });
    await c.connect();
    await c.publishEvent({ kind: 'smoke', sourceEventId: 'direct-1', occurredAt: new Date().toISOString(), payload: { density: 4.2 } });
    const stored = (await events(ids.smoke)).find((e) => e.sourceEventId === 'direct-1');
    assert.ok(stored, 'stored before the PUBACK arrived');
    assert.equal(stored.source, 'mqtt');
    assert.deepEqual(stored.payload, { density: 4.2 });
    await c.close();
  });

  it('an HTTP device batches events and reads per-item results of a 400', async () => {
    const cred = await t.services.credentials.issue(SYSTEM_ACTOR, ids.turnstile);
    const h = new HttpDeviceClient({ url: httpUrl, deviceId: cred.username, secret: cred.password, flushMs: 50 });
    const [ok, bad, dup] = await Promise.all([
      h.send({ kind: 'access.granted', sourceEventId: 'h-1', payload: { credentialType: 'face', personId: '2023010001', direction: 'in' } }),
      h.send({ kind: 'access.granted', sourceEventId: 'h-2', payload: { credentialType: 'telepathy' } }),
      h.send({ kind: 'access.granted', sourceEventId: 'h-1', payload: { credentialType: 'face', personId: '2023010001', direction: 'in' } }),
    ]);
    assert.equal(h.stats.batches, 1, 'one POST for the three');
    assert.equal(ok.status, 'stored');
    assert.equal(bad.status, 'rejected');
    assert.equal(bad.field, 'payload.credentialType');
    assert.ok(dup.status === 'duplicate' || dup.status === 'stored'); // same batch: stored once either way
    assert.equal((await events(ids.turnstile)).filter((e) => e.sourceEventId === 'h-1').length, 1);
    const wrong = new HttpDeviceClient({ url: httpUrl, deviceId: cred.username, secret: 'nope', flushMs: 10 });
    await assert.rejects(wrong.send({ kind: 'panic' }), (err: Error & { status?: number }) => err.status === 401);
  });

  describe('startDemoSimulator', () => {
    let sim: DemoSimulator;
    const config = loadConfig({}, { XIAOAN_DATA_DIR: '/tmp', XIAOAN_HEARTBEAT_INTERVAL_S: 5, XIAOAN_SIM_RATE: 40 });

    before(async () => {
      sim = await startDemoSimulator({
        services: t.services,
        store: t.store,
        config,
        mqttUrl: broker.url,
        httpUrl,
        log,
        universityName: '大学S',
        commandFailureRate: 0,
        outages: { firstAfterMs: 3000, everyMs: [600_000, 600_000], maxConcurrent: 1, extraOfflineMs: [0, 0], kinds: ['camera'] }, // not the door the command test uses
      });
    });
    after(() => sim.stop());

    it('issues credentials and connects every in-service device (MQTT) or pushes over HTTP', async () => {
      const s = sim.stats();
      assert.equal(s.devices, 8, 'the retired camera is not simulated');
      assert.equal(s.httpDevices, 2, 'turnstile and patrol checkpoint');
      await waitFor('connections', async () => sim.stats().connected === 6);
    });

    it('marks every device online through heartbeats, over MQTT and over the HTTP heartbeat endpoint', async () => {
      const simulated = Object.entries(ids).filter(([k]) => k !== 'retired').map(([, id]) => id);
      await waitFor('all online', async () => {
        const status = t.services.health.status(SYSTEM_ACTOR, simulated);
        return simulated.every((id) => status[id]?.online);
      });
      // Heartbeats are liveness, not events: none is stored, whichever way it came.
      assert.equal((await events(ids.patrol)).filter((e) => e.kind === 'device.heartbeat').length, 0);
    });

    it('stores scenario events that arrived over MQTT and over HTTP', async () => {
      const list = await waitFor('events over MQTT', async () => {
        const l = await events();
        return l.filter((e) => e.source === 'mqtt' && e.kind !== 'smoke').length >= 20 && l;
      });
      const fromMqtt = list.filter((e) => e.source === 'mqtt');
      assert.ok(fromMqtt.every((e) => e.sourceEventId && e.occurredAt));
      assert.ok(fromMqtt.some((e) => e.kind === 'access.granted' || e.kind === 'access.denied' || e.kind === 'plate.read' || e.kind === 'motion'));
      assert.ok(list.some((e) => e.source === 'http'));
      const s = sim.stats();
      assert.equal(s.eventsRejected, 0, 'the platform accepted every simulated event');
      assert.ok(s.eventsAcked > 0);
    });

    it('answers a door unlock command with a remote opening (and a command.ack when the platform has that kind)', async () => {
      await broker.sendCommand(U.universityId, ids.dormIn, { id: 'act-42:door', command: 'door.unlock', issuedAt: new Date().toISOString() });
      const opened = await waitFor('the door answer', async () =>
        (await events(ids.dormIn)).find((e) => e.kind === 'access.granted' && (e.payload as { credentialType: string }).credentialType === 'remote'),
      );
      assert.equal(opened.source, 'mqtt');
      if ('command.ack' in EVENT_KINDS) {
        const ack = await waitFor('command.ack', async () => (await events(ids.dormIn)).find((e) => (e.kind as string) === 'command.ack'));
        assert.equal((ack.payload as { commandId: string }).commandId, 'act-42:door');
      }
      assert.ok(sim.stats().commands >= 1);
    });

    it('asks the platform at each card swipe on an online door and reports its answer', async () => {
      // The register of 大学S knows no card: whatever the scenario meant, the platform refuses every card.
      const swipes = await waitFor(
        'card swipes at the dormitory doors',
        async () => {
          const l = [...(await events(ids.dormIn)), ...(await events(ids.dormOut))].filter((e) => (e.payload as { credentialType?: string }).credentialType === 'card');
          return l.length >= 3 && l;
        },
        40_000,
      );
      for (const e of swipes) {
        assert.equal(e.kind, 'access.denied', JSON.stringify(e.payload));
        assert.equal((e.payload as { reason?: string }).reason, 'unknown_credential');
      }
    });

    it('cuts the power of a device now and then', async () => {
      await waitFor('an outage', async () => sim.stats().offline.length === 1);
      assert.deepEqual(sim.stats().offline, [ids.camera]);
      assert.equal(sim.stats().connected, 5);
    });
  });
});
