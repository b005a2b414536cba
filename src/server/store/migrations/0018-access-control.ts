import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 门禁权限 (issue 14): access groups (who × which doors × when), each door's settings and the state
 * of the permission list pushed to it, and the last direction per person and door for anti-passback.
 */
export const accessControl: Migration = {
  name: '0018-access-control',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('access_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('door_ids', t.json, (c) => c.notNull())
      .addColumn('members', t.json, (c) => c.notNull())
      .addColumn('schedule', t.json)
      .addColumn('valid_from', 'text')
      .addColumn('valid_until', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('access_groups_name', ['university_id', 'name'])
      .execute();

    await db.schema
      .createTable('access_doors')
      .addColumn('door_id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('credentials', t.json, (c) => c.notNull())
      .addColumn('anti_passback', 'integer', (c) => c.notNull())
      .addColumn('first_card_unlock', 'integer', (c) => c.notNull())
      .addColumn('normally_open', t.json)
      // The Beijing date the first staff card opened the door for the day (首卡开门).
      .addColumn('first_unlocked_on', 'text')
      .addColumn('list_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('list_hash', 'text')
      .addColumn('list_entries', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('list_status', 'text')
      .addColumn('list_sent_at', t.timestamp)
      .addColumn('list_acked_version', 'integer')
      .addColumn('list_acked_at', t.timestamp)
      .addColumn('list_message', 'text')
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('access_doors_university').on('access_doors').column('university_id').execute();

    await db.schema
      .createTable('access_passback')
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('door_id', 'text', (c) => c.notNull())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('access_passback_pk', ['person_id', 'door_id'])
      .execute();
  },
};
