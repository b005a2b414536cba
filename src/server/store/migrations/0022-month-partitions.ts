import { sql, type Kysely } from 'kysely';
import { partitionByMonth } from '../partitions.ts';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * PostgreSQL: the event store and the sightings index become partitioned by month (issue 14, scale
 * path; see store/partitions.ts). A partitioned table's keys must contain the partition column, so
 * an event's key is (id, occurred_at), and a device's resend — which may come without a time of
 * its own, then stamped with its arrival — is recognised in `event_sources` by (device, source
 * event id) alone. Existing rows are copied into the new tables in this migration.
 * SQLite keeps one table each; sightings get an index by time there, for their retention.
 */
export const monthPartitions: Migration = {
  name: '0022-month-partitions',
  async up(db: Kysely<any>, t: ColumnTypes) {
    if (t.dialect !== 'postgres') {
      await db.schema.createIndex('sightings_at').on('sightings').column('at').execute();
      return;
    }
    await partitionByMonth(db, 'events');
    await sql`alter table events add constraint events_pkey primary key (id, occurred_at)`.execute(db);
    await db.schema.createIndex('events_device_time').on('events').columns(['device_id', 'occurred_at']).execute();
    await db.schema.createIndex('events_university_id').on('events').columns(['university_id', 'id']).execute();
    await db.schema.createIndex('events_university_kind_time').on('events').columns(['university_id', 'kind', 'occurred_at']).execute();
    await db.schema.createIndex('events_subject_time').on('events').columns(['subject', 'occurred_at']).where(sql.ref('subject'), 'is not', null).execute();
    await db.schema.createIndex('events_kind_received').on('events').columns(['kind', 'received_at']).execute();
    await db.schema
      .createTable('event_sources')
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('source_event_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('received_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('event_sources_pk', ['device_id', 'source_event_id'])
      .execute();
    await db.schema.createIndex('event_sources_received').on('event_sources').column('received_at').execute();
    await sql`insert into event_sources (device_id, source_event_id, event_id, received_at)
      select device_id, source_event_id, id, received_at from events where source_event_id is not null
      on conflict do nothing`.execute(db);

    await partitionByMonth(db, 'sightings');
    await sql`alter table sightings add constraint sightings_pk primary key (university_id, subject, at, event_id)`.execute(db);
    await sql`create index sightings_entrance_time on sightings (university_id, at) where entrance = 1`.execute(db);
  },
};
