import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** Procedures (报警处置程序) per alarm, photos, guard dispatches and guard positions. */
export const sopDispatch: Migration = {
  name: '0006-sop-dispatch',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('alarm_sop_steps')
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('mandatory', 'integer', (c) => c.notNull())
      .addColumn('requires', 'text', (c) => c.notNull())
      .addColumn('done_at', t.timestamp)
      .addColumn('done_by', 'text')
      .addColumn('done_by_name', 'text')
      .addColumn('note', 'text')
      .addColumn('photo_id', 'text')
      .addPrimaryKeyConstraint('alarm_sop_steps_pk', ['alarm_id', 'key'])
      .execute();

    await db.schema
      .createTable('alarm_photos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', t.binary, (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('uploaded_by', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alarm_photos_alarm').on('alarm_photos').column('alarm_id').execute();

    await db.schema
      .createTable('dispatches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('guard_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('distance_m', t.real)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('accepted_at', t.timestamp)
      .addColumn('arrived_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('dispatches_guard_state').on('dispatches').columns(['guard_id', 'state']).execute();
    await db.schema.createIndex('dispatches_alarm').on('dispatches').column('alarm_id').execute();

    await db.schema
      .createTable('guard_positions')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('lon', t.real, (c) => c.notNull())
      .addColumn('lat', t.real, (c) => c.notNull())
      .addColumn('accuracy_m', t.real)
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .execute();

    for (const table of ['alarm_sop_steps', 'alarm_photos', 'dispatches']) {
      if (t.dialect === 'sqlite') {
        await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are never deleted'); END`).execute(db);
      } else {
        await sql.raw(`CREATE FUNCTION ${table}_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${table} rows are never deleted'; END $$`).execute(db);
        await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_no_delete()`).execute(db);
      }
    }
  },
};
