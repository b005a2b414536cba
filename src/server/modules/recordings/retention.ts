import { mkdir, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { RetentionSource } from '../../../shared/recordings.ts';
import type { Clock } from '../../clock.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { KeySite, OrgService } from '../org/index.ts';
import type { RecordingsRepository, SegmentRow } from './recordings.repository.ts';

/** S-RET-30: every camera's video is kept at least 30 days. */
export const STANDARD_RETENTION_DAYS = 30;
/** S-RET-90: cameras covering a key site keep at least 90 days. */
export const KEY_SITE_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface Retention {
  days: number;
  source: RetentionSource;
  /** What the standard asks of this camera. */
  standardDays: number;
}

/**
 * How long a camera's recordings are kept: the ledger's retentionDays when set (a figure above 0),
 * else 90 days for a camera standing inside a key site's polygon (S-RET-90), else 30 (S-RET-30).
 * A camera no longer in the ledger keeps the longer figure: nobody can tell any more where it stood.
 */
export function retentionOf(device: { retentionDays: number | null; lon: number | null; lat: number | null } | undefined, sites: readonly KeySite[]): Retention {
  if (!device) return { days: KEY_SITE_RETENTION_DAYS, source: 'default', standardDays: KEY_SITE_RETENTION_DAYS };
  const inKeySite = device.lon !== null && device.lat !== null && sites.some((s) => booleanPointInPolygon([device.lon!, device.lat!], s.geometry));
  const standardDays = inKeySite ? KEY_SITE_RETENTION_DAYS : STANDARD_RETENTION_DAYS;
  if (device.retentionDays !== null && device.retentionDays > 0) return { days: device.retentionDays, source: 'ledger', standardDays };
  return { days: standardDays, source: inKeySite ? 'key_site' : 'default', standardDays };
}

export interface VolumeSpace {
  freeBytes: number;
  totalBytes: number;
}

/** Free and total space of the volume holding `dir` (statfs: blocks free to unprivileged users). */
export function volumeSpaceOf(dir: string): () => Promise<VolumeSpace> {
  return async () => {
    await mkdir(dir, { recursive: true });
    const s = await statfs(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  };
}

interface ForcedDeletion {
  universityId: string;
  from: string;
  to: string;
  segments: number;
  bytes: number;
}

/**
 * Deletes recordings: those past their camera's retention (files and index rows, never the
 * evidence-held), and, when the recordings volume runs short of its reserve, the oldest
 * deletable ones across all cameras until it is above again, each camera's loss written to the
 * audit log (a campus must know it lost video early).
 */
export class RecordingsCleaner {
  private saidNothingLeft = false;

  constructor(
    private readonly db: ModuleDb<'recordings'>,
    private readonly repo: RecordingsRepository,
    private readonly devices: Pick<DevicesService, 'byIds'>,
    private readonly org: Pick<OrgService, 'keySitesOf'>,
    private readonly audit: Pick<AuditService, 'recordAlone'>,
    private readonly clock: Clock,
    private readonly dataDir: string,
    public freeSpace: () => Promise<VolumeSpace>,
    private readonly minFreeBytes: number,
    private readonly log: { info(o: object, m: string): void; error(o: object, m: string): void },
  ) {}

  /** Deletes every segment past its camera's retention. Resolves with the number deleted. */
  async cleanExpired(): Promise<{ deleted: number; bytes: number }> {
    const plans = await this.repo.plans(this.db);
    const devices = new Map((await this.devices.byIds(plans.map((p) => p.deviceId))).map((d) => [d.id, d]));
    const sitesOf = new Map<string, Promise<KeySite[]>>();
    const sites = (universityId: string) => {
      if (!sitesOf.has(universityId)) sitesOf.set(universityId, this.org.keySitesOf(universityId));
      return sitesOf.get(universityId)!;
    };
    let deleted = 0;
    let bytes = 0;
    for (const plan of plans) {
      const device = devices.get(plan.deviceId);
      const { days } = retentionOf(device, await sites(plan.universityId));
      const before = new Date(this.clock.now() - days * DAY_MS).toISOString();
      for (;;) {
        const batch = await this.repo.expired(this.db, plan.deviceId, before, 500);
        if (!batch.length) break;
        await this.remove(batch);
        deleted += batch.length;
        bytes += batch.reduce((n, s) => n + s.bytes, 0);
        if (batch.length < 500) break;
      }
      // A camera gone from the ledger whose last recording has gone too leaves nothing to keep.
      if (!device && (await this.repo.countSegments(this.db, plan.deviceId)) === 0) await this.repo.deletePlan(this.db, plan.deviceId);
    }
    if (deleted) this.log.info({ segments: deleted, bytes }, 'recordings past their retention deleted');
    return { deleted, bytes };
  }

  /**
   * When the volume's free space is under the reserve, deletes the oldest segments that are not
   * evidence, across cameras, one at a time until it is above; audits what each camera lost.
   */
  async guardFreeSpace(): Promise<{ deleted: number; freeBytes: number }> {
    let { freeBytes } = await this.freeSpace();
    if (freeBytes >= this.minFreeBytes) {
      this.saidNothingLeft = false;
      return { deleted: 0, freeBytes };
    }
    const before = freeBytes;
    const lost = new Map<string, ForcedDeletion>();
    let deleted = 0;
    while (freeBytes < this.minFreeBytes) {
      const candidates = await this.repo.oldestDeletable(this.db, 50);
      if (!candidates.length) {
        // Said once per shortage, not every 30 s while it lasts.
        if (this.saidNothingLeft) break;
        this.saidNothingLeft = true;
        this.log.error({ freeBytes, minFreeBytes: this.minFreeBytes }, 'the recordings volume is below its reserve and only evidence is left to delete: recording will fail when it is full');
        break;
      }
      const done: SegmentRow[] = [];
      for (const s of candidates) {
        await this.removeFile(s);
        done.push(s);
        const l = lost.get(s.deviceId) ?? { universityId: s.universityId, from: s.startAt, to: s.endAt, segments: 0, bytes: 0 };
        l.to = s.endAt > l.to ? s.endAt : l.to;
        l.from = s.startAt < l.from ? s.startAt : l.from;
        l.segments++;
        l.bytes += s.bytes;
        lost.set(s.deviceId, l);
        freeBytes = (await this.freeSpace()).freeBytes;
        if (freeBytes >= this.minFreeBytes) break;
      }
      await this.repo.deleteSegments(this.db, done.map((s) => s.id));
      deleted += done.length;
    }
    for (const [deviceId, l] of lost) {
      await this.audit.recordAlone(SYSTEM_ACTOR, {
        action: 'recording.forced_delete',
        entityType: 'device',
        entityId: deviceId,
        universityId: l.universityId,
        after: { from: l.from, to: l.to, segments: l.segments, bytes: l.bytes, reason: 'disk_full', freeBytesBefore: before, minFreeBytes: this.minFreeBytes },
      });
      this.log.error({ deviceId, from: l.from, to: l.to, segments: l.segments }, 'recordings deleted before their retention: the recordings volume was nearly full');
    }
    return { deleted, freeBytes };
  }

  private async remove(segments: SegmentRow[]) {
    for (const s of segments) await this.removeFile(s);
    await this.repo.deleteSegments(this.db, segments.map((s) => s.id));
  }

  /** The file first, then (by the caller) the row: a crash between leaves a row whose file is gone, which playback reports, never an orphan file. */
  private async removeFile(s: SegmentRow) {
    try {
      await unlink(path.join(this.dataDir, s.path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
