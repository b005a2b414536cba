import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from 'typebox';
import { sipDomainOf, type Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { systemClock } from '../clock.ts';
import type { Store } from '../store/database.ts';
import { EventBus } from '../bus/event-bus.ts';
import websocket from '@fastify/websocket';
import { createAccountsModule } from '../modules/accounts/index.ts';
import { createAlarmStatsModule } from '../modules/alarm-stats/index.ts';
import { createComplianceModule } from '../modules/compliance/index.ts';
import { createAlarmsModule } from '../modules/alarms/index.ts';
import { createDeviceCommandsModule } from '../modules/device-commands/index.ts';
import { createVehiclesModule } from '../modules/vehicles/index.ts';
import { createVisitorsModule } from '../modules/visitors/index.ts';
import { createPatrolModule } from '../modules/patrol/index.ts';
import { createDutyModule } from '../modules/duty/index.ts';
import { createDutyStatsModule } from '../modules/duty-stats/index.ts';
import { createHandoverModule } from '../modules/handover/index.ts';
import { createTrainingModule } from '../modules/training/index.ts';
import { createAuditModule } from '../modules/audit/index.ts';
import { createCalendarModule } from '../modules/calendar/index.ts';
import { createCaseFileModule } from '../modules/case-file/index.ts';
import { createDevicesModule } from '../modules/devices/index.ts';
import { createDispatchModule } from '../modules/dispatch/index.ts';
import { createEventsModule } from '../modules/events/index.ts';
import { createGb28181Module } from '../modules/gb28181/index.ts';
import { createHealthModule } from '../modules/health/index.ts';
import { createIngestModule } from '../modules/ingest/index.ts';
import { createLedgerIoModule } from '../modules/ledger-io/index.ts';
import { createLiveModule } from '../modules/live/index.ts';
import { createMapModule } from '../modules/map/index.ts';
import { createVideoWallModule } from '../modules/video-wall/index.ts';
import { createMediaModule, playbackSourceOf, sourceOf, type NewReceiver } from '../modules/media/index.ts';
import { findFfmpeg } from '../adapters/media/ffmpeg.ts';
import { RtpReceivers, mediaNode, rtpThread } from '../adapters/media/rtp-receivers.ts';
import { stopModules, type ModuleFace } from '../modules/module.ts';
import { createOnvifModule } from '../modules/onvif/index.ts';
import { createOrgModule } from '../modules/org/index.ts';
import { createPeopleModule } from '../modules/people/index.ts';
import { createAccessControlModule } from '../modules/access-control/index.ts';
import { createTrajectoryModule } from '../modules/trajectory/index.ts';
import { createProceduresModule } from '../modules/procedures/index.ts';
import { createRecordingsModule } from '../modules/recordings/index.ts';
import { createEvidenceModule } from '../modules/evidence/index.ts';
import { registerAuth, type RouteAccess } from './auth-hook.ts';
import { registerErrorHandling } from './errors.ts';
import { ErrorResponse } from './schemas.ts';
import { registerValidators } from './validator.ts';

export type Services = ReturnType<typeof createServices>;

export interface AppOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  logger?: boolean | object;
}

/**
 * The composition root: every module built in dependency order (a module gets only the modules
 * it names). No I/O happens here; `modules` lists their faces in that order, for routes, start,
 * jobs and stop.
 */
