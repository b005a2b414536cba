/**
 * 换班 (issue 15 item 1): request → agree → approve changes the roster in one audited transaction
 * (a published month stays published); a rejected swap leaves the roster alone; a swap that
 * would put an uncertified person on a command-centre post, or double-book someone, is refused
 * at the request and again at the approval, naming the field. Time is the injected ManualClock's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const bj = (s: string) => new Date(Date.parse(`${s}+08:00`)).toISOString();

describe('duty swaps (换班)', () => {
  const clock = new ManualClock(Date.parse(bj('2026-03-20T10:00:00')));
  let t: TestApp;
  let U: UniversityFixture;
  let director: string;
  let seat: { id: string };
  let gatehouse: { id: string };
  let opA: { id: string; cookie: string };
  let opB: { id: string; cookie: string };
  let bare: { id: string; cookie: string };

  const account = async (username: string, displayName: string, role: 'operator' | 'guard') => {
    const a = await t.services.accounts.create(SYSTEM_ACTOR, { username, displayName, password: 'test-password-1', role, universityId: U.universityId });
    return { id: a.id, cookie: await t.login(username) };
  };
  const assign = async (postId: string, accountId: string, date: string, shift: string) => {
    const res = await t.call(director, 'POST', '/api/duty/assignments', { postId, accountId, date, shift });
    assert.equal(res.statusCode, 201, res.body);
    return json(res) as { id: string };
  };
  const holder = async (assignmentId: string) => (await t.store.db.selectFrom('duty_assignments').select('account_id').where('id', '=', assignmentId).executeTakeFirstOrThrow()).account_id;

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'S');
    director = await t.login(U.users.security_director.username);
    seat = json(await t.call(director, 'POST', '/api/duty/posts', { name: '指挥中心值班席', kind: 'command_seat', commandCentre: true, pattern: '2x12' }));
    gatehouse = json(await t.call(director, 'POST', '/api/duty/posts', { name: '南门岗亭', kind: 'gatehouse', commandCentre: false, pattern: '3x8', sort: 1 }));
    opA = await account('swap_a', '值班员甲', 'operator');
    opB = await account('swap_b', '值班员乙', 'operator');
    bare = await account('swap_c', '无证保安', 'guard');
    for (const a of [opA, opB]) {
      const res = await t.call(director, 'POST', '/api/duty/certificates', { accountId: a.id, type: '安全防范系统操作员证', number: `SF-${a.id.slice(-6)}`, issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2028-12-31' });
      assert.equal(res.statusCode, 201, res.body);
    }
  });
  after(() => t.close());

  it('request → agree → approve exchanges two shifts; the published month stays published, all audited', async () => {
    const mine = await assign(seat.id, opA.id, '2026-04-02', 'day');
    const theirs = await assign(seat.id, opB.id, '2026-04-03', 'night');
    assert.equal((await t.call(director, 'POST', '/api/duty/publish', { month: '2026-04' })).statusCode, 200);

    const req = await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: opB.id, targetAssignmentId: theirs.id, reason: '家中有事' });
    assert.equal(req.statusCode, 201, req.body);
    const swap = json(req);
    assert.deepEqual([swap.kind, swap.state, swap.requesterName, swap.targetName, swap.shift.shiftName, swap.targetShift.shiftName], ['exchange', 'requested', '值班员甲', '值班员乙', '白班', '夜班']);
    // A second request on the same shift waits for the first.
    const twice = await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: opB.id });
    assert.equal(json(twice).details[0].field, 'assignmentId');

    // Nobody approves before the other person agrees; only the person asked agrees.
    assert.equal(json(await t.call(director, 'POST', `/api/duty/swaps/${swap.id}/approve`, {})).details[0].field, 'state');
    assert.equal((await t.call(opA.cookie, 'POST', `/api/duty/swaps/${swap.id}/agree`)).statusCode, 403);
    const agreed = await t.call(opB.cookie, 'POST', `/api/duty/swaps/${swap.id}/agree`);
    assert.equal(agreed.statusCode, 200, agreed.body);
    assert.equal(json(agreed).state, 'agreed');
    // The two people swapping do not approve it themselves; an operator is not an approver.
    assert.equal((await t.call(opB.cookie, 'POST', `/api/duty/swaps/${swap.id}/approve`, {})).statusCode, 403);
    assert.equal(await holder(mine.id), opA.id, 'nothing changes before approval');

    const approved = await t.call(director, 'POST', `/api/duty/swaps/${swap.id}/approve`, { note: '同意' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(json(approved).state, 'approved');
    assert.ok(json(approved).decidedBy);
    assert.equal(await holder(mine.id), opB.id);
    assert.equal(await holder(theirs.id), opA.id);
    const roster = json(await t.call(director, 'GET', '/api/duty/roster?month=2026-04'));
    assert.equal(roster.state, 'published');
    assert.equal(roster.assignments.find((a: { id: string }) => a.id === mine.id).accountName, '值班员乙');
    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'entity_type']).where('entity_type', 'in', ['duty_swap', 'duty_roster']).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['roster_publish', 'roster_swap', 'swap_agree', 'swap_approve', 'swap_request']);

    // Each sees their own swaps; the director sees the university's.
    assert.equal(json(await t.call(opB.cookie, 'GET', '/api/duty/swaps')).total, 1);
    assert.equal(json(await t.call(bare.cookie, 'GET', '/api/duty/swaps')).total, 0);
    assert.equal(json(await t.call(director, 'GET', '/api/duty/swaps?state=approved')).total, 1);
  });

  it('a rejected swap leaves the roster as it was', async () => {
    const mine = await assign(gatehouse.id, opA.id, '2026-04-05', 'early');
    const swap = json(await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: bare.id }));
    assert.equal(swap.kind, 'give');
    assert.equal((await t.call(bare.cookie, 'POST', `/api/duty/swaps/${swap.id}/agree`)).statusCode, 200);
    const rejected = await t.call(director, 'POST', `/api/duty/swaps/${swap.id}/reject`, { note: '人手不足' });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.deepEqual([json(rejected).state, json(rejected).note], ['rejected', '人手不足']);
    assert.equal(await holder(mine.id), opA.id);
    assert.equal(json(await t.call(director, 'POST', `/api/duty/swaps/${swap.id}/approve`, {})).details[0].field, 'state');
    // Declined by the person asked: nothing changes either.
    const again = json(await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: bare.id }));
    assert.equal(json(await t.call(bare.cookie, 'POST', `/api/duty/swaps/${again.id}/decline`, { note: '那天没空' })).state, 'declined');
    assert.equal(await holder(mine.id), opA.id);
  });

  it('refuses to swap an uncertified person into a command-centre post, at the request and at the approval', async () => {
    const mine = await assign(seat.id, opA.id, '2026-04-08', 'night');
    const res = await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: bare.id });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json(res).details[0].field, 'targetId');
    assert.match(json(res).details[0].reason, /无有效上岗证/);
    // Exchanging the uncertified guard's gatehouse shift for the seat: the guard's side is named.
    const guardShift = await assign(gatehouse.id, bare.id, '2026-04-09', 'early');
    const ex = await t.call(bare.cookie, 'POST', '/api/duty/swaps', { assignmentId: guardShift.id, targetId: opA.id, targetAssignmentId: mine.id });
    assert.equal(ex.statusCode, 400, ex.body);
    assert.equal(json(ex).details[0].field, 'targetAssignmentId');

    // Certified at the request, expired by the approval: refused then.
    const temp = await account('swap_d', '临时值班员', 'operator');
    const cert = json(await t.call(director, 'POST', '/api/duty/certificates', { accountId: temp.id, type: '安全防范系统操作员证', number: 'SF-T', issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2026-12-31' }));
    const swap = json(await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: temp.id }));
    assert.equal(swap.state, 'requested');
    assert.equal((await t.call(temp.cookie, 'POST', `/api/duty/swaps/${swap.id}/agree`)).statusCode, 200);
    assert.equal((await t.call(director, 'PUT', `/api/duty/certificates/${cert.id}`, { accountId: temp.id, type: '安全防范系统操作员证', number: 'SF-T', issuer: '上海市公安局', validFrom: '2025-01-01', validTo: '2026-04-01' })).statusCode, 200);
    const refused = await t.call(director, 'POST', `/api/duty/swaps/${swap.id}/approve`, {});
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(json(refused).details[0].field, 'targetId');
    assert.equal(await holder(mine.id), opA.id);
  });

  it('refuses a double booking, naming who is already on an overlapping shift', async () => {
    const mine = await assign(seat.id, opA.id, '2026-04-12', 'day');
    await assign(gatehouse.id, opB.id, '2026-04-12', 'middle'); // 16:00–24:00 overlaps the seat's 08:00–20:00
    const res = await t.call(opA.cookie, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: opB.id });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(json(res).details[0].field, 'targetId');
    assert.match(json(res).details[0].reason, /重复排班/);
    // A shift already begun is not swapped.
    clock.set(Date.parse(bj('2026-04-12T09:00:00')));
    const late = await t.call(await t.login('swap_a'), 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: U.users.security_director.id });
    assert.equal(json(late).details[0].field, 'assignmentId');
  });

  it('lets the duty leader on duty approve, and nobody swap another person’s shift', async () => {
    clock.set(Date.parse(bj('2026-04-15T10:00:00')));
    director = await t.login(U.users.security_director.username);
    const leaderPost = json(await t.call(director, 'POST', '/api/duty/posts', { name: '值班长', kind: 'duty_leader', commandCentre: false, pattern: '2x12', sort: 2 }));
    const leader = await account('swap_l', '值班长丙', 'operator');
    await assign(leaderPost.id, leader.id, '2026-04-15', 'day');
    const mine = await assign(gatehouse.id, opA.id, '2026-04-20', 'early');
    const opAc = await t.login('swap_a');
    assert.equal(json(await t.call(await t.login('swap_b'), 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: bare.id })).details[0].field, 'assignmentId');
    const swap = json(await t.call(opAc, 'POST', '/api/duty/swaps', { assignmentId: mine.id, targetId: opB.id }));
    assert.equal((await t.call(await t.login('swap_b'), 'POST', `/api/duty/swaps/${swap.id}/agree`)).statusCode, 200);
    const leaderCookie = await t.login('swap_l');
    assert.ok(json(await t.call(leaderCookie, 'GET', '/api/duty/swaps?state=agreed')).items.some((s: { id: string }) => s.id === swap.id), 'the leader on duty sees the swaps to approve');
    const ok = await t.call(leaderCookie, 'POST', `/api/duty/swaps/${swap.id}/approve`, {});
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(await holder(mine.id), opB.id);
    // Off duty, the leader no longer approves.
    clock.set(Date.parse(bj('2026-04-15T21:00:00')));
    const other = await assign(gatehouse.id, opA.id, '2026-04-21', 'early');
    const s2 = json(await t.call(await t.login('swap_a'), 'POST', '/api/duty/swaps', { assignmentId: other.id, targetId: opB.id }));
    assert.equal((await t.call(await t.login('swap_l'), 'POST', `/api/duty/swaps/${s2.id}/reject`, {})).statusCode, 403);
  });
});
