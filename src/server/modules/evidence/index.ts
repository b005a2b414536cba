/**
 * Video evidence (视频证据): clips of an alarm's cameras cut from the recordings, kept with their
 * SHA-256 apart from the recordings, listed in the alarm's case file.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import { tablesOf, type ModuleFace } from '../module.ts';
import type { RecordingsService } from '../recordings/index.ts';
import { evidenceRoutes } from './evidence.routes.ts';
import { EvidenceService } from './evidence.service.ts';

export { EvidenceService } from './evidence.service.ts';

export function createEvidenceModule(d: { db: Kysely<DB>; dataDir: string; ffmpeg: string | null; alarms: AlarmsService; devices: DevicesService; recordings: RecordingsService; audit: AuditService; clock: Clock }) {
  const dataDir = path.resolve(d.dataDir);
  const evidence = new EvidenceService(ownTables<'evidence'>(d.db), d.alarms, d.devices, d.recordings, d.audit, d.clock, { dataDir, ffmpeg: d.ffmpeg });
  const face: ModuleFace = { name: 'evidence', tables: tablesOf('evidence'), routes: (app) => evidenceRoutes(app, evidence, dataDir) };
  return { face, evidence };
}
