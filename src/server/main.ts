import { renameSync, writeFileSync } from 'node:fs';
import { connectExternalBroker, startBuiltInBroker, type MqttTransport } from './adapters/mqtt/broker.ts';
import { SipTransport } from './adapters/gb28181/sip-transport.ts';
import type { GbCommand } from './modules/gb28181/index.ts';
import type { OnvifCommand } from './modules/onvif/index.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { buildApp, type Services } from './http/app.ts';
import { SYSTEM_ACTOR } from './http/policy.ts';
import { startModules } from './modules/module.ts';
import { openStore } from './store/database.ts';
import { migrateToLatest } from './store/migrations/index.ts';
import { refreshPlannerStatistics } from './store/statistics.ts';

/** Start-up: config → store → migrations → modules (http/app.ts composes them) → start → MQTT → jobs → HTTP. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const store = openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.XIAOAN_DATA_DIR });
  const applied = await migrateToLatest(store.db, store.dialect);
  await refreshPlannerStatistics(store.db, store.dialect);
  const { app, services } = await buildApp({ config, store });
  app.log.info({ store: store.describe, migrations: applied }, 'store ready');

  await services.org.ensureCommission(SYSTEM_ACTOR);
  const admin = await services.accounts.ensureInitialAdmin(config.XIAOAN_ADMIN_PASSWORD, SYSTEM_ACTOR);
  if (admin.generatedPassword) {
    // Printed once, to the console only; it is not stored anywhere in clear text.
    console.log(`\n  管理员账号已创建 / admin account created\n  username: admin\n  password: ${admin.generatedPassword}\n  (set XIAOAN_ADMIN_PASSWORD to choose it; change it after the first login)\n`);
  }

  if (config.XIAOAN_DEMO) {
    const { seedDemoIfEmpty } = await import('./simulator/demo-seed.ts');
    const seeded = await seedDemoIfEmpty({ services, store, log: app.log });
    if (seeded && config.XIAOAN_DEMO_HISTORY_DAYS > 0) {
      // A fresh demo database gets a past (issue 18): the wall clock's now is the end of the history.
      const { generateDemoHistory } = await import('./simulator/history/demo-history.ts');
      const result = await generateDemoHistory({ config, store, days: config.XIAOAN_DEMO_HISTORY_DAYS, seed: config.XIAOAN_DEMO_HISTORY_SEED, endMs: Date.now(), progress: (line) => console.log(line) });
      if (result.status === 'generated') app.log.info({ history: result.report }, 'demo history generated');
    }
  }

  await startModules(services.modules, { log: app.log });
  const mqtt = await startMqtt(config, services, app.log);
  // A door controller that asks over MQTT is answered over MQTT (no lookup of its other routes per swipe).
  services.deviceMessages.setReplier((universityId, deviceId, message) => mqtt.sendCommand(universityId, deviceId, message));
  const sip = await startSip(config, services);
  // Commands go to a device the way it is connected: GB/T 28181 when it (or its recorder) is
  // registered, else ONVIF when it was added as an ONVIF camera, else MQTT.
  services.deviceCommands.setSender(async (universityId, deviceId, command) => {
    if (await services.gbPlatform.routeOf(deviceId)) return services.gbPlatform.sendCommand(deviceId, command as GbCommand);
    if (await services.onvifCameras.routeOf(deviceId)) return services.onvifCameras.sendCommand(deviceId, command as OnvifCommand);
    return mqtt.sendCommand(universityId, deviceId, command);
  });

  const jobs: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, job: () => Promise<unknown>) => {
    const t = setInterval(() => job().catch((err) => app.log.warn({ err }, `${name} failed`)), ms);
    t.unref();
    jobs.push(t);
  };
  for (const m of services.modules) for (const job of m.jobs ?? []) every(job.everyMs, job.name, () => job.run({ log: app.log }));
  every(3600_000, 'planner statistics', () => refreshPlannerStatistics(store.db, store.dialect));

  let simulator: { stop(): Promise<void> } | null = null;
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    for (const t of jobs) clearInterval(t);
    await simulator?.stop();
    await mqtt.close();
    await sip.close();
    await app.close(); // the modules flush and stop here (see stopModules)
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  app.log.info(`xiaoan 校安 listening on http://${host}:${httpPort}  (API docs: /docs, MQTT: ${mqtt.url}, GB/T 28181 SIP: udp+tcp ${sip.port})`);
  if (config.XIAOAN_READY_FILE) {
    // Written whole and then renamed, so a reader never sees half a file.
    const tmp = `${config.XIAOAN_READY_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, httpPort, mqttPort: mqtt.port, sipPort: sip.port }));
    renameSync(tmp, config.XIAOAN_READY_FILE);
  }

  if (config.XIAOAN_DEMO && config.XIAOAN_SIM_RATE > 0) {
    // Simulated devices talk to this server over real TCP (MQTT) and HTTP, like devices on the network.
    const { startDemoSimulator } = await import('./simulator/demo-simulator.ts');
    const httpHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    simulator = await startDemoSimulator({ services, store, config, mqttUrl: mqtt.url, httpUrl: `http://${httpHost}:${httpPort}`, sipPort: sip.port, log: app.log });
  }
}

async function startMqtt(config: Config, services: Services, log: Parameters<typeof startBuiltInBroker>[0]['log']): Promise<MqttTransport> {
  if (config.MQTT_URL) return connectExternalBroker({ url: config.MQTT_URL, sink: services.deviceMessages, log });
  return startBuiltInBroker({
    port: config.XIAOAN_MQTT_PORT,
    host: config.HOST,
    sink: services.deviceMessages,
    auth: { authenticate: (id, secret) => services.credentials.authenticate(id, secret) },
    log,
  });
}

/** GB/T 28181 devices reach the platform over SIP, UDP and TCP on one port. */
async function startSip(config: Config, services: Services): Promise<SipTransport> {
  const transport = new SipTransport((message, peer) => services.gbPlatform.handle(message, peer));
  try {
    services.sipListening(await transport.listen(config.HOST, config.XIAOAN_SIP_PORT));
  } catch (err) {
    throw new Error(`GB/T 28181 SIP port ${config.XIAOAN_SIP_PORT} (XIAOAN_SIP_PORT) cannot be bound: ${(err as Error).message}`);
  }
  services.gbPlatform.attach(transport);
  return transport;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
