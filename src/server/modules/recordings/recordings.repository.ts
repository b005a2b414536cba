import { readJson, writeJson } from '../../store/database.ts';
import type { RecordingPlanTable, RecordingSegmentTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { RecordingMode, RecordingWindow } from '../../../shared/recordings.ts';

type Db = ModuleDb<'recordings'>;

export interface PlanRow {
  deviceId: string;
  universityId: string;
  mode: RecordingMode;
  windows: RecordingWindow[];
  preRollS: number;
  postRollS: number;
  since: string;
  updatedAt: string;
  updatedBy: string | null;
}

export interface SegmentRow {
  id: string;
  deviceId: string;
  universityId: string;
  startAt: string;
  endAt: string;
  path: string;
  bytes: number;
  codec: string;
  initBytes: number;
  evidenceHold: boolean;
  createdAt: string;
}

const planFrom = (r: RecordingPlanTable): PlanRow => ({
  deviceId: r.device_id,
  universityId: r.university_id,
  mode: r.mode as RecordingMode,
  windows: readJson<RecordingWindow[]>(r.windows),
  preRollS: r.pre_roll_s,
  postRollS: r.post_roll_s,
  since: r.since,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const segmentFrom = (r: RecordingSegmentTable): SegmentRow => ({
  id: r.id,
  deviceId: r.device_id,
  universityId: r.university_id,
  startAt: r.start_at,
  endAt: r.end_at,
  path: r.path,
  bytes: Number(r.bytes),
  codec: r.codec,
  initBytes: r.init_bytes,
  evidenceHold: Boolean(r.evidence_hold),
  createdAt: r.created_at,
});

/** Recording plans (recording_plans) and the segment index (recording_segments). */
export class RecordingsRepository {
  async plan(db: Db, deviceId: string): Promise<PlanRow | undefined> {
    const r = await db.selectFrom('recording_plans').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return r && planFrom(r);
  }

  async plans(db: Db, filter: { universityId?: string; deviceIds?: string[] } = {}): Promise<PlanRow[]> {
    let q = db.selectFrom('recording_plans').selectAll();
    if (filter.universityId) q = q.where('university_id', '=', filter.universityId);
    if (filter.deviceIds) {
      if (!filter.deviceIds.length) return [];
      q = q.where('device_id', 'in', filter.deviceIds);
    }
    return (await q.execute()).map(planFrom);
  }

  async savePlan(db: Db, p: PlanRow) {
    const values = {
      university_id: p.universityId,
      mode: p.mode,
      windows: writeJson(p.windows),
      pre_roll_s: p.preRollS,
      post_roll_s: p.postRollS,
      since: p.since,
      updated_at: p.updatedAt,
      updated_by: p.updatedBy,
    };
    await db
      .insertInto('recording_plans')
      .values({ device_id: p.deviceId, ...values })
      .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
      .execute();
  }

  async deletePlan(db: Db, deviceId: string) {
    await db.deleteFrom('recording_plans').where('device_id', '=', deviceId).execute();
  }

  async insertSegment(db: Db, s: SegmentRow) {
    await db
      .insertInto('recording_segments')
      .values({
        id: s.id,
        device_id: s.deviceId,
        university_id: s.universityId,
        start_at: s.startAt,
        end_at: s.endAt,
        path: s.path,
        bytes: s.bytes,
        codec: s.codec,
        init_bytes: s.initBytes,
        evidence_hold: s.evidenceHold ? 1 : 0,
        created_at: s.createdAt,
      })
      .execute();
  }

  /** Which of these files are in the index. */
  async indexedPaths(db: Db, paths: string[]): Promise<Set<string>> {
    if (!paths.length) return new Set();
    const rows = await db.selectFrom('recording_segments').select('path').where('path', 'in', paths).execute();
    return new Set(rows.map((r) => r.path));
  }

  async segment(db: Db, id: string): Promise<SegmentRow | undefined> {
    const r = await db.selectFrom('recording_segments').selectAll().where('id', '=', id).executeTakeFirst();
    return r && segmentFrom(r);
  }

  /** Segments of a camera overlapping [from, to), oldest first. */
  async segmentsBetween(db: Db, deviceIds: string[], from: string, to: string, limit: number): Promise<SegmentRow[]> {
    if (!deviceIds.length) return [];
    const rows = await db
      .selectFrom('recording_segments')
      .selectAll()
      .where('device_id', 'in', deviceIds)
      .where('start_at', '<', to)
      .where('end_at', '>', from)
      .orderBy('start_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(segmentFrom);
  }

  /** The start of the oldest segment held, per camera. */
  async oldest(db: Db, deviceIds: string[]): Promise<Map<string, string>> {
    if (!deviceIds.length) return new Map();
    const rows = await db
      .selectFrom('recording_segments')
      .select(['device_id', (eb) => eb.fn.min<string>('start_at').as('oldest')])
      .where('device_id', 'in', deviceIds)
      .groupBy('device_id')
      .execute();
    return new Map(rows.map((r) => [r.device_id, toIso(r.oldest)]));
  }

  /** The end of the newest segment of a camera. */
  async newestEnd(db: Db, deviceId: string): Promise<string | null> {
    const r = await db.selectFrom('recording_segments').select('end_at').where('device_id', '=', deviceId).orderBy('start_at', 'desc').limit(1).executeTakeFirst();
    return r?.end_at ?? null;
  }

  /** Bytes held per camera. */
  async bytesHeld(db: Db, deviceIds: string[]): Promise<Map<string, number>> {
    if (!deviceIds.length) return new Map();
    const rows = await db
      .selectFrom('recording_segments')
      .select(['device_id', (eb) => eb.fn.sum<number | string>('bytes').as('bytes')])
      .where('device_id', 'in', deviceIds)
      .groupBy('device_id')
      .execute();
    return new Map(rows.map((r) => [r.device_id, Number(r.bytes)]));
  }

  /** Segments of a camera that ended before `before` and are not held as evidence, oldest first. */
  async expired(db: Db, deviceId: string, before: string, limit: number): Promise<SegmentRow[]> {
    const rows = await db
      .selectFrom('recording_segments')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('evidence_hold', '=', 0)
      .where('end_at', '<', before)
      .orderBy('start_at')
      .limit(limit)
      .execute();
    return rows.map(segmentFrom);
  }

  /** The oldest segments not held as evidence, across cameras (disk-full protection). */
  async oldestDeletable(db: Db, limit: number): Promise<SegmentRow[]> {
    const rows = await db.selectFrom('recording_segments').selectAll().where('evidence_hold', '=', 0).orderBy('start_at').orderBy('id').limit(limit).execute();
    return rows.map(segmentFrom);
  }

  async deleteSegments(db: Db, ids: string[]) {
    if (ids.length) await db.deleteFrom('recording_segments').where('id', 'in', ids).execute();
  }

  async countSegments(db: Db, deviceId: string): Promise<number> {
    const r = await db
      .selectFrom('recording_segments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('device_id', '=', deviceId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async setHold(db: Db, deviceId: string, from: string, to: string, hold: boolean): Promise<number> {
    const r = await db
      .updateTable('recording_segments')
      .set({ evidence_hold: hold ? 1 : 0 })
      .where('device_id', '=', deviceId)
      .where('start_at', '<', to)
      .where('end_at', '>', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

/** MIN over a timestamptz comes back as an ISO string from the pg parser; SQLite gives the text as stored. */
const toIso = (v: string | Date) => (v instanceof Date ? v.toISOString() : v);
