/**
 * The demo university's 电子巡更: a checkpoint at every patrol checkpoint device in service (its
 * position, its device, a QR token from the seed's own stream), and three routes of the first
 * campus — the same stretches, in the same order, that the simulator's guards walk (scenario.ts
 * buildRoutes), so that their check-ins land in the routes' tours: mostly on time, now and then
 * late, and a checkpoint missed about one time in sixteen. The night rounds start at the
 * simulator's times (timetable.ts PATROL_ROUNDS); the first route also walks by day.
 */
import type { Device } from '../../../shared/devices.ts';
import { CHECKPOINT_TOKEN_PREFIX } from '../../../shared/patrol.ts';
import type { CheckpointRow, RouteRow } from '../../modules/patrol/index.ts';
import { Random } from '../../util/random.ts';
import { patrolAreaOf, patrolNumber } from '../scenario/devices.ts';
import { DAY_PATROL_ROUNDS, PATROL_ROUNDS } from '../scenario/timetable.ts';
import type { DemoAccount } from './people.ts';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** The three routes: the stretch with most of each kind of checkpoint, each stretch once. */
const ROUTE_KINDS: [string, RegExp][] = [
  ['周界巡更', /周界|门卫室/],
  ['夜间宿舍区巡更', /宿舍|公寓|书院/],
  ['教学区巡更', /教学|实验|图书|学院|楼/],
];

export function generateDemoPatrol(opts: { seed: number; universityId: string; createdAt: string; devices: readonly Device[]; accounts: readonly DemoAccount[] }): { checkpoints: CheckpointRow[]; routes: RouteRow[] } {
  const root = new Random(opts.seed).fork('campus-patrol');
  const idRng = root.fork('ids');
  const tokenRng = root.fork('tokens');
  // The simulator walks the checkpoint devices in service; those with a position become checkpoints.
  const devices = opts.devices.filter((d) => d.kind === 'patrol_checkpoint' && d.status === 'in_service' && d.universityId === opts.universityId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const checkpoints: CheckpointRow[] = devices.filter((d) => d.lon != null && d.lat != null).map((d) => ({
    id: idRng.uuid(),
    university_id: opts.universityId,
    campus_id: d.campusId,
    name: d.name.replace(/^巡更点\s*/, '').slice(0, 60),
    lon: d.lon!,
    lat: d.lat!,
    radius_m: 30,
    device_id: d.id,
    token: CHECKPOINT_TOKEN_PREFIX + tokenRng.alnum(16, TOKEN_ALPHABET),
    created_at: opts.createdAt,
    updated_at: opts.createdAt,
  }));
  const byDevice = new Map(checkpoints.map((c) => [c.device_id!, c]));

  // The simulator's stretches (scenario.ts buildRoutes): per campus, in checkpoint number order, about ten each.
  const byArea = new Map<string, Device[]>();
  for (const d of devices) {
    const area = patrolAreaOf(d.name) ?? d.campusId ?? '';
    byArea.set(area, [...(byArea.get(area) ?? []), d]);
  }
  const [first] = [...byArea].sort(([a], [b]) => (a < b ? -1 : 1));
  if (!first) return { checkpoints, routes: [] };
  const list = [...first[1]].sort((a, b) => patrolNumber(a.name) - patrolNumber(b.name) || (a.name < b.name ? -1 : 1));
  const count = Math.max(1, Math.round(list.length / 10));
  const size = Math.ceil(list.length / count);
  const guards = opts.accounts.filter((a) => a.inUniversity && a.role === 'guard').sort((a, b) => (a.username < b.username ? -1 : 1));
  const stretches = Array.from({ length: count }, (_, r) => ({ r, list: list.slice(r * size, (r + 1) * size).filter((d) => byDevice.has(d.id)) }));
  const used = new Set<number>();
  const routes: RouteRow[] = [];
  for (const [k, [name, re]] of ROUTE_KINDS.entries()) {
    const score = (s: (typeof stretches)[number]) => s.list.filter((d) => re.test(d.name)).length;
    const best = stretches.filter((s) => !used.has(s.r) && s.list.length).sort((a, b) => score(b) - score(a) || a.r - b.r)[0];
    if (!best) break;
    used.add(best.r);
    // The simulator's day rounds walk every third of its routes (scenario.ts startRound); the first campus's come first.
    const startTimes = [...PATROL_ROUNDS, ...(best.r % 3 === 0 ? DAY_PATROL_ROUNDS : [])].sort();
    routes.push({
      id: idRng.uuid(),
      university_id: opts.universityId,
      name,
      ordered: 1,
      // The guards set off within 8 minutes and walk 1.5–5.5 minutes a checkpoint: 8 + 5 per checkpoint is generous, not always enough.
      points: JSON.stringify(best.list.map((d, i) => ({ checkpointId: byDevice.get(d.id)!.id, withinMin: 8 + 5 * (i + 1) }))),
      min_step_s: 60,
      late_grace_min: 10,
      start_times: JSON.stringify(startTimes),
      days: JSON.stringify([1, 2, 3, 4, 5, 6, 7]),
      holidays: 'run',
      guard_ids: JSON.stringify(guards.slice(k * 2, k * 2 + 2).map((g) => g.id)),
      enabled: 1,
      created_at: opts.createdAt,
      updated_at: opts.createdAt,
    });
  }
  return { checkpoints, routes };
}
