import { BEIJING_OFFSET_MS, beijingDate } from '../../../shared/beijing-time.ts';
import type { Device } from '../../../shared/devices.ts';
import { maskCredentialId } from '../../../shared/personal-data.ts';
import type { CredentialKind } from '../../../shared/people.ts';
import { TRAJECTORY_LIMITS, type Candidate, type CandidateQuery, type GateHour, type GateTraffic, type OnCampus, type Sighting, type SightingVia, type Trajectory, type TrajectoryQuery } from '../../../shared/trajectory.ts';
import { normalizePlate } from '../../../shared/vehicles.ts';
import type { Clock } from '../../clock.ts';
import { invalidField } from '../../http/errors.ts';
import { type Actor, scopeOf } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { PeopleService } from '../people/index.ts';
import type { VehiclesService } from '../vehicles/index.ts';
import type { VisitorsService } from '../visitors/index.ts';
import { normalizeCard } from './sightings.ts';
import type { SightingRow, TrajectoryRepository } from './trajectory.repository.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A plate as LPR cameras report it: a province character or letters, then letters and digits. */
const PLATE_TEXT = /^[\p{Script=Han}A-Z0-9]{2,12}$/u;

/** One subject key followed over [from, to): a credential only while the person held it. */
interface Span {
  subject: string;
  via: SightingVia;
  from: string;
  to: string;
  /** False when `to` is the instant the credential was revoked. */
  toInclusive: boolean;
}

const later = (a: string, b: string) => (a > b ? a : b);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * 全程可溯: a person's, card's or plate's sightings over a period, the candidates for a partial
 * name or plate, who is on campus now and the entrances' hourly traffic. A trajectory is personal
 * information: the query must say why, and the reason, the subject and the period go into the
 * audit log before any sighting is answered. Card numbers leave masked.
 */
export class TrajectoryService {
  constructor(
    private readonly repo: TrajectoryRepository,
    private readonly people: Pick<PeopleService, 'withCredentialHistory' | 'holdersOf' | 'byIds' | 'list'>,
    private readonly vehicles: Pick<VehiclesService, 'list' | 'onCampus'>,
    private readonly devices: Pick<DevicesService, 'byIds' | 'ofUniversity'>,
    private readonly org: Pick<OrgService, 'namesOf' | 'isUniversity'>,
    private readonly audit: Pick<AuditService, 'recordAlone'>,
    private readonly clock: Clock,
    private readonly visitors: Pick<VisitorsService, 'followed' | 'matching'>,
  ) {}

  /** The university a query reads: the actor's own, or the one a city-wide account names. */
  private async university(actor: Actor, requested: string | undefined): Promise<string> {
    const scope = scopeOf(actor);
    if (scope !== null) {
      if (requested && requested !== scope) throw invalidField('universityId', 'must be your own university');
      return scope;
    }
    if (!requested) throw invalidField('universityId', 'is required for a city-wide account: name the university', 'required');
    if (!(await this.org.isUniversity(requested))) throw invalidField('universityId', 'no such university');
    return requested;
  }

  /** The period: default the last 24 h up to now, at most 31 days, `from` before `to`. */
  period(q: Pick<TrajectoryQuery, 'from' | 'to'>): { from: string; to: string } {
    const toMs = q.to ? Date.parse(q.to) : this.clock.now();
    if (!Number.isFinite(toMs)) throw invalidField('to', 'must be an ISO 8601 date-time', 'format');
    const fromMs = q.from ? Date.parse(q.from) : toMs - TRAJECTORY_LIMITS.defaultHours * HOUR;
    if (!Number.isFinite(fromMs)) throw invalidField('from', 'must be an ISO 8601 date-time', 'format');
    if (fromMs >= toMs) throw invalidField('from', 'must be before `to`', 'order');
    if (toMs - fromMs > TRAJECTORY_LIMITS.maxDays * DAY) throw invalidField('from', `the period may cover at most ${TRAJECTORY_LIMITS.maxDays} days`, 'maxPeriod');
    return { from: iso(fromMs), to: iso(toMs) };
  }

  static reasonOf(raw: string): string {
    const reason = raw.replace(/\s+/g, ' ').trim();
    if (reason.length < TRAJECTORY_LIMITS.reasonMin) throw invalidField('reason', `must say why, in at least ${TRAJECTORY_LIMITS.reasonMin} characters`, 'minLength');
    return reason;
  }

