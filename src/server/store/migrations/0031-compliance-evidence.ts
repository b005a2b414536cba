import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 佐证材料 (issue 16 item 1): the documents and photos that rules checked by document review or
 * site visit are judged from, each accepted or rejected by a reviewer other than its uploader.
 */
export const complianceEvidence: Migration = {
  name: '0031-compliance-evidence',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('compliance_evidence')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('bytes', t.binary, (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('facts', t.json)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('uploaded_by_name', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', t.timestamp, (c) => c.notNull())
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_by_name', 'text')
      .addColumn('reviewed_at', t.timestamp)
      .addColumn('review_reason', 'text')
      .execute();
    await db.schema.createIndex('compliance_evidence_rule').on('compliance_evidence').columns(['university_id', 'rule_id', 'uploaded_at']).execute();
  },
};
