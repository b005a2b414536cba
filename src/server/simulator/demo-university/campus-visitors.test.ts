/** The demo visits: the same seed and moment give the same visits, in every state, around that moment. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VISIT_STATES, PASS_TOKEN_PATTERN } from '../../../shared/visitors.ts';
import { generateDemoVisits } from './campus-visitors.ts';
import { generateDemoUniversity } from './generate.ts';

const NOW = Date.parse('2026-12-07T03:07:00.000Z');

describe('demo visits', () => {
  const data = generateDemoUniversity({ commissionId: 'commission' });
  const make = (nowMs = NOW) => generateDemoVisits({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, devices: data.devices, nowMs });

  it('are the same for the same seed and moment', () => {
    assert.deepEqual(make(), make());
  });

  it('cover every state but cancelled, at one campus’s turnstiles, with hosts of the university and a pass once approved', () => {
    const { visits, log } = make();
    assert.deepEqual(new Set(visits.map((v) => v.state)), new Set(VISIT_STATES.filter((s) => s !== 'cancelled')));
    const gates = new Map(data.devices.map((d) => [d.id, d]));
    const hosts = new Set(data.accounts.filter((a) => a.inUniversity).map((a) => a.id));
    for (const v of visits) {
      for (const id of JSON.parse(String(v.gate_ids)) as string[]) assert.equal(gates.get(id)?.kind, 'turnstile');
      assert.ok(hosts.has(v.host_id));
      assert.ok(Date.parse(v.window_from) < Date.parse(v.window_to));
      if (['approved', 'checked_in', 'checked_out'].includes(v.state)) assert.match(v.pass_token!, new RegExp(PASS_TOKEN_PATTERN));
      else assert.equal(v.pass_token, null);
      assert.ok(log.some((l) => l.visit_id === v.id && l.action === 'registered'));
    }
    assert.equal(new Set(visits.map((v) => v.campus_id)).size, 1);
  });

  it('has one visitor inside past the window (the overstay check reports it) and one inside within it', () => {
    const inside = make().visits.filter((v) => v.state === 'checked_in');
    assert.deepEqual(inside.map((v) => Date.parse(v.window_to) < NOW).sort(), [false, true]);
  });
});
