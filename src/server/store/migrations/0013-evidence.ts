import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * Video evidence (视频证据): clips cut from recordings for an alarm, kept as MP4 files under
 * <XIAOAN_DATA_DIR>/evidence with their SHA-256 — outside the recordings, so no retention or
 * disk-full cleaning ever reaches them. Rows are never deleted.
 */
export const evidence: Migration = {
  name: '0013-evidence',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('evidence_clips')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('alarm_id', 'text')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('from_at', t.timestamp, (c) => c.notNull())
      .addColumn('to_at', t.timestamp, (c) => c.notNull())
      // Relative to XIAOAN_DATA_DIR.
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('duration_s', 'real', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('evidence_clips_alarm').on('evidence_clips').columns(['alarm_id', 'created_at']).execute();
  },
};
