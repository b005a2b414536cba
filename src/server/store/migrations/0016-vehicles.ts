import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** 车辆: registered plates with their list and pass, and the decision on every plate read at a gate lane. */
export const vehicles: Migration = {
  name: '0016-vehicles',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('vehicles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('plate', 'text', (c) => c.notNull())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('owner_name', 'text', (c) => c.notNull())
      .addColumn('owner_phone', 'text')
      .addColumn('owner_department', 'text')
      .addColumn('valid_from', t.timestamp)
      .addColumn('valid_until', t.timestamp)
      .addColumn('schedule', t.json)
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', t.timestamp)
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('inside', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_passage_at', t.timestamp)
      .addColumn('overstay_reported_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('vehicles_plate', ['university_id', 'plate'])
      .execute();
    await db.schema
      .createTable('gate_passages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('barrier_id', 'text')
      .addColumn('plate', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('confidence', t.real, (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('vehicle_id', 'text')
      .addColumn('list', 'text')
      .addColumn('barrier', 'text')
      .addColumn('barrier_ms', 'integer')
      .execute();
    // The log newest first per university, and a plate's passages (trajectories read them too).
    await db.schema.createIndex('gate_passages_by_time').on('gate_passages').columns(['university_id', 'at']).execute();
    await db.schema.createIndex('gate_passages_by_plate').on('gate_passages').columns(['university_id', 'plate', 'at']).execute();
  },
};
