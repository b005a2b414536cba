import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * Recording (录像): each camera's recording plan, and an index of the segment files the
 * recorders wrote under <XIAOAN_DATA_DIR>/recordings.
 *
 * Neither table references the ledger: a camera taken out of the ledger keeps its recordings
 * (they may be evidence) until retention removes them, and the ledger's delete is not blocked.
 */
export const recordings: Migration = {
  name: '0012-recordings',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('recording_plans')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('windows', t.json, (c) => c.notNull())
      .addColumn('pre_roll_s', 'integer', (c) => c.notNull())
      .addColumn('post_roll_s', 'integer', (c) => c.notNull())
      // When the mode or windows last changed: completeness expects recording from then on.
      .addColumn('since', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema.createIndex('recording_plans_university').on('recording_plans').columns(['university_id', 'mode']).execute();

    await db.schema
      .createTable('recording_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('start_at', t.timestamp, (c) => c.notNull())
      .addColumn('end_at', t.timestamp, (c) => c.notNull())
      // Relative to XIAOAN_DATA_DIR, so the data directory can be moved whole.
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('codec', 'text', (c) => c.notNull())
      .addColumn('init_bytes', 'integer', (c) => c.notNull())
      .addColumn('evidence_hold', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    // A camera's timeline (segments of a range, the oldest held, a day's completeness).
    await db.schema.createIndex('recording_segments_device_start').on('recording_segments').columns(['device_id', 'start_at']).execute();
    // Disk-full protection deletes the oldest deletable segments across cameras first.
    await db.schema.createIndex('recording_segments_hold_start').on('recording_segments').columns(['evidence_hold', 'start_at']).execute();
  },
};
