import type { Selectable } from 'kysely';
import type { Evidence, EvidenceStatus, RoomFacts } from '../../../shared/compliance-evidence.ts';
import { readJson } from '../../store/database.ts';
import type { ComplianceEvidenceTable, ComplianceSettingsTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { EvidenceFact } from './evidence-judge.ts';
import type { PackOverrides } from './pack-settings.ts';

type Db = ModuleDb<'compliance'>;
export type EvidenceRow = Selectable<ComplianceEvidenceTable>;
const LISTED = ['id', 'university_id', 'rule_id', 'file_name', 'content_type', 'size', 'sha256', 'note', 'facts', 'status', 'uploaded_by', 'uploaded_by_name', 'uploaded_at', 'reviewed_by', 'reviewed_by_name', 'reviewed_at', 'review_reason'] as const;

export const toEvidence = (r: Omit<EvidenceRow, 'bytes'>): Evidence => ({
  id: r.id,
  universityId: r.university_id,
  ruleId: r.rule_id,
  fileName: r.file_name,
  contentType: r.content_type as Evidence['contentType'],
  size: Number(r.size),
  sha256: r.sha256,
  note: r.note,
  facts: r.facts === null || r.facts === undefined ? null : readJson<RoomFacts>(r.facts),
  status: r.status as EvidenceStatus,
  uploadedBy: r.uploaded_by,
  uploadedByName: r.uploaded_by_name,
  uploadedAt: r.uploaded_at,
  reviewedBy: r.reviewed_by,
  reviewedByName: r.reviewed_by_name,
  reviewedAt: r.reviewed_at,
  reviewReason: r.review_reason,
});

export const evidenceRepository = {
  settings: (db: Db, universityId: string) => db.selectFrom('compliance_settings').selectAll().where('university_id', '=', universityId).executeTakeFirst(),
  async putSettings(db: Db, row: Selectable<ComplianceSettingsTable>) {
    await db.deleteFrom('compliance_settings').where('university_id', '=', row.university_id).execute();
    await db.insertInto('compliance_settings').values(row).execute();
  },
  async overrides(db: Db, universityId: string): Promise<PackOverrides> {
    const row = await evidenceRepository.settings(db, universityId);
    return row ? readJson<PackOverrides>(row.overrides) : {};
  },
  list: (db: Db, universityId: string, ruleId?: string) => {
    let q = db.selectFrom('compliance_evidence').select(LISTED).where('university_id', '=', universityId);
    if (ruleId) q = q.where('rule_id', '=', ruleId);
    return q.orderBy('uploaded_at', 'desc').orderBy('id', 'desc').execute();
  },
  one: (db: Db, id: string) => db.selectFrom('compliance_evidence').select(LISTED).where('id', '=', id).executeTakeFirst(),
  file: (db: Db, id: string) => db.selectFrom('compliance_evidence').select(['university_id', 'file_name', 'content_type', 'bytes']).where('id', '=', id).executeTakeFirst(),
  insert: (db: Db, row: EvidenceRow) => db.insertInto('compliance_evidence').values(row).execute(),
  review: (db: Db, id: string, changes: Pick<EvidenceRow, 'status' | 'reviewed_by' | 'reviewed_by_name' | 'reviewed_at' | 'review_reason'>) =>
    db.updateTable('compliance_evidence').set(changes).where('id', '=', id).where('status', '=', 'submitted').executeTakeFirst(),
  /** The latest evidence of each rule (the score's inputs). */
  async latest(db: Db, universityId: string): Promise<Record<string, EvidenceFact>> {
    const out: Record<string, EvidenceFact> = {};
    for (const r of await evidenceRepository.list(db, universityId)) {
      if (out[r.rule_id]) continue;
      const e = toEvidence(r);
      out[r.rule_id] = { id: e.id, status: e.status, fileName: e.fileName, uploadedAt: e.uploadedAt, reviewedByName: e.reviewedByName, reviewedAt: e.reviewedAt, reason: e.reviewReason, facts: e.facts };
    }
    return out;
  },
};
