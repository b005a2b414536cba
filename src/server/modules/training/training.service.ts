import { FINAL_ALARM_STATES } from '../../../shared/alarms.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import {
  DRILL_MAX_MS,
  SCENARIO_TEMPLATES,
  SCENARIO_TITLES,
  type Drill,
  type DrillResult,
  type DrillStartInput,
  type PersonTraining,
  type TrainingKind,
  type TrainingQuery,
  type TrainingRecordLine,
  type TrainingRecords,
  type TrainingSession,
  type TrainingSessionInput,
} from '../../../shared/training.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalid, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, SYSTEM_ACTOR, writeScope } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { EventWriter } from '../events/index.ts';
import type { OrgService } from '../org/index.ts';
import { computeDrillResult } from './drill-result.ts';
import { trainingRepository as repo, type AttendanceRow, type DrillRow, type SessionRow } from './training.repository.ts';

/** Roles whose training is kept (the ones on the roster). */
const TRAINED_ROLES = ['security_director', 'operator', 'guard'];

const isRealDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

/**
 * 培训与演练: training sessions with their attendance (audited), each person's hours per year,
 * and drills: a scenario's events injected through the real event path (EventWriter, source
 * `drill`), so the alarm engine raises a drill alarm (`drillId`) with its procedure; once the
 * drill's alarms are closed (or after DRILL_MAX_MS) the operators' handling is timed against the
 * scenario's targets, stored, and recorded as a 演练 session in their training record.
 */
export class TrainingService {
  constructor(
    private readonly db: ModuleDb<'training'>,
    private readonly accounts: Pick<AccountsService, 'people' | 'list'>,
    private readonly org: Pick<OrgService, 'isUniversity' | 'keySitesOf'>,
    private readonly devices: Pick<DevicesService, 'ofUniversity' | 'byIds'>,
    private readonly alarms: Pick<AlarmsService, 'ofDrill' | 'record'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly writer: Pick<EventWriter, 'append'>,
    private readonly clock: Clock,
  ) {}

  private async names(ids: string[]): Promise<Map<string, string>> {
    const people = ids.length ? await this.accounts.people(ids) : [];
    return new Map(people.map((p) => [p.id, p.displayName]));
  }

  private async staff(actor: Actor, universityId: string) {
    const { items } = await this.accounts.list(actor, { universityId, page: 1, pageSize: 500 });
    return items.filter((u) => TRAINED_ROLES.includes(u.role) && !u.disabled);
  }

  private yearOf(q: { year?: number }) {
    return q.year ?? Number(beijingDate(this.clock.now()).slice(0, 4));
  }

  // ---- sessions ----

  private async present(rows: SessionRow[]): Promise<TrainingSession[]> {
    const attendance = await repo.attendanceOf(this.db, rows.map((r) => r.id));
    const names = await this.names([...new Set(attendance.map((a) => a.account_id))]);
    const bySession = new Map<string, AttendanceRow[]>();
    for (const a of attendance) bySession.set(a.session_id, [...(bySession.get(a.session_id) ?? []), a]);
    return rows.map((r) => ({
      id: r.id,
      universityId: r.university_id,
      title: r.title,
      kind: r.kind as TrainingKind,
      date: r.date,
      hours: Number(r.hours),
      trainer: r.trainer,
      note: r.note,
      drillId: r.drill_id,
      attendance: (bySession.get(r.id) ?? [])
        .map((a) => ({ accountId: a.account_id, accountName: names.get(a.account_id) ?? a.account_id, attended: a.attended === 1, score: a.score, passed: a.passed === null ? null : a.passed === 1, remark: a.remark }))
        .sort((a, b) => a.accountName.localeCompare(b.accountName, 'zh-CN')),
    }));
  }

  async sessions(actor: Actor, q: TrainingQuery): Promise<TrainingSession[]> {
    const universityId = listScope(actor, q.universityId);
    if (universityId === null) return [];
    const year = this.yearOf(q);
    return this.present(await repo.sessions(this.db, universityId, `${year}-01-01`, `${year}-12-31`));
  }

