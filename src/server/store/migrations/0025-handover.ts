import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 交接班与按值班分派报警 (issue 15 items 2 and 4): one handover per command-centre shift change
 * (its duty log as the outgoing operator signed it, the checklist, who accepted), and the
 * operators and duty leader an alarm was routed to (the command-centre roster at the time).
 */
export const handover: Migration = {
  name: '0025-handover',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('handovers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      // The outgoing shift's span; `shift_to` is the change of shift (one handover per university and change).
      .addColumn('shift_from', t.timestamp, (c) => c.notNull())
      .addColumn('shift_to', t.timestamp, (c) => c.notNull())
      .addColumn('post_name', 'text', (c) => c.notNull())
      .addColumn('shift_name', 'text', (c) => c.notNull())
      .addColumn('outgoing_id', 'text', (c) => c.notNull())
      .addColumn('outgoing_name', 'text', (c) => c.notNull())
      // Who the roster puts on the next shift when the handover was made: [{id, name}].
      .addColumn('incoming_expected', t.json, (c) => c.notNull())
      .addColumn('incoming_id', 'text')
      .addColumn('incoming_name', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('open_alarms', t.json, (c) => c.notNull())
      .addColumn('device_faults', t.json, (c) => c.notNull())
      .addColumn('checklist', t.json, (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull())
      .addColumn('moved_alarms', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('signed_at', t.timestamp)
      .addColumn('accepted_at', t.timestamp)
      .execute();
    await db.schema.createIndex('handovers_change').on('handovers').columns(['university_id', 'shift_to']).unique().execute();

    await db.schema
      .createTable('alarm_routes')
      .addColumn('alarm_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      // operator (a command seat) or leader (the duty leader escalation goes to)
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('routed_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('alarm_routes_pk', ['alarm_id', 'account_id', 'role'])
      .execute();
    await db.schema.createIndex('alarm_routes_by_account').on('alarm_routes').columns(['account_id', 'alarm_id']).execute();
  },
};
