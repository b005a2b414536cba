/**
 * Video evidence (视频证据): clips of an alarm's cameras cut from the recordings, kept with their
 * SHA-256 apart from the recordings, listed in the alarm's case file.
 */
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { RecordingsService } from '../recordings/index.ts';
import { AlarmRecordingTrigger } from './alarm-recording.ts';
import { evidenceRoutes } from './evidence.routes.ts';
import { EvidenceService } from './evidence.service.ts';

export { EvidenceService } from './evidence.service.ts';

export function createEvidenceModule(d: { db: Kysely<DB>; dataDir: string; ffmpeg: string | null; alarms: AlarmsService; devices: DevicesService; recordings: RecordingsService; audit: AuditService; clock: Clock; bus: EventBus }) {
  const dataDir = path.resolve(d.dataDir);
  const evidence = new EvidenceService(ownTables<'evidence'>(d.db), d.alarms, d.devices, d.recordings, d.audit, d.clock, { dataDir, ffmpeg: d.ffmpeg });
  const bus = new ModuleBus(d.bus);
  let log: FastifyBaseLogger | null = null;
  const alarmRecording = new AlarmRecordingTrigger(bus, d.alarms, d.recordings, d.clock, (err) => log?.error({ err }, 'alarm recording could not be started'));
  const face: ModuleFace = {
    name: 'evidence',
    tables: tablesOf('evidence'),
    bus,
    routes: (app) => evidenceRoutes(app, evidence, dataDir),
    async start(ctx) {
      log = ctx.log;
    },
  };
  return { face, evidence, alarmRecording };
}