  async session(actor: Actor, id: string): Promise<TrainingSession> {
    const row = assertInScope(actor, await repo.session(this.db, id), (r) => r.university_id, 'training session');
    return (await this.present([row]))[0]!;
  }

  private async checkInput(actor: Actor, universityId: string, input: TrainingSessionInput) {
    const problems: FieldProblem[] = [];
    const title = input.title.replace(/\s+/g, ' ').trim();
    const trainer = input.trainer.replace(/\s+/g, ' ').trim();
    if (!title) problems.push({ field: 'title', reason: 'must not be blank', rule: 'required' });
    if (!trainer) problems.push({ field: 'trainer', reason: 'must not be blank', rule: 'required' });
    if (!isRealDate(input.date)) problems.push({ field: 'date', reason: 'must be a real date YYYY-MM-DD', rule: 'format' });
    const staff = new Set((await this.staff(actor, universityId)).map((u) => u.id));
    const seen = new Set<string>();
    input.attendance.forEach((a, i) => {
      if (!staff.has(a.accountId)) problems.push({ field: `attendance[${i}].accountId`, reason: 'no such security staff account in this university', rule: 'exists' });
      if (seen.has(a.accountId)) problems.push({ field: `attendance[${i}].accountId`, reason: 'listed twice', rule: 'unique' });
      seen.add(a.accountId);
    });
    if (problems.length) throw invalid(problems);
    return { title, trainer };
  }

  private attendanceRows(sessionId: string, universityId: string, input: TrainingSessionInput): AttendanceRow[] {
    return input.attendance.map((a) => ({ session_id: sessionId, account_id: a.accountId, university_id: universityId, attended: a.attended ? 1 : 0, score: a.score ?? null, passed: null, remark: a.remark?.trim() || null }));
  }

