import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/** The event path: normalized events, dead letters, device credentials and health. */
export const events: Migration = {
  name: '0002-events',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_event_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
      .addColumn('received_at', t.timestamp, (c) => c.notNull())
      // Person id or plate text, lifted out of the payload for trajectory and search lookups.
      .addColumn('subject', 'text')
      .addColumn('payload', t.json, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_device_time').on('events').columns(['device_id', 'occurred_at']).execute();
    await db.schema.createIndex('events_university_id').on('events').columns(['university_id', 'id']).execute();
    await db.schema.createIndex('events_university_kind_time').on('events').columns(['university_id', 'kind', 'occurred_at']).execute();
    await db.schema.createIndex('events_subject_time').on('events').columns(['subject', 'occurred_at']).where(sql.ref('subject'), 'is not', null).execute();
    await db.schema
      .createIndex('events_source_dedupe')
      .on('events')
      .columns(['device_id', 'source_event_id'])
      .unique()
      .where(sql.ref('source_event_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('dead_letters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', t.timestamp, (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text')
      .addColumn('device_id', 'text')
      .addColumn('topic', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('field', 'text')
      .addColumn('raw', t.binary, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dead_letters_university_time').on('dead_letters').columns(['university_id', 'received_at']).execute();
    await db.schema.createIndex('dead_letters_device').on('dead_letters').columns(['device_id', 'received_at']).execute();

    await db.schema
      .createTable('device_credentials')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_by', 'text')
      .execute();

    await db.schema
      .createTable('device_health')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull())
      .addColumn('last_seen_at', t.timestamp)
      .addColumn('changed_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('device_health_university').on('device_health').columns(['university_id', 'online']).execute();

    // Online rate over time: one row per sample, campus and device kind.
    await db.schema
      .createTable('device_health_samples')
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('campus_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_health_samples_pk', ['university_id', 'at', 'campus_id', 'kind'])
      .execute();
  },
};
