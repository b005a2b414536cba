import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** Alarms derived from stored events by linkage rules, with their full record. */
export const alarms: Migration = {
  name: '0004-alarms',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('alarm_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull().references('org_units.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('definition', t.json, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alarm_rules_university').on('alarm_rules').columns(['university_id', 'enabled']).execute();

    await db.schema
      .createTable('alarms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('latched', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('campus_id', 'text')
      .addColumn('building_id', 'text')
      .addColumn('floor_id', 'text')
      .addColumn('lon', t.real)
      .addColumn('lat', t.real)
      .addColumn('event_count', 'integer', (c) => c.notNull())
      .addColumn('first_event_id', 'text', (c) => c.notNull())
      .addColumn('last_event_id', 'text', (c) => c.notNull())
      .addColumn('first_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_at', t.timestamp, (c) => c.notNull())
      .addColumn('linked_cameras', t.json, (c) => c.notNull())
      .addColumn('state_changed_at', t.timestamp, (c) => c.notNull())
      .addColumn('due_at', t.timestamp)
      .addColumn('escalation_level', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alarms_university_state').on('alarms').columns(['university_id', 'state', 'priority']).execute();
    await db.schema.createIndex('alarms_due').on('alarms').columns(['due_at']).where(sql.ref('due_at'), 'is not', null).execute();
    await db.schema.createIndex('alarms_device_type').on('alarms').columns(['device_id', 'type', 'state']).execute();

    await db.schema
      .createTable('alarm_events')
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('alarm_events_pk', ['alarm_id', 'event_id'])
      .execute();

    await db.schema
      .createTable('alarm_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text')
      .addColumn('note', 'text')
      .addColumn('data', t.json)
      .execute();
    await db.schema.createIndex('alarm_log_alarm').on('alarm_log').columns(['alarm_id', 'id']).execute();

    // One row per (rule, event) evaluation that did something: "which rule, which event, which
    // actions, with what result". The primary key makes re-processing after a crash idempotent.
    await db.schema
      .createTable('rule_runs')
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('alarm_id', 'text')
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('trace', t.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('rule_runs_pk', ['rule_id', 'event_id'])
      .execute();
    await db.schema.createIndex('rule_runs_alarm').on('rule_runs').column('alarm_id').execute();

    await db.schema
      .createTable('consumer_offsets')
      .addColumn('consumer', 'text', (c) => c.primaryKey())
      .addColumn('last_event_id', 'text', (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('calendar_days')
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addPrimaryKeyConstraint('calendar_days_pk', ['university_id', 'date'])
      .execute();

    // Nothing about an alarm is ever deleted.
    for (const table of ['alarms', 'alarm_log', 'alarm_events', 'rule_runs']) {
      if (t.dialect === 'sqlite') {
        await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are never deleted'); END`).execute(db);
      } else {
        await sql.raw(`CREATE FUNCTION ${table}_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${table} rows are never deleted'; END $$`).execute(db);
        await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_no_delete()`).execute(db);
      }
    }
  },
};
