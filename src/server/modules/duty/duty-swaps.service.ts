import { shiftSpan, type Shift } from '../../../shared/duty.ts';
import { OPEN_SWAP_STATES, type DutySwap, type SwapDecision, type SwapInput, type SwapPage, type SwapQuery, type SwapShift, type SwapState } from '../../../shared/duty-swaps.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import type { Clock } from '../../clock.ts';
import { conflict, forbidden, invalid, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, permissionsOf } from '../../http/policy.ts';
import { readJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AuditService } from '../audit/index.ts';
import { dutyRepository as repo, type AssignmentRow, type PostRow, type SwapRow } from './duty.repository.ts';

const DAY_MS = 86_400_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** The checks run against the roster, at the request and again at the approval. */
interface Plan {
  a: AssignmentRow;
  b: AssignmentRow | null;
  posts: Map<string, PostRow>;
}

/**
 * 换班: swaps of shifts between two people on the roster. Request (the assignment's holder, or a
 * director for them) → the other person agrees or declines → a director (duty.write) or the duty
 * leader on duty at the time approves or rejects. Approval moves the assignments in one audited
 * transaction; a published month stays published and its coverage is checked again.
 */
export class DutySwapService {
  constructor(
    private readonly db: ModuleDb<'duty'>,
    private readonly accounts: Pick<AccountsService, 'people'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
    /** Runs the coverage check of a university now (raises gaps of its published roster). */
    private readonly recheckCoverage: (universityId: string) => Promise<unknown>,
  ) {}

  private canApproveAll(actor: Actor) {
    return (permissionsOf(actor.role) as readonly string[]).includes('duty.write');
  }

  /** Whether the actor holds a duty-leader post on a shift going on now. */
  private async isLeaderOnDuty(actor: Actor, universityId: string): Promise<boolean> {
    if (actor.universityId !== universityId) return false;
    const now = this.clock.now();
    const today = beijingDate(now);
    const mine = await repo.assignmentsOf(this.db, actor.id, addDays(today, -1), today);
    if (!mine.length) return false;
    const posts = new Map((await repo.postsByIds(this.db, [...new Set(mine.map((m) => m.post_id))])).map((p) => [p.id, p]));
    return mine.some((m) => {
      const post = posts.get(m.post_id);
      const shift = post?.kind === 'duty_leader' ? readJson<Shift[]>(post.shifts).find((s) => s.code === m.shift) : undefined;
      if (!shift) return false;
      const span = shiftSpan(m.date, shift);
      return span.from <= now && now < span.to;
    });
  }

  private side(a: AssignmentRow, posts: ReadonlyMap<string, PostRow>): SwapShift {
    const post = posts.get(a.post_id);
    const shift = post ? readJson<Shift[]>(post.shifts).find((s) => s.code === a.shift) : undefined;
    const span = shift ? shiftSpan(a.date, shift) : { from: 0, to: 0 };
    return {
      assignmentId: a.id,
      postId: a.post_id,
      postName: post?.name ?? a.post_id,
      commandCentre: post?.command_centre === 1,
      date: a.date,
      shift: a.shift,
      shiftName: shift?.name ?? a.shift,
      from: new Date(span.from).toISOString(),
      to: new Date(span.to).toISOString(),
    };
  }

  private spanOf(a: Pick<AssignmentRow, 'post_id' | 'date' | 'shift'>, posts: ReadonlyMap<string, PostRow>) {
    const post = posts.get(a.post_id);
    const shift = post ? readJson<Shift[]>(post.shifts).find((s) => s.code === a.shift) : undefined;
    return shift ? shiftSpan(a.date, shift) : null;
  }

  private async present(rows: SwapRow[]): Promise<DutySwap[]> {
    const people = await this.accounts.people(rows.flatMap((r) => [r.requester_id, r.target_id]));
    const names = new Map(people.map((p) => [p.id, p.displayName]));
    const posts = new Map((await repo.postsByIds(this.db, [...new Set(rows.flatMap((r) => (r.target_post_id ? [r.post_id, r.target_post_id] : [r.post_id])))])).map((p) => [p.id, p]));
    return rows.map((r) => ({
      id: r.id,
      universityId: r.university_id,
      kind: r.kind as DutySwap['kind'],
      state: r.state as SwapState,
      requesterId: r.requester_id,
      requesterName: names.get(r.requester_id) ?? r.requester_id,
      targetId: r.target_id,
      targetName: names.get(r.target_id) ?? r.target_id,
      shift: this.side({ id: r.assignment_id, post_id: r.post_id, date: r.date, shift: r.shift } as AssignmentRow, posts),
      targetShift: r.target_assignment_id && r.target_post_id && r.target_date && r.target_shift ? this.side({ id: r.target_assignment_id, post_id: r.target_post_id, date: r.target_date, shift: r.target_shift } as AssignmentRow, posts) : null,
      reason: r.reason,
      requestedAt: r.requested_at,
      answeredAt: r.answered_at,
      decidedAt: r.decided_at,
      decidedBy: r.decided_by_name,
      note: r.note,
    }));
  }

