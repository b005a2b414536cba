/**
 * The demo university's duty (值班): the command centre's two seats and its duty leader on
 * 2 × 12 h shifts (白班 08–20, 夜班 20–08, four operators rotating 白-夜-休-休 per post), three
 * gatehouses on 3 × 8 h shifts and a patrol team, rostered and published for the month of the
 * seeding moment and the next; operators' certificates, two of them ending within 30 days and one
 * expired (that operator is on no command-centre shift). Ids and numbers come from the seed's own
 * random stream; dates follow `nowMs` (Beijing time).
 */
import { beijingDate } from '../../../shared/beijing-time.ts';
import { addDays, daysOfMonth, PATTERN_SHIFTS, type PostKind, type ShiftPattern } from '../../../shared/duty.ts';
import type { AssignmentRow, CertificateRow, MonthRow, PostRow, SwapRow } from '../../modules/duty/index.ts';
import { Random } from '../../util/random.ts';
import type { DemoAccount } from './people.ts';

const DAY_MS = 86_400_000;

export interface DemoDuty {
  posts: PostRow[];
  assignments: AssignmentRow[];
  months: MonthRow[];
  certificates: CertificateRow[];
  /** 换班: one approved (the roster already shows it), one agreed and waiting for approval, one waiting for the colleague. */
  swaps: SwapRow[];
}

/** The month after a YYYY-MM month. */
const nextMonth = (month: string) => addDays(`${month}-28`, 7).slice(0, 7);

export function generateDemoDuty(opts: { seed: number; universityId: string; accounts: readonly DemoAccount[]; nowMs: number }): DemoDuty {
  const root = new Random(opts.seed).fork('campus-duty');
  const idRng = root.fork('ids');
  const rng = root.fork('fields');
  const byName = new Map(opts.accounts.map((a) => [a.username, a]));
  const op = (n: number) => byName.get(`operator${String(n).padStart(2, '0')}`);
  const guard = (n: number) => byName.get(`guard${String(n).padStart(2, '0')}`);
  const director = opts.accounts.find((a) => a.role === 'security_director');
  if (!director || !op(20) || !guard(16)) return { posts: [], assignments: [], months: [], certificates: [], swaps: [] };
  const today = beijingDate(opts.nowMs);
  const created = new Date(opts.nowMs - 40 * DAY_MS).toISOString();

  // Certificates: operators 01–18 hold a valid 安全防范系统操作员证 (17 and 18 end within 30 days),
  // 19's ended two months ago, 20 has none yet; the leaders also hold a 消防设施操作员证.
  const certificates: CertificateRow[] = [];
  const validTo = new Map<string, string>();
  const cert = (a: DemoAccount, type: string, prefix: string, issuer: string, to: string) => {
    const from = addDays(to, -3 * 365);
    certificates.push({ id: idRng.uuid(), university_id: opts.universityId, account_id: a.id, type, number: `${prefix}${from.slice(0, 4)}${rng.digits(6)}`, issuer, valid_from: from, valid_to: to, expiry_warned_at: null, scan_size: null, created_at: created, updated_at: created });
    if (type === '安全防范系统操作员证') validTo.set(a.id, to);
  };
  for (let n = 1; n <= 19; n++) {
    const to = n === 17 ? addDays(today, 12) : n === 18 ? addDays(today, 26) : n === 19 ? addDays(today, -60) : addDays(today, 200 + rng.int(0, 700));
    cert(op(n)!, '安全防范系统操作员证', '沪公技防操', '上海市公安局技术防范办公室', to);
  }
  for (let n = 1; n <= 4; n++) cert(op(n)!, '消防设施操作员证', 'XF31', '上海市消防救援总队', addDays(today, 400 + rng.int(0, 500)));
  cert(director, '安全防范系统操作员证', '沪公技防操', '上海市公安局技术防范办公室', addDays(today, 900));
  const certified = (a: DemoAccount, date: string) => (validTo.get(a.id) ?? '') >= date;

  const posts: PostRow[] = [];
  const post = (name: string, kind: PostKind, commandCentre: boolean, pattern: Exclude<ShiftPattern, 'custom'>): PostRow => {
    const row: PostRow = { id: idRng.uuid(), university_id: opts.universityId, name, kind, command_centre: commandCentre ? 1 : 0, pattern, shifts: JSON.stringify(PATTERN_SHIFTS[pattern]), sort: posts.length, created_at: created, updated_at: created };
    posts.push(row);
    return row;
  };
  const seat1 = post('指挥中心值班席1', 'command_seat', true, '2x12');
  const seat2 = post('指挥中心值班席2', 'command_seat', true, '2x12');
  const leader = post('值班长', 'duty_leader', true, '2x12');
  const gates = [post('东门岗亭', 'gatehouse', false, '3x8'), post('南门岗亭', 'gatehouse', false, '3x8'), post('北门岗亭', 'gatehouse', false, '3x8')];
  const patrol = post('巡逻一队', 'patrol_team', false, '2x12');

  // Who rotates on each post (four per post), and who stands in for someone whose certificate has ended.
  const crews: { post: PostRow; crew: DemoAccount[]; spare?: DemoAccount }[] = [
    { post: seat1, crew: [op(5)!, op(6)!, op(7)!, op(8)!], spare: op(15)! },
    { post: seat2, crew: [op(9)!, op(10)!, op(17)!, op(11)!], spare: op(16)! },
    { post: leader, crew: [op(1)!, op(2)!, op(3)!, op(4)!], spare: director },
    ...gates.map((g, i) => ({ post: g, crew: [guard(i * 4 + 1)!, guard(i * 4 + 2)!, guard(i * 4 + 3)!, guard(i * 4 + 4)!] })),
    { post: patrol, crew: [guard(13)!, guard(14)!, guard(15)!, guard(16)!] },
  ];
  const month = today.slice(0, 7);
  const months = [month, nextMonth(month)];
  const epoch = Date.parse(`${months[0]}-01T00:00:00Z`);
  const assignments: AssignmentRow[] = [];
  // The day before the first month too: its night shifts reach into the 1st.
  for (const date of [addDays(`${months[0]}-01`, -1), ...months.flatMap(daysOfMonth)]) {
    const d = Math.round((Date.parse(`${date}T00:00:00Z`) - epoch) / DAY_MS);
    for (const { post: p, crew, spare } of crews) {
      const shifts = PATTERN_SHIFTS[p.pattern as Exclude<ShiftPattern, 'custom'>];
      shifts.forEach((s, k) => {
        // 2 × 12: 白-夜-休-休 (day on d, night on d + 1, two days off); 3 × 8: 夜-中-早-休 (each shift one of four, the fourth off).
        const i = (((p.pattern === '2x12' ? d - k : d + k) % 4) + 4) % 4;
        let who = crew[i]!;
        if (p.command_centre === 1 && !certified(who, date)) who = spare!;
        assignments.push({ id: idRng.uuid(), university_id: opts.universityId, post_id: p.id, account_id: who.id, date, shift: s.code, created_at: created });
      });
    }
  }
  const monthRows: MonthRow[] = months.map((m, i) => ({ university_id: opts.universityId, month: m, state: 'published', published_at: new Date(opts.nowMs - (i === 0 ? 20 : 2) * DAY_MS).toISOString(), published_by: director.displayName }));
  // The month before was published too (its last night shift reaches into the 1st; only published rosters count as coverage).
  monthRows.unshift({ university_id: opts.universityId, month: addDays(`${month}-01`, -1).slice(0, 7), state: 'published', published_at: new Date(opts.nowMs - 50 * DAY_MS).toISOString(), published_by: director.displayName });
  return { posts, assignments, months: monthRows, certificates, swaps: demoSwaps(root.fork('swaps'), { universityId: opts.universityId, nowMs: opts.nowMs, today, director, gates, crews, assignments }) };
}

