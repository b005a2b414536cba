import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 评估快照 (issue 16 item 4): one score per university and Beijing day, with the inputs it was
 * computed from (gzip JSON), so trends can be drawn and every stored score recomputed.
 */
export const complianceSnapshots: Migration = {
  name: '0029-compliance-snapshots',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('compliance_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('pack_id', 'text', (c) => c.notNull())
      .addColumn('pack_version', 'text', (c) => c.notNull())
      .addColumn('score', t.real, (c) => c.notNull())
      .addColumn('earned', t.real, (c) => c.notNull())
      .addColumn('possible', t.real, (c) => c.notNull())
      .addColumn('counts', t.json, (c) => c.notNull())
      .addColumn('inputs', t.binary, (c) => c.notNull())
      .addColumn('computed_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('compliance_snapshots_day').on('compliance_snapshots').columns(['university_id', 'day']).unique().execute();
  },
};