  /**
   * The roster after the swap would be sound: both shifts still ahead, each person not already on
   * the shift they take nor on another shift overlapping it (double-booking), and a
   * command-centre post taken only by someone with a certificate valid on its date (S-CERT).
   * Problems name the field of the person or assignment concerned.
   */
  private async check(plan: Plan, requesterId: string, targetId: string): Promise<void> {
    const problems: FieldProblem[] = [];
    const now = this.clock.now();
    const { a, b, posts } = plan;
    const spanA = this.spanOf(a, posts);
    if (!spanA || spanA.from <= now) problems.push({ field: 'assignmentId', reason: 'the shift has already begun; only shifts still ahead can be swapped', rule: 'future' });
    if (b) {
      const spanB = this.spanOf(b, posts);
      if (!spanB || spanB.from <= now) problems.push({ field: 'targetAssignmentId', reason: 'the shift has already begun; only shifts still ahead can be swapped', rule: 'future' });
      if (b.post_id === a.post_id && b.date === a.date && b.shift === a.shift) problems.push({ field: 'targetAssignmentId', reason: 'both people are on this same shift; nothing to exchange', rule: 'distinct' });
    }
    const [target, requester] = await this.accounts.people([targetId, requesterId]).then((p) => [p.find((x) => x.id === targetId), p.find((x) => x.id === requesterId)]);
    if (!target || target.universityId !== a.university_id || target.disabled) problems.push({ field: 'targetId', reason: 'no such account', rule: 'exists' });
    if (problems.length) throw invalid(problems);
    // Who takes which shift, and which of their own shifts they leave (not counted as a clash).
    const moves: { who: NonNullable<typeof target>; field: 'targetId' | 'targetAssignmentId'; takes: AssignmentRow; leaves: AssignmentRow | null }[] = [{ who: target!, field: 'targetId', takes: a, leaves: b }];
    if (b && requester) moves.push({ who: requester, field: 'targetAssignmentId', takes: b, leaves: a });
    for (const m of moves) {
      const span = this.spanOf(m.takes, posts)!;
      const theirs = (await repo.assignmentsOf(this.db, m.who.id, addDays(m.takes.date, -1), addDays(m.takes.date, 1))).filter((x) => x.id !== m.leaves?.id);
      const extra = await repo.postsByIds(this.db, [...new Set(theirs.map((x) => x.post_id))].filter((id) => !posts.has(id)));
      for (const p of extra) posts.set(p.id, p);
      const clash = theirs.find((x) => {
        if (x.post_id === m.takes.post_id && x.date === m.takes.date && x.shift === m.takes.shift) return true;
        const s = this.spanOf(x, posts);
        return s !== null && s.from < span.to && span.from < s.to;
      });
      if (clash) {
        const c = this.side(clash, posts);
        problems.push({ field: m.field, reason: `重复排班: ${m.who.displayName} is already on ${c.postName} ${c.date} ${c.shiftName}, which overlaps this shift`, rule: 'double_booked' });
      }
      if (posts.get(m.takes.post_id)?.command_centre === 1) {
        const valid = await repo.validOn(this.db, [m.who.id], m.takes.date);
        if (!valid.length) problems.push({ field: m.field, reason: `无有效上岗证: ${m.who.displayName} holds no certificate valid on ${m.takes.date}; a command-centre post needs a certified operator (S-CERT)`, rule: 'certificate' });
      }
    }
    if (problems.length) throw invalid(problems);
  }

  private async postsOf(...rows: (AssignmentRow | null | undefined)[]) {
    const ids = [...new Set(rows.flatMap((r) => (r ? [r.post_id] : [])))];
    return new Map((await repo.postsByIds(this.db, ids)).map((p) => [p.id, p]));
  }