/**
 * Swaps at the gatehouses in the coming days: each hands a shift to the gate's guard who is off
 * that day (3 × 8: the fourth of the crew, free all day), so none double-books anyone.
 */
function demoSwaps(
  rng: Random,
  d: { universityId: string; nowMs: number; today: string; director: DemoAccount; gates: PostRow[]; crews: { post: PostRow; crew: DemoAccount[] }[]; assignments: AssignmentRow[] },
): SwapRow[] {
  const plans = [
    { gate: 0, inDays: 2, shift: 'early', state: 'approved', reason: '孩子家长会' },
    { gate: 1, inDays: 4, shift: 'middle', state: 'agreed', reason: '参加保安员复训' },
    { gate: 2, inDays: 5, shift: 'early', state: 'requested', reason: '家中有事' },
  ] as const;
  const swaps: SwapRow[] = [];
  plans.forEach((plan, i) => {
    const gate = d.gates[plan.gate]!;
    const date = addDays(d.today, plan.inDays);
    const a = d.assignments.find((x) => x.post_id === gate.id && x.date === date && x.shift === plan.shift);
    const crew = d.crews.find((c) => c.post.id === gate.id)?.crew ?? [];
    const busy = new Set(d.assignments.filter((x) => x.post_id === gate.id && x.date === date).map((x) => x.account_id));
    const free = crew.find((g) => !busy.has(g.id));
    if (!a || !free) return;
    const requester = a.account_id;
    const asked = new Date(d.nowMs - (3 - i) * 5 * 3_600_000).toISOString();
    const answered = plan.state === 'requested' ? null : new Date(Date.parse(asked) + 40 * 60_000).toISOString();
    const decided = plan.state === 'approved' ? new Date(Date.parse(asked) + 90 * 60_000).toISOString() : null;
    swaps.push({
      id: rng.uuid(),
      university_id: d.universityId,
      kind: 'give',
      state: plan.state,
      requester_id: requester,
      target_id: free.id,
      assignment_id: a.id,
      post_id: a.post_id,
      date: a.date,
      shift: a.shift,
      target_assignment_id: null,
      target_post_id: null,
      target_date: null,
      target_shift: null,
      reason: plan.reason,
      requested_by: requester,
      requested_at: asked,
      answered_at: answered,
      decided_at: decided,
      decided_by: decided ? d.director.id : null,
      decided_by_name: decided ? d.director.displayName : null,
      note: decided ? '同意' : null,
    });
    // The approved swap is on the roster already.
    if (plan.state === 'approved') a.account_id = free.id;
  });
  return swaps;
}
