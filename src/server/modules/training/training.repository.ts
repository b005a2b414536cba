import type { DrillTable, TrainingAttendanceTable, TrainingSessionTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

export type SessionRow = TrainingSessionTable;
export type AttendanceRow = TrainingAttendanceTable;
export type DrillRow = DrillTable;
type Db = ModuleDb<'training'>;

/** The training module's reads and writes; nothing else touches its tables. */
export const trainingRepository = {
  /** Sessions of a university dated in [fromDate, toDate], newest first (bounded). */
  sessions: (db: Db, universityId: string, fromDate: string, toDate: string) =>
    db.selectFrom('training_sessions').selectAll().where('university_id', '=', universityId).where('date', '>=', fromDate).where('date', '<=', toDate).orderBy('date', 'desc').orderBy('id', 'desc').limit(500).execute(),
  session: (db: Db, id: string) => db.selectFrom('training_sessions').selectAll().where('id', '=', id).executeTakeFirst(),
  insertSession: (db: Db, row: SessionRow) => db.insertInto('training_sessions').values(row).execute(),
  updateSession: (db: Db, id: string, changes: Partial<SessionRow>) => db.updateTable('training_sessions').set(changes).where('id', '=', id).execute(),
  deleteSession: (db: Db, id: string) => db.deleteFrom('training_sessions').where('id', '=', id).execute(),

  attendanceOf: (db: Db, sessionIds: string[]) =>
    sessionIds.length ? db.selectFrom('training_attendance').selectAll().where('session_id', 'in', sessionIds).execute() : Promise.resolve([] as AttendanceRow[]),
  replaceAttendance: async (db: Db, sessionId: string, rows: AttendanceRow[]) => {
    await db.deleteFrom('training_attendance').where('session_id', '=', sessionId).execute();
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('training_attendance').values(rows.slice(i, i + 200)).execute();
  },
  /** One account's attendance with its sessions, in [fromDate, toDate]. */
  ofAccount: (db: Db, accountId: string, fromDate: string, toDate: string) =>
    db
      .selectFrom('training_attendance')
      .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
      .select([
        'training_sessions.id as session_id',
        'training_sessions.title',
        'training_sessions.kind',
        'training_sessions.date',
        'training_sessions.hours',
        'training_sessions.drill_id',
        'training_attendance.attended',
        'training_attendance.score',
        'training_attendance.passed',
        'training_attendance.remark',
      ])
      .where('training_attendance.account_id', '=', accountId)
      .where('training_sessions.date', '>=', fromDate)
      .where('training_sessions.date', '<=', toDate)
      .orderBy('training_sessions.date', 'desc')
      .limit(500)
      .execute(),

  drills: (db: Db, universityId: string) => db.selectFrom('drills').selectAll().where('university_id', '=', universityId).orderBy('started_at', 'desc').limit(200).execute(),
  drill: (db: Db, id: string) => db.selectFrom('drills').selectAll().where('id', '=', id).executeTakeFirst(),
  running: (db: Db) => db.selectFrom('drills').selectAll().where('state', '=', 'running').orderBy('started_at').limit(100).execute(),
  insertDrill: (db: Db, row: DrillRow) => db.insertInto('drills').values(row).execute(),
  updateDrill: (db: Db, id: string, changes: Partial<DrillRow>) => db.updateTable('drills').set(changes).where('id', '=', id).execute(),
};
