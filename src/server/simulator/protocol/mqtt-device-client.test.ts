/** The light MQTT device client against a real aedes broker over TCP. */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { waitFor as waitForCondition } from '../../../../test/helpers/wait.ts';
import { MqttConnectError, MqttDeviceClient } from './mqtt-device-client.ts';

const UNI = 'uni-1';
const SECRETS: Record<string, string> = { 'dev-1': 's3cret-1', 'dev-2': 's3cret-2', 'dev-3': 's3cret-3', 'dev-4': 's3cret-4' };

let broker: Aedes;
let server: Server;
let url: string;
/** Delay before the broker acknowledges a publish (like xiaoan's commit before PUBACK). */
let ackDelayMs = 0;
const received: { client: string; topic: string; payload: string; qos: number }[] = [];
const clients = new Map<string, Client>();

const waitFor = (cond: () => boolean, ms = 5000) => waitForCondition('the broker or client state', cond, ms);
/** Topics each client has subscribed to, as the broker saw them. */
const subscribed = new Map<string, Set<string>>();

describe('MqttDeviceClient', () => {
  before(async () => {
    broker = new Aedes({
      authenticate(client, username, password, done) {
        if (username && SECRETS[username] && password?.toString() === SECRETS[username]) {
          clients.set(username, client);
          return done(null, true);
        }
        done(Object.assign(new Error('bad username or password'), { returnCode: 4 }) as AuthenticateError, false);
      },
      authorizePublish(client, packet, callback) {
        if (client) received.push({ client: client.id, topic: packet.topic, payload: packet.payload.toString(), qos: packet.qos });
        setTimeout(() => callback(null), ackDelayMs);
      },
    });
    broker.on('subscribe', (subs, client) => {
      if (!client) return;
      const set = subscribed.get(client.id) ?? new Set<string>();
      for (const s of subs) set.add(s.topic);
      subscribed.set(client.id, set);
    });
    await broker.listen();
    server = createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
  });

  it('connects with its id and secret, publishes QoS 1 and resolves on PUBACK', async () => {
    const c = new MqttDeviceClient({ url, deviceId: 'dev-1', secret: SECRETS['dev-1'], universityId: UNI });
    await c.connect();
    assert.equal(c.connected, true);
    ackDelayMs = 200;
    const t0 = Date.now();
    await c.publishEvent({ kind: 'motion', sourceEventId: 'm-1', payload: { objectType: 'person' } });
    assert.ok(Date.now() - t0 >= 190, 'resolved only after the delayed PUBACK');
    ackDelayMs = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.publishEvent({ kind: 'motion', sourceEventId: `m-${i + 2}` })));
    assert.equal(c.stats.acked, 51);
    assert.equal(c.pending, 0);
    await c.publishHeartbeat({ uptimeS: 5 }, 0);
    await waitFor(() => received.some((m) => m.topic === c.topics.heartbeat));
    const events = received.filter((m) => m.client === 'dev-1' && m.topic === `xiaoan/${UNI}/dev-1/events`);
    assert.equal(events.length, 51);
    assert.equal(events[0].qos, 1);
    assert.deepEqual(JSON.parse(events[0].payload), { kind: 'motion', sourceEventId: 'm-1', payload: { objectType: 'person' } });
    assert.equal(received.find((m) => m.topic === c.topics.heartbeat)?.qos, 0);
    await c.close();
    assert.equal(c.connected, false);
  });

  it('is refused with a wrong secret (return code 4)', async () => {
    const c = new MqttDeviceClient({ url, deviceId: 'dev-2', secret: 'wrong', universityId: UNI, reconnect: false });
    await assert.rejects(c.connect(), (err: unknown) => err instanceof MqttConnectError && err.returnCode === 4);
    await c.close();
  });

  it('receives commands on its own topic and acknowledges them', async () => {
    const commands: unknown[] = [];
    const c = new MqttDeviceClient({ url, deviceId: 'dev-3', secret: SECRETS['dev-3'], universityId: UNI, onCommand: (cmd) => commands.push(cmd) });
    await c.connect();
    await waitFor(() => broker.connectedClients > 0);
    await waitFor(() => subscribed.get('dev-3')?.has(c.topics.commands) ?? false);
    await new Promise<void>((resolve, reject) =>
      broker.publish({ cmd: 'publish', topic: c.topics.commands, payload: Buffer.from(JSON.stringify({ action: 'unlock', id: 'c-1' })), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
    );
    await waitFor(() => commands.length === 1);
    assert.deepEqual(commands[0], { action: 'unlock', id: 'c-1' });
    await c.close();
  });

  it('keeps the connection alive with PINGREQ and reconnects after the broker drops it', async () => {
    let connects = 0;
    const c = new MqttDeviceClient({ url, deviceId: 'dev-4', secret: SECRETS['dev-4'], universityId: UNI, keepaliveS: 2, reconnect: { minMs: 100, maxMs: 500 }, onConnect: () => connects++ });
    await c.connect();
    await waitFor(() => c.stats.pings >= 1, 10_000);
    assert.equal(c.connected, true, 'still connected after more than the keepalive');

    // The broker drops the connection; a publish made meanwhile is delivered after the reconnect.
    clients.get('dev-4')!.close();
    await waitFor(() => !c.connected);
    const late = c.publishEvent({ kind: 'panic', sourceEventId: 'p-1' });
    await waitFor(() => c.connected);
    await late;
    assert.ok(connects >= 2);
    assert.ok(received.some((m) => m.client === 'dev-4' && m.payload.includes('p-1')));

    // A suspended device stays away until resumed.
    c.suspend();
    await waitFor(() => !c.connected);
    // Longer than the longest reconnect delay (500 ms): a client that ignored the suspension would be back by now.
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(c.connected, false);
    await assert.rejects(c.publishEvent({ kind: 'panic' }));
    await c.resume();
    assert.equal(c.connected, true);
    await c.close();
  });
});
