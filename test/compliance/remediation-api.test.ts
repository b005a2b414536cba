/**
 * 整改计划 through the API (issue 16 item 5): a finance office half seen by its camera gets a
 * suggested camera for the other half and a priced measure; scoped to the caller's university.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RemediationPlan } from '../../src/shared/compliance-remediation.ts';
import { FULL_COVERAGE_SHARE } from '../../src/shared/compliance.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { at, LAT0, LON0, rect } from './local-metres.ts';


let t: TestApp;
let U: UniversityFixture;
let other: UniversityFixture;
let director: string;

describe('remediation plan API (整改计划)', () => {
  before(async () => {
    t = await createTestApp();
    U = await createUniversity(t.services, 'RM', LON0, LAT0);
    other = await createUniversity(t.services, 'RX', 121.6, 31.4);
    director = await t.login(U.users.security_director.username);
  });
  after(() => t?.close());

  it('ranks measures by points per cost and suggests a camera for the blind half of a finance office', async () => {
    const office = await t.services.org.createKeySite(SYSTEM_ACTOR, { campusId: U.campusId, buildingId: U.buildingId, name: '财务处', category: 'finance_office', geometry: rect(100, 0, 120, 10) });
    // On the west wall looking east, 180°, 10 m: a half disc covering most of the west half.
    await t.services.devices.create(SYSTEM_ACTOR, { name: '财务处-1', kind: 'camera', floorId: U.floorId, ...at(100, 5), camera: { resolution: '1080p', type: 'fixed', bearingDeg: 90, fovDeg: 170, rangeM: 10 } });

    const res = await t.call(director, 'GET', '/api/compliance/remediation');
    assert.equal(res.statusCode, 200, res.body);
    const plan = json<RemediationPlan>(res);
    assert.equal(plan.universityId, U.universityId);
    assert.deepEqual(plan.items.map((i) => i.rank), plan.items.map((_, k) => k + 1));
    // Free measures first, then by points per 10,000 yuan.
    const firstPaid = plan.items.findIndex((i) => i.cost !== 0);
    assert.ok(plan.items.slice(firstPaid).every((i) => i.cost !== 0));
    const ratios = plan.items.slice(firstPaid).filter((i) => i.cost !== null).map((i) => i.pointsPer10k!);
    assert.deepEqual(ratios, [...ratios].sort((a, b) => b - a));
    assert.ok(plan.costTable.some((c) => c.key === 'camera_new' && c.unitPrice === 4000));

    const p = plan.placements.find((x) => x.siteId === office.id)!;
    assert.ok(p && p.suggestions.length >= 1, 'a suggestion for the office');
    assert.ok(p.shareAfter > p.shareBefore + 0.3);
    assert.equal(p.suggestions[0]!.floorId, U.floorId);
    assert.ok(plan.placements.every((x) => x.shareBefore < FULL_COVERAGE_SHARE));
    const measure = plan.items.find((i) => i.ruleId === 'S-COVER' && i.siteId === office.id)!;
    assert.match(measure.action, new RegExp(`为 财务处 增加 ${p.suggestions.length} 台摄像机`));
    assert.equal(measure.cost, 4000 * p.suggestions.length);
    assert.ok(measure.gain > 0);
    assert.ok(plan.totals.scoreAfter >= plan.score && plan.totals.scoreAfter <= 100);
    assert.equal(plan.totals.cost, plan.items.reduce((s, i) => s + (i.cost ?? 0), 0));
  });

  it('is scoped: a guard may not read it, a city-wide account names the university, another university’s campus is not found', async () => {
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', '/api/compliance/remediation')).statusCode, 403);
    const admin = await t.login('admin');
    const missing = await t.call(admin, 'GET', '/api/compliance/remediation');
    assert.equal(missing.statusCode, 400);
    assert.equal(json(missing).details[0].field, 'universityId');
    const named = await t.call(admin, 'GET', `/api/compliance/remediation?universityId=${other.universityId}`);
    assert.equal(named.statusCode, 200, named.body);
    assert.equal(json<RemediationPlan>(named).universityId, other.universityId);
    assert.ok(json<RemediationPlan>(named).placements.every((x) => x.siteId !== U.keySiteId));
    const foreignCampus = await t.call(director, 'GET', `/api/compliance/remediation?campusId=${other.campusId}`);
    assert.equal(foreignCampus.statusCode, 404, foreignCampus.body);
    const foreignUniversity = await t.call(director, 'GET', `/api/compliance/remediation?universityId=${other.universityId}`);
    assert.equal(foreignUniversity.statusCode, 400, 'another university is as unknown as none');
  });
});
