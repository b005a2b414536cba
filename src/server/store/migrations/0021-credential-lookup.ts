import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * The people register's lookup of a credential by its value (a door decision at each swipe, the
 * import's duplicate check): the unique index of 0017 is partial (`kind IN ('card','qr')`), which
 * SQLite cannot prove from `kind = ?`, so every lookup scanned all credentials.
 */
export const credentialLookup: Migration = {
  name: '0021-credential-lookup',
  async up(db: Kysely<any>, _t: ColumnTypes) {
    await db.schema.createIndex('person_credentials_lookup').on('person_credentials').columns(['university_id', 'value', 'kind']).execute();
  },
};
