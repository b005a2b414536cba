/**
 * The devices' past: the same scenario the live simulator follows (timetable, population,
 * patrol rounds, rare alarms and faults), stepped minute by minute over the history at a rate
 * scaled down for a store that holds 90 days, quieter on holidays and in vacations of the school
 * calendar, plus a few stories (repeated failed card swipes, the incidents of incidents.ts).
 * Each day is prepared at its midnight and delivered in small groups at their arrival time.
 */
import type { DeviceKind } from '../../../shared/domain.ts';
import type { EventSource } from '../../../shared/events.ts';
import { addDays, hashString } from '../../util/random.ts';
import { Scenario, type RareStream, type ScenarioEvent, type SimDevice } from '../scenario/scenario.ts';
import { DEMO_FLEET_SEED } from '../scenario/population.ts';
import { residentsOf } from '../scenario/residents.ts';
import { atShanghai, shanghaiIso } from '../scenario/timetable.ts';
import type { DeviceMessage, HistoryContext, HistoryContributor } from './contributor.ts';
import { INCIDENT_DAYS, type IncidentBook, type IncidentKind } from './incidents.ts';

/** Background events per second on an ordinary day (the live simulator runs at XIAOAN_SIM_RATE, 20 by default). */
export const HISTORY_RATE_PER_S = 0.006;

/** Rare events per hour for the whole university: a fraction of the live rates, so 90 days hold ~1–2 thousand alarms. */
export const HISTORY_RARE_PER_HOUR: Record<RareStream, number> = {
  'door.held_open': 1.5,
  'door.forced': 0.05,
  intrusion: 0.25,
  perimeter: 0.12,
  smoke: 0.04,
  fire: 0.004,
  panic: 0.02,
  tamper: 0.1,
  'device.fault': 0.12,
  'video.loss': 0.04,
};

/** Kinds people cause: fewer when the campus is empty. Intrusion and perimeter alarms do not take holidays. */
const PEOPLE_KINDS = new Set(['door.held_open', 'panic', 'smoke', 'access.denied', 'access.granted', 'plate.read', 'motion', 'tamper']);
/** Kinds worth delivering at once (the rules act on them); background traffic goes in groups of up to GROUP_MS. */
const QUIET_KINDS = new Set(['access.granted', 'access.denied', 'plate.read', 'motion', 'patrol.checkin', 'door.held_open']);
const GROUP_MS = 15 * 60_000;
const HTTP_KINDS = new Set<DeviceKind>(['turnstile', 'patrol_checkpoint']);

/** How busy a day is compared with an ordinary one. */
export function dayFactor(kind: string | undefined): number {
  return kind === 'holiday' ? 0.35 : kind === 'vacation' ? 0.5 : 1;
}

