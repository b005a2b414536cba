import { beijingDate } from '../../../shared/beijing-time.ts';
import {
  addDays,
  beijingMidnight,
  daysOfMonth,
  DUTY_LIMITS,
  EXPIRY_WARNING_DAYS,
  PATTERN_SHIFTS,
  shiftSpan,
  uncovered,
  type Certificate,
  type CertificateInput,
  type CertificatePage,
  type CertificateQuery,
  type CoverageGap,
  type DutyAssignment,
  type DutyAssignmentInput,
  type DutyPost,
  type DutyPostInput,
  type DutyRoster,
  type DutyStaff,
  type Shift,
} from '../../../shared/duty.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { Clock } from '../../clock.ts';
import { invalid, invalidField, notFound } from '../../http/errors.ts';
import { normalizePhoto, PhotoRejected } from '../../util/photo.ts';
import { type Actor, assertInScope, inScope, listScope, SYSTEM_ACTOR, writeScope } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { OrgService } from '../org/index.ts';
import { dutyRepository as repo, type AssignmentRow, type CertificateRow, type MonthRow, type PostRow, type SwapRow } from './duty.repository.ts';

const DAY_MS = 86_400_000;

/** One command-centre assignment of the published roster with its exact span (ms). */
export interface CommandShift {
  assignmentId: string;
  accountId: string;
  accountName: string;
  postId: string;
  postName: string;
  postKind: DutyPost['kind'];
  date: string;
  shift: string;
  shiftName: string;
  from: number;
  to: number;
}
export const SCAN_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_SCAN_BYTES = 5 * 1024 * 1024;
/** Roles that can be rostered. */
const ROSTERED_ROLES = ['security_director', 'operator', 'guard'];
/** How far ahead the coverage check looks for gaps on the published roster. */
export const GAP_LOOKAHEAD_DAYS = 7;

const isRealDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

export const toPost = (r: PostRow): DutyPost => ({
  id: r.id,
  universityId: r.university_id,
  name: r.name,
  kind: r.kind as DutyPost['kind'],
  commandCentre: r.command_centre === 1,
  pattern: r.pattern as DutyPost['pattern'],
  shifts: readJson<Shift[]>(r.shifts),
  sort: r.sort,
});

export function certificateStatus(r: Pick<CertificateRow, 'valid_from' | 'valid_to'>, today: string): Certificate['status'] {
  if (r.valid_from > today) return 'not_yet_valid';
  if (r.valid_to < today) return 'expired';
  if (r.valid_to <= addDays(today, EXPIRY_WARNING_DAYS)) return 'expiring';
  return 'valid';
}

/**
 * 值班排班与持证上岗: posts, the month's roster (draft → published, audited), the gaps in
 * 24-hour coverage of command-centre posts, and the operators' certificates that decide who may
 * sit a command-centre post and acknowledge alarms (S-DUTY24, S-CERT).
 */
export class DutyService {
  constructor(
    private readonly db: ModuleDb<'duty'>,
    private readonly accounts: Pick<AccountsService, 'people' | 'list'>,
    private readonly org: Pick<OrgService, 'isUniversity' | 'universityIds'>,
    private readonly calendar: Pick<CalendarService, 'daysOf'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly writer: Pick<EventWriter, 'append'>,
    private readonly clock: Clock,
  ) {}

  private today() {
    return beijingDate(this.clock.now());
  }

  // ---- posts ----

  async posts(actor: Actor, requested?: string): Promise<DutyPost[]> {
    const universityId = listScope(actor, requested);
    if (universityId === null) return [];
    return (await repo.posts(this.db, universityId)).map(toPost);
  }

  private postFields(input: DutyPostInput) {
    const name = input.name.replace(/\s+/g, ' ').trim();
    const problems: FieldProblem[] = [];
    if (!name) problems.push({ field: 'name', reason: 'must not be blank', rule: 'required' });
    let shifts: Shift[];
    if (input.pattern === 'custom') {
      shifts = input.shifts ?? [];
      if (!shifts.length) problems.push({ field: 'shifts', reason: 'a custom pattern names its shifts', rule: 'required' });
      const codes = new Set<string>();
      shifts.forEach((s, i) => {
        if (codes.has(s.code)) problems.push({ field: `shifts[${i}].code`, reason: `${s.code} is used twice`, rule: 'unique' });
        codes.add(s.code);
        if (s.start === s.end && shifts.length > 1) problems.push({ field: `shifts[${i}].end`, reason: 'a 24-hour shift is the only shift of its post', rule: 'range' });
      });
    } else shifts = PATTERN_SHIFTS[input.pattern];
    if (problems.length) throw invalid(problems);
    return { name, kind: input.kind, command_centre: input.commandCentre ? 1 : 0, pattern: input.pattern, shifts: writeJson(shifts), sort: input.sort ?? 0 };
  }

