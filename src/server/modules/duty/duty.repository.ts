import type { DutyAssignmentTable, DutyCertificateTable, DutyGapReportTable, DutyMonthTable, DutyPostTable, DutySwapTable } from '../../store/schema.ts';
import type { ModuleDb } from '../../store/tables.ts';

export type PostRow = DutyPostTable;
export type AssignmentRow = DutyAssignmentTable;
export type MonthRow = DutyMonthTable;
export type CertificateRow = Omit<DutyCertificateTable, 'scan'>;
/** A certificate's columns but the scan's bytes (read alone, when asked for). */
const CERT_COLUMNS = ['id', 'university_id', 'account_id', 'type', 'number', 'issuer', 'valid_from', 'valid_to', 'expiry_warned_at', 'scan_size', 'created_at', 'updated_at'] as const;
export type GapReportRow = DutyGapReportTable;
export type SwapRow = DutySwapTable;
type Db = ModuleDb<'duty'>;

/** The duty module's reads and writes; nothing else touches its tables. */
export const dutyRepository = {
  posts: (db: Db, universityId: string) => db.selectFrom('duty_posts').selectAll().where('university_id', '=', universityId).orderBy('sort').orderBy('name').limit(200).execute(),
  post: (db: Db, id: string) => db.selectFrom('duty_posts').selectAll().where('id', '=', id).executeTakeFirst(),
  insertPost: (db: Db, row: PostRow) => db.insertInto('duty_posts').values(row).execute(),
  updatePost: (db: Db, id: string, changes: Partial<PostRow>) => db.updateTable('duty_posts').set(changes).where('id', '=', id).execute(),

  /** Assignments whose date is in [fromDate, toDate] (inclusive), bounded. */
  assignments: (db: Db, universityId: string, fromDate: string, toDate: string) =>
    db.selectFrom('duty_assignments').selectAll().where('university_id', '=', universityId).where('date', '>=', fromDate).where('date', '<=', toDate).orderBy('date').orderBy('post_id').orderBy('shift').limit(20_000).execute(),
  assignment: (db: Db, id: string) => db.selectFrom('duty_assignments').selectAll().where('id', '=', id).executeTakeFirst(),
  sameSlot: (db: Db, a: Pick<AssignmentRow, 'post_id' | 'date' | 'shift' | 'account_id'>) =>
    db.selectFrom('duty_assignments').select('id').where('post_id', '=', a.post_id).where('date', '=', a.date).where('shift', '=', a.shift).where('account_id', '=', a.account_id).executeTakeFirst(),
  /** The shift codes a post's roster uses. */
  shiftsInUse: async (db: Db, postId: string) => (await db.selectFrom('duty_assignments').select('shift').distinct().where('post_id', '=', postId).execute()).map((r) => r.shift),
  insertAssignment: (db: Db, row: AssignmentRow) => db.insertInto('duty_assignments').values(row).execute(),
  deleteAssignment: (db: Db, id: string) => db.deleteFrom('duty_assignments').where('id', '=', id).execute(),

  month: (db: Db, universityId: string, month: string) => db.selectFrom('duty_months').selectAll().where('university_id', '=', universityId).where('month', '=', month).executeTakeFirst(),
  months: (db: Db, universityId: string, months: string[]) => db.selectFrom('duty_months').selectAll().where('university_id', '=', universityId).where('month', 'in', months).execute(),
  async publishMonth(db: Db, row: MonthRow) {
    await db
      .insertInto('duty_months')
      .values(row)
      .onConflict((oc) => oc.columns(['university_id', 'month']).doUpdateSet({ state: row.state, published_at: row.published_at, published_by: row.published_by }))
      .execute();
  },

  certificates(db: Db, q: { universityId: string | null; accountId?: string; validOn?: string; toFrom?: string; toUntil?: string; page: number; pageSize: number }) {
    let base = db.selectFrom('duty_certificates');
    if (q.universityId !== null) base = base.where('university_id', '=', q.universityId);
    if (q.accountId) base = base.where('account_id', '=', q.accountId);
    if (q.validOn) base = base.where('valid_from', '<=', q.validOn);
    if (q.toFrom) base = base.where('valid_to', '>=', q.toFrom);
    if (q.toUntil) base = base.where('valid_to', '<=', q.toUntil);
    return Promise.all([
      base.select(CERT_COLUMNS).orderBy('valid_to').orderBy('id').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]).then(([rows, c]) => ({ rows, total: Number(c.n) }));
  },
  certificate: (db: Db, id: string) => db.selectFrom('duty_certificates').select(CERT_COLUMNS).where('id', '=', id).executeTakeFirst(),
  scan: (db: Db, id: string) => db.selectFrom('duty_certificates').select(['scan']).where('id', '=', id).executeTakeFirst(),
  /** Certificates of these accounts valid on `date`. */
  validOn: (db: Db, accountIds: string[], date: string) =>
    accountIds.length ? db.selectFrom('duty_certificates').select(CERT_COLUMNS).where('account_id', 'in', accountIds).where('valid_from', '<=', date).where('valid_to', '>=', date).execute() : Promise.resolve([]),
  /** Every certificate of these accounts (scans left out). */
  certificatesOf: (db: Db, accountIds: string[]) => (accountIds.length ? db.selectFrom('duty_certificates').select(CERT_COLUMNS).where('account_id', 'in', accountIds).limit(5000).execute() : Promise.resolve([])),
  hasAnyCertificate: async (db: Db, universityId: string) => !!(await db.selectFrom('duty_certificates').select('id').where('university_id', '=', universityId).limit(1).executeTakeFirst()),
  insertCertificate: (db: Db, row: CertificateRow) => db.insertInto('duty_certificates').values(row).execute(),
  updateCertificate: (db: Db, id: string, changes: Partial<DutyCertificateTable>) => db.updateTable('duty_certificates').set(changes).where('id', '=', id).execute(),
  deleteCertificate: (db: Db, id: string) => db.deleteFrom('duty_certificates').where('id', '=', id).execute(),
  /** Certificates ending in [today, until] whose warning has not gone out. */
  expiringUnwarned: (db: Db, today: string, until: string) =>
    db.selectFrom('duty_certificates').select(CERT_COLUMNS).where('valid_to', '>=', today).where('valid_to', '<=', until).where('expiry_warned_at', 'is', null).orderBy('valid_to').limit(500).execute(),

  /** Gaps of a post already raised that overlap [from, to). */
  reportedOverlapping: (db: Db, postId: string, from: string, to: string) =>
    db.selectFrom('duty_gap_reports').select('id').where('post_id', '=', postId).where('gap_from', '<', to).where('gap_to', '>', from).limit(1).executeTakeFirst(),
  insertGapReport: (db: Db, row: GapReportRow) => db.insertInto('duty_gap_reports').values(row).execute(),

  /** An account's assignments on dates in [fromDate, toDate] (for double-booking checks). */
  assignmentsOf: (db: Db, accountId: string, fromDate: string, toDate: string) =>
    db.selectFrom('duty_assignments').selectAll().where('account_id', '=', accountId).where('date', '>=', fromDate).where('date', '<=', toDate).limit(500).execute(),
  setAssignmentAccount: (db: Db, id: string, accountId: string) => db.updateTable('duty_assignments').set({ account_id: accountId }).where('id', '=', id).execute(),
  postsByIds: (db: Db, ids: string[]) => (ids.length ? db.selectFrom('duty_posts').selectAll().where('id', 'in', ids).execute() : Promise.resolve([])),

  swap: (db: Db, id: string) => db.selectFrom('duty_swaps').selectAll().where('id', '=', id).executeTakeFirst(),
  insertSwap: (db: Db, row: SwapRow) => db.insertInto('duty_swaps').values(row).execute(),
  /** Moves a swap on only from the state it was read in (a concurrent answer or decision loses). */
  updateSwap: async (db: Db, id: string, fromState: string, changes: Partial<SwapRow>) =>
    Number((await db.updateTable('duty_swaps').set(changes).where('id', '=', id).where('state', '=', fromState).executeTakeFirst()).numUpdatedRows) === 1,
  /** Open swaps touching one of these assignments. */
  openSwapsOn: (db: Db, assignmentIds: string[]) =>
    db
      .selectFrom('duty_swaps')
      .select(['id', 'assignment_id', 'target_assignment_id'])
      .where('state', 'in', ['requested', 'agreed'])
      .where((eb) => eb.or([eb('assignment_id', 'in', assignmentIds), eb('target_assignment_id', 'in', assignmentIds)]))
      .execute(),
  swaps(db: Db, q: { universityId: string | null; accountId?: string; states?: string[]; page: number; pageSize: number }) {
    let base = db.selectFrom('duty_swaps');
    if (q.universityId !== null) base = base.where('university_id', '=', q.universityId);
    if (q.accountId) {
      const me = q.accountId;
      base = base.where((eb) => eb.or([eb('requester_id', '=', me), eb('target_id', '=', me)]));
    }
    if (q.states?.length) base = base.where('state', 'in', q.states);
    return Promise.all([
      base.selectAll().orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]).then(([rows, c]) => ({ rows, total: Number(c.n) }));
  },
};