  async request(actor: Actor, input: SwapInput): Promise<DutySwap> {
    const a = await repo.assignment(this.db, input.assignmentId);
    if (!a || (actor.universityId !== null && actor.universityId !== a.university_id)) throw invalidField('assignmentId', 'no such assignment', 'exists');
    if (a.account_id !== actor.id && !this.canApproveAll(actor)) throw invalidField('assignmentId', 'you can only ask to swap your own shift', 'own');
    if (input.targetId === a.account_id) throw invalidField('targetId', 'must be someone else than the person on the shift', 'distinct');
    let b: AssignmentRow | null = null;
    if (input.targetAssignmentId !== undefined) {
      b = (await repo.assignment(this.db, input.targetAssignmentId)) ?? null;
      if (!b || b.university_id !== a.university_id) throw invalidField('targetAssignmentId', 'no such assignment', 'exists');
      if (b.account_id !== input.targetId) throw invalidField('targetAssignmentId', 'is not a shift of the person named in targetId', 'owner');
    }
    const open = await repo.openSwapsOn(this.db, [a.id, ...(b ? [b.id] : [])]);
    if (open.length) throw invalidField(open.some((o) => o.assignment_id === a.id || o.target_assignment_id === a.id) ? 'assignmentId' : 'targetAssignmentId', 'a swap of this shift is already waiting for an answer or approval', 'pending');
    const plan = { a, b, posts: await this.postsOf(a, b) };
    await this.check(plan, a.account_id, input.targetId);
    const now = this.clock.nowIso();
    const row: SwapRow = {
      id: uuid7(),
      university_id: a.university_id,
      kind: b ? 'exchange' : 'give',
      state: 'requested',
      requester_id: a.account_id,
      target_id: input.targetId,
      assignment_id: a.id,
      post_id: a.post_id,
      date: a.date,
      shift: a.shift,
      target_assignment_id: b?.id ?? null,
      target_post_id: b?.post_id ?? null,
      target_date: b?.date ?? null,
      target_shift: b?.shift ?? null,
      reason: (input.reason ?? '').replace(/\s+/g, ' ').trim(),
      requested_by: actor.id,
      requested_at: now,
      answered_at: null,
      decided_at: null,
      decided_by: null,
      decided_by_name: null,
      note: null,
    };
    const [swap] = await this.present([row]);
    await this.db.transaction().execute(async (trx) => {
      await repo.insertSwap(trx, row);
      await this.audit.record(trx, actor, { action: 'swap_request', entityType: 'duty_swap', entityId: row.id, universityId: row.university_id, after: swap });
    });
    return swap!;
  }

  private async load(actor: Actor, id: string): Promise<SwapRow> {
    return assertInScope(actor, await repo.swap(this.db, id), (r) => r.university_id, 'swap');
  }

