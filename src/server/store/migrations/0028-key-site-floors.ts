import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * The floors a key site lies on (a finance office on 2F of the administration building): coverage
 * judges an indoor site by the cameras on its own floors (issue 16). Null: the whole building, or
 * an outdoor site.
 */
export const keySiteFloors: Migration = {
  name: '0028-key-site-floors',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema.alterTable('key_sites').addColumn('floor_ids', t.json).execute();
  },
};
