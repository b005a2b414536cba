import type { EvidenceClipTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'evidence'>;

export interface ClipRow {
  id: string;
  universityId: string;
  alarmId: string | null;
  deviceId: string;
  fromAt: string;
  toAt: string;
  path: string;
  bytes: number;
  sha256: string;
  durationS: number;
  reason: string;
  createdBy: string;
  createdAt: string;
}

const clipFrom = (r: EvidenceClipTable): ClipRow => ({
  id: r.id,
  universityId: r.university_id,
  alarmId: r.alarm_id,
  deviceId: r.device_id,
  fromAt: r.from_at,
  toAt: r.to_at,
  path: r.path,
  bytes: Number(r.bytes),
  sha256: r.sha256,
  durationS: Number(r.duration_s),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export class EvidenceRepository {
  async insert(db: Db, c: ClipRow): Promise<void> {
    await db
      .insertInto('evidence_clips')
      .values({ id: c.id, university_id: c.universityId, alarm_id: c.alarmId, device_id: c.deviceId, from_at: c.fromAt, to_at: c.toAt, path: c.path, bytes: c.bytes, sha256: c.sha256, duration_s: c.durationS, reason: c.reason, created_by: c.createdBy, created_at: c.createdAt })
      .execute();
  }

  async ofAlarm(db: Db, alarmId: string): Promise<ClipRow[]> {
    return (await db.selectFrom('evidence_clips').selectAll().where('alarm_id', '=', alarmId).orderBy('created_at').orderBy('id').execute()).map(clipFrom);
  }

  async find(db: Db, id: string): Promise<ClipRow | undefined> {
    const r = await db.selectFrom('evidence_clips').selectAll().where('id', '=', id).executeTakeFirst();
    return r && clipFrom(r);
  }
}