  async trajectory(actor: Actor, q: TrajectoryQuery): Promise<Trajectory> {
    const reason = TrajectoryService.reasonOf(q.reason);
    const { from, to } = this.period(q);
    let universityId: string;
    let label: string;
    let personId: string | null = null;
    const spans: Span[] = [];
    const credentials: Trajectory['credentials'] = [];
    const holders: Trajectory['holders'] = [];
    /** Sightings that are not events: a visitor's passes a guard recorded at the gate. */
    const recorded: { r: SightingRow; via: SightingVia }[] = [];
    let auditSubject: Record<string, unknown>;

    if (q.type === 'person') {
      const { person, credentials: held } = await this.people.withCredentialHistory(actor, q.value);
      universityId = person.universityId;
      if (q.universityId && q.universityId !== universityId) throw invalidField('universityId', 'is not the university of this person');
      personId = person.id;
      label = `${person.name}（${person.number}）`;
      spans.push({ subject: `person:${person.id}`, via: 'person', from, to, toInclusive: true });
      // Each credential counts only while this person held it: a card reissued to someone else later is theirs.
      for (const c of held) {
        const s = later(from, c.createdAt);
        const revokedInside = c.revokedAt !== null && c.revokedAt <= to;
        const e = revokedInside ? c.revokedAt! : to;
        credentials.push({ kind: c.kind, value: maskCredentialId(c.value), from: c.createdAt, to: c.revokedAt });
        if (s < e || (s === e && !revokedInside)) spans.push({ subject: `${c.kind}:${c.kind === 'card' ? normalizeCard(c.value) : c.value}`, via: c.kind, from: s, to: e, toInclusive: !revokedInside });
      }
      auditSubject = { type: 'person', personId: person.id, name: person.name, number: person.number };
    } else if (q.type === 'card') {
      universityId = await this.university(actor, q.universityId);
      const card = normalizeCard(q.value);
      if (!/^[0-9A-F]{4,32}$/.test(card)) throw invalidField('value', 'a card number is 4–32 digits (decimal or hexadecimal)', 'format');
      label = maskCredentialId(card);
      spans.push({ subject: `card:${card}`, via: 'card', from, to, toInclusive: true });
      for (const { credential, person } of await this.people.holdersOf(universityId, 'card' as CredentialKind, card)) {
        holders.push({ personId: person.id, name: person.name, from: credential.createdAt, to: credential.revokedAt });
      }
      auditSubject = { type: 'card', card: label };
    } else if (q.type === 'visitor') {
      universityId = await this.university(actor, q.universityId);
      const visit = await this.visitors.followed(universityId, q.value);
      if (!visit) throw invalidField('value', 'no such visit in the university', 'exists');
      label = visit.visitorName;
      // The pass and the car belong to the visit from its registration on.
      const since = later(from, visit.createdAt);
      if (visit.passToken) spans.push({ subject: `qr:${visit.passToken}`, via: 'qr', from: since, to, toInclusive: true });
      if (visit.plate) spans.push({ subject: `plate:${normalizePlate(visit.plate)}`, via: 'plate', from: since, to, toInclusive: true });
      for (const p of visit.passes) {
        if (!p.byHand || p.at < from || p.at > to) continue;
        recorded.push({ r: { university_id: universityId, subject: `visit:${q.value}`, at: p.at, event_id: p.id, device_id: p.deviceId, kind: 'access.granted', direction: p.direction ?? (p.action === 'checked_in' ? 'in' : 'out'), entrance: 1 }, via: 'visit' });
      }
      auditSubject = { type: 'visitor', visitId: q.value, name: visit.visitorName };
    } else {
      universityId = await this.university(actor, q.universityId);
      const plate = normalizePlate(q.value);
      if (!PLATE_TEXT.test(plate)) throw invalidField('value', 'a plate is 2–12 Chinese characters, letters and digits (沪A12345)', 'format');
      label = plate;
      spans.push({ subject: `plate:${plate}`, via: 'plate', from, to, toInclusive: true });
      auditSubject = { type: 'plate', plate };
    }

    // No entry, no answer: the audit entry is written before the sightings are read.
    await this.audit.recordAlone(actor, { action: 'trajectory.query', entityType: q.type === 'visitor' ? 'visit' : q.type, entityId: personId ?? (q.type === 'visitor' ? q.value : label), universityId, after: { ...auditSubject, from, to, reason } });

    const limit = TRAJECTORY_LIMITS.maxSightings;
    const found = await Promise.all(spans.map(async (s) => (await this.repo.sightingsOf(universityId, s.subject, s.from, s.to, s.toInclusive, limit + 1)).map((r) => ({ r, via: s.via }))));
    // One event may be a sighting of the person and of their card: keep it once, the person id first.
    const byEvent = new Map<string, { r: SightingRow; via: SightingVia }>();
    for (const list of [...found, recorded]) for (const x of list) if (!byEvent.has(x.r.event_id)) byEvent.set(x.r.event_id, x);
    const ordered = [...byEvent.values()].sort((a, b) => (a.r.at < b.r.at ? -1 : a.r.at > b.r.at ? 1 : a.r.event_id < b.r.event_id ? -1 : 1));
    const truncated = ordered.length > limit;
    const kept = ordered.slice(0, limit);
    return { type: q.type, label, personId, from, to, credentials, holders, sightings: await this.present(kept), truncated };
  }

