import type { HandoverTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

export type HandoverRow = HandoverTable;
type Db = ModuleDb<'handover'>;

/** The handover module's reads and writes; nothing else touches its table. */
export const handoverRepository = {
  find: (db: Db, id: string) => db.selectFrom('handovers').selectAll().where('id', '=', id).executeTakeFirst(),
  atChange: (db: Db, universityId: string, shiftTo: string) => db.selectFrom('handovers').selectAll().where('university_id', '=', universityId).where('shift_to', '=', shiftTo).executeTakeFirst(),
  /** Signed handovers waiting for their incoming operator. */
  signed: (db: Db, universityId: string) => db.selectFrom('handovers').selectAll().where('university_id', '=', universityId).where('state', '=', 'signed').orderBy('shift_to', 'desc').limit(20).execute(),
  async page(db: Db, q: { universityId: string | null; page: number; pageSize: number }) {
    let base = db.selectFrom('handovers');
    if (q.universityId !== null) base = base.where('university_id', '=', q.universityId);
    const [rows, c] = await Promise.all([
      base.selectAll().orderBy('shift_to', 'desc').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(c.n) };
  },
  insert: (db: Db, row: HandoverRow) => db.insertInto('handovers').values(row).execute(),
  update: (db: Db, id: string, changes: Partial<HandoverRow>) => db.updateTable('handovers').set(changes).where('id', '=', id).execute(),
};
