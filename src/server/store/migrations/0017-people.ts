import { sql, type Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 人员库 (issue 14): a university's people and their credentials. A person is never deleted
 * (status `left` keeps the history that access records point at); a credential is revoked, not
 * removed. Card numbers and QR tokens are unique among a university's active credentials.
 */
export const people: Migration = {
  name: '0017-people',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('people')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('department', 'text')
      .addColumn('id_number', 'text')
      .addColumn('phone', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text')
      // Lower-cased name and number: one LIKE for the search box.
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('people_number', ['university_id', 'number'])
      .execute();
    await db.schema.createIndex('people_university_name').on('people').columns(['university_id', 'name']).execute();

    await db.schema
      .createTable('person_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .execute();
    await db.schema.createIndex('person_credentials_person').on('person_credentials').column('person_id').execute();
    // Partial unique index: same syntax in SQLite and PostgreSQL. A revoked card may be issued again.
    await sql`CREATE UNIQUE INDEX person_credentials_value ON person_credentials (university_id, kind, value) WHERE status = 'active' AND kind IN ('card', 'qr')`.execute(db);
  },
};
