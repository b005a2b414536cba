import { beijingDate } from '../../../shared/beijing-time.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import {
  HANDOVER_CHECKLIST,
  HANDOVER_GRACE_MS,
  type Handover,
  type HandoverAlarm,
  type HandoverCheck,
  type HandoverCurrent,
  type HandoverFault,
  type HandoverPage,
  type HandoverQuery,
  type HandoverSign,
  type ShiftPerson,
} from '../../../shared/handover.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalid, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, SYSTEM_ACTOR } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { CommandShift, DutyService } from '../duty/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import { handoverRepository as repo, type HandoverRow } from './handover.repository.ts';

const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

export const toHandover = (r: HandoverRow): Handover => ({
  id: r.id,
  universityId: r.university_id,
  shiftFrom: new Date(r.shift_from).toISOString(),
  shiftTo: new Date(r.shift_to).toISOString(),
  postName: r.post_name,
  shiftName: r.shift_name,
  outgoing: { id: r.outgoing_id, name: r.outgoing_name },
  incomingExpected: readJson<{ id: string; name: string }[]>(r.incoming_expected),
  incoming: r.incoming_id ? { id: r.incoming_id, name: r.incoming_name ?? r.incoming_id } : null,
  state: r.state as Handover['state'],
  openAlarms: readJson<HandoverAlarm[]>(r.open_alarms),
  deviceFaults: readJson<HandoverFault[]>(r.device_faults),
  checklist: readJson<HandoverCheck[]>(r.checklist),
  notes: r.notes,
  movedAlarms: r.moved_alarms,
  createdAt: new Date(r.created_at).toISOString(),
  signedAt: r.signed_at ? new Date(r.signed_at).toISOString() : null,
  acceptedAt: r.accepted_at ? new Date(r.accepted_at).toISOString() : null,
});

const person = (s: CommandShift): ShiftPerson => ({ accountId: s.accountId, accountName: s.accountName, postName: s.postName, postKind: s.postKind, shiftName: s.shiftName, from: iso(s.from), to: iso(s.to) });

/**
 * 交接班: one handover per command-centre shift change. The outgoing operator (rostered on a
 * command-centre post whose shift is on now or ended within HANDOVER_GRACE_MS) starts it; the
 * server fills its duty log with the university's open alarms and device faults; the operator
 * ticks the checklist, writes notes and signs; an operator the published roster puts on the next
 * shift (certified, 持证上岗) accepts, and the open alarms move to the new shift (a
 * `handed_over` step in each alarm's log, in the same transaction). Every step is audited.
 */
