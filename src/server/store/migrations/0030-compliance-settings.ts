import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** 规则包参数 (issue 16 item 1): a university's tightened parameters of the pack that governs it. */
export const complianceSettings: Migration = {
  name: '0030-compliance-settings',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('compliance_settings')
      .addColumn('university_id', 'text', (c) => c.primaryKey())
      .addColumn('pack_id', 'text', (c) => c.notNull())
      .addColumn('overrides', t.json, (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_by_name', 'text', (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
};
