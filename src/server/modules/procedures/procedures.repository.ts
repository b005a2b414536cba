import type { Insertable } from 'kysely';
import type { AlarmPhoto, SopStep } from '../../../shared/alarms.ts';
import type { AlarmPhotoTable, AlarmSopStepTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'procedures'>;

/** The procedure steps and photos of alarms (alarm_sop_steps, alarm_photos). */
export class ProceduresRepository {
  async insertSteps(db: Db, rows: Insertable<AlarmSopStepTable>[]) {
    if (rows.length) await db.insertInto('alarm_sop_steps').values(rows).execute();
  }

  async steps(db: Db, alarmId: string): Promise<SopStep[]> {
    const rows = await db.selectFrom('alarm_sop_steps').selectAll().where('alarm_id', '=', alarmId).orderBy('idx').execute();
    return rows.map((r) => ({
      idx: r.idx,
      key: r.key,
      title: r.title,
      mandatory: r.mandatory === 1,
      requires: r.requires as SopStep['requires'],
      doneAt: r.done_at,
      doneBy: r.done_by_name,
      note: r.note,
      photoId: r.photo_id,
    }));
  }

  step(db: Db, alarmId: string, key: string) {
    return db.selectFrom('alarm_sop_steps').selectAll().where('alarm_id', '=', alarmId).where('key', '=', key).executeTakeFirst();
  }

  async openMandatory(db: Db, alarmId: string): Promise<string[]> {
    const rows = await db.selectFrom('alarm_sop_steps').select('title').where('alarm_id', '=', alarmId).where('mandatory', '=', 1).where('done_at', 'is', null).orderBy('idx').execute();
    return rows.map((r) => r.title);
  }

  async markDone(db: Db, alarmId: string, key: string, done: { at: string; by: string; byName: string; note: string | null; photoId: string | null }) {
    await db
      .updateTable('alarm_sop_steps')
      .set({ done_at: done.at, done_by: done.by, done_by_name: done.byName, note: done.note, photo_id: done.photoId })
      .where('alarm_id', '=', alarmId)
      .where('key', '=', key)
      .execute();
  }

  async insertPhoto(db: Db, row: Insertable<AlarmPhotoTable>) {
    await db.insertInto('alarm_photos').values(row).execute();
  }

  photo(db: Db, alarmId: string, photoId: string) {
    return db.selectFrom('alarm_photos').selectAll().where('id', '=', photoId).where('alarm_id', '=', alarmId).executeTakeFirst();
  }

  /** Every photo of the alarm with its bytes, oldest first. */
  photosWithBytes(db: Db, alarmId: string) {
    return db.selectFrom('alarm_photos').selectAll().where('alarm_id', '=', alarmId).orderBy('at').orderBy('id').execute();
  }

  async photosOf(db: Db, alarmId: string): Promise<AlarmPhoto[]> {
    const rows = await db.selectFrom('alarm_photos').select(['id', 'content_type', 'size', 'uploaded_by', 'at']).where('alarm_id', '=', alarmId).orderBy('at').execute();
    return rows.map((p) => ({ id: p.id, contentType: p.content_type, size: p.size, uploadedBy: p.uploaded_by, at: p.at }));
  }
}
