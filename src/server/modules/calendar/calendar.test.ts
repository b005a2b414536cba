/**
 * The school calendar through HTTP on the real store (SQLite and PostgreSQL): marking and
 * unmarking days, bulk import, validation, audit, university scope, and that the alarm engine
 * follows a change at once (its cached calendar is dropped).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeviceEvent } from '../../../shared/events.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { readJson } from '../../store/database.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../../../../test/helpers/test-app.ts';
import { ManualClock } from '../../../../test/helpers/manual-clock.ts';

let t: TestApp;
let U: UniversityFixture;
let V: UniversityFixture;
let director: string;
let operator: string;
let otherDirector: string;
let admin: string;
// Thursday 2026-03-05 12:00 Beijing time: working hours, the default intrusion rule is disarmed.
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

let seq = 0;
async function emit(deviceId: string, kind: 'intrusion', occurredAt = clock.nowIso()) {
  const e = { id: '', source: 'http', sourceEventId: `cal-${++seq}`, orgId: U.universityId, deviceId, kind, severity: 'critical', occurredAt, receivedAt: clock.nowIso(), payload: {} } as DeviceEvent;
  await t.services.writer.append(e);
  await t.services.alarmConsumer.settled();
  return e.id;
}

const auditOf = async (action: string) =>
  t.store.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'calendar_day').where('action', '=', action).where('university_id', '=', U.universityId).execute();

describe('school calendar (校历)', () => {
  let intrusionZone: string;
  let intrusionRule: string;

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'CAL');
    V = await createUniversity(t.services, 'CAV', 121.43, 31.03);
    director = await t.login(U.users.security_director.username);
    operator = await t.login(U.users.operator.username);
    otherDirector = await t.login(V.users.security_director.username);
    admin = await t.login('admin');
    intrusionZone = (await t.services.devices.create(SYSTEM_ACTOR, { name: '财务室红外', kind: 'intrusion_zone', campusId: U.campusId, lon: 121.5, lat: 31.3 })).id;
    const rules = json(await t.call(director, 'GET', '/api/alarm-rules'));
    intrusionRule = rules.find((r: { definition: { name: string } }) => r.definition.name.startsWith('入侵报警')).id;
  });
  after(() => t.close());

  it('marks, changes, lists and unmarks days, each write audited', async () => {
    let res = await t.call(director, 'PUT', '/api/calendar-days/2026-05-01', { kind: 'holiday', name: ' 劳动节 ' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(json(res), { universityId: U.universityId, date: '2026-05-01', kind: 'holiday', name: '劳动节' });
    res = await t.call(director, 'PUT', '/api/calendar-days/2026-05-09', { kind: 'workday', name: '劳动节调休' });
    assert.equal(res.statusCode, 200, res.body);
    res = await t.call(director, 'PUT', '/api/calendar-days/2026-05-01', { kind: 'holiday', name: '国际劳动节' });
    assert.equal(json(res).name, '国际劳动节');

    const list = json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-05-01&to=2026-05-31'));
    assert.deepEqual(
      list.map((d: { date: string; kind: string; name: string }) => `${d.date} ${d.kind} ${d.name}`),
      ['2026-05-01 holiday 国际劳动节', '2026-05-09 workday 劳动节调休'],
    );
    assert.deepEqual(json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-05-02&to=2026-05-08')), []);

    const updates = await auditOf('update');
    assert.equal(updates.length, 1);
    assert.equal(updates[0].entity_id, '2026-05-01');
    assert.equal((await auditOf('create')).length, 2);

    res = await t.call(director, 'DELETE', '/api/calendar-days/2026-05-09');
    assert.equal(res.statusCode, 204);
    assert.equal(json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-05-01&to=2026-05-31')).length, 1);
    assert.equal((await auditOf('delete')).length, 1);
    res = await t.call(director, 'DELETE', '/api/calendar-days/2026-05-09');
    assert.equal(res.statusCode, 404, 'unmarking an unmarked day');
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [string, string, unknown, string][] = [
      ['PUT', '/api/calendar-days/2026-13-01', { kind: 'holiday' }, 'date'],
      ['PUT', '/api/calendar-days/2026-02-30', { kind: 'holiday' }, 'date'],
      ['PUT', '/api/calendar-days/tomorrow', { kind: 'holiday' }, 'date'],
      ['PUT', '/api/calendar-days/2026-10-01', { kind: 'festival' }, 'kind'],
      ['PUT', '/api/calendar-days/2026-10-01', { name: '国庆' }, 'kind'],
      ['PUT', '/api/calendar-days/2026-10-01', { kind: 'holiday', colour: 'red' }, 'colour'],
      ['GET', '/api/calendar-days?from=2026-1-1', undefined, 'from'],
      ['GET', '/api/calendar-days?from=2026-12-01&to=2026-01-01', undefined, 'to'],
      ['POST', '/api/calendar-days/import', { days: [] }, 'days'],
      ['POST', '/api/calendar-days/import', { days: [{ date: '2026-10-01', kind: 'holiday' }, { date: '2026-10-32', kind: 'holiday' }] }, 'days[1].date'],
      ['POST', '/api/calendar-days/import', { days: [{ date: '2026-10-01', kind: 'holiday' }, { date: '2026-10-02', kind: 'party' }] }, 'days[1].kind'],
      ['POST', '/api/calendar-days/import', { days: [{ date: '2026-10-01', kind: 'holiday' }, { date: '2026-10-01', kind: 'vacation' }] }, 'days[1].date'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await t.call(director, method, url, body);
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
      const err = json(res);
      assert.equal(err.code, 'XIAOAN_VALIDATION_FAILED');
      assert.ok(err.details.some((d: { field: string }) => d.field === field), `${method} ${url} ${JSON.stringify(body)}: expected ${field}, got ${res.body}`);
    }
    assert.equal(json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-10-01&to=2026-10-31')).length, 0, 'nothing was written');
  });

  it('needs rule.write to change and rule.read to read', async () => {
    assert.equal((await t.call(operator, 'PUT', '/api/calendar-days/2026-10-01', { kind: 'holiday' })).statusCode, 403);
    assert.equal((await t.call(operator, 'POST', '/api/calendar-days/import', { days: [{ date: '2026-10-01', kind: 'holiday' }] })).statusCode, 403);
    assert.equal((await t.call(operator, 'DELETE', '/api/calendar-days/2026-05-01')).statusCode, 403);
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', '/api/calendar-days')).statusCode, 403);
    assert.equal((await t.call(null, 'GET', '/api/calendar-days')).statusCode, 401);
  });

  it('imports a year of holidays all or nothing, and replace clears the span first', async () => {
    const days = [
      { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-03', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-10', kind: 'workday', name: '国庆节调休' },
    ];
    let res = await t.call(director, 'POST', '/api/calendar-days/import', { days });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(json(res).imported, 4);
    assert.equal(json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-10-01&to=2026-10-31')).length, 4);
    // Replacing 1–8 October drops the marks in that span the new list no longer holds; the 10th stays.
    res = await t.call(director, 'POST', '/api/calendar-days/import', { replace: true, days: [{ date: '2026-10-08', kind: 'holiday' }, { date: '2026-10-01', kind: 'holiday', name: '国庆节' }] });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(json(res).removed, 3);
    const after = json(await t.call(operator, 'GET', '/api/calendar-days?from=2026-10-01&to=2026-10-31'));
    assert.deepEqual(after.map((d: { date: string; name: string | null }) => `${d.date}:${d.name}`), ['2026-10-01:国庆节', '2026-10-08:null', '2026-10-10:国庆节调休']);
    const imports = await auditOf('import');
    assert.equal(imports.length, 2);
  });

  it('keeps universities apart: another university neither sees nor changes these days', async () => {
    await t.call(director, 'PUT', '/api/calendar-days/2026-06-19', { kind: 'holiday', name: '端午节' });
    const theirs = json(await t.call(otherDirector, 'GET', `/api/calendar-days?universityId=${U.universityId}`));
    assert.ok(!JSON.stringify(theirs).includes(U.universityId), 'V sees none of U’s days');
    // Naming U is refused as if U did not exist; V's own calendar stays as it was.
    let res = await t.call(otherDirector, 'PUT', '/api/calendar-days/2026-06-19', { kind: 'vacation', universityId: U.universityId });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'universityId');
    res = await t.call(otherDirector, 'DELETE', `/api/calendar-days/2026-06-19?universityId=${U.universityId}`);
    assert.equal(res.statusCode, 400);
    res = await t.call(otherDirector, 'DELETE', '/api/calendar-days/2026-06-19');
    assert.equal(res.statusCode, 404, 'V has no such day of its own');
    res = await t.call(otherDirector, 'POST', '/api/calendar-days/import', { universityId: U.universityId, days: [{ date: '2026-06-19', kind: 'vacation' }] });
    assert.equal(res.statusCode, 400);
    const ours = json(await t.call(director, 'GET', '/api/calendar-days?from=2026-06-19&to=2026-06-19'));
    assert.deepEqual(ours.map((d: { kind: string }) => d.kind), ['holiday']);
    // A city-wide admin names the university, and must.
    res = await t.call(admin, 'PUT', '/api/calendar-days/2026-06-20', { kind: 'holiday' });
    assert.equal(res.statusCode, 400);
    assert.equal(json(res).details[0].field, 'universityId');
    res = await t.call(admin, 'PUT', '/api/calendar-days/2026-06-20', { kind: 'holiday', universityId: V.universityId });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json(await t.call(otherDirector, 'GET', '/api/calendar-days?from=2026-06-20&to=2026-06-20')).length, 1);
    assert.equal(json(await t.call(director, 'GET', '/api/calendar-days?from=2026-06-20&to=2026-06-20')).length, 0);
  });

  it('a day marked through the API flips a rule’s arming at once: dry run and the engine', async () => {
    const dryRun = async () => json(await t.call(director, 'POST', `/api/alarm-rules/${intrusionRule}/dry-run`, { deviceId: intrusionZone, at: clock.nowIso() }));
    // Warm the engine's calendar cache with the day unmarked: a Thursday noon is working time.
    assert.equal((await dryRun()).checks.armed, false);
    await emit(intrusionZone, 'intrusion');
    const disarmed = await t.store.db.selectFrom('rule_runs').select('trace').where('rule_id', '=', intrusionRule).execute();
    assert.equal(disarmed.length, 1);
    assert.equal(readJson<{ outcome: string }>(disarmed[0].trace).outcome, 'disarmed');

    // The rule says holidays are armed all day: marking today a holiday arms it, with no wait for the cache.
    const res = await t.call(director, 'PUT', '/api/calendar-days/2026-03-05', { kind: 'holiday', name: '校庆' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await dryRun()).checks.armed, true);
    await emit(intrusionZone, 'intrusion');
    const alarms = json(await t.call(operator, 'GET', `/api/alarms?deviceId=${intrusionZone}`)).items;
    assert.equal(alarms.length, 1);
    assert.equal(alarms[0].type, 'intrusion');

    // Unmarked again, the rule is disarmed again.
    assert.equal((await t.call(director, 'DELETE', '/api/calendar-days/2026-03-05')).statusCode, 204);
    assert.equal((await dryRun()).checks.armed, false);

    // A makeup workday (调休) on a Saturday counts as a Monday: disarmed at noon, where a Saturday is armed.
    const saturday = new Date(Date.parse('2026-03-07T12:00:00+08:00')).toISOString();
    const sat = async () => json(await t.call(director, 'POST', `/api/alarm-rules/${intrusionRule}/dry-run`, { deviceId: intrusionZone, at: saturday })).checks.armed;
    assert.equal(await sat(), true);
    await t.call(director, 'POST', '/api/calendar-days/import', { days: [{ date: '2026-03-07', kind: 'workday', name: '调休' }] });
    assert.equal(await sat(), false);
  });
});
