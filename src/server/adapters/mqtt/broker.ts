import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqtt from 'mqtt';
import { parseTopic, topicFor } from './topics.ts';

export interface DeviceIdentity {
  deviceId: string;
  universityId: string;
}

export type HandleOutcome = { ok: true } | { ok: false; reason: string };

/** What the adapter hands device messages to (the ingest module); it knows nothing else of the platform. */
export interface DeviceMessageSink {
  /** Resolves once the message is durably handled; rejects when it could not be stored. */
  handle(topic: string, payload: Buffer, identity: DeviceIdentity | null): Promise<HandleOutcome>;
}

export interface DeviceAuthenticator {
  /** The device's university when the secret is right, else null. */
  authenticate(deviceId: string, secret: string): Promise<DeviceIdentity | null>;
}

export interface MqttTransport {
  /** Where devices connect, for logs and docs. */
  url: string;
  port: number | null;
  sendCommand(universityId: string, deviceId: string, command: object): Promise<void>;
  close(): Promise<void>;
}

interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

const identities = new WeakMap<Client, DeviceIdentity>();

/**
 * The built-in broker (aedes). Devices log in with their id and secret; a device may publish only
 * on its own events/heartbeat topics and subscribe only to its own commands topic. A QoS 1
 * PUBLISH is acknowledged after `authorizePublish` completes, and that waits for the sink to
 * commit the event: the PUBACK means "stored".
 */
export async function startBuiltInBroker(opts: { port: number; host: string; sink: DeviceMessageSink; auth: DeviceAuthenticator; log: Logger }): Promise<MqttTransport> {
  const broker = new Aedes({
    // Packets of one connection handled at once: lets one busy gateway fill a group commit.
    concurrency: 1000,
    authenticate(client, username, password, done) {
      const fail = (returnCode: number) => done(Object.assign(new Error('bad username or password'), { returnCode }) as AuthenticateError, false);
      if (!username || !password) return fail(4);
      opts.auth.authenticate(username, password.toString('utf8')).then(
        (identity) => {
          if (!identity) return fail(4);
          // MQTT lets a new connection with a client id take over the old one: only the same
          // device may, or any device could disconnect any other, across universities (issue 17, item 4).
          const holder = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
          const holderIdentity = holder && holder !== client ? identities.get(holder) : undefined;
          if (holderIdentity && holderIdentity.deviceId !== identity.deviceId) {
            opts.log.warn({ clientId: client.id, deviceId: identity.deviceId, holder: holderIdentity.deviceId }, 'MQTT client id of another connected device refused');
            return fail(2); // identifier rejected
          }
          identities.set(client, identity);
          done(null, true);
        },
        () => fail(3), // server unavailable: the device retries
      );
    },
    authorizePublish(client, packet, callback) {
      const identity = client ? identities.get(client) : undefined;
      if (!client) return callback(null); // the platform's own publishes (commands)
      if (!identity) return callback(new Error('not authenticated'));
      opts.sink.handle(packet.topic, packet.payload as Buffer, identity).then(
        (outcome) => {
          // A device publishing where it may not is disconnected (MQTT 3.1.1 has no negative ack).
          if (!outcome.ok && /may not|not xiaoan/.test(outcome.reason)) callback(new Error(outcome.reason));
          else callback(null);
        },
        (err) => {
          opts.log.warn({ err, topic: packet.topic }, 'device message not stored; not acknowledged');
          callback(err as Error);
        },
      );
    },
    authorizeSubscribe(client, sub, callback) {
      const identity = identities.get(client);
      const t = parseTopic(sub.topic);
      if (identity && t && t.channel === 'commands' && t.deviceId === identity.deviceId && t.universityId === identity.universityId) return callback(null, sub);
      callback(null, null); // refused (SUBACK 0x80), but the connection stays: a device may only subscribe to its own commands
    },
    // Device messages are for the platform, not for other devices.
    authorizeForward(_client, packet) {
      const t = parseTopic(packet.topic);
      return t?.channel === 'commands' ? packet : null;
    },
  });
  await broker.listen();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  broker.on('clientError', (client, err) => opts.log.warn({ client: client.id, err: err.message }, 'mqtt client error'));

  return {
    url: `mqtt://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${port}`,
    port,
    sendCommand(universityId, deviceId, command) {
      return new Promise((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic: topicFor(universityId, deviceId, 'commands'), payload: Buffer.from(JSON.stringify(command)), qos: 1, retain: false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/**
 * An external broker (mosquitto, EMQX cluster) authenticates devices itself; the platform
 * subscribes with a shared subscription, so several server instances split the load, and
 * acknowledges each QoS 1 message to the broker only after it is stored.
 */
export async function connectExternalBroker(opts: { url: string; sink: DeviceMessageSink; log: Logger; clientId?: string }): Promise<MqttTransport> {
  const client = await mqtt.connectAsync(opts.url, { protocolVersion: 5, clean: false, clientId: opts.clientId ?? `xiaoan-platform-${process.pid}`, properties: { sessionExpiryInterval: 3600 } });
  // Called for every incoming PUBLISH; its callback sends the PUBACK.
  client.handleMessage = (packet, done) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    opts.sink.handle(packet.topic, payload, null).then(
      () => done(),
      (err) => {
        opts.log.warn({ err, topic: packet.topic }, 'device message not stored; not acknowledged');
        client.end(true); // without the ack the broker redelivers after reconnect
      },
    );
  };
  await client.subscribeAsync(['$share/xiaoan/xiaoan/+/+/events', '$share/xiaoan/xiaoan/+/+/heartbeat', '$share/xiaoan/xiaoan/+/+/access'], { qos: 1 });
  opts.log.info({ url: opts.url }, 'connected to external MQTT broker');
  return {
    url: opts.url,
    port: null,
    async sendCommand(universityId, deviceId, command) {
      await client.publishAsync(topicFor(universityId, deviceId, 'commands'), JSON.stringify(command), { qos: 1 });
    },
    async close() {
      await client.endAsync();
    },
  };
}
