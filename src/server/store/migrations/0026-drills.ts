import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 培训与演练 (issue 15 items 3 and 6): training sessions (理论培训, 实操培训, 演练) with their
 * attendance, drills (a scenario injected through the real event path), and the mark that keeps
 * a drill's alarms apart from real ones: `alarms.drill_id` (alarm statistics, device health and
 * every commission view leave those alarms out; their linkage does not reach the physical world).
 */
export const drills: Migration = {
  name: '0026-drills',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('training_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('hours', t.real, (c) => c.notNull())
      .addColumn('trainer', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('drill_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('training_sessions_by_university').on('training_sessions').columns(['university_id', 'date']).execute();

    await db.schema
      .createTable('training_attendance')
      .addColumn('session_id', 'text', (c) => c.notNull().references('training_sessions.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('attended', 'integer', (c) => c.notNull())
      .addColumn('score', 'integer')
      .addColumn('passed', 'integer')
      .addColumn('remark', 'text')
      .addPrimaryKeyConstraint('training_attendance_pk', ['session_id', 'account_id'])
      .execute();
    await db.schema.createIndex('training_attendance_by_account').on('training_attendance').columns(['account_id']).execute();

    await db.schema
      .createTable('drills')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('scenario', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_at', t.timestamp, (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('finished_at', t.timestamp)
      // The events injected, in order, and the alarms they raised (JSON arrays of ids).
      .addColumn('event_ids', t.json, (c) => c.notNull())
      .addColumn('result', t.json)
      .addColumn('session_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('drills_by_university').on('drills').columns(['university_id', 'started_at']).execute();

    // The drill an alarm belongs to (null: a real alarm).
    await db.schema.alterTable('alarms').addColumn('drill_id', 'text').execute();
  },
};