  private async move(actor: Actor, before: SwapRow, to: SwapState, changes: Partial<SwapRow>, action: string): Promise<DutySwap> {
    const after = { ...before, ...changes, state: to };
    const [b, a] = await this.present([before, after]);
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.updateSwap(trx, before.id, before.state, { ...changes, state: to }))) throw conflict('the swap was answered or decided meanwhile; reload it');
      await this.audit.record(trx, actor, { action, entityType: 'duty_swap', entityId: before.id, universityId: before.university_id, before: b, after: a });
    });
    return a!;
  }

  private expectState(row: SwapRow, states: readonly SwapState[]) {
    if (!states.includes(row.state as SwapState)) throw invalidField('state', `the swap is ${row.state}; this needs ${states.join(' or ')}`, 'state');
  }

  /** The other person agrees; the swap waits for approval. */
  async agree(actor: Actor, id: string): Promise<DutySwap> {
    const row = await this.load(actor, id);
    if (row.target_id !== actor.id) throw forbidden('only the person asked can agree');
    this.expectState(row, ['requested']);
    return this.move(actor, row, 'agreed', { answered_at: this.clock.nowIso() }, 'swap_agree');
  }

  async decline(actor: Actor, id: string, d: SwapDecision): Promise<DutySwap> {
    const row = await this.load(actor, id);
    if (row.target_id !== actor.id) throw forbidden('only the person asked can decline');
    this.expectState(row, ['requested']);
    const now = this.clock.nowIso();
    return this.move(actor, row, 'declined', { answered_at: now, decided_at: now, decided_by: actor.id, decided_by_name: actor.displayName, note: d.note?.trim() || null }, 'swap_decline');
  }

  /** The requester (or whoever asked for them) withdraws a swap not yet decided. */
  async cancel(actor: Actor, id: string): Promise<DutySwap> {
    const row = await this.load(actor, id);
    if (row.requester_id !== actor.id && row.requested_by !== actor.id) throw forbidden('only the requester can cancel');
    this.expectState(row, OPEN_SWAP_STATES);
    return this.move(actor, row, 'cancelled', { decided_at: this.clock.nowIso(), decided_by: actor.id, decided_by_name: actor.displayName }, 'swap_cancel');
  }

  private async assertApprover(actor: Actor, row: SwapRow) {
    if (actor.id === row.requester_id || actor.id === row.target_id) throw forbidden('a swap is approved by someone other than the two people swapping');
    if (!this.canApproveAll(actor) && !(await this.isLeaderOnDuty(actor, row.university_id))) throw forbidden('approving a swap needs the security director or the duty leader on duty');
  }

  async reject(actor: Actor, id: string, d: SwapDecision): Promise<DutySwap> {
    const row = await this.load(actor, id);
    await this.assertApprover(actor, row);
    this.expectState(row, OPEN_SWAP_STATES);
    return this.move(actor, row, 'rejected', { decided_at: this.clock.nowIso(), decided_by: actor.id, decided_by_name: actor.displayName, note: d.note?.trim() || null }, 'swap_reject');
  }

  /**
   * Approves an agreed swap: the roster is checked again as it stands now (the shifts still with
   * the same people, certificates, double-booking), the assignments change hands and the swap,
   * the roster change and both audit entries commit together. A published month stays
   * published; its coverage check runs again afterwards.
   */
  async approve(actor: Actor, id: string, d: SwapDecision): Promise<DutySwap> {
    const row = await this.load(actor, id);
    await this.assertApprover(actor, row);
    this.expectState(row, ['agreed']);
    const a = await repo.assignment(this.db, row.assignment_id);
    if (!a || a.account_id !== row.requester_id) throw invalidField('assignmentId', 'the shift is no longer on the roster with the requester; reject this swap', 'changed');
    let b: AssignmentRow | null = null;
    if (row.target_assignment_id) {
      b = (await repo.assignment(this.db, row.target_assignment_id)) ?? null;
      if (!b || b.account_id !== row.target_id) throw invalidField('targetAssignmentId', 'the shift is no longer on the roster with the other person; reject this swap', 'changed');
    }
    const plan = { a, b, posts: await this.postsOf(a, b) };
    await this.check(plan, row.requester_id, row.target_id);
    const now = this.clock.nowIso();
    const changes: Partial<SwapRow> = { decided_at: now, decided_by: actor.id, decided_by_name: actor.displayName, note: d.note?.trim() || null };
    const after = { ...row, ...changes, state: 'approved' };
    const [before, approved] = await this.present([row, after]);
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.updateSwap(trx, row.id, 'agreed', { ...changes, state: 'approved' }))) throw conflict('the swap was decided meanwhile; reload it');
      await repo.setAssignmentAccount(trx, a.id, row.target_id);
      if (b) await repo.setAssignmentAccount(trx, b.id, row.requester_id);
      await this.audit.record(trx, actor, { action: 'swap_approve', entityType: 'duty_swap', entityId: row.id, universityId: row.university_id, before, after: approved });
      await this.audit.record(trx, actor, {
        action: 'roster_swap',
        entityType: 'duty_roster',
        entityId: a.id,
        universityId: row.university_id,
        before: { assignments: [{ id: a.id, accountId: a.account_id }, ...(b ? [{ id: b.id, accountId: b.account_id }] : [])] },
        after: { swapId: row.id, assignments: [{ id: a.id, accountId: row.target_id }, ...(b ? [{ id: b.id, accountId: row.requester_id }] : [])] },
      });
    });
    await this.recheckCoverage(row.university_id);
    return approved!;
  }

  async list(actor: Actor, q: SwapQuery): Promise<SwapPage> {
    const universityId = listScope(actor, q.universityId);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const states = q.state === 'open' ? [...OPEN_SWAP_STATES] : q.state ? [q.state] : undefined;
    // Approvers see the university's swaps; everyone else the swaps they are part of (a duty leader approves from the list of those shown to them when on duty).
    const all = this.canApproveAll(actor) || (universityId !== null && (await this.isLeaderOnDuty(actor, universityId)));
    if (universityId === null && actor.universityId === null && !all) return { items: [], total: 0, page, pageSize };
    const { rows, total } = await repo.swaps(this.db, { universityId, accountId: all ? undefined : actor.id, states, page, pageSize });
    return { items: await this.present(rows), total, page, pageSize };
  }
}
