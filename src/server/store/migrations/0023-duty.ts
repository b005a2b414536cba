import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 值班排班与持证上岗 (issue 15): posts and their shifts, the roster (one row per account, post,
 * date and shift), the state of each month's roster (draft or published), the operators'
 * certificates, and the coverage gaps already raised as events (so each is raised once).
 */
export const duty: Migration = {
  name: '0023-duty',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('duty_posts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('command_centre', 'integer', (c) => c.notNull())
      .addColumn('pattern', 'text', (c) => c.notNull())
      .addColumn('shifts', t.json, (c) => c.notNull())
      .addColumn('sort', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('duty_posts_by_university').on('duty_posts').columns(['university_id', 'sort']).execute();

    await db.schema
      .createTable('duty_assignments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text', (c) => c.notNull().references('duty_posts.id'))
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('shift', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('duty_assignments_unique').on('duty_assignments').columns(['post_id', 'date', 'shift', 'account_id']).unique().execute();
    await db.schema.createIndex('duty_assignments_by_date').on('duty_assignments').columns(['university_id', 'date']).execute();
    await db.schema.createIndex('duty_assignments_by_account').on('duty_assignments').columns(['account_id', 'date']).execute();

    await db.schema
      .createTable('duty_months')
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('published_at', t.timestamp)
      .addColumn('published_by', 'text')
      .addPrimaryKeyConstraint('duty_months_pk', ['university_id', 'month'])
      .execute();

    await db.schema
      .createTable('duty_certificates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text', (c) => c.notNull())
      // Set once the 30-day expiry warning went out for this certificate.
      .addColumn('expiry_warned_at', t.timestamp)
      // The certificate's scan, re-encoded as JPEG on upload (checked by content, ≤ 5 MB in).
      .addColumn('scan', t.binary)
      .addColumn('scan_size', 'integer')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('duty_certificates_by_account').on('duty_certificates').columns(['account_id', 'valid_to']).execute();
    await db.schema.createIndex('duty_certificates_by_university').on('duty_certificates').columns(['university_id', 'valid_to']).execute();

    await db.schema
      .createTable('duty_gap_reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('gap_from', t.timestamp, (c) => c.notNull())
      .addColumn('gap_to', t.timestamp, (c) => c.notNull())
      .addColumn('reported_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('duty_gap_reports_by_post').on('duty_gap_reports').columns(['post_id', 'gap_to']).execute();
  },
};