export function createServices(config: Config, store: Store, clock: Clock = systemClock) {
  const { db } = store;
  const bus = new EventBus();
  const { audit, face: auditFace } = createAuditModule({ db, clock });
  const { org, face: orgFace } = createOrgModule({ store, audit, clock, bus });
  const { accounts, face: accountsFace } = createAccountsModule({ store, config, audit, org, clock, bus });
  const { devices, face: devicesFace } = createDevicesModule({ store, audit, org, clock, bus });
  const { ledgerIo, face: ledgerIoFace } = createLedgerIoModule({ devices, org, audit, clock, bus });
  const { people, peopleImport, face: peopleFace } = createPeopleModule({ store, audit, org, clock });
  const { map, face: mapFace } = createMapModule({ org, devices });
  const { writer, events, longestRetentionDays, face: eventsFace } = createEventsModule({ store, config, clock, bus });
  const { calendar, face: calendarFace } = createCalendarModule({ db, audit, org, clock });
  const { health, face: healthFace } = createHealthModule({ db, config, devices, writer, clock, bus });
  const ingestModule = createIngestModule({ db, devices, writer, health, audit, clock, bus, sipRealm: sipDomainOf(config) });
  const gbModule = createGb28181Module({ db, config, devices, credentials: ingestModule.credentials, ingest: ingestModule.ingest, health, clock });
  const onvifModule = createOnvifModule({ db, config, devices, ingest: ingestModule.ingest, health, clock, bus });
  const { live, face: liveFace } = createLiveModule({ bus });
  const [mediaTransport, mediaSetup] = config.XIAOAN_MEDIA_TRANSPORT === 'udp' ? (['UDP', 'passive'] as const) : (['TCP', config.XIAOAN_MEDIA_TRANSPORT === 'tcp-active' ? 'active' : 'passive'] as const);
  const mediaNodeHost = config.XIAOAN_MEDIA_NODE_URL ? new URL(config.XIAOAN_MEDIA_NODE_URL).hostname : undefined;
  const gbMedia = { advertisedIp: config.XIAOAN_MEDIA_HOST ?? mediaNodeHost ?? gbModule.gbPlatform.advertisedHost, bindHost: '0.0.0.0', transport: mediaTransport, setup: mediaSetup };
  const ffmpeg = findFfmpeg(config.XIAOAN_FFMPEG);
  // GB/T 28181 video is received in this process's RTP thread, or on a media node when one is configured.
  const rtpReceivers = new RtpReceivers(config.XIAOAN_MEDIA_NODE_URL ? mediaNode(config.XIAOAN_MEDIA_NODE_URL, config.XIAOAN_MEDIA_NODE_SECRET!) : rtpThread);
  const newReceiver: NewReceiver = (ps, codec, closed, remuxed) => rtpReceivers.create(ps, codec, closed, remuxed);
  const { media, face: mediaFace } = createMediaModule({
    devices,
    audit,
    clock,
    ffmpeg,
    // RTP is received off this event loop (one packet every few µs per camera must not queue behind the API).
    findSource: (deviceId) => sourceOf(deviceId, { gb: gbModule.gbPlatform, onvif: onvifModule.onvifCameras, gbSettings: gbMedia, newReceiver }),
    findPlaybackSource: (deviceId, span) => playbackSourceOf(deviceId, span, { gb: gbModule.gbPlatform, gbSettings: gbMedia, newReceiver }),
    lingerMs: config.XIAOAN_MEDIA_LINGER_S * 1000,
    psRemuxer: config.XIAOAN_MEDIA_REMUXER,
    startTimeoutMs: 10_000,
    stallMs: 10_000,
    maxTranscodes: config.XIAOAN_MEDIA_MAX_TRANSCODES,
    rtpReceivers,
  });
  const { recordings, recordingsCleaner, face: recordingsFace } = createRecordingsModule({ db, config, devices, org, media, ingest: ingestModule.ingest, audit, clock, bus });
  const { deviceCommands, face: deviceCommandsFace } = createDeviceCommandsModule({ clock, bus });
  const alarmsModule = createAlarmsModule({ db, config, audit, org, accounts, devices, events, writer, calendar, deviceCommands, clock, bus });
  const { alarms, places } = alarmsModule;
  const { procedures, face: proceduresFace } = createProceduresModule({ db, alarms, attachProcedures: alarmsModule.attachProcedures, clock });
  const { dispatches, attachGuardRoster, face: dispatchFace } = createDispatchModule({ db, accounts, alarms, procedures, places, attachDispatcher: alarmsModule.attachDispatcher, clock, bus });
  const { evidence, alarmRecording, face: evidenceFace } = createEvidenceModule({ db, dataDir: config.XIAOAN_DATA_DIR, ffmpeg, alarms, devices, recordings, audit, clock, bus });
  const { tourGroups, face: videoWallFace } = createVideoWallModule({ db, devices, audit, clock });
  const { vehicles, gate, face: vehiclesFace } = createVehiclesModule({ db, devices, org, audit, calendar, deviceCommands, writer, clock, bus });
  const { access, accessDecider, permissionLists, answerer: accessAnswerer, face: accessFace } = createAccessControlModule({ db, devices, org, people, audit, calendar, deviceCommands, clock });
  ingestModule.deviceMessages.setAccessAnswerer(accessAnswerer);
  const { visitors, visitorGate, face: visitorsFace } = createVisitorsModule({ db, devices, org, audit, writer, clock, bus });
  const { patrol, patrolWatch, face: patrolFace } = createPatrolModule({ db, devices, accounts, org, calendar, audit, writer, clock, bus });
  const { trajectory, indexer: sightings, face: trajectoryFace } = createTrajectoryModule({ store, people, vehicles, devices, events, org, audit, clock, bus, retentionDays: longestRetentionDays, visitors });
  const { caseFile, face: caseFileFace } = createCaseFileModule({ devices, org, alarms, procedures, evidence, accounts, audit, clock });
  const { alarmStats, face: alarmStatsFace } = createAlarmStatsModule({ alarms, org, devices, clock });
  const { duty, dutySwaps, face: dutyFace } = createDutyModule({ db, accounts, org, calendar, audit, writer, clock, attachAcknowledgeCheck: alarmsModule.attachAcknowledgeCheck, attachRouting: alarmsModule.attachRouting, attachGuardRoster });
  const { handover, face: handoverFace } = createHandoverModule({ db, duty, alarms, devices, health, audit, clock });
  const { dutyStats, attachTrainingHours, face: dutyStatsFace } = createDutyStatsModule({ duty, patrol, alarmStats, accounts, clock });
  const { compliance, complianceEvidence, face: complianceFace } = createComplianceModule({ db, org, devices, duty, health, alarmStats, rules: alarmsModule.rules, recordings, audit, clock });
  const { training, face: trainingFace } = createTrainingModule({ db, accounts, org, devices, alarms, audit, writer, clock });
  attachTrainingHours({ hoursOf: (universityId, fromMs, toMs) => training.hoursOf(universityId, fromMs, toMs) });
  const modules: readonly ModuleFace[] = [
    auditFace,
    orgFace,
    accountsFace,
    devicesFace,
    ledgerIoFace,
    peopleFace,
    mapFace,
    eventsFace,
    calendarFace,
    healthFace,
    ingestModule.face,
    gbModule.face,
    onvifModule.face,
    liveFace,
    mediaFace,
    recordingsFace,
    deviceCommandsFace,
    alarmsModule.face,
    proceduresFace,
    dispatchFace,
    evidenceFace,
    videoWallFace,
    vehiclesFace,
    accessFace,
    visitorsFace,
    patrolFace,
    trajectoryFace,
    caseFileFace,
    alarmStatsFace,
    dutyFace,
    handoverFace,
    dutyStatsFace,
    complianceFace,
    trainingFace,
  ];
  const { ingest, credentials, deviceMessages } = ingestModule;
  const { gb28181, gbPlatform, sipListening } = gbModule;
  const { onvif, onvifCameras } = onvifModule;
  const { rules, alarmConsumer, engine: alarmEngine, actions, ruleDryRun, absence, procedures: alarmProcedures } = alarmsModule;
  return { modules, bus, audit, accounts, org, devices, ledgerIo, people, peopleImport, map, writer, events, ingest, credentials, deviceMessages, gb28181, gbPlatform, sipListening, onvif, onvifCameras, media, recordings, recordingsCleaner, evidence, alarmRecording, tourGroups, health, live, rules, alarms, alarmConsumer, alarmEngine, actions, procedures, alarmProcedures, dispatches, ruleDryRun, absence, calendar, caseFile, alarmStats, deviceCommands, vehicles, gate, access, accessDecider, permissionLists, visitors, visitorGate, patrol, patrolWatch, trajectory, sightings, duty, dutySwaps, dutyStats, attachTrainingHours, compliance, complianceEvidence, handover, training };
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

  for (const m of services.modules) m.routes?.(app);
  // Flush in order (the event writer commits what it accepted), then stop in reverse order.
  app.addHook('onClose', async () => stopModules(services.modules, app.log));

  await (await import('./static-web.ts')).registerStaticWeb(app); // web console at /, SPA fallback (last: API routes win)
  await app.ready();
  return { app, services, routes };
}