  async createPost(actor: Actor, input: DutyPostInput): Promise<DutyPost> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const now = this.clock.nowIso();
    const row: PostRow = { id: uuid7(), university_id: universityId, ...this.postFields(input), created_at: now, updated_at: now };
    const post = toPost(row);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertPost(trx, row);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'duty_post', entityId: row.id, universityId, after: post });
    });
    return post;
  }

  async updatePost(actor: Actor, id: string, input: DutyPostInput): Promise<DutyPost> {
    const before = assertInScope(actor, await repo.post(this.db, id), (r) => r.university_id, 'post');
    if (input.universityId && input.universityId !== before.university_id) throw invalidField('universityId', 'a post stays with its university');
    const changes = { ...this.postFields(input), updated_at: this.clock.nowIso() };
    // A shift the roster still uses cannot go away (its assignments would lose their hours).
    const kept = new Set(readJson<Shift[]>(changes.shifts).map((s) => s.code));
    const lost = (await repo.shiftsInUse(this.db, id)).filter((code) => !kept.has(code));
    if (lost.length) throw invalidField('shifts', `the roster still uses shift ${lost.join(', ')}; take those assignments off first`, 'in_use');
    const after = toPost({ ...before, ...changes });
    await this.db.transaction().execute(async (trx) => {
      await repo.updatePost(trx, id, changes);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'duty_post', entityId: id, universityId: before.university_id, before: toPost(before), after });
    });
    return after;
  }

  // ---- roster ----

  private present(a: AssignmentRow, posts: ReadonlyMap<string, PostRow>, names: ReadonlyMap<string, string>): DutyAssignment {
    const post = posts.get(a.post_id);
    const shift = post ? readJson<Shift[]>(post.shifts).find((s) => s.code === a.shift) : undefined;
    const span = shift ? shiftSpan(a.date, shift) : { from: beijingMidnight(a.date), to: beijingMidnight(a.date) };
    return { id: a.id, postId: a.post_id, accountId: a.account_id, accountName: names.get(a.account_id) ?? a.account_id, date: a.date, shift: a.shift, from: new Date(span.from).toISOString(), to: new Date(span.to).toISOString() };
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    const people = await this.accounts.people(ids);
    return new Map(people.map((p) => [p.id, p.displayName]));
  }

  /** The month's roster with its posts, holidays, staff (and their certification) and coverage gaps. */
  async roster(actor: Actor, q: { month: string; universityId?: string }): Promise<DutyRoster> {
    const universityId = listScope(actor, q.universityId);
    const empty: DutyRoster = { universityId, month: q.month, state: 'draft', publishedAt: null, publishedBy: null, posts: [], assignments: [], holidays: [], gaps: [], staff: [], certificationEnforced: false };
    if (universityId === null) return empty;
    const days = daysOfMonth(q.month);
    const [postRows, rows, month, calendar, enforced] = await Promise.all([
      repo.posts(this.db, universityId),
      repo.assignments(this.db, universityId, days[0]!, days.at(-1)!),
      repo.month(this.db, universityId, q.month),
      this.calendar.daysOf(universityId),
      repo.hasAnyCertificate(this.db, universityId),
    ]);
    const posts = new Map(postRows.map((p) => [p.id, p]));
    const staff = await this.staff(actor, universityId);
    const names = new Map(staff.map((s) => [s.id, s.displayName]));
    const missing = rows.map((r) => r.account_id).filter((id) => !names.has(id));
    if (missing.length) for (const [id, n] of await this.names(missing)) names.set(id, n);
    const gaps = await this.gapsOf(universityId, beijingMidnight(days[0]!), beijingMidnight(days.at(-1)!) + DAY_MS, false);
    return {
      universityId,
      month: q.month,
      state: (month?.state as DutyRoster['state']) ?? 'draft',
      publishedAt: month?.published_at ?? null,
      publishedBy: month?.published_by ?? null,
      posts: postRows.map(toPost),
      assignments: rows.map((r) => this.present(r, posts, names)),
      holidays: days.filter((d) => calendar.has(d)).map((d) => ({ date: d, kind: calendar.get(d)!, name: null })),
      gaps,
      staff,
      certificationEnforced: enforced,
    };
  }

  /** Accounts that can be rostered, with the last day of their certificate valid today. */
  private async staff(actor: Actor, universityId: string): Promise<DutyStaff[]> {
    const { items } = await this.accounts.list(actor, { universityId, page: 1, pageSize: 500 });
    const users = items.filter((u) => ROSTERED_ROLES.includes(u.role) && !u.disabled);
    const certs = await repo.validOn(this.db, users.map((u) => u.id), this.today());
    const until = new Map<string, string>();
    for (const c of certs) if ((until.get(c.account_id) ?? '') < c.valid_to) until.set(c.account_id, c.valid_to);
    return users.map((u) => ({ id: u.id, displayName: u.displayName, username: u.username, role: u.role, certifiedUntil: until.get(u.id) ?? null }));
  }

  /** Coverage gaps of the actor's university (or the one a city-wide account names) in [from, to). */
  async coverage(actor: Actor, q: { from: string; to: string; universityId?: string; publishedOnly?: boolean }): Promise<CoverageGap[]> {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(to > from)) throw invalidField('to', 'must be after from');
    if (to - from > DUTY_LIMITS.maxRangeDays * DAY_MS) throw invalidField('to', `at most ${DUTY_LIMITS.maxRangeDays} days at once`, 'maximum');
    const universityId = listScope(actor, q.universityId);
    if (universityId === null) return [];
    return this.gapsOf(universityId, from, to, q.publishedOnly ?? false);
  }

  /**
   * Where each command-centre post has nobody in [from, to): shifts are laid out from their
   * date (a night shift of the day before reaches past midnight), merged, and the rest is a gap.
   * `publishedOnly`: assignments of months not yet published do not count.
   */
  async gapsOf(universityId: string, from: number, to: number, publishedOnly: boolean): Promise<CoverageGap[]> {
    const posts = (await repo.posts(this.db, universityId)).filter((p) => p.command_centre === 1);
    if (!posts.length) return [];
    let rows = await repo.assignments(this.db, universityId, beijingDate(from - DAY_MS), beijingDate(to));
    if (publishedOnly) {
      const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
      const published = new Set((months.length ? await repo.months(this.db, universityId, months) : []).filter((m) => m.state === 'published').map((m) => m.month));
      rows = rows.filter((r) => published.has(r.date.slice(0, 7)));
    }
    const gaps: CoverageGap[] = [];
    for (const post of posts) {
      const shifts = new Map(readJson<Shift[]>(post.shifts).map((s) => [s.code, s]));
      const spans = rows.filter((r) => r.post_id === post.id && shifts.has(r.shift)).map((r) => shiftSpan(r.date, shifts.get(r.shift)!));
      for (const g of uncovered(spans, from, to)) gaps.push({ postId: post.id, postName: post.name, from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString() });
    }
    return gaps;
  }

  /** For compliance (S-DUTY24): the published roster's gaps in [from, to), or null when the university has no command-centre post. */
  async commandCentreGaps(universityId: string, from: number, to: number): Promise<CoverageGap[] | null> {
    const posts = (await repo.posts(this.db, universityId)).filter((p) => p.command_centre === 1);
    return posts.length ? this.gapsOf(universityId, from, to, true) : null;
  }

  async assign(actor: Actor, input: DutyAssignmentInput): Promise<DutyAssignment> {
    const post = await repo.post(this.db, input.postId);
    if (!post || !inScope(actor, post.university_id)) throw invalidField('postId', 'no such post', 'exists');
    const problems: FieldProblem[] = [];
    if (!isRealDate(input.date)) problems.push({ field: 'date', reason: `${input.date} is not a date`, rule: 'format' });
    const shift = readJson<Shift[]>(post.shifts).find((s) => s.code === input.shift);
    if (!shift) problems.push({ field: 'shift', reason: `${post.name} has no shift ${input.shift}`, rule: 'exists' });
    const [person] = await this.accounts.people([input.accountId]);
    if (!person || person.universityId !== post.university_id || person.disabled) problems.push({ field: 'accountId', reason: 'no such account', rule: 'exists' });
    else if (post.command_centre === 1 && isRealDate(input.date)) {
      const valid = await repo.validOn(this.db, [person.id], input.date);
      if (!valid.length) problems.push({ field: 'accountId', reason: `无有效上岗证: ${person.displayName} holds no certificate valid on ${input.date}; a command-centre post needs a certified operator (S-CERT)`, rule: 'certificate' });
    }
    if (problems.length) throw invalid(problems);
    const row: AssignmentRow = { id: uuid7(), university_id: post.university_id, post_id: post.id, account_id: person!.id, date: input.date, shift: input.shift, created_at: this.clock.nowIso() };
    if (await repo.sameSlot(this.db, row)) throw invalidField('accountId', `${person!.displayName} is already on this shift`, 'unique');
    const presented = this.present(row, new Map([[post.id, post]]), new Map([[person!.id, person!.displayName]]));
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAssignment(trx, row);
      // Changing a published month is audited (a draft is the planner's own business until published).
      if ((await repo.month(trx, post.university_id, row.date.slice(0, 7)))?.state === 'published') {
        await this.audit.record(trx, actor, { action: 'roster_assign', entityType: 'duty_roster', entityId: row.id, universityId: post.university_id, after: presented });
      }
    });
    return presented;
  }

  async unassign(actor: Actor, id: string): Promise<void> {
    const row = assertInScope(actor, await repo.assignment(this.db, id), (r) => r.university_id, 'assignment');
    const post = await repo.post(this.db, row.post_id);
    const presented = this.present(row, new Map(post ? [[post.id, post]] : []), await this.names([row.account_id]));
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteAssignment(trx, id);
      if ((await repo.month(trx, row.university_id, row.date.slice(0, 7)))?.state === 'published') {
        await this.audit.record(trx, actor, { action: 'roster_unassign', entityType: 'duty_roster', entityId: id, universityId: row.university_id, before: presented });
      }
    });
  }

  /** 发布排班: the month's roster becomes binding (the coverage check reads published months); audited with its gaps. */
  async publish(actor: Actor, input: { month: string; universityId?: string }): Promise<DutyRoster> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const before = await repo.month(this.db, universityId, input.month);
    const now = this.clock.nowIso();
    const row: MonthRow = { university_id: universityId, month: input.month, state: 'published', published_at: now, published_by: actor.displayName };
    const days = daysOfMonth(input.month);
    const gaps = await this.gapsOf(universityId, beijingMidnight(days[0]!), beijingMidnight(days.at(-1)!) + DAY_MS, false);
    const count = (await repo.assignments(this.db, universityId, days[0]!, days.at(-1)!)).length;
    await this.db.transaction().execute(async (trx) => {
      await repo.publishMonth(trx, row);
      await this.audit.record(trx, actor, {
        action: 'roster_publish',
        entityType: 'duty_roster',
        entityId: input.month,
        universityId,
        before: before ? { state: before.state, publishedAt: before.published_at } : undefined,
        after: { month: input.month, state: 'published', assignments: count, gaps: gaps.length },
      });
    });
    return this.roster(actor, { month: input.month, universityId });
  }

  // ---- certificates ----

  private async presentCerts(rows: CertificateRow[]): Promise<Certificate[]> {
    const names = await this.names(rows.map((r) => r.account_id));
    const today = this.today();
    return rows.map((r) => ({
      id: r.id,
      universityId: r.university_id,
      accountId: r.account_id,
      accountName: names.get(r.account_id) ?? r.account_id,
      type: r.type,
      number: r.number,
      issuer: r.issuer,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      status: certificateStatus(r, today),
      scanSize: r.scan_size,
    }));
  }

  async certificates(actor: Actor, q: CertificateQuery): Promise<CertificatePage> {
    const universityId = listScope(actor, q.universityId);
    const today = this.today();
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const status = q.status === 'valid' ? { validOn: today, toFrom: today } : q.status === 'expiring' ? { validOn: today, toFrom: today, toUntil: addDays(today, EXPIRY_WARNING_DAYS) } : q.status === 'expired' ? { toUntil: addDays(today, -1) } : {};
    const { rows, total } = await repo.certificates(this.db, { universityId, accountId: q.accountId, ...status, page, pageSize });
    return { items: await this.presentCerts(rows), total, page, pageSize };
  }

  private async certFields(actor: Actor, input: CertificateInput) {
    const problems: FieldProblem[] = [];
    const [person] = await this.accounts.people([input.accountId]);
    if (!person || !person.universityId || !inScope(actor, person.universityId)) problems.push({ field: 'accountId', reason: 'no such account', rule: 'exists' });
    for (const f of ['type', 'number', 'issuer'] as const) if (!input[f].trim()) problems.push({ field: f, reason: 'must not be blank', rule: 'required' });
    if (!isRealDate(input.validFrom)) problems.push({ field: 'validFrom', reason: 'is not a date', rule: 'format' });
    if (!isRealDate(input.validTo)) problems.push({ field: 'validTo', reason: 'is not a date', rule: 'format' });
    else if (input.validTo < input.validFrom) problems.push({ field: 'validTo', reason: 'must not be before validFrom', rule: 'range' });
    if (problems.length) throw invalid(problems);
    return { university_id: person!.universityId!, account_id: person!.id, type: input.type.trim(), number: input.number.trim(), issuer: input.issuer.trim(), valid_from: input.validFrom, valid_to: input.validTo };
  }

  async createCertificate(actor: Actor, input: CertificateInput): Promise<Certificate> {
    const fields = await this.certFields(actor, input);
    const now = this.clock.nowIso();
    const row: CertificateRow = { id: uuid7(), ...fields, expiry_warned_at: null, scan_size: null, created_at: now, updated_at: now };
    const [cert] = await this.presentCerts([row]);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertCertificate(trx, row);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'duty_certificate', entityId: row.id, universityId: row.university_id, after: cert });
    });
    return cert!;
  }

  async updateCertificate(actor: Actor, id: string, input: CertificateInput): Promise<Certificate> {
    const before = assertInScope(actor, await repo.certificate(this.db, id), (r) => r.university_id, 'certificate');
    const fields = await this.certFields(actor, input);
    if (fields.university_id !== before.university_id) throw invalidField('accountId', 'no such account', 'exists');
    // A renewed certificate (a later last day) gets its own expiry warning.
    const changes = { ...fields, updated_at: this.clock.nowIso(), expiry_warned_at: fields.valid_to === before.valid_to ? before.expiry_warned_at : null };
    const [b, a] = await this.presentCerts([before, { ...before, ...changes }]);
    await this.db.transaction().execute(async (trx) => {
      await repo.updateCertificate(trx, id, changes);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'duty_certificate', entityId: id, universityId: before.university_id, before: b, after: a });
    });
    return a!;
  }

  /** Stores the certificate's scan: checked by its content (JPEG, PNG or WebP) and kept re-encoded as JPEG; audited. */
  async putScan(actor: Actor, id: string, contentType: string, upload: Buffer): Promise<Certificate> {
    const before = assertInScope(actor, await repo.certificate(this.db, id), (r) => r.university_id, 'certificate');
    if (!(SCAN_TYPES as readonly string[]).includes(contentType)) throw invalidField('content-type', `must be one of ${SCAN_TYPES.join(', ')}`);
    const photo = await normalizePhoto(upload).catch((error: unknown) => {
      throw error instanceof PhotoRejected ? invalidField('body', `the scan ${error.message}`, 'image') : error;
    });
    const changes = { scan: photo.bytes, scan_size: photo.bytes.length, updated_at: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await repo.updateCertificate(trx, id, changes);
      await this.audit.record(trx, actor, { action: 'scan_upload', entityType: 'duty_certificate', entityId: id, universityId: before.university_id, after: { size: changes.scan_size } });
    });
    const [cert] = await this.presentCerts([{ ...before, scan_size: changes.scan_size }]);
    return cert!;
  }

  async scan(actor: Actor, id: string): Promise<Buffer> {
    assertInScope(actor, await repo.certificate(this.db, id), (r) => r.university_id, 'certificate');
    const row = await repo.scan(this.db, id);
    if (!row?.scan) throw notFound('scan');
    return Buffer.from(row.scan);
  }

  async removeCertificate(actor: Actor, id: string): Promise<void> {
    const before = assertInScope(actor, await repo.certificate(this.db, id), (r) => r.university_id, 'certificate');
    const [b] = await this.presentCerts([before]);
    await this.db.transaction().execute(async (trx) => {
      await repo.deleteCertificate(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'duty_certificate', entityId: id, universityId: before.university_id, before: b });
    });
  }

  /**
   * 持证上岗 for acknowledging alarms (the alarms module asks through its port): enforced once a
   * university keeps certificate records at all (a university that has not started recording
   * them is not locked out of its own alarms); then a university account needs a certificate
   * valid today. City-wide accounts are not on a university's duty and are not asked.
   */
  async acknowledgeRefusal(actor: Actor, universityId: string, nowMs: number): Promise<{ field: string; reason: string; rule: string } | null> {
    if (actor.universityId === null || actor.universityId !== universityId) return null;
    if (!(await repo.hasAnyCertificate(this.db, universityId))) return null;
    const valid = await repo.validOn(this.db, [actor.id], beijingDate(nowMs));
    return valid.length ? null : { field: 'certificate', reason: `无有效上岗证: ${actor.displayName} holds no operator certificate valid today (S-CERT)`, rule: 'certificate' };
  }

  /**
   * S-CERT (技防操作人员全面做到持证上岗): the university's enabled operators without a certificate
   * valid on `date`, with the last day of their latest one (null: never certified); null when the
   * university keeps no certificates at all.
   */
  async uncertifiedOperators(universityId: string, date: string): Promise<{ accountId: string; name: string; lastValidTo: string | null }[] | null> {
    if (!(await repo.hasAnyCertificate(this.db, universityId))) return null;
    const { items } = await this.accounts.list(SYSTEM_ACTOR, { universityId, page: 1, pageSize: 500 });
    const operators = items.filter((u) => u.role === 'operator' && !u.disabled);
    const valid = new Set((await repo.validOn(this.db, operators.map((u) => u.id), date)).map((c) => c.account_id));
    const { rows } = await repo.certificates(this.db, { universityId, page: 1, pageSize: 10_000 });
    const last = new Map<string, string>();
    for (const r of rows) if ((last.get(r.account_id) ?? '') < r.valid_to) last.set(r.account_id, r.valid_to);
    return operators.filter((u) => !valid.has(u.id)).map((u) => ({ accountId: u.id, name: u.displayName, lastValidTo: last.get(u.id) ?? null }));
  }

  /**
   * Who holds a certificate valid on a date, for a university that keeps certificates (the demo
   * history picks its operators on duty with it); null when the university keeps none.
   */
  async certifiedCheck(universityId: string): Promise<((accountId: string, date: string) => boolean) | null> {
    if (!(await repo.hasAnyCertificate(this.db, universityId))) return null;
    const { rows } = await repo.certificates(this.db, { universityId, page: 1, pageSize: 10_000 });
    const spans = new Map<string, { from: string; to: string }[]>();
    for (const r of rows) spans.set(r.account_id, [...(spans.get(r.account_id) ?? []), { from: r.valid_from, to: r.valid_to }]);
    return (accountId, date) => (spans.get(accountId) ?? []).some((c) => c.from <= date && c.to >= date);
  }

  /**
   * Who the published roster puts on command-centre posts in [fromMs, toMs) (shifts overlapping
   * the window), with each shift's exact span: the handover's outgoing and incoming shifts and
   * the operators and duty leader an alarm is routed to read it. Drafts do not count.
   */
  commandShifts(universityId: string, fromMs: number, toMs: number): Promise<CommandShift[]> {
    return this.rosteredShifts(universityId, fromMs, toMs, (p) => p.command_centre === 1);
  }

  /**
   * 按值班出警: the guards the published roster has on gatehouse and patrol-team posts at `atMs`;
   * null when no such post has a published assignment within a day of it (dispatch then keeps
   * its own rule: a phone position in the last 30 minutes).
   */
  async guardsOnDuty(universityId: string, atMs: number): Promise<string[] | null> {
    const shifts = await this.rosteredShifts(universityId, atMs - DAY_MS, atMs + DAY_MS, (p) => p.kind === 'gatehouse' || p.kind === 'patrol_team');
    if (!shifts.length) return null;
    return [...new Set(shifts.filter((s) => s.from <= atMs && atMs < s.to).map((s) => s.accountId))];
  }

  private async rosteredShifts(universityId: string, fromMs: number, toMs: number, which: (p: PostRow) => boolean): Promise<CommandShift[]> {
    const posts = new Map((await repo.posts(this.db, universityId)).filter(which).map((p) => [p.id, p]));
    if (!posts.size) return [];
    const rows = (await repo.assignments(this.db, universityId, beijingDate(fromMs - DAY_MS), beijingDate(toMs))).filter((r) => posts.has(r.post_id));
    if (!rows.length) return [];
    const months = [...new Set(rows.map((r) => r.date.slice(0, 7)))];
    const published = new Set((await repo.months(this.db, universityId, months)).filter((m) => m.state === 'published').map((m) => m.month));
    const names = await this.names([...new Set(rows.map((r) => r.account_id))]);
    const out: CommandShift[] = [];
    for (const r of rows) {
      if (!published.has(r.date.slice(0, 7))) continue;
      const post = posts.get(r.post_id)!;
      const shift = readJson<Shift[]>(post.shifts).find((s) => s.code === r.shift);
      if (!shift) continue;
      const span = shiftSpan(r.date, shift);
      if (span.to <= fromMs || span.from >= toMs) continue;
      out.push({ assignmentId: r.id, accountId: r.account_id, accountName: names.get(r.account_id) ?? r.account_id, postId: post.id, postName: post.name, postKind: post.kind as DutyPost['kind'], date: r.date, shift: r.shift, shiftName: shift.name, from: span.from, to: span.to });
    }
    return out.sort((a, b) => a.from - b.from || a.postName.localeCompare(b.postName));
  }

  /**
   * 按值班分派: whom an alarm raised at `atMs` goes to: the operators the published roster puts
   * on command-centre posts then, and the duty leader (a duty_leader post) escalation goes to;
   * null when nobody is rostered (the university keeps today's behaviour: everyone sees it).
   */
  async routeOf(universityId: string, atMs: number): Promise<{ operators: { id: string; name: string }[]; leaders: { id: string; name: string }[] } | null> {
    const on = (await this.commandShifts(universityId, atMs, atMs + 1)).filter((s) => s.from <= atMs && atMs < s.to);
    if (!on.length) return null;
    const people = (kind: (k: string) => boolean) => [...new Map(on.filter((s) => kind(s.postKind)).map((s) => [s.accountId, { id: s.accountId, name: s.accountName }])).values()];
    return { operators: people((k) => k !== 'duty_leader'), leaders: people((k) => k === 'duty_leader') };
  }

  /** 持证上岗 for taking over a command-centre shift: the same rule as acknowledging an alarm (enforced once the university keeps certificates). */
  async certificateRefusal(universityId: string, accountId: string, displayName: string, date: string): Promise<string | null> {
    if (!(await repo.hasAnyCertificate(this.db, universityId))) return null;
    const valid = await repo.validOn(this.db, [accountId], date);
    return valid.length ? null : `无有效上岗证: ${displayName} holds no operator certificate valid on ${date} (S-CERT)`;
  }

  // ---- the periodic check ----

  /**
   * Raises `duty.coverage_gap` for each gap of the published roster in the coming days (once per
   * gap: one overlapping a gap raised before is not raised again) and
   * `duty.certificate_expiring` once per certificate ending within 30 days.
   */
  async sweep(): Promise<{ gaps: number; expiring: number }> {
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    let raised = 0;
    for (const universityId of await this.org.universityIds()) raised += await this.checkCoverage(universityId);
    const today = beijingDate(nowMs);
    const expiring = await repo.expiringUnwarned(this.db, today, addDays(today, EXPIRY_WARNING_DAYS));
    const names = await this.names(expiring.map((c) => c.account_id));
    for (const c of expiring) {
      const daysLeft = Math.round((Date.parse(`${c.valid_to}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
      await this.writer.append({
        id: uuid7(),
        source: 'platform',
        sourceEventId: `duty.certificate_expiring:${c.id}:${c.valid_to}`,
        orgId: c.university_id,
        deviceId: `duty-certificate:${c.id}`,
        kind: 'duty.certificate_expiring',
        severity: 'minor',
        occurredAt: now,
        receivedAt: now,
        payload: { certificateId: c.id, accountName: (names.get(c.account_id) ?? c.account_id).slice(0, 60), certificateType: c.type.slice(0, 60), certificateNo: c.number.slice(0, 60), validTo: c.valid_to, daysLeft },
      } satisfies DeviceEvent<'duty.certificate_expiring'>);
      await repo.updateCertificate(this.db, c.id, { expiry_warned_at: now });
    }
    return { gaps: raised, expiring: expiring.length };
  }

  /**
   * Raises `duty.coverage_gap` for each gap of the university's published roster in the coming
   * days not raised before; the sweep runs it every minute, an approved swap at once.
   */
  async checkCoverage(universityId: string): Promise<number> {
    const nowMs = this.clock.now();
    const now = new Date(nowMs).toISOString();
    let raised = 0;
    // From a day back, so that a gap going on now keeps the start it had.
    const gaps = await this.gapsOf(universityId, nowMs - DAY_MS, nowMs + GAP_LOOKAHEAD_DAYS * DAY_MS, true);
    for (const g of gaps) {
      if (Date.parse(g.to) <= nowMs) continue;
      if (await repo.reportedOverlapping(this.db, g.postId, g.from, g.to)) continue;
      const hours = Math.round(((Date.parse(g.to) - Date.parse(g.from)) / 3_600_000) * 100) / 100;
      await this.writer.append({
        id: uuid7(),
        source: 'platform',
        sourceEventId: `duty.coverage_gap:${g.postId}:${g.from}`,
        orgId: universityId,
        deviceId: `duty-post:${g.postId}`,
        kind: 'duty.coverage_gap',
        severity: 'major',
        occurredAt: now,
        receivedAt: now,
        payload: { postId: g.postId, postName: g.postName.slice(0, 40), from: g.from, to: g.to, hours },
      } satisfies DeviceEvent<'duty.coverage_gap'>);
      await repo.insertGapReport(this.db, { id: uuid7(), university_id: universityId, post_id: g.postId, gap_from: g.from, gap_to: g.to, reported_at: now });
      raised++;
    }
    return raised;
  }

  // ---- reads for other modules ----

  /**
   * For duty statistics: a month's posts and roster (assignments with their instants and
   * names), whether it is published, the gaps of the published roster in the month, and every
   * certificate of the accounts on command-centre posts.
   */
  async monthFacts(universityId: string, month: string) {
    const days = daysOfMonth(month);
    const from = beijingMidnight(days[0]!);
    const to = beijingMidnight(days.at(-1)!) + DAY_MS;
    const [postRows, rows, state] = await Promise.all([repo.posts(this.db, universityId), repo.assignments(this.db, universityId, days[0]!, days.at(-1)!), repo.month(this.db, universityId, month)]);
    const posts = new Map(postRows.map((p) => [p.id, p]));
    const names = await this.names([...new Set(rows.map((r) => r.account_id))]);
    const assignments = rows.map((r) => this.present(r, posts, names));
    const ccAccounts = [...new Set(rows.filter((r) => posts.get(r.post_id)?.command_centre === 1).map((r) => r.account_id))];
    const certificates = (await repo.certificatesOf(this.db, ccAccounts)).map((c) => ({ accountId: c.account_id, type: c.type, validFrom: c.valid_from, validTo: c.valid_to }));
    return {
      from,
      to,
      published: state?.state === 'published',
      posts: postRows.map(toPost),
      assignments,
      gaps: await this.gapsOf(universityId, from, to, true),
      certificates,
      today: this.today(),
    };
  }

  /** The demo seed's duty data, in its transaction, without audit entries of their own. */
  async loadBulk(work: Work, d: { posts: PostRow[]; assignments: AssignmentRow[]; months: MonthRow[]; certificates: CertificateRow[]; swaps?: SwapRow[] }): Promise<void> {
    const db = ownTables<'duty'>(work);
    if (d.posts.length) await db.insertInto('duty_posts').values(d.posts).execute();
    for (let i = 0; i < d.assignments.length; i += 200) await db.insertInto('duty_assignments').values(d.assignments.slice(i, i + 200)).execute();
    if (d.months.length) await db.insertInto('duty_months').values(d.months).execute();
    if (d.certificates.length) await db.insertInto('duty_certificates').values(d.certificates).execute();
    if (d.swaps?.length) await db.insertInto('duty_swaps').values(d.swaps).execute();
  }
}

