import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from 'typebox';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { systemClock } from '../clock.ts';
import type { Store } from '../store/database.ts';
import { AccountsRepository } from '../modules/accounts/accounts.repository.ts';
import { AccountsService } from '../modules/accounts/accounts.service.ts';
import { accountsRoutes } from '../modules/accounts/accounts.routes.ts';
import { AuditService } from '../modules/audit/audit.service.ts';
import { auditRoutes } from '../modules/audit/audit.routes.ts';
import { OrgRepository } from '../modules/org/org.repository.ts';
import { OrgService } from '../modules/org/org.service.ts';
import { orgRoutes } from '../modules/org/org.routes.ts';
import { DevicesRepository } from '../modules/devices/devices.repository.ts';
import { DevicesService } from '../modules/devices/devices.service.ts';
import { devicesRoutes } from '../modules/devices/devices.routes.ts';
import { LedgerIoService } from '../modules/ledger-io/ledger-io.service.ts';
import { ledgerIoRoutes } from '../modules/ledger-io/ledger-io.routes.ts';
import { MapService } from '../modules/map/map.service.ts';
import { mapRoutes } from '../modules/map/map.routes.ts';
import websocket from '@fastify/websocket';
import { EventBus } from '../bus/event-bus.ts';
import { EventWriter } from '../modules/events/event-writer.ts';
import { EventsRepository } from '../modules/events/events.repository.ts';
import { EventsService } from '../modules/events/events.service.ts';
import { eventsRoutes } from '../modules/events/events.routes.ts';
import { DeviceHealthService } from '../modules/health/device-health.service.ts';
import { deviceHealthRoutes } from '../modules/health/device-health.routes.ts';
import { DeviceCredentialsService } from '../modules/ingest/device-credentials.service.ts';
import { DeviceDirectory } from '../modules/ingest/device-directory.ts';
import { DeviceMessageHandler } from '../modules/ingest/device-message-handler.ts';
import { IngestService } from '../modules/ingest/ingest.service.ts';
import { ingestRoutes } from '../modules/ingest/ingest.routes.ts';
import { LiveHub } from '../modules/live/live-hub.ts';
import { liveRoutes } from '../modules/live/live.routes.ts';
import { ActionExecutor } from '../modules/alarms/action-executor.ts';
import { AlarmConsumer } from '../modules/alarms/alarm-consumer.ts';
import { AlarmEngine } from '../modules/alarms/alarm-engine.ts';
import { AlarmsService } from '../modules/alarms/alarms.service.ts';
import { alarmsRoutes } from '../modules/alarms/alarms.routes.ts';
import { DevicePlaces } from '../modules/alarms/device-places.ts';
import { AbsenceWatcher } from '../modules/alarms/absence-watcher.ts';
import { RulesService } from '../modules/alarms/rules.service.ts';
import { SopService } from '../modules/alarms/sop.service.ts';
import { DispatchService } from '../modules/alarms/dispatch.service.ts';
import { alarmWorkRoutes } from '../modules/alarms/alarm-work.routes.ts';
import { CaseFileService } from '../modules/case-file/case-file.service.ts';
import { caseFileRoutes } from '../modules/case-file/case-file.routes.ts';
import { RuleDryRun } from '../modules/alarms/rule-dry-run.ts';
import { AlarmStatsService } from '../modules/alarm-stats/alarm-stats.service.ts';
import { alarmStatsRoutes } from '../modules/alarm-stats/alarm-stats.routes.ts';
import { CalendarService } from '../modules/calendar/calendar.service.ts';
import { calendarRoutes } from '../modules/calendar/calendar.routes.ts';
import { registerAuth, type RouteAccess } from './auth-hook.ts';
import { SYSTEM_ACTOR } from './policy.ts';
import { registerErrorHandling } from './errors.ts';
import { ErrorResponse } from './schemas.ts';
import { registerValidators } from './validator.ts';

export interface Services {
  bus: EventBus;
  audit: AuditService;
  accounts: AccountsService;
  org: OrgService;
  devices: DevicesService;
  ledgerIo: LedgerIoService;
  map: MapService;
  writer: EventWriter;
  events: EventsService;
  ingest: IngestService;
  credentials: DeviceCredentialsService;
  deviceMessages: DeviceMessageHandler;
  health: DeviceHealthService;
  live: LiveHub;
  rules: RulesService;
  alarms: AlarmsService;
  alarmConsumer: AlarmConsumer;
  actions: ActionExecutor;
  sop: SopService;
  dispatches: DispatchService;
  ruleDryRun: RuleDryRun;
  calendar: CalendarService;
  absence: AbsenceWatcher;
  caseFile: CaseFileService;
  alarmStats: AlarmStatsService;
}

export interface AppOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  logger?: boolean | object;
}

