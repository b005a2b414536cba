import type { Kysely } from 'kysely';
import type { ColumnTypes, Migration } from './index.ts';

/**
 * 换班 (issue 15): swap requests between two people on the roster, with the shifts as they stood
 * when asked (post, date, shift of each side), the other person's answer and the approver's
 * decision. The roster itself changes only on approval (duty_assignments.account_id).
 */
export const dutySwaps: Migration = {
  name: '0027-duty-swaps',
  async up(db: Kysely<any>, t: ColumnTypes) {
    await db.schema
      .createTable('duty_swaps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('university_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('requester_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('assignment_id', 'text', (c) => c.notNull())
      .addColumn('post_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('shift', 'text', (c) => c.notNull())
      .addColumn('target_assignment_id', 'text')
      .addColumn('target_post_id', 'text')
      .addColumn('target_date', 'text')
      .addColumn('target_shift', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', t.timestamp, (c) => c.notNull())
      .addColumn('answered_at', t.timestamp)
      .addColumn('decided_at', t.timestamp)
      .addColumn('decided_by', 'text')
      .addColumn('decided_by_name', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('duty_swaps_by_university').on('duty_swaps').columns(['university_id', 'state', 'requested_at']).execute();
    await db.schema.createIndex('duty_swaps_by_requester').on('duty_swaps').columns(['requester_id', 'requested_at']).execute();
    await db.schema.createIndex('duty_swaps_by_target').on('duty_swaps').columns(['target_id', 'requested_at']).execute();
  },
};
