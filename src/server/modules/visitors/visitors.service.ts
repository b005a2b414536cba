import type { FieldProblem } from '../../../shared/error-codes.ts';
import { PLATE_PATTERN, normalizePlate } from '../../../shared/vehicles.ts';
import { VISIT_GATE_KINDS, VISIT_LIMITS, type GateMove, type PassScan, type PassVerdict, type Visit, type VisitDecision, type VisitGate, type VisitInput, type VisitLogEntry, type VisitPage, type VisitPass, type VisitQuery, type VisitState } from '../../../shared/visitors.ts';
import type { Clock } from '../../clock.ts';
import { forbidden, invalid, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, can, inScope, listScope } from '../../http/policy.ts';
import { writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import { checkIdNumber, checkPhone } from '../people/index.ts';
import { judgePass, newPassToken } from './visit-pass.ts';
import { gateIdsOf, toLogEntry, toVisit, visitSearchText, visitorsRepository as repo, type VisitLogRow, type VisitRow } from './visitors.repository.ts';

const PLATE = new RegExp(PLATE_PATTERN);
const GATE_KINDS: readonly string[] = VISIT_GATE_KINDS;

/** Who or what let a visitor through: an account at the gatehouse, or a gate reader's event. */
export interface PassWitness {
  actorName: string | null;
  /** The log entry's id: a device event's own id, so the same event is recorded once. */
  logId: string;
}

/**
 * 访客: visits a host registers, the security office approves or rejects, and the pass the gate
 * checks (visit-pass.ts). Phone and id number leave masked; the pass token only through `pass`.
 * Every change is audited (masked) and logged on the visit.
 */
/** A visitor's pass at a gate, from the visit log. */
export interface GatePass {
  id: string;
  at: string;
  action: 'checked_in' | 'checked_out';
  direction: 'in' | 'out' | null;
  deviceId: string;
  /** Recorded by a guard at the gate (no device event). */
  byHand: boolean;
}

export class VisitorsService {
  constructor(
    private readonly db: ModuleDb<'visitors'>,
    private readonly devices: Pick<DevicesService, 'byIds' | 'ofUniversity'>,
    private readonly org: Pick<OrgService, 'unit'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  private async gateNames(rows: readonly VisitRow[]): Promise<Map<string, string>> {
    const devices = await this.devices.byIds(rows.flatMap(gateIdsOf));
    return new Map(devices.map((d) => [d.id, d.name]));
  }

  async present(row: VisitRow): Promise<Visit> {
    return toVisit(row, await this.gateNames([row]), this.clock.now());
  }

  async list(actor: Actor, q: VisitQuery): Promise<VisitPage> {
    const { rows, total } = await repo.list(this.db, listScope(actor, undefined), { ...q, ...(q.mine ? { hostId: actor.id } : {}) }, this.clock.now());
    const names = await this.gateNames(rows);
    return { items: rows.map((r) => toVisit(r, names, this.clock.now())), total, page: q.page ?? 1, pageSize: q.pageSize ?? 50 };
  }

  async get(actor: Actor, id: string): Promise<Visit> {
    return this.present(await this.row(actor, id));
  }

  private async row(actor: Actor, id: string): Promise<VisitRow> {
    return assertInScope(actor, await repo.find(this.db, id), (r) => r.university_id, 'visit');
  }

  /**
   * For a trajectory (module trajectory checks the permission, asks the reason and audits): what a
   * visit is followed by — its pass's QR token and its plate — and its passes at the gates, with
   * the ones a guard recorded by hand (they have no device event). Null when not a visit of the university.
   */
  async followed(universityId: string, visitId: string): Promise<{ visitorName: string; hostName: string; plate: string | null; passToken: string | null; createdAt: string; passes: GatePass[] } | null> {
    const row = await repo.find(this.db, visitId);
    if (!row || row.university_id !== universityId) return null;
    const passes = (await repo.logOf(this.db, visitId)).flatMap((r): GatePass[] =>
      (r.action === 'checked_in' || r.action === 'checked_out') && r.device_id
        ? [{ id: r.id, at: r.at, action: r.action, direction: r.direction === 'in' || r.direction === 'out' ? r.direction : null, deviceId: r.device_id, byHand: r.actor_name !== null }]
        : [],
    );
    return { visitorName: row.visitor_name, hostName: row.host_name, plate: row.plate, passToken: row.pass_token, createdAt: row.created_at, passes };
  }

  /** Visits of a university whose visitor, host or plate contains `text`, newest first (trajectory candidates). */
  async matching(universityId: string, text: string, limit: number): Promise<{ id: string; visitorName: string; hostName: string; windowFrom: string }[]> {
    const { rows } = await repo.list(this.db, universityId, { q: text, page: 1, pageSize: limit }, this.clock.now());
    return rows.map((r) => ({ id: r.id, visitorName: r.visitor_name, hostName: r.host_name, windowFrom: r.window_from }));
  }

  async log(actor: Actor, id: string): Promise<VisitLogEntry[]> {
    await this.row(actor, id);
    const rows = await repo.logOf(this.db, id);
    const devices = await this.devices.byIds(rows.flatMap((r) => (r.device_id ? [r.device_id] : [])));
    const names = new Map(devices.map((d) => [d.id, d.name]));
    return rows.map((r) => toLogEntry(r, names));
  }

  /** The gates, turnstiles, barriers and doors a visit may name: of the actor's university (city-wide accounts name one). */
  async gates(actor: Actor, requested?: string): Promise<VisitGate[]> {
    const universityId = listScope(actor, requested);
    if (universityId === null) return [];
    const devices = await this.devices.ofUniversity(universityId);
    return devices
      .filter((d) => GATE_KINDS.includes(d.kind) && d.status === 'in_service')
      .map((d) => ({ id: d.id, name: d.name, kind: d.kind, campusId: d.campusId }))
      // Entrances first (people gates, then vehicle barriers), then doors of buildings.
      .sort((a, b) => GATE_KINDS.indexOf(a.kind) - GATE_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name, 'zh-CN'));
  }

  /** 访客预约: the actor registers a visit as its host; it waits for the security office's approval. */
  async create(actor: Actor, input: VisitInput): Promise<Visit> {
    const fields = await this.checked(actor, input);
    const now = this.clock.nowIso();
    const row: VisitRow = {
      id: uuid7(),
      ...fields,
      host_id: actor.id,
      host_name: actor.displayName,
      state: 'pending',
      pass_token: null,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      checked_in_at: null,
      checked_out_at: null,
      overstay_reported_at: null,
      search_text: '',
      created_at: now,
      updated_at: now,
    };
    row.search_text = visitSearchText(row);
    const visit = await this.present(row);
    await this.db.transaction().execute(async (trx) => {
      await repo.insert(trx, row);
      await repo.log(trx, this.entry(row, 'registered', actor.displayName));
      await this.audit.record(trx, actor, { action: 'create', entityType: 'visit', entityId: row.id, universityId: row.university_id, after: visit });
    });
    return visit;
  }

  /** The row fields from the input, checked, with one problem per offending field. */
  private async checked(actor: Actor, input: VisitInput) {
    const problems: FieldProblem[] = [];
    const bad = (field: string, reason: string, rule?: string) => void problems.push({ field, reason, rule });
    const visitorName = input.visitorName.replace(/\s+/g, ' ').trim();
    if (!visitorName) bad('visitorName', 'must not be blank', 'required');
    const phone = checkPhone(input.visitorPhone, 'visitorPhone');
    if (!phone.ok) problems.push(phone.problem);
    const idNumber = input.visitorIdNumber?.trim() ? checkIdNumber(input.visitorIdNumber, 'visitorIdNumber') : null;
    if (idNumber && !idNumber.ok) problems.push(idNumber.problem);
    const plate = input.plate?.trim() ? normalizePlate(input.plate) : null;
    if (plate && !PLATE.test(plate)) bad('plate', `${input.plate} is not a mainland plate (e.g. 沪A12345)`, 'pattern');
    const reason = input.reason.replace(/\s+/g, ' ').trim();
    if (!reason) bad('reason', 'must say why the visitor comes', 'required');
    const from = Date.parse(input.windowFrom);
    const to = Date.parse(input.windowTo);
    if (to <= from) bad('windowTo', 'must be after windowFrom');
    else if (to - from > VISIT_LIMITS.maxWindowHours * 3_600_000) bad('windowTo', `a visitor pass lasts at most ${VISIT_LIMITS.maxWindowHours} hours; register another visit for longer`, 'maximum');
    else if (to <= this.clock.now()) bad('windowTo', 'is in the past', 'minimum');
    // The campus decides the university: the actor's own (a city-wide admin registers for any).
    const campus = await this.org.unit(input.campusId);
    const universityId = campus?.kind === 'campus' ? campus.universityId : null;
    if (!universityId || !inScope(actor, universityId)) bad('campusId', 'no such campus', 'exists');
    else {
      const gates = await this.devices.byIds(input.gateIds);
      const byId = new Map(gates.map((g) => [g.id, g]));
      input.gateIds.forEach((id, i) => {
        const g = byId.get(id);
        if (!g || g.universityId !== universityId) bad(`gateIds[${i}]`, 'no such gate', 'exists');
        else if (!GATE_KINDS.includes(g.kind)) bad(`gateIds[${i}]`, `${g.name} is a ${g.kind}, not a gate, turnstile, barrier or door`, 'kind');
        else if (g.campusId !== input.campusId) bad(`gateIds[${i}]`, `${g.name} is on another campus`, 'campus');
      });
    }
    if (problems.length) throw invalid(problems);
    return {
      university_id: universityId!,
      campus_id: input.campusId,
      visitor_name: visitorName,
      visitor_phone: phone.ok ? phone.value : '',
      visitor_id_number: idNumber?.ok ? idNumber.value : null,
      plate,
      reason,
      window_from: new Date(from).toISOString(),
      window_to: new Date(to).toISOString(),
      gate_ids: writeJson(input.gateIds),
    };
  }

  /** 审批: the security office approves a pending visit; the pass (its token) exists from now on. */
  async approve(actor: Actor, id: string, d: VisitDecision): Promise<Visit> {
    const before = await this.row(actor, id);
    if (Date.parse(before.window_to) <= this.clock.now()) throw invalidField('windowTo', 'the visit’s window has ended; register the visit again', 'minimum');
    return this.decide(actor, before, 'pending', { state: 'approved', pass_token: newPassToken() }, 'approved', d.note);
  }

  async reject(actor: Actor, id: string, d: VisitDecision): Promise<Visit> {
    const before = await this.row(actor, id);
    return this.decide(actor, before, before.state === 'approved' ? 'approved' : 'pending', { state: 'rejected' }, 'rejected', d.note);
  }

  /** The host (or the security office) calls a visit off before the visitor came. */
  async cancel(actor: Actor, id: string): Promise<Visit> {
    const before = await this.row(actor, id);
    if (before.host_id !== actor.id && !can(actor, 'visitor.approve')) throw forbidden('only the host or the security office cancels a visit');
    return this.decide(actor, before, before.state === 'approved' ? 'approved' : 'pending', { state: 'cancelled' }, 'cancelled', undefined);
  }

  private async decide(actor: Actor, before: VisitRow, from: VisitState, change: Partial<VisitRow> & { state: VisitState }, action: 'approved' | 'rejected' | 'cancelled', note: string | undefined): Promise<Visit> {
    if (before.state !== from) throw invalidField('state', `the visit is ${before.state}; only a ${from} visit can be ${action}`, 'state');
    const now = this.clock.nowIso();
    const decision = action === 'cancelled' ? {} : { decided_by: actor.displayName, decided_at: now, decision_note: note?.trim() || null };
    const after: VisitRow = { ...before, ...change, ...decision, updated_at: now };
    const [b, a] = [await this.present(before), await this.present(after)];
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.transition(trx, before.id, from, { ...change, ...decision, updated_at: now }))) throw invalidField('state', 'the visit changed meanwhile; reload it', 'state');
      await repo.log(trx, { ...this.entry(after, action, actor.displayName), note: note?.trim() || null });
      await this.audit.record(trx, actor, { action: action === 'approved' ? 'approve' : action === 'rejected' ? 'reject' : 'cancel', entityType: 'visit', entityId: before.id, universityId: before.university_id, before: b, after: a });
    });
    return a;
  }

  /** The pass the visitor shows: its token is what the QR code carries. Only approved visits (and visitors inside) have one. */
  async pass(actor: Actor, id: string): Promise<VisitPass> {
    const row = await this.row(actor, id);
    if (!row.pass_token || (row.state !== 'approved' && row.state !== 'checked_in')) throw invalidField('state', `the visit is ${row.state}: it has no valid pass`, 'state');
    const visit = await this.present(row);
    return { visitId: row.id, token: row.pass_token, visitorName: row.visitor_name, windowFrom: row.window_from, windowTo: row.window_to, gateNames: visit.gateNames, state: visit.state };
  }

  /** A guard at the gatehouse scans the visitor's QR code. */
  async scan(actor: Actor, s: PassScan): Promise<PassVerdict> {
    // The gate first: the guard's own university's, and a pass is looked up only there.
    const [gate] = await this.devices.byIds([s.gateId]);
    if (!gate || !inScope(actor, gate.universityId) || !GATE_KINDS.includes(gate.kind)) throw invalidField('gateId', 'no such gate', 'exists');
    const row = await repo.byToken(this.db, s.token.trim());
    if (!row || row.university_id !== gate.universityId) throw notFound('pass');
    return this.applyPass(row, { gateId: s.gateId, direction: s.direction, atMs: this.clock.now() }, { actorName: actor.displayName, logId: uuid7() });
  }

  /** A guard picks the visit from today's list (the visitor has no phone with them, say). */
  async move(actor: Actor, id: string, direction: 'in' | 'out', m: GateMove): Promise<PassVerdict> {
    const row = await this.row(actor, id);
    await this.assertGate(row.university_id, m.gateId);
    return this.applyPass(row, { gateId: m.gateId, direction, atMs: this.clock.now() }, { actorName: actor.displayName, logId: uuid7() });
  }

  private async assertGate(universityId: string, gateId: string) {
    const [gate] = await this.devices.byIds([gateId]);
    if (!gate || gate.universityId !== universityId || !GATE_KINDS.includes(gate.kind)) throw invalidField('gateId', 'no such gate', 'exists');
  }

  /**
   * Judges the pass at the gate and records the outcome on the visit's log: a visitor let in or
   * out moves the visit on; a refusal is logged with its reason and changes nothing else.
   */
  async applyPass(row: VisitRow, a: { gateId: string; direction: 'in' | 'out'; atMs: number }, by: PassWitness): Promise<PassVerdict> {
    const at = new Date(a.atMs).toISOString();
    let current = row;
    let refusal = judgePass({ ...current, state: current.state as VisitState, gateIds: gateIdsOf(current) }, a);
    if (!refusal) {
      const change = a.direction === 'in' ? { state: 'checked_in', checked_in_at: at } : { state: 'checked_out', checked_out_at: at };
      const moved = await repo.transition(this.db, current.id, current.state, { ...change, updated_at: at });
      if (moved) current = { ...current, ...change, updated_at: at };
      else {
        // Someone else moved it first (a guard and the reader at once): judge what it is now.
        current = (await repo.find(this.db, current.id))!;
        refusal = judgePass({ ...current, state: current.state as VisitState, gateIds: gateIdsOf(current) }, a) ?? (a.direction === 'in' ? 'already_inside' : 'not_inside');
      }
    }
    await repo.log(this.db, { ...this.entry(current, refusal ? 'refused' : a.direction === 'in' ? 'checked_in' : 'checked_out', by.actorName), id: by.logId, at, refusal, direction: a.direction, device_id: a.gateId });
    return { accepted: !refusal, refusal, visit: await this.present(current) };
  }

  /** Records that a gate reader refused a pass itself (access.denied), with what the platform would have said. */
  async recordDeviceRefusal(row: VisitRow, a: { gateId: string; direction: 'in' | 'out'; atMs: number }, logId: string, deviceReason: string): Promise<void> {
    const refusal = judgePass({ ...row, state: row.state as VisitState, gateIds: gateIdsOf(row) }, a);
    await repo.log(this.db, { ...this.entry(row, 'refused', null), id: logId, at: new Date(a.atMs).toISOString(), refusal, direction: a.direction, device_id: a.gateId, note: `reader: ${deviceReason}` });
  }

  private entry(row: VisitRow, action: VisitLogRow['action'], actorName: string | null): VisitLogRow {
    return { id: uuid7(), visit_id: row.id, university_id: row.university_id, at: this.clock.nowIso(), action, refusal: null, direction: null, device_id: null, actor_name: actorName, note: null };
  }

  /** The demo seed's visits and their logs, in its transaction, without audit entries of their own. */
  async loadBulk(work: Work, visits: VisitRow[], log: VisitLogRow[]): Promise<void> {
    const db = ownTables<'visitors'>(work);
    for (let i = 0; i < visits.length; i += 200) await db.insertInto('visits').values(visits.slice(i, i + 200)).execute();
    for (let i = 0; i < log.length; i += 200) await db.insertInto('visit_log').values(log.slice(i, i + 200)).execute();
  }
}