/** Composition of services; no I/O happens here. */
export function createServices(config: Config, store: Store, clock: Clock = systemClock): Services {
  const { db, dialect } = store;
  const bus = new EventBus();
  const audit = new AuditService(db, clock);
  const org = new OrgService(db, audit, clock, new OrgRepository(dialect), bus);
  const accounts = new AccountsService({
    db,
    repo: new AccountsRepository(dialect),
    audit,
    clock,
    sessionTtlHours: config.XIAOAN_SESSION_TTL_HOURS,
    isUniversity: (id) => org.isUniversity(id),
    bus,
  });
  const devices = new DevicesService(db, audit, org, clock, new DevicesRepository(dialect), bus);
  const ledgerIo = new LedgerIoService({ devices, org, audit, clock, bus });
  const map = new MapService(org, devices);
  const writer = new EventWriter(db, bus, new EventsRepository(store));
  const directory = new DeviceDirectory(db, devices, bus);
  const ingest = new IngestService(db, writer, directory, clock);
  const credentials = new DeviceCredentialsService(db, devices, directory, audit, bus, clock);
  const health = new DeviceHealthService(db, devices, writer, bus, clock, {
    heartbeatIntervalS: config.XIAOAN_HEARTBEAT_INTERVAL_S,
    offlineAfterMissed: config.XIAOAN_OFFLINE_AFTER_MISSED,
  });
  const deviceMessages = new DeviceMessageHandler(ingest, health);
  const events = new EventsService(db);
  const live = new LiveHub(bus);
  const rules = new RulesService(db, audit, clock, org, devices);
  org.onUniversityCreated = (universityId) => rules.ensureDefaults(SYSTEM_ACTOR, universityId);
  org.addDependents('users', (work, unitId) => accounts.countOfUniversity(work, unitId));
  const places = new DevicePlaces(devices, org, bus);
  const actions = new ActionExecutor(db, places, events, bus, clock, { etaWarnS: config.XIAOAN_DISPATCH_ETA_WARN_MIN * 60 });
  const sop = new SopService(db, bus, clock);
  const dispatches = new DispatchService(db, bus, clock, accounts, places);
  actions.setDispatcher(dispatches);
  const calendar = new CalendarService(db, audit, org, clock);
  const engine = new AlarmEngine(db, rules, places, sop, clock, calendar, events);
  const alarmConsumer = new AlarmConsumer(db, events, engine, actions, bus);
  const ruleDryRun = new RuleDryRun(rules, places, engine, dispatches);
  const absence = new AbsenceWatcher(db, places, writer, events, calendar, clock);
  const alarms = new AlarmsService(db, bus, clock, sop, dispatches, events);
  const caseFile = new CaseFileService(devices, org, alarms, sop, accounts, audit, clock);
  const alarmStats = new AlarmStatsService(alarms, org, devices, clock);
  return { bus, audit, accounts, org, devices, ledgerIo, map, writer, events, ingest, credentials, deviceMessages, health, live, rules, alarms, alarmConsumer, actions, sop, dispatches, ruleDryRun, absence, calendar, caseFile, alarmStats };
}

export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAccess | undefined;
}

export async function buildApp(opts: AppOptions): Promise<{ app: FastifyInstance; services: Services; routes: RouteEntry[] }> {
  const services = createServices(opts.config, opts.store, opts.clock);
  const app = Fastify({
    logger: opts.logger ?? { level: opts.config.XIAOAN_LOG_LEVEL },
    // Proxy headers only from the configured proxies (issue 17, finding 3): otherwise every attempt could claim a new address.
    trustProxy: opts.config.XIAOAN_TRUST_PROXY ?? false,
    bodyLimit: 10 * 1024 * 1024,
    // One line per request at info buried what matters (2,900 lines in 25 minutes): requests are
    // logged at debug below; warnings, errors and state changes stay at info and above.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });

  // The route table, for the tests that loop over every route (tenant isolation, auth).
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, auth: r.config?.auth });
  });
  registerErrorHandling(app);
  registerSecurityHeaders(app);
  registerValidators(app);
  app.addSchema(ErrorResponse);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'xiaoan 校安 API',
        version: '0.1.0',
        description: 'Campus security operations platform. Log in with POST /api/auth/login; the session cookie authorises the other calls.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'xiaoan_session' },
          deviceBasic: { type: 'http', scheme: 'basic', description: 'Device id and secret (ingest only)' },
        },
      },
      security: [{ session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuth(app, (token) => services.accounts.authenticate(token));

  app.get(
    '/api/health',
    {
      config: { auth: { access: 'public' } },
      schema: { tags: ['system'], summary: 'Liveness: ok once the store is migrated and the API is serving', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  accountsRoutes(app, { accounts: services.accounts, cookieSecure: opts.config.XIAOAN_COOKIE_SECURE, loginMaxAttempts: opts.config.XIAOAN_LOGIN_MAX_ATTEMPTS });
  orgRoutes(app, services.org);
  devicesRoutes(app, services.devices);
  ledgerIoRoutes(app, services.ledgerIo);
  auditRoutes(app, services.audit);
  mapRoutes(app, services.map);
  eventsRoutes(app, services.events);
  ingestRoutes(app, { ingest: services.ingest, credentials: services.credentials, health: services.health });
  deviceHealthRoutes(app, services.health);
  liveRoutes(app, services.live);
  alarmsRoutes(app, services.alarms, services.rules, services.ruleDryRun);
  calendarRoutes(app, services.calendar);
  alarmWorkRoutes(app, { alarms: services.alarms, sop: services.sop, dispatches: services.dispatches });
  caseFileRoutes(app, services.caseFile);
  alarmStatsRoutes(app, services.alarmStats);
  app.addHook('onClose', async () => {
    services.live.close();
    await services.writer.close(); // the last events are committed (and published) here
    await services.alarmConsumer.stop();
    await services.actions.close();
    await services.caseFile.close();
  });

  await (await import('./static-web.ts')).registerStaticWeb(app); // web console at /, SPA fallback (last: API routes win)
  await app.ready();
  return { app, services, routes };
}
