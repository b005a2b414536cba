import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 全程可溯 (issue 14): one row per sighting of a subject (person:<id>, card:<no>, plate:<plate>,
 * qr:<token>, face:<ref>, guard:<id>) derived from the stored events. The primary key leads with
 * (university, subject, at), so one subject over 30 days is a single range of the key; in SQLite
 * the table is WITHOUT ROWID, so that range is the rows themselves (no second lookup per row).
 * The event id closes the key: writing an event's sightings again changes nothing (replays,
 * backfill). `presence` keeps each person's last pass at an entrance (在校人数) and the backfill's
 * position, both one row per key.
 */
export const sightings: Migration = {
  name: '0020-sightings',
  async up(db: Kysely<any>, t: ColumnTypes) {
    let table = db.schema
      .createTable('sightings')
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('direction', 'text')
      // 1 when the device is a campus entrance (turnstile, gate lane): the per-gate hourly counts read only these.
      .addColumn('entrance', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('sightings_pk', ['university_id', 'subject', 'at', 'event_id']);
    if (t.dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
    await table.execute();
    // Entrance passages of one day (per gate per hour): a range of (university, at) among entrance rows only.
    await sql`CREATE INDEX sightings_entrance_time ON sightings (university_id, at) WHERE entrance = 1`.execute(db);

    await db.schema
      .createTable('presence')
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('inside', 'integer', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('presence_pk', ['university_id', 'subject'])
      .execute();

    // How far the backfill of events stored before this table existed has come (one row).
    await db.schema
      .createTable('sighting_backfill')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('after_id', 'text', (c) => c.notNull())
      .addColumn('until_id', 'text')
      .addColumn('done_at', t.timestamp)
      .execute();
  },
};
