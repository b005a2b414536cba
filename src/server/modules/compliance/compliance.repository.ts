import type { Selectable } from 'kysely';
import type { ComplianceSnapshot } from '../../../shared/compliance.ts';
import { readJson } from '../../store/database.ts';
import type { ComplianceSnapshotTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

type Db = ModuleDb<'compliance'>;

export const toSnapshot = (r: Omit<Selectable<ComplianceSnapshotTable>, 'inputs'>): ComplianceSnapshot => ({
  id: r.id,
  universityId: r.university_id,
  day: r.day,
  packId: r.pack_id,
  packVersion: r.pack_version,
  score: Number(r.score),
  earned: Number(r.earned),
  possible: Number(r.possible),
  counts: readJson<ComplianceSnapshot['counts']>(r.counts),
  computedAt: r.computed_at,
});

const LISTED = ['id', 'university_id', 'day', 'pack_id', 'pack_version', 'score', 'earned', 'possible', 'counts', 'computed_at'] as const;

export const complianceRepository = {
  /** Replaces the university's snapshot of that day (a later one the same day supersedes it). */
  async putSnapshot(db: Db, row: Selectable<ComplianceSnapshotTable>) {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('compliance_snapshots').where('university_id', '=', row.university_id).where('day', '=', row.day).execute();
      await trx.insertInto('compliance_snapshots').values(row).execute();
    });
  },
  snapshots: (db: Db, universityId: string, fromDay: string) =>
    db.selectFrom('compliance_snapshots').select(LISTED).where('university_id', '=', universityId).where('day', '>=', fromDay).orderBy('day').execute(),
  snapshot: (db: Db, id: string) => db.selectFrom('compliance_snapshots').selectAll().where('id', '=', id).executeTakeFirst(),
  hasDay: async (db: Db, universityId: string, day: string) =>
    !!(await db.selectFrom('compliance_snapshots').select('id').where('university_id', '=', universityId).where('day', '=', day).executeTakeFirst()),
};
