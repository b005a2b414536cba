import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** 轮巡组: named camera tours of the video wall, per university, shared by its operators. */
export const tourGroups: Migration = {
  name: '0015-tour-groups',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('tour_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('camera_ids', t.json, (c) => c.notNull())
      .addColumn('layout', 'integer', (c) => c.notNull())
      .addColumn('interval_s', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('tour_groups_name', ['university_id', 'name'])
      .execute();
  },
};