  async createSession(actor: Actor, input: TrainingSessionInput): Promise<TrainingSession> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const { title, trainer } = await this.checkInput(actor, universityId, input);
    const now = this.clock.nowIso();
    const row: SessionRow = { id: uuid7(), university_id: universityId, title, kind: input.kind, date: input.date, hours: input.hours, trainer, note: input.note?.trim() || null, drill_id: null, created_at: now, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertSession(trx, row);
      await repo.replaceAttendance(trx, row.id, this.attendanceRows(row.id, universityId, input));
      await this.audit.record(trx, actor, { action: 'create', entityType: 'training_session', entityId: row.id, universityId, after: { ...row, attendance: input.attendance } });
    });
    return this.session(actor, row.id);
  }

  async updateSession(actor: Actor, id: string, input: TrainingSessionInput): Promise<TrainingSession> {
    const before = assertInScope(actor, await repo.session(this.db, id), (r) => r.university_id, 'training session');
    if (input.universityId && input.universityId !== before.university_id) throw invalidField('universityId', 'a session stays with its university');
    if (before.drill_id) throw conflict('a drill’s session is written by the drill', [{ field: 'kind', reason: 'recorded from the drill’s result', rule: 'drill' }]);
    const { title, trainer } = await this.checkInput(actor, before.university_id, input);
    const changes = { title, kind: input.kind, date: input.date, hours: input.hours, trainer, note: input.note?.trim() || null, updated_at: this.clock.nowIso() };
    const beforeView = await this.session(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await repo.updateSession(trx, id, changes);
      await repo.replaceAttendance(trx, id, this.attendanceRows(id, before.university_id, input));
      await this.audit.record(trx, actor, { action: 'update', entityType: 'training_session', entityId: id, universityId: before.university_id, before: beforeView, after: { ...changes, attendance: input.attendance } });
    });
    return this.session(actor, id);
  }

  async removeSession(actor: Actor, id: string): Promise<void> {
    const before = assertInScope(actor, await repo.session(this.db, id), (r) => r.university_id, 'training session');
    if (before.drill_id) throw conflict('a drill’s session stays with the drill', [{ field: 'id', reason: 'recorded from a drill', rule: 'drill' }]);
    const beforeView = await this.session(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await repo.replaceAttendance(trx, id, []);
      await repo.deleteSession(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'training_session', entityId: id, universityId: before.university_id, before: beforeView });
    });
  }

  // ---- records ----

  /** Every staff member's year: hours and sessions attended, drills taken part in and passed. */
  async records(actor: Actor, q: TrainingQuery): Promise<TrainingRecords> {
    const year = this.yearOf(q);
    const universityId = listScope(actor, q.universityId);
    if (universityId === null) return { year, lines: [] };
    const [staff, sessions] = await Promise.all([this.staff(actor, universityId), repo.sessions(this.db, universityId, `${year}-01-01`, `${year}-12-31`)]);
    const attendance = await repo.attendanceOf(this.db, sessions.map((s) => s.id));
    const byId = new Map(sessions.map((s) => [s.id, s]));
    const lines = new Map<string, TrainingRecordLine>(staff.map((u) => [u.id, { accountId: u.id, accountName: u.displayName, role: u.role, hours: 0, sessions: 0, drills: 0, drillsPassed: 0 }]));
    for (const a of attendance) {
      const line = lines.get(a.account_id);
      const s = byId.get(a.session_id);
      if (!line || !s || a.attended !== 1) continue;
      line.hours = Math.round((line.hours + Number(s.hours)) * 10) / 10;
      line.sessions++;
      if (s.kind === 'drill') {
        line.drills++;
        if (a.passed === 1) line.drillsPassed++;
      }
    }
    return { year, lines: [...lines.values()].sort((a, b) => b.hours - a.hours || a.accountName.localeCompare(b.accountName, 'zh-CN')) };
  }

  /** For duty statistics (值班统计): hours attended per person in sessions dated within [fromMs, toMs) (Beijing dates). */
  async hoursOf(universityId: string, fromMs: number, toMs: number): Promise<{ accountId: string; hours: number }[]> {
    const sessions = await repo.sessions(this.db, universityId, beijingDate(fromMs), beijingDate(toMs - 1));
    const hoursOfSession = new Map(sessions.map((s) => [s.id, Number(s.hours)]));
    const total = new Map<string, number>();
    for (const a of await repo.attendanceOf(this.db, sessions.map((s) => s.id))) {
      if (a.attended === 1) total.set(a.account_id, (total.get(a.account_id) ?? 0) + (hoursOfSession.get(a.session_id) ?? 0));
    }
    return [...total].map(([accountId, hours]) => ({ accountId, hours: Math.round(hours * 10) / 10 }));
  }

  /** One person's 培训档案 for a year. */
  async person(actor: Actor, accountId: string, q: { year?: number }): Promise<PersonTraining> {
    const [person] = await this.accounts.people([accountId]);
    assertInScope(actor, person && TRAINED_ROLES.includes(person.role) ? person : undefined, (p) => p.universityId, 'account');
    const year = this.yearOf(q);
    const rows = await repo.ofAccount(this.db, accountId, `${year}-01-01`, `${year}-12-31`);
    const attended = rows.filter((r) => r.attended === 1);
    const drills = attended.filter((r) => r.kind === 'drill');
    return {
      year,
      line: {
        accountId,
        accountName: person!.displayName,
        role: person!.role,
        hours: Math.round(attended.reduce((n, r) => n + Number(r.hours), 0) * 10) / 10,
        sessions: attended.length,
        drills: drills.length,
        drillsPassed: drills.filter((r) => r.passed === 1).length,
      },
      sessions: rows.map((r) => ({ sessionId: r.session_id, title: r.title, kind: r.kind as TrainingKind, date: r.date, hours: Number(r.hours), attended: r.attended === 1, score: r.score, passed: r.passed === null ? null : r.passed === 1, remark: r.remark, drillId: r.drill_id })),
    };
  }

  // ---- drills ----

  private async presentDrills(rows: DrillRow[]): Promise<Drill[]> {
    const [devices, names] = await Promise.all([this.devices.byIds(rows.map((r) => r.device_id)), this.names(rows.map((r) => r.started_by))]);
    const deviceNames = new Map(devices.map((d) => [d.id, d.name]));
    return rows.map((r) => ({
      id: r.id,
      universityId: r.university_id,
      scenario: r.scenario as Drill['scenario'],
      title: r.title,
      deviceId: r.device_id,
      deviceName: deviceNames.get(r.device_id) ?? r.device_id,
      state: r.state as Drill['state'],
      startedAt: r.started_at,
      startedBy: names.get(r.started_by) ?? r.started_by,
      finishedAt: r.finished_at,
      eventIds: readJson<string[]>(r.event_ids),
      sessionId: r.session_id,
      result: r.result === null ? null : readJson<DrillResult>(r.result),
    }));
  }

  async drills(actor: Actor, q: { universityId?: string }): Promise<Drill[]> {
    const universityId = listScope(actor, q.universityId);
    if (universityId === null) return [];
    return this.presentDrills(await repo.drills(this.db, universityId));
  }

  async drill(actor: Actor, id: string): Promise<Drill> {
    const row = assertInScope(actor, await repo.drill(this.db, id), (r) => r.university_id, 'drill');
    return (await this.presentDrills([row]))[0]!;
  }

  /** The device a scenario happens at: the one named, or one of its kind, preferably in a key site of its category. */
  private async pickDevice(universityId: string, scenario: Drill['scenario'], deviceId: string | undefined) {
    const t = SCENARIO_TEMPLATES[scenario];
    const candidates = (await this.devices.ofUniversity(universityId)).filter((d) => d.kind === t.deviceKind && d.status !== 'retired');
    if (deviceId) {
      const d = candidates.find((c) => c.id === deviceId);
      if (!d) throw invalidField('deviceId', `must be a ${t.deviceKind} of this university`, 'exists');
      return d;
    }
    const sites = (await this.org.keySitesOf(universityId)).filter((s) => s.category === t.siteCategory);
    const buildings = new Set(sites.map((s) => s.buildingId).filter((b): b is string => !!b));
    const sorted = candidates.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
    const d = sorted.find((c) => c.buildingId && buildings.has(c.buildingId)) ?? sorted[0];
    if (!d) throw invalidField('scenario', `the university has no ${t.deviceKind} to run this drill at`, 'exists');
    return d;
  }

  /** 开始演练: records the drill and injects its first events through the event path; audited. */
  async startDrill(actor: Actor, input: DrillStartInput): Promise<Drill> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const device = await this.pickDevice(universityId, input.scenario, input.deviceId);
    const running = (await repo.running(this.db)).find((r) => r.university_id === universityId);
    if (running) throw conflict('a drill is already running in this university', [{ field: 'scenario', reason: `drill ${running.title} is running; finish it first`, rule: 'running' }]);
    const now = this.clock.nowIso();
    const row: DrillRow = {
      id: uuid7(),
      university_id: universityId,
      scenario: input.scenario,
      title: input.title?.trim() || `${SCENARIO_TITLES[input.scenario]}（${device.name}）`.slice(0, 60),
      device_id: device.id,
      state: 'running',
      started_at: now,
      started_by: actor.id,
      finished_at: null,
      event_ids: writeJson([]),
      result: null,
      session_id: null,
      created_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertDrill(trx, row);
      await this.audit.record(trx, actor, { action: 'start', entityType: 'drill', entityId: row.id, universityId, after: { scenario: row.scenario, title: row.title, deviceId: row.device_id } });
    });
    await this.injectDue(row);
    return this.drill(actor, row.id);
  }

  /** Injects the drill's events whose time has come (the first at once, later ones by the job). */
  private async injectDue(row: DrillRow): Promise<void> {
    const t = SCENARIO_TEMPLATES[row.scenario as Drill['scenario']];
    const injected = readJson<string[]>(row.event_ids);
    const elapsedS = (this.clock.now() - Date.parse(row.started_at)) / 1000;
    const ids = [...injected];
    for (let n = injected.length; n < t.events.length && t.events[n]!.afterS <= elapsedS; n++) {
      const e = t.events[n]!;
      const at = this.clock.nowIso();
      const event = {
        id: uuid7(),
        source: 'drill',
        sourceEventId: `drill:${row.id}:${n}`,
        orgId: row.university_id,
        deviceId: row.device_id,
        kind: e.kind,
        severity: e.kind === 'smoke' ? 'major' : 'critical',
        occurredAt: at,
        receivedAt: at,
        payload: e.payload,
      } as DeviceEvent;
      await this.writer.append(event);
      ids.push(event.id);
    }
    if (ids.length !== injected.length) await repo.updateDrill(this.db, row.id, { event_ids: writeJson(ids) });
  }

  /** 结束演练 by hand: the result is computed from what was done so far; audited. */
  async finishDrill(actor: Actor, id: string): Promise<Drill> {
    const row = assertInScope(actor, await repo.drill(this.db, id), (r) => r.university_id, 'drill');
    if (row.state !== 'running') throw conflict(`the drill is ${row.state}`, [{ field: 'state', reason: `is ${row.state}`, rule: 'transition' }]);
    await this.finish(row, actor);
    return this.drill(actor, id);
  }

  /**
   * The job: injects due events of running drills; finishes a drill once all its alarms are
   * closed (or it ran DRILL_MAX_MS). Returns the drills finished.
   */
  async checkDrills(): Promise<number> {
    let finished = 0;
    for (const row of await repo.running(this.db)) {
      await this.injectDue(row);
      const alarms = await this.alarms.ofDrill(row.id);
      const allEvents = readJson<string[]>((await repo.drill(this.db, row.id))!.event_ids).length >= SCENARIO_TEMPLATES[row.scenario as Drill['scenario']].events.length;
      const closed = alarms.length > 0 && allEvents && alarms.every((a) => (FINAL_ALARM_STATES as readonly string[]).includes(a.state));
      if (closed || this.clock.now() - Date.parse(row.started_at) >= DRILL_MAX_MS) {
        await this.finish(row, SYSTEM_ACTOR);
        finished++;
      }
    }
    return finished;
  }

  private async finish(row: DrillRow, actor: Actor): Promise<void> {
    const template = SCENARIO_TEMPLATES[row.scenario as Drill['scenario']];
    const alarms = await this.alarms.ofDrill(row.id);
    const records = await Promise.all(alarms.map((a) => this.alarms.record(SYSTEM_ACTOR, a.id)));
    const now = this.clock.nowIso();
    const result = computeDrillResult(template, records.map((r) => ({ alarm: r.alarm, log: r.log, sop: r.sop })), now);
    const [starter] = await this.accounts.people([row.started_by]);
    const durationH = (this.clock.now() - Date.parse(row.started_at)) / 3_600_000;
    const session: SessionRow = {
      id: uuid7(),
      university_id: row.university_id,
      title: row.title,
      kind: 'drill',
      date: beijingDate(Date.parse(row.started_at)),
      hours: Math.max(0.5, Math.ceil(durationH * 2) / 2),
      trainer: starter?.displayName ?? '系统',
      note: result.problems.length ? result.problems.join('；').slice(0, 500) : null,
      drill_id: row.id,
      created_at: now,
      updated_at: now,
    };
    const attendance: AttendanceRow[] = result.operators.map((o) => ({ session_id: session.id, account_id: o.accountId, university_id: row.university_id, attended: 1, score: o.score, passed: o.passed ? 1 : 0, remark: `${o.actions} 项操作${o.firstActionS !== null ? `，首次响应 ${o.firstActionS} 秒` : ''}` }));
    await this.db.transaction().execute(async (trx) => {
      await repo.insertSession(trx, session);
      await repo.replaceAttendance(trx, session.id, attendance);
      await repo.updateDrill(trx, row.id, { state: 'finished', finished_at: now, result: writeJson(result), session_id: session.id });
      await this.audit.record(trx, actor, { action: 'finish', entityType: 'drill', entityId: row.id, universityId: row.university_id, after: { passed: result.passed, score: result.score, sessionId: session.id } });
    });
  }

  /** The demo seed's sessions, in its transaction, without audit entries of their own. */
  async loadBulk(work: Work, d: { sessions: SessionRow[]; attendance: AttendanceRow[] }): Promise<void> {
    const db = ownTables<'training'>(work);
    for (const s of d.sessions) await repo.insertSession(db, s);
    for (let i = 0; i < d.attendance.length; i += 200) await db.insertInto('training_attendance').values(d.attendance.slice(i, i + 200)).execute();
  }
}
