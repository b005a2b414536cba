import type { Kysely } from 'kysely';
import type { Migration } from './index.ts';

/** Retention deletes by kind and arrival time; without this index each pass scans the table. */
export const eventRetentionIndex: Migration = {
  name: '0003-event-retention-index',
  async up(db: Kysely<any>) {
    await db.schema.createIndex('events_kind_received').on('events').columns(['kind', 'received_at']).execute();
  },
};
