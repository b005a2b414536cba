/**
 * The demo university's visitors (访客): a handful of visits in every state around the moment the
 * demo is seeded, so the 访客 page shows today's pending, approved, inside, overstaying and past
 * visits. Names, phones, reasons, hosts, gates and pass tokens come from the seed's own random
 * stream (adding them shifts nothing else the demo generates); only the times follow `nowMs`.
 * Demo pass tokens are therefore derivable from the seed: fine for a demonstration, and real
 * visits get crypto-random ones (modules/visitors).
 */
import { PASS_TOKEN_PREFIX, type VisitState } from '../../../shared/visitors.ts';
import type { Device } from '../../../shared/devices.ts';
import { visitSearchText, type VisitLogRow, type VisitRow } from '../../modules/visitors/index.ts';
import { Random } from '../../util/random.ts';
import { NameGenerator, type DemoAccount } from './people.ts';

const REASONS = ['参加学术讲座', '洽谈科研合作项目', '设备维保上门服务', '招聘宣讲会筹备', '探望学生', '校友返校座谈', '参加研究生复试', '送审档案材料'];
const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;

/** What each demo visit is, relative to the seeding moment (hours), and what happened to it. */
const PLAN: { state: VisitState; from: number; to: number; inAt?: number; outAt?: number }[] = [
  { state: 'pending', from: 1, to: 3 },
  { state: 'pending', from: 2, to: 4 },
  { state: 'pending', from: 24, to: 27 },
  { state: 'approved', from: 0.5, to: 2.5 },
  { state: 'approved', from: 3, to: 5 },
  { state: 'checked_in', from: -1, to: 2, inAt: -0.75 },
  // Inside past its window: the overstay check reports it within a minute of the start.
  { state: 'checked_in', from: -4, to: -0.5, inAt: -3.75 },
  { state: 'checked_out', from: -5, to: -2, inAt: -4.75, outAt: -2.5 },
  { state: 'rejected', from: 2, to: 4 },
  { state: 'expired', from: -26, to: -24 },
];

export function generateDemoVisits(opts: { seed: number; universityId: string; accounts: readonly DemoAccount[]; devices: readonly Device[]; nowMs: number }): { visits: VisitRow[]; log: VisitLogRow[] } {
  const root = new Random(opts.seed).fork('campus-visitors');
  const rng = root.fork('fields');
  const idRng = root.fork('ids');
  const names = new NameGenerator(root.fork('names'));
  const hosts = opts.accounts.filter((a) => a.inUniversity && (a.role === 'operator' || a.role === 'security_director'));
  const director = opts.accounts.find((a) => a.role === 'security_director');
  // The people gates (人行闸机) of the first campus that has any, in a stable order.
  const turnstiles = opts.devices.filter((d) => d.kind === 'turnstile' && d.status === 'in_service').sort((a, b) => a.id.localeCompare(b.id));
  const campusId = turnstiles[0]?.campusId;
  const gates = turnstiles.filter((d) => d.campusId === campusId);
  if (!campusId || !hosts.length || !director || !gates.length) return { visits: [], log: [] };
  const now = Math.floor(opts.nowMs / QUARTER) * QUARTER;
  const at = (hours: number) => new Date(now + hours * HOUR).toISOString();
  const visits: VisitRow[] = [];
  const log: VisitLogRow[] = [];
  const entry = (v: VisitRow, action: VisitLogRow['action'], when: string, over: Partial<VisitLogRow> = {}): VisitLogRow => ({
    id: idRng.uuid(), visit_id: v.id, university_id: v.university_id, at: when, action, refusal: null, direction: null, device_id: null, actor_name: null, note: null, ...over,
  });
  for (const p of PLAN) {
    const host = rng.pick(hosts);
    const gate = rng.pick(gates);
    const registered = at(p.from - 20);
    const decided = p.state !== 'pending' && p.state !== 'expired';
    const v: VisitRow = {
      id: idRng.uuid(),
      university_id: opts.universityId,
      campus_id: campusId,
      visitor_name: names.next(),
      visitor_phone: `1${rng.pick(['38', '39', '58', '86', '88'])}${rng.digits(8)}`,
      visitor_id_number: null,
      plate: rng.chance(0.3) ? `沪${rng.alnum(1, 'ABCDEFGHJKLMN')}${rng.digits(5)}` : null,
      host_id: host.id,
      host_name: host.displayName,
      reason: rng.pick(REASONS),
      window_from: at(p.from),
      window_to: at(p.to),
      gate_ids: JSON.stringify([gate.id]),
      state: p.state,
      pass_token: decided && p.state !== 'rejected' ? PASS_TOKEN_PREFIX + Buffer.from(rng.hex(48), 'hex').toString('base64url') : null,
      decided_by: decided ? director.displayName : null,
      decided_at: decided ? at(p.from - 18) : null,
      decision_note: p.state === 'rejected' ? '来访事由不明，请补充说明' : null,
      checked_in_at: p.inAt !== undefined ? at(p.inAt) : null,
      checked_out_at: p.outAt !== undefined ? at(p.outAt) : null,
      overstay_reported_at: null,
      search_text: '',
      created_at: registered,
      updated_at: at(p.outAt ?? p.inAt ?? (decided ? p.from - 18 : p.from - 20)),
    };
    v.search_text = visitSearchText(v);
    visits.push(v);
    log.push(entry(v, 'registered', registered, { actor_name: host.displayName }));
    if (decided) log.push(entry(v, p.state === 'rejected' ? 'rejected' : 'approved', v.decided_at!, { actor_name: director.displayName, note: v.decision_note }));
    if (p.inAt !== undefined) log.push(entry(v, 'checked_in', at(p.inAt), { direction: 'in', device_id: gate.id }));
    if (p.outAt !== undefined) log.push(entry(v, 'checked_out', at(p.outAt), { direction: 'out', device_id: gate.id }));
    if (p.state === 'expired') log.push(entry(v, 'expired', at(p.to)));
  }
  return { visits, log };
}
