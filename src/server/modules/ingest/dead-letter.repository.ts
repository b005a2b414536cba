import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'ingest'>;

export interface DeadLetter {
  id: string;
  receivedAt: string;
  source: string;
  universityId: string | null;
  deviceId: string | null;
  topic: string | null;
  reason: string;
  field: string | null;
  raw: Buffer;
}

export interface DeadLetterQuery {
  universityId: string | null;
  deviceId?: string;
  beforeId?: string;
  limit: number;
}

export class DeadLetterRepository {
  async insert(db: Db, d: DeadLetter) {
    await db
      .insertInto('dead_letters')
      .values({ id: d.id, received_at: d.receivedAt, source: d.source, university_id: d.universityId, device_id: d.deviceId, topic: d.topic, reason: d.reason, field: d.field, raw: d.raw })
      .execute();
  }

  async list(db: Db, q: DeadLetterQuery): Promise<DeadLetter[]> {
    let query = db.selectFrom('dead_letters').selectAll();
    if (q.universityId !== null) query = query.where('university_id', '=', q.universityId);
    if (q.deviceId) query = query.where('device_id', '=', q.deviceId);
    if (q.beforeId) query = query.where('id', '<', q.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      source: r.source,
      universityId: r.university_id,
      deviceId: r.device_id,
      topic: r.topic,
      reason: r.reason,
      field: r.field,
      raw: Buffer.from(r.raw),
    }));
  }

  /** Dead letters per device, most first. */
  async countByDevice(db: Db, universityId: string | null, limit: number) {
    let query = db.selectFrom('dead_letters').select(['device_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('received_at').as('last')]);
    if (universityId !== null) query = query.where('university_id', '=', universityId);
    const rows = await query.groupBy('device_id').orderBy('n', 'desc').limit(limit).execute();
    return rows.map((r) => ({ deviceId: r.device_id, count: Number(r.n), lastAt: r.last as string }));
  }
}
