import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * Linkage actions with effects outside the database (door commands, webhooks) are written in the
 * same transaction as the alarm, then carried out; after a crash the pending ones are carried out
 * at start, each with its idempotency key.
 */
export const pendingActions: Migration = {
  name: '0005-pending-actions',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('pending_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('alarm_id', 'text')
      .addColumn('action', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('result', t.json)
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('done_at', t.timestamp)
      .execute();
    await db.schema.createIndex('pending_actions_status').on('pending_actions').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('pending_actions_alarm').on('pending_actions').column('alarm_id').execute();
  },
};
