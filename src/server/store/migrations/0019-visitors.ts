import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 访客 (issue 14): visits a host registers and the security office approves, with the pass a
 * visitor shows at the gate, and the log of what happened to each visit (approvals, check-ins,
 * refused passes). Phone and id number are stored in full and masked on the way out, as for people.
 */
export const visitors: Migration = {
  name: '0019-visitors',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('visits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('campus_id', 'text', (c) => c.notNull())
      .addColumn('visitor_name', 'text', (c) => c.notNull())
      .addColumn('visitor_phone', 'text', (c) => c.notNull())
      .addColumn('visitor_id_number', 'text')
      .addColumn('plate', 'text')
      .addColumn('host_id', 'text', (c) => c.notNull())
      .addColumn('host_name', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('window_from', t.timestamp, (c) => c.notNull())
      .addColumn('window_to', t.timestamp, (c) => c.notNull())
      .addColumn('gate_ids', t.json, (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      // Set when the visit is approved; what the QR carries and a gate reader sends.
      .addColumn('pass_token', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', t.timestamp)
      .addColumn('decision_note', 'text')
      .addColumn('checked_in_at', t.timestamp)
      .addColumn('checked_out_at', t.timestamp)
      .addColumn('overstay_reported_at', t.timestamp)
      // Lower-cased visitor name, host name and plate: one LIKE for the search box.
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await sql`CREATE UNIQUE INDEX visits_pass_token ON visits (pass_token) WHERE pass_token IS NOT NULL`.execute(db);
    await db.schema.createIndex('visits_by_window').on('visits').columns(['university_id', 'window_from']).execute();
    await db.schema.createIndex('visits_by_state').on('visits').columns(['university_id', 'state', 'window_to']).execute();

    await db.schema
      .createTable('visit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('visit_id', 'text', (c) => c.notNull().references('visits.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('refusal', 'text')
      .addColumn('direction', 'text')
      .addColumn('device_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('visit_log_by_visit').on('visit_log').columns(['visit_id', 'at']).execute();
  },
};
