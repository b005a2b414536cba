import type { FastifyBaseLogger } from 'fastify';
import { Compile } from 'typebox/compile';
import { AccessRequest, type AccessDecision, type DoorCredential } from '../../../shared/access-control.ts';
import { beijingDate } from '../../../shared/beijing-time.ts';
import type { Clock } from '../../clock.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { CalendarService } from '../calendar/index.ts';
import type { PeopleService } from '../people/index.ts';
import { decideAccess, type DoorRule, type GroupRule } from './access-decision.ts';
import { accessRepository as repo, toDoorRule, toGroupRule } from './access.repository.ts';

/** A university's groups and door settings are read again after this long, in real time (a cache; writes here drop it at once). */
const RULES_TTL_MS = 5_000;
const checkRequest = Compile(AccessRequest);

export interface AccessAnswer extends AccessDecision {
  requestId: string;
}

/** Sends the answer to the controller (the MQTT commands topic). */
export type AnswerSender = (universityId: string, deviceId: string, answer: object) => Promise<void>;

interface UniversityRules {
  loadedAt: number;
  groupsByDoor: Map<string, GroupRule[]>;
  doors: Map<string, DoorRule>;
}

/**
 * The platform as the decision server (在线验证) for door controllers that ask at each swipe:
 * one answer per request, from cached groups and door settings, the person read fresh (a card
 * revoked a second ago is refused). A grant through an anti-passback door records the direction.
 */
export class AccessDecider {
  private readonly cache = new Map<string, UniversityRules>();
  log: FastifyBaseLogger | null = null;

  constructor(
    private readonly db: ModuleDb<'access-control'>,
    private readonly people: Pick<PeopleService, 'holderOf'>,
    private readonly calendar: Pick<CalendarService, 'daysOf'>,
    private readonly clock: Clock,
  ) {}

  /** Drops a university's cached rules (after a change of its groups or doors). */
  forget(universityId: string) {
    this.cache.delete(universityId);
  }

  private async rules(universityId: string): Promise<UniversityRules> {
    const hit = this.cache.get(universityId);
    if (hit && performance.now() - hit.loadedAt < RULES_TTL_MS) return hit;
    const [groups, doors] = await Promise.all([repo.groupsOf(this.db, universityId), repo.doorsOf(this.db, universityId)]);
    const groupsByDoor = new Map<string, GroupRule[]>();
    for (const g of groups.map(toGroupRule)) {
      if (!g.enabled) continue;
      for (const d of g.doorIds) {
        const list = groupsByDoor.get(d) ?? [];
        list.push(g);
        groupsByDoor.set(d, list);
      }
    }
    const rules = { loadedAt: performance.now(), groupsByDoor, doors: new Map(doors.map((d) => [d.door_id, toDoorRule(d.door_id, d)])) };
    this.cache.set(universityId, rules);
    return rules;
  }

  /**
   * Decides one swipe at a door. `record`: a grant is a passage (anti-passback direction, the
   * first-card unlock of the day); false for the console's 模拟刷卡.
   */
  async decide(universityId: string, doorId: string, req: { credentialType: DoorCredential; credentialId: string; direction?: 'in' | 'out' }, atMs: number, record: boolean): Promise<{ decision: AccessDecision; groupName: string | null; personName: string | null }> {
    const [rules, holder, calendar] = await Promise.all([this.rules(universityId), this.people.holderOf(universityId, req.credentialType, req.credentialId), this.calendar.daysOf(universityId)]);
    const door = rules.doors.get(doorId) ?? toDoorRule(doorId, undefined);
    const groups = rules.groupsByDoor.get(doorId) ?? [];
    const lastDirection = door.antiPassback && holder && req.direction ? await repo.lastDirection(this.db, holder.personId, doorId) : null;
    const decision = decideAccess({ door, credentialType: req.credentialType, holder, groups, atMs, calendar, direction: req.direction, lastDirection });
    if (record && decision.decision === 'grant' && holder) {
      const at = new Date(atMs).toISOString();
      if (door.antiPassback && req.direction) await repo.recordPassage(this.db, { person_id: holder.personId, door_id: doorId, university_id: universityId, direction: req.direction, at });
      if (decision.holdOpenUntil) {
        const today = beijingDate(atMs);
        await repo.updateDoor(this.db, doorId, { first_unlocked_on: today });
        rules.doors.set(doorId, { ...door, firstUnlockedOn: today });
      }
    }
    return { decision, groupName: groups.find((g) => g.id === decision.groupId)?.name ?? null, personName: holder?.name ?? null };
  }

  /**
   * A controller's question on MQTT (`…/access`). Resolves with the answer to send, or with the
   * problem for a dead letter (the answer then still tells the controller to refuse).
   */
  async answer(universityId: string, deviceId: string, raw: Buffer, isDoor = true): Promise<{ answer: AccessAnswer | null; problem: { reason: string; field: string | null } | null }> {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { answer: null, problem: { reason: 'the access request is not JSON', field: null } };
    }
    if (!checkRequest.Check(body)) {
      const first = [...checkRequest.Errors(body)][0];
      const field = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') || null;
      const requestId = typeof (body as { requestId?: unknown })?.requestId === 'string' ? (body as { requestId: string }).requestId.slice(0, 64) : null;
      const problem = { reason: `access request: ${field ?? 'body'} ${first?.message ?? 'is invalid'}`, field };
      return { answer: requestId ? { requestId, decision: 'deny', reason: 'unknown_credential', personId: null, groupId: null, holdOpenUntil: null } : null, problem };
    }
    const req = body as AccessRequest;
    if (!isDoor) return { answer: { requestId: req.requestId, decision: 'deny', reason: 'not_a_door', personId: null, groupId: null, holdOpenUntil: null }, problem: { reason: 'access request from a device that is not a door or turnstile', field: 'topic' } };
    const { decision } = await this.decide(universityId, deviceId, req, this.clock.now(), true);
    return { answer: { requestId: req.requestId, ...decision }, problem: null };
  }
}