export class HandoverService {
  constructor(
    private readonly db: ModuleDb<'handover'>,
    private readonly duty: Pick<DutyService, 'commandShifts' | 'certificateRefusal'>,
    private readonly alarms: Pick<AlarmsService, 'openOf' | 'recordStep' | 'announce' | 'reroute'>,
    private readonly devices: Pick<DevicesService, 'ofUniversity'>,
    private readonly health: Pick<DeviceHealthService, 'status'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  /** The pre-filled duty log: open alarms and faulty devices (in service but offline, or under repair). */
  async dutyLog(universityId: string, work?: Work): Promise<{ openAlarms: HandoverAlarm[]; deviceFaults: HandoverFault[] }> {
    const alarms = await this.alarms.openOf(universityId, work);
    const devices = (await this.devices.ofUniversity(universityId)).filter((d) => d.status !== 'retired');
    const online = this.health.status(SYSTEM_ACTOR, devices.map((d) => d.id));
    const faults: HandoverFault[] = [];
    for (const d of devices) {
      // Out of service is a decision, not a fault: only devices under repair and in-service devices gone offline.
      if (d.status === 'under_repair') faults.push({ deviceId: d.id, name: d.name, kind: d.kind, fault: d.status, since: null });
      else if (d.status === 'in_service' && online[d.id] && !online[d.id]!.online) faults.push({ deviceId: d.id, name: d.name, kind: d.kind, fault: 'offline', since: online[d.id]!.lastSeenAt });
    }
    faults.sort((a, b) => a.fault.localeCompare(b.fault) || a.name.localeCompare(b.name, 'zh-CN'));
    return {
      openAlarms: alarms.map((a) => ({ id: a.id, title: a.title, type: a.type, priority: a.priority, state: a.state, firstAt: a.firstAt })),
      deviceFaults: faults.slice(0, 500),
    };
  }

  /** The actor's outgoing shift: a command-centre shift on now, or ended within the grace period (the latest). */
  private mineOf(shifts: CommandShift[], accountId: string, nowMs: number): CommandShift | null {
    const mine = shifts.filter((s) => s.accountId === accountId && s.from <= nowMs && nowMs < s.to + HANDOVER_GRACE_MS);
    return mine.sort((a, b) => b.from - a.from)[0] ?? null;
  }

  /** Who is rostered on command-centre posts for the shift starting at `changeMs`. */
  private nextOf(shifts: CommandShift[], changeMs: number): CommandShift[] {
    return shifts.filter((s) => s.from === changeMs);
  }

  async current(actor: Actor, requested?: string): Promise<HandoverCurrent> {
    const universityId = listScope(actor, requested);
    const empty: HandoverCurrent = { universityId, rostered: false, onShift: [], mine: null, next: [], handover: null, awaitingMe: [], openAlarms: [], deviceFaults: [] };
    if (universityId === null) return empty;
    const nowMs = this.clock.now();
    const shifts = await this.duty.commandShifts(universityId, nowMs - 26 * HOUR_MS, nowMs + 26 * HOUR_MS);
    const mine = this.mineOf(shifts, actor.id, nowMs);
    const handover = mine ? await repo.atChange(this.db, universityId, iso(mine.to)) : undefined;
    const awaiting = (await repo.signed(this.db, universityId)).filter((h) => shifts.some((s) => s.accountId === actor.id && s.from === Date.parse(h.shift_to)));
    const log = await this.dutyLog(universityId);
    return {
      universityId,
      rostered: shifts.some((s) => s.from <= nowMs && nowMs < s.to),
      onShift: shifts.filter((s) => s.from <= nowMs && nowMs < s.to).map(person),
      mine: mine ? person(mine) : null,
      next: mine ? this.nextOf(shifts, mine.to).map(person) : [],
      handover: handover ? toHandover(handover) : null,
      awaitingMe: awaiting.map(toHandover),
      ...log,
    };
  }

  async list(actor: Actor, q: HandoverQuery): Promise<HandoverPage> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const { rows, total } = await repo.page(this.db, { universityId: listScope(actor, q.universityId), page, pageSize });
    return { items: rows.map(toHandover), total, page, pageSize };
  }

  async get(actor: Actor, id: string): Promise<Handover> {
    return toHandover(assertInScope(actor, await repo.find(this.db, id), (r) => r.university_id, 'handover'));
  }

