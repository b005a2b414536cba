import type { Kysely } from 'kysely';
import type { Migration } from './index.ts';

/** Statistics and the alarm list read a university's alarms by creation time; without this a 30-day window reads all of them. */
export const alarmStatsIndex: Migration = {
  name: '0008-alarm-stats-index',
  async up(db: Kysely<any>) {
    await db.schema.createIndex('alarms_university_created').on('alarms').columns(['university_id', 'created_at']).execute();
  },
};
