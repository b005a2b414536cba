import type { Kysely } from 'kysely';
import type { Migration } from './index.ts';

/**
 * Failed logins per account (issue 17, finding 3): counted whatever address they come from, the
 * account locked for a while after too many, and the user told at the next login.
 */
export const loginLockout: Migration = {
  name: '0009-login-lockout',
  async up(db: Kysely<any>, t) {
    await db.schema.alterTable('users').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('users').addColumn('last_failed_login_at', t.timestamp).execute();
    await db.schema.alterTable('users').addColumn('last_failed_login_ip', 'text').execute();
    await db.schema.alterTable('users').addColumn('locked_until', t.timestamp).execute();
  },
};
