import type { Kysely } from 'kysely';
import { deviceSearchText } from '../../../shared/device-search.ts';
import type { Migration } from './index.ts';

/**
 * Ledger search and paging (bench/RESULTS.md, ledger query findings): one lower-cased
 * `search_text` column instead of six case-insensitive LIKEs per row, and indexes that end in
 * `id` so that a name-sorted page needs no extra sort for ties, per building too.
 */
export const ledgerSearch: Migration = {
  name: '0007-ledger-search',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('devices').addColumn('search_text', 'text').execute();
    // Back-filled in JS, so that existing rows are lower-cased exactly like new ones.
    let last = '';
    for (;;) {
      const rows: { id: string; name: string; serial: string | null; ip: string | null; gb_id: string | null; model: string | null; vendor: string | null }[] = await db
        .selectFrom('devices')
        .select(['id', 'name', 'serial', 'ip', 'gb_id', 'model', 'vendor'])
        .where('id', '>', last)
        .orderBy('id')
        .limit(1000)
        .execute();
      if (!rows.length) break;
      for (const r of rows) {
        await db
          .updateTable('devices')
          .set({ search_text: deviceSearchText({ name: r.name, serial: r.serial, ip: r.ip, gbId: r.gb_id, model: r.model, vendor: r.vendor }) })
          .where('id', '=', r.id)
          .execute();
      }
      last = rows[rows.length - 1].id;
    }
    await db.schema.dropIndex('devices_university_name').execute();
    await db.schema.createIndex('devices_university_name').on('devices').columns(['university_id', 'name', 'id']).execute();
    await db.schema.dropIndex('devices_building').execute();
    await db.schema.createIndex('devices_building').on('devices').columns(['building_id', 'name', 'id']).execute();
    await db.schema.createIndex('devices_university_install').on('devices').columns(['university_id', 'install_date', 'id']).execute();
    // Covers the count of a search (every search page asks for the total).
    await db.schema.createIndex('devices_university_search').on('devices').columns(['university_id', 'search_text']).execute();
    await db.schema.createIndex('devices_campus_kind_status_name').on('devices').columns(['university_id', 'campus_id', 'kind', 'status', 'name', 'id']).execute();
  },
};
