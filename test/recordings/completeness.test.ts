/**
 * Completeness of recording per camera and Beijing day, from index rows, against what the plan
 * expected (continuous: the whole day up to now; schedule: its windows, overnight ones too);
 * the completeness list, the storage planner, plan validation and who may do what.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { RecordingsRepository } from '../../src/server/modules/recordings/recordings.repository.ts';
import { ownTables } from '../../src/server/store/tables.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import type { RecordingWindow } from '../../src/shared/recordings.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A Thursday, 15:30 in Beijing. Days and hours below are Beijing time. */
const NOW = Date.parse('2026-03-05T15:30:00+08:00');
const DAY = '2026-03-05';
const at = (hhmm: string, date = DAY) => Date.parse(`${date}T${hhmm}:00+08:00`);

describe('recording completeness and storage planning', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let U: UniversityFixture;
  let director: string;
  const cam = { continuous: '', scheduled: '', fourK: '' };
  const repo = new RecordingsRepository();

  /** A plan as if set at `since` (written to the index directly: no recorder runs in this test). */
  async function plan(deviceId: string, mode: 'continuous' | 'schedule', since: number, windows: RecordingWindow[] = []) {
    const iso = new Date(since).toISOString();
    await repo.savePlan(ownTables<'recordings'>(t.store.db), { deviceId, universityId: U.universityId, mode, windows, preRollS: 10, postRollS: 30, since: iso, updatedAt: iso, updatedBy: null });
  }

  /** Segments of 10 minutes covering [from, to). */
  async function recorded(deviceId: string, from: number, to: number) {
    for (let s = from; s < to; s += 600_000) {
      const e = Math.min(s + 600_000, to);
      const id = uuid7(s);
      await t.store.db
        .insertInto('recording_segments')
        .values({ id, device_id: deviceId, university_id: U.universityId, start_at: new Date(s).toISOString(), end_at: new Date(e).toISOString(), path: `recordings/${deviceId}/${id}.mp4`, bytes: 1_000_000, codec: 'avc1.64001f', init_bytes: 40, evidence_hold: 0, created_at: new Date(e).toISOString() })
        .execute();
    }
  }

  before(async () => {
    // The clock moves a day on: sessions must outlive it.
    t = await createTestApp({ clock, env: { XIAOAN_SESSION_TTL_HOURS: '720' } });
    U = await createUniversity(t.services, 'RC');
    director = await t.login(U.users.security_director.username);
    const camera = { resolution: '1080p' as const, type: 'fixed' as const };
    cam.continuous = (await t.services.devices.create(SYSTEM_ACTOR, { name: 'A 校门', kind: 'camera', campusId: U.campusId, lon: 121.503, lat: 31.3, camera })).id;
    cam.scheduled = (await t.services.devices.create(SYSTEM_ACTOR, { name: 'B 教学楼', kind: 'camera', campusId: U.campusId, lon: 121.503, lat: 31.301, camera })).id;
    cam.fourK = (await t.services.devices.create(SYSTEM_ACTOR, { name: 'C 财务室', kind: 'camera', campusId: U.campusId, lon: 121.5, lat: 31.3, camera: { ...camera, resolution: '4k' } })).id;

    // Continuous since the day before; recorded all day but for 10:00–11:00, and the last half hour.
    await plan(cam.continuous, 'continuous', at('09:00', '2026-03-04'));
    await recorded(cam.continuous, at('09:00', '2026-03-04'), at('10:00'));
    await recorded(cam.continuous, at('11:00'), at('15:00'));
    // Weekdays 08:00–12:00, and Wednesday night 22:00 to Thursday 02:00.
    await plan(cam.scheduled, 'schedule', at('00:00', '2026-03-01'), [
      { days: [1, 2, 3, 4, 5], from: '08:00', to: '12:00' },
      { days: [3], from: '22:00', to: '02:00' },
    ]);
    await recorded(cam.scheduled, at('00:00'), at('02:00'));
    await recorded(cam.scheduled, at('08:00'), at('11:00'));
    await recorded(cam.scheduled, at('13:00'), at('14:00')); // recorded by hand, outside the windows
  });
  after(() => t?.close());

  const day = async (deviceId: string, date = DAY) => {
    const res = await t.call(director, 'GET', `/api/recordings/${deviceId}/days/${date}`);
    assert.equal(res.statusCode, 200, res.body);
    return json(res);
  };
  const hhmm = (iso: string) => new Date(Date.parse(iso) + 8 * HOUR_MS).toISOString().slice(11, 16);

  it('a continuous camera: the day up to now is expected; a missing hour and the last half hour are gaps', async () => {
    const d = await day(cam.continuous);
    assert.deepEqual(d.expected.map((s: { from: string; to: string }) => [hhmm(s.from), hhmm(s.to)]), [['00:00', '15:30']], 'the whole day up to now');
    assert.deepEqual(d.recorded.map((s: { from: string; to: string }) => [hhmm(s.from), hhmm(s.to)]), [['00:00', '10:00'], ['11:00', '15:00']], 'segments joined into spans');
    assert.deepEqual(d.gaps.map((s: { from: string; to: string; seconds: number }) => [hhmm(s.from), hhmm(s.to), s.seconds]), [['10:00', '11:00', 3600], ['15:00', '15:30', 1800]], 'the missing hour and what is not recorded yet');
    assert.equal(d.expectedS, 15.5 * 3600);
    assert.equal(d.recordedS, 14 * 3600);
    assert.equal(d.complete, Math.round((14 / 15.5) * 10_000) / 10_000, 'share complete');
    assert.equal(d.oldestRecordingAt, new Date(at('09:00', '2026-03-04')).toISOString(), 'the oldest recording held');
    assert.equal(d.timeZone, 'Asia/Shanghai');
    const yesterday = await day(cam.continuous, '2026-03-04');
    assert.deepEqual(yesterday.expected.map((s: { from: string }) => hhmm(s.from)), ['09:00'], 'expected only from when the plan took effect');
    assert.equal(yesterday.complete, 1, 'recorded all of it');
    const tomorrow = await day(cam.continuous, '2026-03-06');
    assert.deepEqual([tomorrow.expected, tomorrow.complete], [[], null], 'nothing expected of the future');
  });

  it('feeds the compliance score (S-REC): yesterday’s completeness of every camera the platform records', async () => {
    const score = await t.services.compliance.score(SYSTEM_ACTOR, { universityId: U.universityId });
    const rec = score.rules.find((r) => r.rule.id === 'S-REC')!.result;
    // Wednesday: the continuous camera recorded all of it from 09:00; the scheduled one none of its windows.
    assert.deepEqual(rec.findings.map((f) => [f.id, f.detail]), [[cam.scheduled, '昨日录像完整率 0%']]);
    assert.match(rec.figure, /平台录像的 2 台摄像机中 1 台录像完整且保存达标/);
    assert.equal(rec.status, 'partial');
  });

  it('a scheduled camera is expected only in its windows, the overnight one included', async () => {
    const d = await day(cam.scheduled);
    assert.deepEqual(d.expected.map((s: { from: string; to: string }) => [hhmm(s.from), hhmm(s.to)]), [['00:00', '02:00'], ['08:00', '12:00']], 'Wednesday night runs into Thursday');
    assert.deepEqual(d.gaps.map((s: { from: string; to: string }) => [hhmm(s.from), hhmm(s.to)]), [['11:00', '12:00']], 'only the missing hour inside a window is a gap');
    assert.equal(d.recordedS, 5 * 3600, 'recording outside the windows does not count');
    assert.equal(d.complete, Math.round((5 / 6) * 10_000) / 10_000);
    // Friday: the Wednesday-night window does not reach it, and nothing was recorded.
    clock.set(at('13:00', '2026-03-06'));
    const friday = await day(cam.scheduled, '2026-03-06');
    assert.deepEqual(friday.expected.map((s: { from: string; to: string }) => [hhmm(s.from), hhmm(s.to)]), [['08:00', '12:00']]);
    assert.equal(friday.complete, 0);
  });

  it('lists every camera of the university with its day, mode, retention and how far back it holds', async () => {
    const res = await t.call(director, 'GET', `/api/recordings/completeness?date=${DAY}&pageSize=2`);
    assert.equal(res.statusCode, 200, res.body);
    const page = json(res);
    assert.equal(page.total, 4, 'four cameras (the fixture’s one too)');
    assert.equal(page.items.length, 2, 'paged');
    const all = [...page.items, ...json(await t.call(director, 'GET', `/api/recordings/completeness?date=${DAY}&pageSize=2&page=2`)).items];
    const a = all.find((c: { deviceId: string }) => c.deviceId === cam.continuous);
    assert.equal(a.mode, 'continuous');
    assert.equal(a.gapCount, 2);
    assert.equal(a.expectedS, 24 * 3600, 'the clock is at Friday 13:00 now: the whole of Thursday was expected');
    assert.equal(a.retentionDays, 30);
    assert.equal(a.heldDays, Math.round(((clock.now() - at('09:00', '2026-03-04')) / DAY_MS) * 100) / 100, 'days back to the oldest recording');
    const c = all.find((x: { deviceId: string }) => x.deviceId === cam.fourK);
    assert.deepEqual([c.mode, c.complete, c.oldestRecordingAt, c.retentionDays, c.retentionSource], ['off', null, null, 90, 'key_site'], 'a camera never recorded, in a key site');
    assert.equal((await t.call(director, 'GET', '/api/recordings/completeness?date=2026-02-30')).statusCode, 400, 'a date that does not exist');
  });

  it('plans the storage each campus needs for its retention, states the assumptions, and shows what is held', async () => {
    t.services.recordingsCleaner.freeSpace = async () => ({ freeBytes: 2e12, totalBytes: 4e12 });
    const res = await t.call(director, 'GET', `/api/recordings/storage-plan?campusId=${U.campusId}`);
    assert.equal(res.statusCode, 200, res.body);
    const p = json(res);
    assert.deepEqual(p.assumptions.bitrateMbps, { analog: 1.5, '720p': 2, '1080p': 4, '4k': 8 }, 'the bitrates assumed are in the answer');
    const [campus] = p.campuses;
    const byClass = Object.fromEntries(campus.classes.map((c: { resolution: string }) => [c.resolution, c]));
    // 1080p: A and B 30 days each, the fixture's camera 30 (ledger); 4K: C in the key site, 90 days.
    assert.deepEqual([byClass['1080p'].cameras, byClass['1080p'].retentionDays], [3, 90]);
    assert.equal(byClass['1080p'].neededBytes, (4e6 / 8) * 86_400 * 90, '4 Mbps × 90 camera-days');
    assert.deepEqual([byClass['4k'].cameras, byClass['4k'].retentionDays, byClass['4k'].neededBytes], [1, 90, (8e6 / 8) * 86_400 * 90]);
    const segments = await t.store.db.selectFrom('recording_segments').select('id').execute();
    assert.equal(campus.heldBytes, segments.length * 1_000_000, 'bytes held now');
    assert.equal(p.neededBytes, campus.neededBytes);
    assert.deepEqual(p.volume, { freeBytes: 2e12, totalBytes: 4e12, minFreeBytes: 5 * 1024 ** 3 });
    assert.equal(p.fits, p.neededBytes <= p.heldBytes + 2e12 - 5 * 1024 ** 3);
    const other = await createUniversity(t.services, 'RD', 121.6, 31.1);
    const foreign = await t.call(await t.login(other.users.security_director.username), 'GET', `/api/recordings/storage-plan?campusId=${U.campusId}`);
    assert.equal(foreign.statusCode, 400, 'another university’s campus is no campus of theirs');
    assert.equal(json(foreign).details[0].field, 'campusId');
  });

  it('validates plans and keeps who may do what', async () => {
    const put = (cookie: string, body: unknown, id = cam.fourK) => t.call(cookie, 'PUT', `/api/recordings/${id}/plan`, body);
    const bad = async (body: unknown, field: string) => {
      const res = await put(director, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.ok(json(res).details.some((d: { field: string }) => d.field === field), `${JSON.stringify(body)} names ${field}: ${res.body}`);
    };
    await bad({ mode: 'schedule' }, 'windows');
    await bad({ mode: 'continuous', windows: [{ days: [1], from: '08:00', to: '12:00' }] }, 'windows');
    await bad({ mode: 'continuous', preRollS: 5 }, 'preRollS');
    await bad({ mode: 'schedule', windows: [{ days: [8], from: '08:00', to: '12:00' }] }, 'windows[0].days[0]');
    await bad({ mode: 'schedule', windows: [{ days: [1], from: '8:00', to: '12:00' }] }, 'windows[0].from');
    await bad({ mode: 'alarm', preRollS: 500 }, 'preRollS');
    await bad({ mode: 'sometimes' }, 'mode');

    const operator = await t.login(U.users.operator.username);
    assert.equal((await put(operator, { mode: 'off' })).statusCode, 403, 'an operator watches video but does not change recording');
    assert.equal((await t.call(operator, 'GET', `/api/recordings/${cam.fourK}/plan`)).statusCode, 200, 'and may read the plan');
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.call(guard, 'GET', `/api/recordings/${cam.fourK}/plan`)).statusCode, 403, 'a guard has no video.view');
    const door = await t.services.devices.create(SYSTEM_ACTOR, { name: '门禁', kind: 'door', campusId: U.campusId });
    const notCamera = await put(director, { mode: 'continuous' }, door.id);
    assert.equal(notCamera.statusCode, 409, 'only cameras are recorded');
    assert.equal(json(notCamera).code, 'XIAOAN_MEDIA_NO_VIDEO');

    const ok = await put(director, { mode: 'alarm', preRollS: 0, postRollS: 60 });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual([json(ok).mode, json(ok).preRollS, json(ok).postRollS, json(ok).recorder.state], ['alarm', 0, 60, 'idle'], 'alarm mode without a pre-roll waits for an alarm without holding the stream');
    const audit = json(await t.call(await t.login(U.users.auditor.username), 'GET', '/api/audit?action=recording.plan_changed')).items;
    assert.equal(audit[0].entityId, cam.fourK, 'a plan change is audited');
    assert.deepEqual(audit[0].after, { mode: 'alarm', windows: [], preRollS: 0, postRollS: 60 });
    assert.equal((await put(director, { mode: 'off' })).statusCode, 200, 'and off again');
  });
});
