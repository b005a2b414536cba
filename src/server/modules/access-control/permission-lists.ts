import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { DoorCredential, ListStatus, PermissionList } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import type { Clock } from '../../clock.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { DeviceCommands } from '../device-commands/index.ts';
import type { CredentialHolder, PeopleService } from '../people/index.ts';
import { groupValidOn, isMember, type GroupRule } from './access-decision.ts';
import { accessRepository as repo, toDoorRule, toGroupRule, type DoorRow } from './access.repository.ts';

/** How long a controller has to confirm a list it was sent. */
const LIST_ACK_TIMEOUT_MS = 15_000;
/** A list that was not confirmed is sent again after this long. */
const RESEND_AFTER_MS = 5 * 60_000;
/** Lists sent at once (each waits for its controller's acknowledgement). */
const PARALLEL_SENDS = 16;
/** Special days of the school calendar a controller receives (it applies holidays itself). */
const CALENDAR_DAYS_AHEAD = 60;

/**
 * Builds the list of credentials an offline door lets in: every active card, QR or face
 * credential the door takes whose holder is in a group of the door that is not over, with the
 * group's hours (an index into `schedules`; none = any time) and the day it ends.
 */
export function buildList(door: DoorRow, groups: readonly GroupRule[], holders: readonly CredentialHolder[], calendar: ReadonlyMap<string, string>, nowMs: number): Omit<PermissionList, 'version' | 'generatedAt'> {
  const rule = toDoorRule(door.door_id, door);
  const today = beijingDate(nowMs);
  const mine = groups.filter((g) => g.doorIds.has(door.door_id) && g.enabled);
  const schedules: ScheduleT[] = [];
  const scheduleIndex = new Map<string, number>();
  const indexOf = (s: ScheduleT) => {
    const key = JSON.stringify(s);
    let i = scheduleIndex.get(key);
    if (i === undefined) {
      i = schedules.push(s) - 1;
      scheduleIndex.set(key, i);
    }
    return i;
  };
  const entries: PermissionList['entries'] = [];
  for (const h of holders) {
    if (h.status !== 'active' || (h.validUntil && h.validUntil < today) || !rule.credentials.includes(h.credentialKind as DoorCredential)) continue;
    const groupsOfHolder = mine.filter((g) => isMember(g, h));
    if (!groupsOfHolder.length) continue;
    // Groups valid today only: the job rebuilds the lists every minute, so a group that starts
    // tomorrow reaches the controllers with the new day. Any time if one of them has no hours.
    const current = groupsOfHolder.filter((g) => groupValidOn(g, today));
    if (!current.length) continue;
    const anyTime = current.some((g) => !g.schedule);
    const ends = current.map((g) => g.validUntil);
    const groupEnd = ends.includes(null) ? null : ends.reduce((a, b) => (a! > b! ? a : b));
    const until = [groupEnd, h.validUntil].filter((d): d is string => d !== null).sort()[0] ?? null;
    entries.push({ type: h.credentialKind as DoorCredential, id: h.value, schedules: anyTime ? [] : [...new Set(current.filter((g) => g.schedule).map((g) => indexOf(g.schedule!)))], until });
  }
  const end = beijingDate(nowMs + CALENDAR_DAYS_AHEAD * 86_400_000);
  const days = Object.fromEntries([...calendar].filter(([d]) => d >= today && d <= end).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { schedules, calendar: days, entries, antiPassback: rule.antiPassback };
}

/**
 * 离线名单下发: keeps each offline door's controller holding the list its groups give, sending a
 * new version when the list changes and again when a controller did not confirm one.
 */
export class PermissionLists {
  log: FastifyBaseLogger | null = null;

  constructor(
    private readonly db: ModuleDb<'access-control'>,
    private readonly people: Pick<PeopleService, 'activeHolders'>,
    private readonly calendar: Pick<CalendarService, 'daysOf'>,
    private readonly commands: Pick<DeviceCommands, 'sendWithAck'>,
    private readonly clock: Clock,
  ) {}

  /** The job: every university with offline doors. Returns how many lists were sent. */
  async pushDue(): Promise<number> {
    let sent = 0;
    for (const universityId of await repo.offlineUniversities(this.db)) sent += await this.pushUniversity(universityId);
    return sent;
  }

  /**
   * Sends the lists of a university's offline doors that changed or were not confirmed; `only`:
   * that door alone, whatever its state (立即下发, which waits for its answer and no other door's).
   */
  async pushUniversity(universityId: string, only?: string): Promise<number> {
    const doors = (await repo.doorsOf(this.db, universityId)).filter((d) => d.mode === 'offline' && (!only || d.door_id === only));
    if (!doors.length) return 0;
    const [groups, holders, calendar] = await Promise.all([repo.groupsOf(this.db, universityId).then((rows) => rows.map(toGroupRule)), this.people.activeHolders(universityId), this.calendar.daysOf(universityId)]);
    const now = this.clock.now();
    const due: { door: DoorRow; list: PermissionList }[] = [];
    for (const door of doors) {
      const body = buildList(door, groups, holders, calendar, now);
      const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const changed = hash !== door.list_hash;
      // Pending too: a send cut off by a restart is retried.
      const unconfirmed = door.list_status !== 'acknowledged' && (!door.list_sent_at || now - Date.parse(door.list_sent_at) >= RESEND_AFTER_MS);
      if (!changed && !unconfirmed && !only) continue;
      const version = changed ? door.list_version + 1 : door.list_version;
      if (changed) await repo.updateDoor(this.db, door.door_id, { list_version: version, list_hash: hash, list_entries: body.entries.length });
      due.push({ door, list: { version, generatedAt: new Date(now).toISOString(), ...body } });
    }
    for (let i = 0; i < due.length; i += PARALLEL_SENDS) await Promise.all(due.slice(i, i + PARALLEL_SENDS).map((d) => this.send(universityId, d.door.door_id, d.list)));
    return due.length;
  }

  private async send(universityId: string, doorId: string, list: PermissionList): Promise<void> {
    const sentAt = this.clock.nowIso();
    await repo.updateDoor(this.db, doorId, { list_status: 'pending', list_sent_at: sentAt, list_message: null });
    const outcome = await this.commands.sendWithAck(universityId, doorId, { id: `acl:${doorId}:${list.version}`, command: 'access.list', list }, LIST_ACK_TIMEOUT_MS);
    const status: ListStatus = outcome.status;
    const message = 'reason' in outcome ? outcome.reason : (outcome.message ?? null);
    await repo.updateDoor(this.db, doorId, {
      list_status: status,
      list_message: message,
      ...(status === 'acknowledged' ? { list_acked_version: list.version, list_acked_at: this.clock.nowIso() } : {}),
    });
    if (status !== 'acknowledged') this.log?.warn({ doorId, version: list.version, status, message }, 'permission list not confirmed by the door controller');
  }
}
