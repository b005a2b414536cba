/**
 * Recording (录像): per-camera recording plans (off by default, continuous, weekly schedule, or
 * around alarms with pre- and post-roll), recorders that write the cameras' live streams into
 * fragmented-MP4 segment files under <XIAOAN_DATA_DIR>/recordings, the segment index, retention
 * by the ledger and the key sites (S-RET-30/90), disk-full protection, completeness and gaps per
 * day, and storage planning.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { DB } from '../../store/schema.ts';
import { ownTables } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { IngestService } from '../ingest/index.ts';
import type { MediaService } from '../media/index.ts';
import { tablesOf, type ModuleContext, type ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { RecordingsRepository } from './recordings.repository.ts';
import { recordingsRoutes } from './recordings.routes.ts';
import { RecordingsService } from './recordings.service.ts';
import { RecordingsCleaner, volumeSpaceOf, type VolumeSpace } from './retention.ts';
import { openExclusive, type OpenSegmentFile } from './segment-file.ts';

export { RecordingsService, ASSUMED_BITRATE_MBPS, type RecordingFact } from './recordings.service.ts';
export { RecordingsCleaner, retentionOf, STANDARD_RETENTION_DAYS, KEY_SITE_RETENTION_DAYS, type VolumeSpace } from './retention.ts';

const GB = 1024 ** 3;

export function createRecordingsModule(d: {
  db: Kysely<DB>;
  config: Config;
  devices: DevicesService;
  org: OrgService;
  media: MediaService;
  ingest: IngestService;
  audit: AuditService;
  clock: Clock;
  bus: EventBus;
  /** Free and total space of the recordings volume; default: statfs of <data dir>/recordings. Tests inject their own. */
  freeSpace?: () => Promise<VolumeSpace>;
  /** How segment files are opened; tests inject a slow disk. */
  openFile?: OpenSegmentFile;
}) {
  const db = ownTables<'recordings'>(d.db);
  const dataDir = path.resolve(d.config.XIAOAN_DATA_DIR);
  const repo = new RecordingsRepository();
  const minFreeBytes = d.config.XIAOAN_RECORD_MIN_FREE_GB * GB;
  // Fastify's log once the module starts; before that (tests that never start it) a quiet one.
  type Log = Pick<ModuleContext['log'], 'info' | 'warn' | 'error'>;
  let log: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const logProxy = { info: (o: object, m: string) => log.info(o, m), warn: (o: object, m: string) => log.warn(o, m), error: (o: object, m: string) => log.error(o, m) };
  const cleaner = new RecordingsCleaner(db, repo, d.devices, d.org, d.audit, d.clock, dataDir, d.freeSpace ?? volumeSpaceOf(path.join(dataDir, 'recordings')), minFreeBytes, logProxy);
  const recordings = new RecordingsService(
    db,
    repo,
    cleaner,
    d.devices,
    d.org,
    d.media,
    d.ingest,
    d.audit,
    d.clock,
    {
      dataDir,
      segmentMs: d.config.XIAOAN_RECORD_SEGMENT_S * 1000,
      minFreeBytes,
      maxQueuedBytes: d.config.XIAOAN_RECORD_BUFFER_MB * 1024 * 1024,
      retryBaseMs: 1_000,
      retryMaxMs: 30_000,
      gapEventMs: 60_000,
      tickMs: 1_000,
      openFile: d.openFile ?? openExclusive,
    },
    logProxy,
  );
  const bus = new ModuleBus(d.bus);
  // A camera taken out of the ledger stops recording; its recordings stay until retention removes them.
  bus.subscribe('ledger.device_changed', ({ deviceId }) => void recordings.deviceChanged(deviceId).catch((err) => logProxy.error({ err, deviceId }, 'recording plan not updated after a ledger change')));
  const face: ModuleFace = {
    name: 'recordings',
    tables: tablesOf('recordings'),
    bus,
    routes: (app) => recordingsRoutes(app, recordings, dataDir),
    jobs: [
      { name: 'recording retention', everyMs: 10 * 60_000, run: () => cleaner.cleanExpired() },
      { name: 'recording disk guard', everyMs: 30_000, run: () => cleaner.guardFreeSpace() },
    ],
    start: async (ctx) => {
      log = ctx.log;
      await cleaner.guardFreeSpace();
      await recordings.start();
    },
    stop: () => recordings.stop(),
  };
  return { face, recordings, recordingsCleaner: cleaner };
}
