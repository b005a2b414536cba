/**
 * Retention of recordings (S-RET-30 / S-RET-90) and disk-full protection, on the segment index
 * and real files, with a clock moved by hand and an injected free-space function.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { uuid7 } from '../../src/server/util/uuid7.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const DAY_MS = 86_400_000;
const SEGMENT_BYTES = 100;

describe('recording retention and disk-full protection', () => {
  const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
  let t: TestApp;
  let U: UniversityFixture;
  let dataDir: string;
  const cam = { inSite: '', outside: '', override: '' };

  before(async () => {
    // A reserve of 0.000001 GB = 1,073.7 bytes: a few 100-byte segments decide it.
    t = await createTestApp({ clock, env: { XIAOAN_RECORD_MIN_FREE_GB: '0.000001' } });
    U = await createUniversity(t.services, 'RT');
    dataDir = t.services.recordingsCleaner['dataDir'] as string;
    const camera = { resolution: '1080p' as const, type: 'fixed' as const };
    // The fixture's key site is a square of ±0.0001° around (121.5, 31.3).
    cam.inSite = (await t.services.devices.create(SYSTEM_ACTOR, { name: '财务室摄像机', kind: 'camera', campusId: U.campusId, lon: 121.5, lat: 31.3, camera })).id;
    cam.outside = (await t.services.devices.create(SYSTEM_ACTOR, { name: '操场摄像机', kind: 'camera', campusId: U.campusId, lon: 121.503, lat: 31.3, camera })).id;
    cam.override = (await t.services.devices.create(SYSTEM_ACTOR, { name: '财务室走廊', kind: 'camera', campusId: U.campusId, lon: 121.5, lat: 31.3, camera, retentionDays: 7 })).id;
    // Cameras that recorded once and are off now: their plans hold them for the cleaner.
    for (const id of [...Object.values(cam), U.deviceId]) await t.services.recordings.putPlan(SYSTEM_ACTOR, id, { mode: 'off' });
  });
  after(() => t?.close());

  /** A segment of `days` ago: a file of 100 bytes and its index row. */
  async function segment(deviceId: string, daysAgo: number, hold = false) {
    const start = clock.now() - daysAgo * DAY_MS;
    const id = uuid7(start);
    const rel = `recordings/${deviceId}/${id}.mp4`;
    await mkdir(path.join(dataDir, 'recordings', deviceId), { recursive: true });
    await writeFile(path.join(dataDir, rel), Buffer.alloc(SEGMENT_BYTES));
    await t.store.db
      .insertInto('recording_segments')
      .values({ id, device_id: deviceId, university_id: U.universityId, start_at: new Date(start).toISOString(), end_at: new Date(start + 60_000).toISOString(), path: rel, bytes: SEGMENT_BYTES, codec: 'avc1.64000d', init_bytes: 40, evidence_hold: hold ? 1 : 0, created_at: clock.nowIso() })
      .execute();
    return { id, file: path.join(dataDir, rel), daysAgo };
  }

  const remaining = async (deviceId: string) =>
    (await t.store.db.selectFrom('recording_segments').select('start_at').where('device_id', '=', deviceId).orderBy('start_at').execute()).map((r) => Math.round((clock.now() - Date.parse(r.start_at)) / DAY_MS));

  it('keeps each camera its retention: the ledger figure, else 90 days inside a key site, else 30; never deletes evidence', async () => {
    const director = await t.login(U.users.security_director.username);
    const retention = async (id: string) => json(await t.call(director, 'GET', `/api/recordings/${id}/plan`)).retention;
    assert.deepEqual(await retention(cam.inSite), { days: 90, source: 'key_site', standardDays: 90 }, 'S-RET-90 inside a key site');
    assert.deepEqual(await retention(cam.outside), { days: 30, source: 'default', standardDays: 30 }, 'S-RET-30 elsewhere');
    assert.deepEqual(await retention(cam.override), { days: 7, source: 'ledger', standardDays: 90 }, 'the ledger figure wins, and the standard is still shown');

    const files = [];
    for (const id of [cam.inSite, cam.outside, cam.override, U.deviceId]) for (const days of [5, 20, 45, 100]) files.push(await segment(id, days));
    const evidence = await segment(cam.outside, 200, true);
    const result = await t.services.recordingsCleaner.cleanExpired();

    assert.deepEqual(await remaining(cam.inSite), [45, 20, 5], 'a key-site camera keeps 90 days');
    assert.deepEqual(await remaining(cam.outside), [200, 20, 5], 'another keeps 30, and the evidence held 200 days');
    assert.deepEqual(await remaining(cam.override), [5], 'the ledger said 7 days');
    assert.deepEqual(await remaining(U.deviceId), [20, 5], 'the ledger said 30 days');
    assert.equal(result.deleted, 8, 'eight segments past their retention (1 + 2 + 3 + 2)');
    for (const f of files) {
      const kept = (await t.store.db.selectFrom('recording_segments').select('id').where('id', '=', f.id).executeTakeFirst()) !== undefined;
      assert.equal(existsSync(f.file), kept, `the file of a segment ${f.daysAgo} days old goes with its row`);
    }
    assert.ok(existsSync(evidence.file), 'the evidence file stays');

    // Time passes: the same rules apply to the clock's new day.
    clock.advance(26 * DAY_MS);
    await t.services.recordingsCleaner.cleanExpired();
    assert.deepEqual(await remaining(cam.outside), [226], 'at 31 days old they go; evidence stays');
    assert.deepEqual(await remaining(cam.inSite), [71, 46, 31], 'within 90 days they stay');
  });

  it('disk full: deletes the oldest non-evidence segments across cameras until free space is above the reserve, and audits what each camera lost', async () => {
    await t.store.db.deleteFrom('recording_segments').execute();
    const a = cam.inSite;
    const b = cam.outside;
    const made = [await segment(a, 10), await segment(b, 9), await segment(a, 8, true), await segment(b, 7), await segment(a, 6), await segment(b, 5)];
    // Free space grows by a segment's bytes for each file deleted: 800 bytes now, the reserve 1,073.7 → three must go.
    t.services.recordingsCleaner.freeSpace = async () => ({ freeBytes: 800 + SEGMENT_BYTES * made.filter((s) => !existsSync(s.file)).length, totalBytes: 1_000_000 });
    const result = await t.services.recordingsCleaner.guardFreeSpace();
    assert.equal(result.deleted, 3, 'three segments freed enough');
    assert.deepEqual(await remaining(a), [8, 6], 'camera A lost its oldest; the evidence (8 days) is skipped');
    assert.deepEqual(await remaining(b), [5], 'camera B lost its two oldest: oldest first across cameras');

    const auditor = await t.login(U.users.auditor.username);
    const audit = json(await t.call(auditor, 'GET', '/api/audit?action=recording.forced_delete')).items as { entityId: string; after: { from: string; to: string; segments: number; reason: string } }[];
    const lostA = audit.find((e) => e.entityId === a);
    const lostB = audit.find((e) => e.entityId === b);
    assert.ok(lostA && lostB, 'each camera’s early loss is in the audit log');
    assert.equal(lostA.after.segments, 1, 'camera A: one segment');
    assert.equal(lostB.after.segments, 2, 'camera B: two segments');
    assert.equal(lostB.after.from, new Date(clock.now() - 9 * DAY_MS).toISOString(), 'the span lost starts with the oldest');
    assert.equal(lostB.after.to, new Date(clock.now() - 7 * DAY_MS + 60_000).toISOString(), 'and ends with the newest deleted');
    assert.equal(lostA.after.reason, 'disk_full', 'the reason is named');

    // Above the reserve: nothing more goes.
    assert.equal((await t.services.recordingsCleaner.guardFreeSpace()).deleted, 0, 'nothing is deleted above the reserve');
    // A disk that stays full: everything but evidence goes, then the cleaner gives up (and says so in the log).
    t.services.recordingsCleaner.freeSpace = async () => ({ freeBytes: 0, totalBytes: 1_000_000 });
    await t.services.recordingsCleaner.guardFreeSpace();
    assert.deepEqual([...(await remaining(a)), ...(await remaining(b))], [8], 'only the evidence is left');
    assert.ok(existsSync(made[2]!.file), 'the evidence file is on disk');
  });

  it('holds a time range of a camera as evidence through the service', async () => {
    const s = await segment(cam.override, 1);
    const from = new Date(clock.now() - DAY_MS - 1_000).toISOString();
    const to = new Date(clock.now() - DAY_MS + 1_000).toISOString();
    assert.equal(await t.services.recordings.setEvidenceHold(cam.override, from, to, true), 1, 'one segment overlaps the range');
    clock.advance(30 * DAY_MS);
    await t.services.recordingsCleaner.cleanExpired();
    assert.ok(existsSync(s.file), 'held past its 7 days');
    assert.equal(await t.services.recordings.setEvidenceHold(cam.override, from, to, false), 1, 'released');
    await t.services.recordingsCleaner.cleanExpired();
    assert.ok(!existsSync(s.file), 'released evidence follows retention again');
  });
});