export function deviceTraffic(opts: { incidents: IncidentBook; ratePerS?: number }): HistoryContributor {
  return {
    name: 'device traffic',
    async contribute(ctx) {
      const { services, universityId } = ctx;
      const inService = (await services.devices.ofUniversity(universityId)).filter((d) => d.status === 'in_service').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (!inService.length) return;
      const buildingNames = await services.org.namesOf(inService.map((d) => d.buildingId).filter((id): id is string => id !== null));
      const devices: SimDevice[] = inService.map((d) => ({ id: d.id, kind: d.kind as DeviceKind, name: d.name, campusId: d.campusId, buildingId: d.buildingId, buildingName: d.buildingId ? (buildingNames.get(d.buildingId) ?? null) : null }));
      const guards = ctx.staff.guards.map((g) => g.username);
      const seed = Math.floor(ctx.rng.next() * 2 ** 32);
      const residents = residentsOf(await services.people.cardHolders(universityId));
      const scenario = new Scenario({ devices, seed, guards, runTag: `H${seed.toString(36)}`, rarePerHour: HISTORY_RARE_PER_HOUR, fleetSeed: DEMO_FLEET_SEED, residents, dayKind: (date) => ctx.calendar.get(date) });
      const rate = opts.ratePerS ?? HISTORY_RATE_PER_S;
      // Doors answer the platform's commands (a fire opens the building's doors) as the live simulator's do.
      const byId = new Map(devices.map((d) => [d.id, d]));
      services.deviceCommands.setSender(async (_universityId, deviceId, command) => {
        const device = byId.get(deviceId);
        if (!device) throw new Error('no such device');
        const answers = scenario.commandAck(device, command, ctx.clock.now() + 400);
        await ctx.deviceMessages(answers.map((envelope) => ({ deviceId, source: 'mqtt' as EventSource, envelope })));
      }, { answersWithinSend: true });
      const rng = ctx.rng.fork('stories');
      const byKind = (kinds: DeviceKind[], pattern?: RegExp) => devices.filter((d) => kinds.includes(d.kind) && (!pattern || pattern.test(`${d.buildingName ?? ''}${d.name}`)));
      const secureDoors = byKind(['door']).filter((d) => /机房|财务|档案|实验|保密/.test(`${d.buildingName ?? ''}${d.name}`));
      const cardReaders = secureDoors.length ? secureDoors : byKind(['door']);
      let storySeq = 0;
      const story = (device: SimDevice, kind: string, payload: Record<string, unknown>, atMs: number): ScenarioEvent => ({
        device,
        envelope: { kind, sourceEventId: `S-${seed.toString(36)}-${(++storySeq).toString(36)}`, occurredAt: shanghaiIso(Math.floor(atMs)), payload },
      });
      const incidentDates = new Map<string, { kind: IncidentKind; time: string }>();
      const lastDate = ctx.range.dates[ctx.range.dates.length - 1]!;
      for (const i of INCIDENT_DAYS) incidentDates.set(addDays(lastDate, -i.daysBack), i);

      const incidentEvents = (kind: IncidentKind, date: string, time: string): ScenarioEvent[] => {
        const t0 = atShanghai(date, time);
        const pick = (list: SimDevice[]) => (list.length ? list[hashString(`${kind}${date}`) % list.length]! : null);
        const out: ScenarioEvent[] = [];
        if (kind === 'lab_break_in') {
          const zone = pick(byKind(['intrusion_zone'], /实验|机房|财务|档案/)) ?? pick(byKind(['intrusion_zone']));
          if (zone) for (const s of [0, 95, 260]) out.push(story(zone, 'intrusion', { zone: zone.name.slice(0, 64), detector: 'dual_tech' }, t0 + s * 1000));
        } else if (kind === 'fence_climb') {
          const fence = pick(byKind(['perimeter_zone']));
          if (fence) for (const s of [0, 40]) out.push(story(fence, 'perimeter', { segment: fence.name.slice(0, 64), method: 'climbing' }, t0 + s * 1000));
        } else {
          const detector = pick(byKind(['fire_detector'], /实验/)) ?? pick(byKind(['fire_detector']));
          if (detector) {
            out.push(story(detector, 'smoke', { density: 6.8 }, t0));
            out.push(story(detector, 'fire', { detectorType: 'smoke', level: 1 }, t0 + 75_000));
          }
        }
        if (out.length) opts.incidents.add({ kind, date, time }, out.map((e) => e.envelope.sourceEventId!));
        return out;
      };

      const day = async (date: string) => {
        const from = Math.max(ctx.range.fromMs, atShanghai(date, '00:00'));
        const to = Math.min(ctx.range.toMs, atShanghai(addDays(date, 1), '00:00'));
        const factor = dayFactor(ctx.calendar.get(date));
        const events: ScenarioEvent[] = [];
        for (let t = from + 60_000; t <= to; t += 60_000) {
          for (const e of scenario.step(t, 60_000, rate * factor)) {
            // Rare events come at fixed rates; on quiet days fewer of those people cause.
            if (factor < 1 && PEOPLE_KINDS.has(e.envelope.kind) && e.envelope.kind !== 'access.granted' && !rng.chance(factor)) continue;
            events.push(e);
          }
        }
        // Someone tries cards that do not open a door, again and again (连续刷卡失败): a few a week.
        if (cardReaders.length && rng.chance(0.35 * factor)) {
          const door = rng.pick(cardReaders);
          let t = from + rng.float(0.3, 0.95) * (to - from);
          for (let n = rng.int(5, 7); n > 0; n--, t += rng.float(8_000, 20_000)) events.push(story(door, 'access.denied', { credentialType: 'card', credentialId: rng.digits(10), reason: rng.chance(0.7) ? 'unknown_credential' : 'no_permission' }, t));
        }
        const incident = incidentDates.get(date);
        if (incident) events.push(...incidentEvents(incident.kind, date, incident.time));
        const at = (e: ScenarioEvent) => Date.parse(e.envelope.occurredAt!);
        const sorted = events.map((e, i) => ({ e, t: at(e), i })).filter((x) => x.t < to).sort((a, b) => a.t - b.t || a.i - b.i);
        // Delivered in groups: background traffic up to fifteen minutes at a time, anything the rules act on at once.
        let group: DeviceMessage[] = [];
        let groupStart = 0;
        let last = 0;
        const flush = () => {
          if (!group.length) return;
          const messages = group;
          ctx.at(last + 1600, () => ctx.deviceMessages(messages));
          ctx.count('device messages', messages.length);
          group = [];
        };
        for (const { e, t } of sorted) {
          if (group.length && t - groupStart > GROUP_MS) flush();
          if (!group.length) groupStart = t;
          group.push({ deviceId: e.device.id, source: (HTTP_KINDS.has(e.device.kind) ? 'http' : 'mqtt') as EventSource, envelope: e.envelope, receivedAtMs: t + 200 + rng.int(0, 1300) });
          last = t;
          if (!QUIET_KINDS.has(e.envelope.kind)) flush();
        }
        flush();
      };
      for (const date of ctx.range.dates) ctx.at(atShanghai(date, '00:00') >= ctx.range.fromMs ? atShanghai(date, '00:00') : ctx.range.fromMs, () => day(date));
    },
  };
}