  /** The outgoing operator starts the handover of their shift; the server pre-fills its duty log. */
  async start(actor: Actor, input: { universityId?: string } = {}): Promise<Handover> {
    const universityId = actor.universityId;
    // Naming another university is answered like naming none that exists (no ids leak).
    if (input.universityId && universityId && input.universityId !== universityId) throw invalidField('universityId', 'no such university');
    if (!universityId) throw invalidField('shift', 'a handover is made by an operator of a university on its command-centre roster', 'rostered');
    const nowMs = this.clock.now();
    const shifts = await this.duty.commandShifts(universityId, nowMs - 26 * HOUR_MS, nowMs + 26 * HOUR_MS);
    const mine = this.mineOf(shifts, actor.id, nowMs);
    if (!mine) throw invalidField('shift', `不在班: ${actor.displayName} is not on a command-centre shift of the published roster now (or ended within the last 2 hours)`, 'rostered');
    const existing = await repo.atChange(this.db, universityId, iso(mine.to));
    if (existing) {
      if (existing.state === 'open' && existing.outgoing_id === actor.id) return toHandover(existing);
      throw conflict(`this change of shift was already handed over by ${existing.outgoing_name} (${existing.state})`, [{ field: 'shift', reason: `already ${existing.state} by ${existing.outgoing_name}`, rule: 'unique' }]);
    }
    const next = this.nextOf(shifts, mine.to);
    const log = await this.dutyLog(universityId);
    const now = this.clock.nowIso();
    const row: HandoverRow = {
      id: uuid7(),
      university_id: universityId,
      shift_from: iso(mine.from),
      shift_to: iso(mine.to),
      post_name: mine.postName,
      shift_name: mine.shiftName,
      outgoing_id: actor.id,
      outgoing_name: actor.displayName,
      incoming_expected: writeJson(next.map((s) => ({ id: s.accountId, name: s.accountName }))),
      incoming_id: null,
      incoming_name: null,
      state: 'open',
      open_alarms: writeJson(log.openAlarms),
      device_faults: writeJson(log.deviceFaults),
      checklist: writeJson(HANDOVER_CHECKLIST.map((key) => ({ key, checked: false, remark: '' }))),
      notes: '',
      moved_alarms: 0,
      created_at: now,
      signed_at: null,
      accepted_at: null,
    };
    const handover = toHandover(row);
    await this.db.transaction().execute(async (trx) => {
      await repo.insert(trx, row);
      await this.audit.record(trx, actor, { action: 'handover_start', entityType: 'handover', entityId: row.id, universityId, after: { shiftFrom: handover.shiftFrom, shiftTo: handover.shiftTo, openAlarms: log.openAlarms.length, deviceFaults: log.deviceFaults.length } });
    });
    return handover;
  }

  /** 交班签字: the outgoing operator signs the checklist (each item checked, or a remark saying what is wrong) and notes; the duty log is refreshed. */
  async sign(actor: Actor, id: string, input: HandoverSign): Promise<Handover> {
    const before = assertInScope(actor, await repo.find(this.db, id), (r) => r.university_id, 'handover');
    if (before.outgoing_id !== actor.id) throw invalidField('outgoing', `only ${before.outgoing_name}, who hands this shift over, signs it`, 'outgoing');
    if (before.state !== 'open') throw conflict(`the handover is already ${before.state}`, [{ field: 'state', reason: `is ${before.state}; signing needs open`, rule: 'transition' }]);
    const problems: FieldProblem[] = [];
    const byKey = new Map(input.checklist.map((c, i) => [c.key, { ...c, i }]));
    if (byKey.size !== input.checklist.length) problems.push({ field: 'checklist', reason: 'an item is listed twice', rule: 'unique' });
    const checklist: HandoverCheck[] = [];
    for (const key of HANDOVER_CHECKLIST) {
      const c = byKey.get(key);
      if (!c) {
        problems.push({ field: 'checklist', reason: `${key} is missing`, rule: 'required' });
        continue;
      }
      const remark = c.remark.replace(/\s+/g, ' ').trim();
      if (!c.checked && !remark) problems.push({ field: `checklist[${c.i}].remark`, reason: `${key} is not checked: say what is wrong`, rule: 'required' });
      checklist.push({ key, checked: c.checked, remark });
    }
    if (problems.length) throw invalid(problems);
    const log = await this.dutyLog(before.university_id);
    const now = this.clock.nowIso();
    const changes: Partial<HandoverRow> = { state: 'signed', checklist: writeJson(checklist), notes: input.notes.trim(), open_alarms: writeJson(log.openAlarms), device_faults: writeJson(log.deviceFaults), signed_at: now };
    const after = toHandover({ ...before, ...changes });
    await this.db.transaction().execute(async (trx) => {
      await repo.update(trx, id, changes);
      await this.audit.record(trx, actor, { action: 'handover_sign', entityType: 'handover', entityId: id, universityId: before.university_id, after: { checklist, notes: after.notes, openAlarms: log.openAlarms.length, deviceFaults: log.deviceFaults.length } });
    });
    return after;
  }

