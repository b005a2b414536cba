/** The demo duty roster: deterministic, 24-hour command-centre coverage in both published months, certificates as the story needs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beijingDate } from '../../../shared/beijing-time.ts';
import { addDays, beijingMidnight, daysOfMonth, shiftSpan, uncovered, type Shift } from '../../../shared/duty.ts';
import { generateDemoDuty } from './campus-duty.ts';
import { generateDemoUniversity } from './generate.ts';

const NOW = Date.parse('2026-12-07T03:07:00.000Z');

describe('demo duty', () => {
  const data = generateDemoUniversity({ commissionId: 'commission' });
  const make = (nowMs = NOW) => generateDemoDuty({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, nowMs });

  it('is the same for the same seed and moment', () => {
    assert.deepEqual(make(), make());
  });

  it('publishes this month and the next with the command centre covered around the clock, by certified operators only', () => {
    const { posts, assignments, months, certificates } = make();
    assert.deepEqual(months.map((m) => [m.month, m.state]), [['2026-11', 'published'], ['2026-12', 'published'], ['2027-01', 'published']]);
    const from = beijingMidnight('2026-12-01');
    const to = beijingMidnight('2027-02-01');
    const commandPosts = posts.filter((p) => p.command_centre === 1);
    assert.equal(commandPosts.length, 3);
    for (const p of commandPosts) {
      const shifts = new Map((JSON.parse(p.shifts) as Shift[]).map((s) => [s.code, s]));
      const spans = assignments.filter((a) => a.post_id === p.id).map((a) => shiftSpan(a.date, shifts.get(a.shift)!));
      assert.deepEqual(uncovered(spans, from, to), [], p.name);
      for (const a of assignments.filter((x) => x.post_id === p.id)) {
        assert.ok(certificates.some((c) => c.account_id === a.account_id && c.valid_from <= a.date && c.valid_to >= a.date), `${p.name} ${a.date}: uncertified`);
      }
    }
    assert.equal(daysOfMonth('2026-12').length + daysOfMonth('2027-01').length + 1, new Set(assignments.map((a) => a.date)).size);
  });

  it('has two certificates ending within 30 days and one expired holder on no command-centre shift', () => {
    const { posts, assignments, certificates } = make();
    const today = beijingDate(NOW);
    const expiring = certificates.filter((c) => c.valid_to >= today && c.valid_to <= addDays(today, 30));
    assert.equal(expiring.length, 2);
    const expired = certificates.filter((c) => c.valid_to < today);
    assert.equal(expired.length, 1);
    const command = new Set(posts.filter((p) => p.command_centre === 1).map((p) => p.id));
    assert.ok(!assignments.some((a) => command.has(a.post_id) && a.account_id === expired[0]!.account_id));
  });

  it('has three gatehouse swaps ahead: one approved and on the roster, one awaiting approval, one awaiting the colleague; nobody double-booked', () => {
    const { posts, assignments, swaps } = make();
    assert.deepEqual(swaps.map((s) => s.state), ['approved', 'agreed', 'requested']);
    const shifts = new Map(posts.map((p) => [p.id, new Map((JSON.parse(p.shifts) as Shift[]).map((s) => [s.code, s]))]));
    const span = (a: { post_id: string; date: string; shift: string }) => shiftSpan(a.date, shifts.get(a.post_id)!.get(a.shift)!);
    for (const s of swaps) {
      const a = assignments.find((x) => x.id === s.assignment_id)!;
      assert.equal(a.account_id, s.state === 'approved' ? s.target_id : s.requester_id);
      const taken = span(a);
      const clash = assignments.filter((x) => x.id !== a.id && x.account_id === s.target_id).some((x) => span(x).from < taken.to && taken.from < span(x).to);
      assert.ok(!clash, `${s.target_id} is free for ${a.date} ${a.shift}`);
    }
  });
});
