/**
 * The demo university carries planted flaws (demo-university/generate.ts); the score must find each
 * one and point at the right devices and places (issue 16, "Done when").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ComplianceScore, RuleResult } from '../../src/shared/compliance.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createServices, type Services } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { seedDemoIfEmpty } from '../../src/server/simulator/demo-seed.ts';
import { generateDemoEvidence } from '../../src/server/simulator/demo-university/compliance-evidence.ts';
import { generateDemoUniversity, type DemoUniversityData } from '../../src/server/simulator/demo-university/generate.ts';
import { openStore, type Store } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { createTestStoreOptions, type TestStoreOptions } from '../helpers/test-store.ts';
import { testClock } from '../helpers/test-clock.ts';

let opts: TestStoreOptions;
let store: Store;
let services: Services;
let data: DemoUniversityData;
let score: ComplianceScore;

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => quiet, level: 'silent', silent() {} };
const rule = (id: string): RuleResult => score.rules.find((r) => r.rule.id === id)!.result;
const flawIds = (code: string) => data.flaws.filter((f) => f.code === code).flatMap((f) => f.entityIds);
const findingIds = (id: string) => new Set(rule(id).findings.map((f) => f.id));

describe('the score of the demo university', () => {
  before(async () => {
    opts = await createTestStoreOptions();
    store = openStore(opts);
    await migrateToLatest(store.db, store.dialect);
    services = createServices(loadConfig({}, { XIAOAN_LOG_LEVEL: 'silent' }), store, testClock());
    const commission = await services.org.ensureCommission(SYSTEM_ACTOR);
    await seedDemoIfEmpty({ services, store, log: quiet as never });
    data = generateDemoUniversity({ commissionId: commission.id });
    // As the alarms module does when the server starts.
    await services.rules.ensureDefaults(SYSTEM_ACTOR, data.university.id);
    score = await services.compliance.score(SYSTEM_ACTOR, { universityId: data.university.id });
  });
  after(async () => {
    await Promise.all((services?.modules ?? []).map((m) => m.stop?.()));
    await store?.close();
    await opts?.cleanup();
  });

  it('finds the camera in the toilet', () => {
    assert.equal(rule('S-NOCAM-PRIVATE').status, 'fail');
    assert.deepEqual([...findingIds('S-NOCAM-PRIVATE')], flawIds('camera_in_privacy_area'));
  });

  it('finds the key sites no camera sees, the cameras and recorders keeping 15 days, the analog cameras', () => {
    for (const id of flawIds('key_site_without_camera')) {
      const f = rule('S-COVER').findings.find((x) => x.id === id);
      assert.ok(f, `key site ${id} not among S-COVER findings`);
      assert.match(f.detail, /^覆盖 0%/);
    }
    // Retention is judged for devices in service (one under repair or out of service records nothing).
    const inService = new Set(data.devices.filter((d) => d.status === 'in_service').map((d) => d.id));
    const ret = findingIds('S-RET-30');
    const short = [...flawIds('camera_retention_15_days'), ...flawIds('recorder_retention_15_days')].filter((id) => inService.has(id));
    assert.ok(short.length > 0);
    for (const id of short) assert.ok(ret.has(id), `device ${id} not among S-RET-30 findings`);
    assert.equal(rule('S-HD').findingsTotal, flawIds('analog_cameras').filter((id) => inService.has(id)).length);
  });

  it('finds the half-covered key site and the finance office whose cameras keep 30 days', () => {
    const [half] = flawIds('key_site_half_covered');
    assert.ok(half, 'the demo plants a half-covered key site');
    const f = rule('S-COVER').findings.find((x) => x.id === half);
    assert.ok(f, 'the half-covered site is among S-COVER findings');
    const share = Number(/^覆盖 ([\d.]+)%/.exec(f.detail)?.[1]);
    assert.ok(share > 20 && share < 70, `half-covered site judged ${share}% covered`);
    const short = flawIds('key_site_retention_short');
    assert.ok(short.length > 0);
    const ret90 = findingIds('S-RET-90');
    for (const id of short) assert.ok(ret90.has(id), `finance office camera ${id} not among S-RET-90 findings`);
    for (const x of rule('S-RET-90').findings.filter((x) => short.includes(x.id))) assert.equal(x.detail, '存储 30 天');
  });

  it('finds the gates without plate recognition and the finance office without a panic button', () => {
    assert.deepEqual([...findingIds('S-GATE')].sort(), flawIds('gate_without_lpr').sort());
    const fin = rule('S-FIN-ALARM').findings;
    assert.deepEqual(fin.map((f) => f.id).sort(), flawIds('finance_office_without_panic_button').sort());
    for (const f of fin) assert.match(f.detail, /紧急报警按钮/);
  });

  it('judges 24-hour duty and 持证上岗 from the published demo roster and its certificates, the expired one included', async () => {
    for (const id of ['S-DUTY24', 'S-CERT']) assert.notEqual(rule(id).status, 'no_data', `${id}: ${rule(id).missing}`);
    assert.match(rule('S-CERT').figure, /名指挥中心值班人员中/);
    const today = new Date(testClock().now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const { items } = await services.duty.certificates(SYSTEM_ACTOR, { universityId: data.university.id, page: 1, pageSize: 200 });
    const lapsed = items.filter((c) => !items.some((o) => o.accountId === c.accountId && o.validFrom <= today && o.validTo >= today));
    assert.ok(lapsed.length > 0, 'the demo keeps an expired certificate');
    for (const c of lapsed) {
      const f = rule('S-CERT').findings.find((x) => x.id === c.accountId);
      assert.ok(f, `operator ${c.accountId} with an expired certificate not among S-CERT findings`);
      assert.equal(f.entityType, 'account');
      assert.match(f.detail, /过期/);
    }
  });

  it('judges panic arming from the default rules: armed around the clock and latching', () => {
    assert.equal(rule('S-PANIC-24H').status, 'pass', rule('S-PANIC-24H').figure);
  });

  it('judges the backup power from the accepted test report; the site-visit record waits for review', async () => {
    assert.equal(rule('S-UPS-1H').status, 'pass');
    assert.equal(rule('S-ROOM').status, 'no_data');
    assert.equal(rule('S-ROOM').missing, '材料待审核');
    // The same seed and moment give the same files and ids.
    const again = await generateDemoEvidence({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, nowMs: 1_800_000_000_000 });
    const twice = await generateDemoEvidence({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, nowMs: 1_800_000_000_000 });
    assert.deepEqual(again, twice);
    assert.equal(again[0]!.bytes.subarray(0, 5).toString(), '%PDF-');
  });

  it('says which rules it has no data for, and the score counts them as unearned', () => {
    assert.equal(rule('S-PERIM-200').status, 'no_data');
    assert.equal(score.pack.version, '2026.2');
    assert.ok(score.score > 0 && score.score < 100, `score ${score.score}`);
    assert.equal(score.counts.pass + score.counts.partial + score.counts.fail + score.counts.no_data, score.rules.length);
  });
});