  /**
   * 接班确认: an operator the published roster puts on a command-centre post for the next shift
   * (starting at the change), certified, accepts. The university's open alarms move to the new
   * shift: each gets a `handed_over` step and is routed to the new shift's operators, in the
   * same transaction as the acceptance.
   */
  async accept(actor: Actor, id: string): Promise<Handover> {
    const before = assertInScope(actor, await repo.find(this.db, id), (r) => r.university_id, 'handover');
    if (before.state !== 'signed') throw conflict(`the handover is ${before.state}`, [{ field: 'state', reason: `is ${before.state}; accepting needs signed`, rule: 'transition' }]);
    const changeMs = Date.parse(before.shift_to);
    const shifts = await this.duty.commandShifts(before.university_id, changeMs - HOUR_MS, changeMs + 26 * HOUR_MS);
    const next = this.nextOf(shifts, changeMs);
    const mine = next.find((s) => s.accountId === actor.id);
    if (actor.id === before.outgoing_id) throw invalidField('incoming', 'the outgoing operator cannot accept their own handover', 'incoming');
    if (!mine) {
      const who = next.length ? next.map((s) => `${s.accountName}（${s.postName}）`).join('、') : 'nobody';
      throw invalidField('incoming', `不在下一班: ${actor.displayName} is not rostered on a command-centre post for the shift starting ${iso(changeMs)}; the published roster has ${who}`, 'rostered');
    }
    const refusal = await this.duty.certificateRefusal(before.university_id, actor.id, actor.displayName, mine.date);
    if (refusal) throw invalidField('incoming', refusal, 'certificate');
    const nowMs = this.clock.now();
    const now = iso(nowMs);
    const operators = next.filter((s) => s.postKind !== 'duty_leader').map((s) => ({ id: s.accountId, name: s.accountName }));
    const leaders = next.filter((s) => s.postKind === 'duty_leader').map((s) => ({ id: s.accountId, name: s.accountName }));
    const moved = await this.db.transaction().execute(async (trx) => {
      const fresh = await repo.find(trx, id);
      if (fresh?.state !== 'signed') throw conflict('the handover was accepted meanwhile', [{ field: 'state', reason: `is ${fresh?.state}`, rule: 'transition' }]);
      const open = await this.alarms.openOf(before.university_id, trx);
      for (const alarm of open) {
        await this.alarms.recordStep(trx, alarm, {
          to: null,
          action: 'handed_over',
          actorId: actor.id,
          actorName: actor.displayName,
          note: `交接班: ${before.outgoing_name} → ${actor.displayName}`,
          data: { handoverId: id, from: { id: before.outgoing_id, name: before.outgoing_name }, to: { id: actor.id, name: actor.displayName }, operators, leaders },
          nowMs,
        });
        await this.alarms.reroute(trx, alarm, { operators: operators.length ? operators : [{ id: actor.id, name: actor.displayName }], leaders, nowMs });
      }
      await repo.update(trx, id, { state: 'accepted', incoming_id: actor.id, incoming_name: actor.displayName, accepted_at: now, moved_alarms: open.length });
      await this.audit.record(trx, actor, { action: 'handover_accept', entityType: 'handover', entityId: id, universityId: before.university_id, after: { outgoing: before.outgoing_name, incoming: actor.displayName, movedAlarms: open.map((a) => a.id) } });
      return open;
    });
    for (const alarm of moved) this.alarms.announce(alarm, 'handed_over', actor.id);
    return toHandover({ ...before, state: 'accepted', incoming_id: actor.id, incoming_name: actor.displayName, accepted_at: now, moved_alarms: moved.length });
  }

  /** The demo history's handovers, in its transaction, without audit entries of their own. */
  async loadBulk(work: Work, rows: HandoverRow[]): Promise<void> {
    const db = ownTables<'handover'>(work);
    for (let i = 0; i < rows.length; i += 100) await db.insertInto('handovers').values(rows.slice(i, i + 100)).execute();
  }
}
