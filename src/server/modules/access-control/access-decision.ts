import type { AccessDecision, AccessDenyReason, AccessMembers, DoorCredential } from '../../../shared/access-control.ts';
import type { ScheduleT } from '../../../shared/alarms.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import { inSchedule, type Calendar } from '../../../shared/schedule.ts';
import type { CredentialHolder } from '../people/index.ts';

/** An access group as the decider holds it. */
export interface GroupRule {
  id: string;
  name: string;
  doorIds: ReadonlySet<string>;
  members: AccessMembers;
  personIds: ReadonlySet<string>;
  schedule: ScheduleT | null;
  validFrom: string | null;
  validUntil: string | null;
  enabled: boolean;
}

/** A door's settings as the decider holds them (defaults when the door has none stored). */
export interface DoorRule {
  doorId: string;
  credentials: readonly DoorCredential[];
  antiPassback: boolean;
  firstCardUnlock: boolean;
  normallyOpen: ScheduleT | null;
  firstUnlockedOn: string | null;
}

export const DEFAULT_DOOR_CREDENTIALS: readonly DoorCredential[] = ['card', 'qr', 'face'];

/** Whether a person is one of the group's members: named, or of its kinds and departments. */
export function isMember(group: Pick<GroupRule, 'members' | 'personIds'>, p: Pick<CredentialHolder, 'personId' | 'personKind' | 'department'>): boolean {
  if (group.personIds.has(p.personId)) return true;
  const { kinds, departments } = group.members;
  if (!kinds.length && !departments.length) return false;
  return (!kinds.length || kinds.includes(p.personKind)) && (!departments.length || (p.department !== null && departments.includes(p.department)));
}

/** Whether the group's own validity (Beijing dates, both ends inclusive) covers the day. */
export function groupValidOn(group: Pick<GroupRule, 'validFrom' | 'validUntil' | 'enabled'>, date: string): boolean {
  return group.enabled && (!group.validFrom || group.validFrom <= date) && (!group.validUntil || date <= group.validUntil);
}

export interface DecisionInput {
  door: DoorRule;
  credentialType: DoorCredential;
  holder: CredentialHolder | null;
  /** The groups that include this door. */
  groups: readonly GroupRule[];
  atMs: number;
  calendar: Calendar;
  direction?: 'in' | 'out';
  /** The person's last direction through this door (anti-passback). */
  lastDirection: 'in' | 'out' | null;
}

const deny = (reason: AccessDenyReason, personId: string | null = null): AccessDecision => ({ decision: 'deny', reason, personId, groupId: null, holdOpenUntil: null });

/**
 * One door decision, in the order a security office reads a refusal: the reader's credential
 * type, the credential, the person, their groups for this door, the group's dates, its hours,
 * anti-passback. Holidays and vacations come from the school calendar through the schedule.
 */
export function decideAccess(d: DecisionInput): AccessDecision {
  if (!d.door.credentials.includes(d.credentialType)) return deny('credential_not_accepted');
  const h = d.holder;
  if (!h) return deny('unknown_credential');
  const today = beijingDate(d.atMs);
  if (h.status !== 'active') return deny('person_inactive', h.personId);
  if (h.validUntil && h.validUntil < today) return deny('expired', h.personId);
  const mine = d.groups.filter((g) => g.doorIds.has(d.door.doorId) && isMember(g, h));
  if (!mine.length) return deny('no_permission', h.personId);
  const valid = mine.filter((g) => groupValidOn(g, today));
  if (!valid.length) return deny('expired', h.personId);
  const now = valid.find((g) => inSchedule(g.schedule ?? undefined, d.atMs, d.calendar));
  if (!now) return deny('time_restricted', h.personId);
  if (d.door.antiPassback && d.direction && d.lastDirection === d.direction) return deny('anti_passback', h.personId);
  let holdOpenUntil: string | null = null;
  if (d.door.firstCardUnlock && d.door.normallyOpen && h.personKind === 'staff' && d.door.firstUnlockedOn !== today && inSchedule(d.door.normallyOpen, d.atMs, d.calendar)) {
    holdOpenUntil = new Date(scheduleEnd(d.door.normallyOpen, d.atMs, d.calendar)).toISOString();
  }
  return { decision: 'grant', reason: null, personId: h.personId, groupId: now.id, holdOpenUntil };
}

/** The end of the schedule period the instant is in (found by the minute, at most a day ahead). */
export function scheduleEnd(schedule: ScheduleT, atMs: number, calendar: Calendar): number {
  const start = Math.floor(atMs / 60_000) * 60_000;
  for (let t = start + 60_000; t <= start + 86_400_000; t += 60_000) if (!inSchedule(schedule, t, calendar)) return t;
  return start + 86_400_000;
}