  /** Sightings with their device's name, building, campus and position. */
  private async present(list: { r: SightingRow; via: SightingVia }[]): Promise<Sighting[]> {
    const devices = new Map((await this.devices.byIds([...new Set(list.map((x) => x.r.device_id))])).map((d) => [d.id, d]));
    const names = await this.org.namesOf([...new Set([...devices.values()].flatMap((d) => [d.campusId, ...(d.buildingId ? [d.buildingId] : [])]))]);
    return list.map(({ r, via }) => {
      const d: Device | undefined = devices.get(r.device_id);
      return {
        eventId: r.event_id,
        at: r.at,
        kind: r.kind,
        direction: r.direction === 'in' || r.direction === 'out' ? r.direction : null,
        via,
        deviceId: r.device_id,
        deviceName: d?.name ?? r.device_id,
        deviceKind: d?.kind ?? 'unknown',
        buildingName: d?.buildingId ? (names.get(d.buildingId) ?? null) : null,
        campusName: d ? (names.get(d.campusId) ?? null) : null,
        lon: d?.lon ?? null,
        lat: d?.lat ?? null,
      };
    });
  }

  /** People whose name or 学工号 contains the text; plates that start with it (seen at a gate, or listed). */
  async candidates(actor: Actor, q: CandidateQuery): Promise<Candidate[]> {
    const text = q.q.replace(/\s+/g, ' ').trim();
    if (!text) throw invalidField('q', 'must not be blank', 'minLength');
    const universityId = await this.university(actor, q.universityId);
    if (q.type === 'person') {
      const { items } = await this.people.list(actor, { q: text, universityId, sort: 'name', order: 'asc', page: 1, pageSize: 20 });
      return items.map((p) => ({ type: 'person', value: p.id, label: p.name, detail: [p.number, p.department].filter(Boolean).join(' · ') || null }));
    }
    if (q.type === 'visitor') {
      const visits = await this.visitors.matching(universityId, text, 20);
      return visits.map((v) => ({ type: 'visitor', value: v.id, label: v.visitorName, detail: `${v.hostName} · ${beijingDate(Date.parse(v.windowFrom))}` }));
    }
    const prefix = normalizePlate(text);
    const [seen, listed] = await Promise.all([this.repo.platesStartingWith(universityId, prefix, 20), this.vehicles.list(actor, { q: prefix, page: 1, pageSize: 20 })]);
    const out = new Map<string, Candidate>();
    for (const v of listed.items) if (v.plate.startsWith(prefix)) out.set(v.plate, { type: 'plate', value: v.plate, label: v.plate, detail: v.ownerName });
    for (const s of seen) if (!out.has(s.plate)) out.set(s.plate, { type: 'plate', value: s.plate, label: s.plate, detail: null });
    return [...out.values()].slice(0, 20);
  }

  /** 在校人数: people whose last entrance pass was inwards, by kind; vehicles from the vehicles module. */
  async onCampus(actor: Actor, requested?: string): Promise<OnCampus> {
    const universityId = await this.university(actor, requested);
    const [subjects, vehicles] = await Promise.all([this.repo.inside(universityId), this.vehicles.onCampus(actor)]);
    const personIds = subjects.filter((s) => s.startsWith('person:')).map((s) => s.slice('person:'.length));
    const kinds = new Map((await this.people.byIds(personIds, universityId)).map((p) => [p.id, p.kind]));
    const byKind: Record<string, number> = {};
    for (const s of subjects) {
      const kind = s.startsWith('person:') ? (kinds.get(s.slice('person:'.length)) ?? 'unknown') : 'unknown';
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    return { at: this.clock.nowIso(), people: { inside: subjects.length, byKind }, vehicles: { inside: vehicles.inside, byList: vehicles.byList } };
  }

  /** Entries and exits per entrance and Beijing hour of one day: people at turnstiles and gates, vehicles at plate cameras. */
  async gateTraffic(actor: Actor, q: { date?: string; universityId?: string }): Promise<GateTraffic> {
    const universityId = await this.university(actor, q.universityId);
    const date = q.date ?? beijingDate(this.clock.now());
    const startMs = Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS;
    if (!Number.isFinite(startMs) || beijingDate(startMs) !== date) throw invalidField('date', 'must be a date YYYY-MM-DD', 'format');
    const [from, to] = [iso(startMs), iso(startMs + DAY)];
    const [people, plates] = await Promise.all([this.repo.entranceHours(universityId, from, to, false), this.repo.entranceHours(universityId, from, to, true)]);
    const devices = new Map((await this.devices.byIds([...new Set([...people, ...plates].map((r) => r.device_id))])).map((d) => [d.id, d.name]));
    const fold = (rows: typeof people): GateHour[] => {
      const cells = new Map<string, GateHour>();
      for (const r of rows) {
        const hour = new Date(Date.parse(`${r.hour}:00:00Z`) + BEIJING_OFFSET_MS).getUTCHours();
        const k = `${r.device_id}\n${hour}`;
        const cell = cells.get(k) ?? { deviceId: r.device_id, deviceName: devices.get(r.device_id) ?? r.device_id, hour, in: 0, out: 0 };
        if (r.direction === 'in') cell.in += r.n;
        else cell.out += r.n;
        cells.set(k, cell);
      }
      return [...cells.values()].sort((a, b) => a.deviceName.localeCompare(b.deviceName, 'zh') || a.hour - b.hour);
    };
    return { date, people: fold(people), vehicles: fold(plates) };
  }
}
