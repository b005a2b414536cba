import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 电子巡更 (issue 15 item 5): checkpoints with the QR token printed at each, routes of
 * checkpoints with their windows and schedule, tours (one run of a route at a scheduled start,
 * id from the route and the start so it is made once), the state of each checkpoint of a tour
 * (checked, late, out of order, which events were raised), and every check-in as it came.
 */
export const patrol: Migration = {
  name: '0024-patrol',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('patrol_checkpoints')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('campus_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('lon', t.real, (c) => c.notNull())
      .addColumn('lat', t.real, (c) => c.notNull())
      .addColumn('radius_m', 'integer', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('token', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('patrol_checkpoints_by_university').on('patrol_checkpoints').columns(['university_id', 'name']).execute();
    await db.schema.createIndex('patrol_checkpoints_by_device').on('patrol_checkpoints').columns(['device_id']).execute();

    await db.schema
      .createTable('patrol_routes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ordered', 'integer', (c) => c.notNull())
      // [{ checkpointId, withinMin }] in route order.
      .addColumn('points', t.json, (c) => c.notNull())
      .addColumn('min_step_s', 'integer', (c) => c.notNull())
      .addColumn('late_grace_min', 'integer', (c) => c.notNull())
      .addColumn('start_times', t.json, (c) => c.notNull())
      .addColumn('days', t.json, (c) => c.notNull())
      .addColumn('holidays', 'text', (c) => c.notNull())
      .addColumn('guard_ids', t.json, (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('patrol_routes_by_university').on('patrol_routes').columns(['university_id', 'name']).execute();

    await db.schema
      .createTable('patrol_tours')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('route_id', 'text', (c) => c.notNull())
      .addColumn('route_name', 'text', (c) => c.notNull())
      .addColumn('ordered', 'integer', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('starts_at', t.timestamp, (c) => c.notNull())
      .addColumn('ends_at', t.timestamp, (c) => c.notNull())
      .addColumn('min_step_s', 'integer', (c) => c.notNull())
      .addColumn('guard_ids', t.json, (c) => c.notNull())
      .addColumn('too_fast', 'integer', (c) => c.notNull())
      .addColumn('too_fast_reported_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('patrol_tours_by_day').on('patrol_tours').columns(['university_id', 'day']).execute();
    await db.schema.createIndex('patrol_tours_by_end').on('patrol_tours').columns(['ends_at']).execute();

    await db.schema
      .createTable('patrol_tour_points')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tour_id', 'text', (c) => c.notNull().references('patrol_tours.id'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_name', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('due_at', t.timestamp, (c) => c.notNull())
      .addColumn('grace_until', t.timestamp, (c) => c.notNull())
      .addColumn('checked_at', t.timestamp)
      .addColumn('method', 'text')
      .addColumn('guard_id', 'text')
      .addColumn('guard_name', 'text')
      .addColumn('out_of_order', 'integer', (c) => c.notNull())
      .addColumn('missed_reported_at', t.timestamp)
      .addColumn('late_reported_at', t.timestamp)
      .addColumn('order_reported_at', t.timestamp)
      .execute();
    await db.schema.createIndex('patrol_tour_points_by_tour').on('patrol_tour_points').columns(['tour_id', 'seq']).execute();
    await db.schema.createIndex('patrol_tour_points_by_grace').on('patrol_tour_points').columns(['grace_until']).execute();
    await db.schema.createIndex('patrol_tour_points_by_checked').on('patrol_tour_points').columns(['checked_at']).execute();
    await db.schema.createIndex('patrol_tour_points_by_checkpoint').on('patrol_tour_points').columns(['checkpoint_id', 'grace_until']).execute();

    await db.schema
      .createTable('patrol_checkins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('checkpoint_id', 'text', (c) => c.notNull())
      .addColumn('tour_id', 'text')
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('guard_id', 'text')
      .addColumn('guard_name', 'text')
      // The device event a checkpoint device sent (a redelivered event is recorded once).
      .addColumn('event_id', 'text', (c) => c.unique())
      .addColumn('distance_m', t.real)
      .execute();
    await db.schema.createIndex('patrol_checkins_by_time').on('patrol_checkins').columns(['university_id', 'at']).execute();
  },
};
