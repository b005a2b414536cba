/**
 * Recording end to end over real SIP and RTP: a simulated GB/T 28181 recorder streams a 320×240
 * H.264 test pattern (keyframe every second), the platform records its channels into 2-s
 * fragmented-MP4 segments, and the files are checked with ffprobe. Also: the recorder reopening
 * after the camera hangs up (with video.loss and video.restored events), alarm recording whose
 * first segment starts before the trigger (pre-roll), and playback of a segment file with ranges.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import type { Clock } from '../../src/server/clock.ts';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { gbDate } from '../../src/server/modules/gb28181/index.ts';
import type { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { connectGbRecorder, type ConnectedRecorder } from '../helpers/gb-recorder.ts';
import { BEIJING_OFFSET_MS } from '../../src/shared/beijing-time.ts';
import type { RecordingSegment } from '../../src/shared/recordings.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { pdfText } from '../helpers/pdf-text.ts';
import { waitFor } from '../helpers/wait.ts';

const run = promisify(execFile);


const NVR = '31000000111180000300';
const CAM_CONTINUOUS = '31000000111310000301';
const CAM_HANGUP = '31000000111310000302';
const CAM_ALARM = '31000000111310000303';
const ffmpeg = findFfmpeg();
const ffprobe = ffmpeg ? path.join(path.dirname(ffmpeg), 'ffprobe') : null;
const FRAME_MS = 40;

/** Runs at the real rate from a fixed instant (a Thursday noon in Beijing), so nothing depends on when the suite runs. */
function runningClock(startIso: string): Clock {
  const offset = Date.parse(startIso) - Date.now();
  return { now: () => Date.now() + offset, nowIso: () => new Date(Date.now() + offset).toISOString() };
}

async function probe(file: string) {
  const { stdout } = await run(ffprobe!, ['-v', 'error', '-show_entries', 'format=duration,start_time:stream=codec_name,width,height', '-of', 'json', file]);
  const first = await run(ffprobe!, ['-v', 'error', '-select_streams', 'v', '-read_intervals', '%+#1', '-show_entries', 'frame=key_frame,pict_type', '-of', 'json', file]);
  const p = JSON.parse(stdout) as { format: { duration: string; start_time: string }; streams: { codec_name: string; width: number; height: number }[] };
  const f = JSON.parse(first.stdout) as { frames: { key_frame: number; pict_type: string }[] };
  return { codec: p.streams[0]!.codec_name, width: p.streams[0]!.width, height: p.streams[0]!.height, duration: Number(p.format.duration), start: Number(p.format.start_time), firstFrame: f.frames[0] };
}

describe('recording', { skip: ffmpeg && ffprobe && existsSync(ffprobe) ? false : 'no ffmpeg/ffprobe' }, () => {
  const clock = runningClock('2026-03-05T12:00:00+08:00');
  let t: TestApp;
  let U: UniversityFixture;
  let recorder: ConnectedRecorder | undefined;
  let device: GbDevice;
  let director: string;
  const ids = new Map<string, string>();

  before(async () => {
    const cacheDir = path.join(os.tmpdir(), 'xiaoan-test-patterns');
    const h264 = await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir });
    t = await createTestApp({ clock, env: { XIAOAN_MEDIA_LINGER_S: '0', XIAOAN_MEDIA_HOST: '127.0.0.1', XIAOAN_RECORD_SEGMENT_S: '2' } });
    U = await createUniversity(t.services, 'RE');
    director = await t.login(U.users.security_director.username);
    recorder = await connectGbRecorder(t, { campusId: U.campusId, gbId: NVR, name: '录像测试NVR', channels: [CAM_CONTINUOUS, CAM_HANGUP, CAM_ALARM], channelName: (i) => `录像${i + 1}号`, media: patternMedia(h264), now: () => clock.now() });
    device = recorder.device;
    for (const [gbId, id] of recorder.ids) ids.set(gbId, id);
    await t.services.recordings.start();
  });

  after(async () => {
    await t?.services.recordings.stop();
    await recorder?.close();
    await t?.close();
  });

  const segmentsOf = async (deviceId: string): Promise<RecordingSegment[]> => {
    const from = encodeURIComponent(new Date(clock.now() - 3600_000).toISOString());
    const to = encodeURIComponent(new Date(clock.now() + 3600_000).toISOString());
    const res = await t.call(director, 'GET', `/api/recordings/${deviceId}/segments?from=${from}&to=${to}`);
    assert.equal(res.statusCode, 200, res.body);
    return json(res).items;
  };
  const planOf = async (deviceId: string) => json(await t.call(director, 'GET', `/api/recordings/${deviceId}/plan`));
  const eventsOf = (deviceId: string, kind: string) =>
    t.store.db.selectFrom('events').select(['kind', 'source', 'occurred_at', 'payload']).where('device_id', '=', deviceId).where('kind', '=', kind).orderBy('id').execute();

  it('records a camera continuously into 2-s MP4 segments that start at a keyframe and follow each other without a gap', async () => {
    const id = ids.get(CAM_CONTINUOUS)!;
    assert.equal((await planOf(id)).mode, 'off', 'nothing records unless configured');
    const put = await t.call(director, 'PUT', `/api/recordings/${id}/plan`, { mode: 'continuous' });
    assert.equal(put.statusCode, 200, put.body);
    const segments = await waitFor('4 segments in the index', async () => {
      const s = await segmentsOf(id);
      return s.length >= 4 && s;
    }, 40_000);

    const dataDir = t.services.recordingsCleaner['dataDir'] as string;
    for (const s of segments) {
      const row = await t.store.db.selectFrom('recording_segments').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      const local = new Date(Date.parse(s.startAt) + BEIJING_OFFSET_MS).toISOString();
      assert.match(row.path, new RegExp(`^recordings/${id}/${local.slice(0, 10).replace(/-/g, '')}/\\d{6}(-\\d+)?\\.mp4$`), `path under recordings/<device>/<Beijing date>/: ${row.path}`);
      const file = path.join(dataDir, row.path);
      assert.equal(statSync(file).size, Number(row.bytes), 'the index holds the file size');
      const p = await probe(file);
      assert.equal(p.codec, 'h264', 'H.264 stream-copied');
      assert.deepEqual([p.width, p.height], [320, 240], 'the picture size is kept');
      assert.ok(Math.abs(p.duration - 2) <= 0.1, `segment of ${p.duration} s, about the 2 s asked`);
      assert.ok(Math.abs(s.durationS - 2) <= 0.1, `the index says ${s.durationS} s`);
      assert.equal(p.start, 0, 'the timeline of each file starts at zero');
      assert.equal(p.firstFrame?.key_frame, 1, 'a segment starts with a keyframe');
      assert.equal(s.codec.startsWith('avc1.'), true, 'the codec string is kept');
      assert.equal(Number(row.init_bytes) > 0, true, 'the init segment length is kept');
    }
    for (let i = 1; i < segments.length; i++) {
      const gap = Date.parse(segments[i]!.startAt) - Date.parse(segments[i - 1]!.endAt);
      assert.ok(Math.abs(gap) <= FRAME_MS, `segments ${i - 1}→${i} meet (gap ${gap} ms)`);
    }
    const started = Date.parse(segments[0]!.startAt);
    assert.ok(Math.abs(started - Date.parse((await planOf(id)).since)) < 5_000, 'recording starts within seconds of the plan');
    const plan = await planOf(id);
    assert.equal(plan.recorder.state, 'recording', 'the recorder says it records');
    assert.deepEqual(plan.retention, { days: 30, source: 'default', standardDays: 30 }, 'a camera outside any key site keeps 30 days');
  });

  it('serves a segment as video/mp4 with byte ranges, and audits the playback once', async () => {
    const id = ids.get(CAM_CONTINUOUS)!;
    const [s] = await segmentsOf(id);
    const operator = await t.login(U.users.operator.username);
    const whole = await t.app.inject({ method: 'GET', url: s!.url, headers: { cookie: operator } });
    assert.equal(whole.statusCode, 200, whole.body.slice(0, 200));
    assert.equal(whole.headers['content-type'], 'video/mp4');
    assert.equal(whole.rawPayload.length, s!.bytes, 'the whole file');
    assert.equal(whole.rawPayload.toString('latin1', 4, 8), 'ftyp', 'an MP4 file');
    const ranged = await t.app.inject({ method: 'GET', url: s!.url, headers: { cookie: operator, range: 'bytes=100-199' } });
    assert.equal(ranged.statusCode, 206, 'a byte range, as a <video> element asks');
    assert.equal(ranged.rawPayload.length, 100);
    assert.equal(ranged.headers['content-range'], `bytes 100-199/${s!.bytes}`);
    assert.deepEqual(ranged.rawPayload, whole.rawPayload.subarray(100, 200));
    const audit = json(await t.call(await t.login(U.users.auditor.username), 'GET', '/api/audit?action=video.playback'));
    assert.equal(audit.items.filter((e: { entityId: string }) => e.entityId === id).length, 1, 'one playback, one audit line (ranges while seeking are not each audited)');
    const guard = await t.login(U.users.guard.username);
    assert.equal((await t.app.inject({ method: 'GET', url: s!.url, headers: { cookie: guard } })).statusCode, 403, 'a guard may not watch recordings');
    const other = await createUniversity(t.services, 'RX', 121.6, 31.1);
    const foreign = await t.app.inject({ method: 'GET', url: s!.url, headers: { cookie: await t.login(other.users.operator.username) } });
    assert.equal(foreign.statusCode, 404, 'another university’s recording does not exist for them');
  });

  it('reopens the stream after the camera hangs up, reporting video.loss once and video.restored when it records again', async () => {
    const id = ids.get(CAM_HANGUP)!;
    assert.equal((await t.call(director, 'PUT', `/api/recordings/${id}/plan`, { mode: 'continuous' })).statusCode, 200, 'plan set');
    await waitFor('a first segment', async () => (await segmentsOf(id)).length >= 1, 30_000);
    const callOf = () => [...device.streams.entries()].find(([, s]) => s.channelId === CAM_HANGUP)?.[0];
    const firstCall = callOf();
    assert.ok(firstCall, 'the camera is streaming');
    assert.equal((await device.hangUp(firstCall))?.status, 200, 'BYE answered');
    const loss = await waitFor('video.loss stored', async () => (await eventsOf(id, 'video.loss'))[0], 10_000);
    assert.equal(loss.source, 'media', 'seen by the platform recorder');
    assert.match(String((typeof loss.payload === 'string' ? JSON.parse(loss.payload) : loss.payload).detail), /hung up|BYE|ended|camera/i, 'the loss says why');
    await waitFor('the recorder INVITEs again', () => {
      const c = callOf();
      return c !== undefined && c !== firstCall;
    }, 15_000);
    const segmentsBefore = (await segmentsOf(id)).length;
    await waitFor('segments after the reopening', async () => (await segmentsOf(id)).length >= segmentsBefore + 2, 30_000);
    const restored = await waitFor('video.restored stored', async () => (await eventsOf(id, 'video.restored'))[0], 10_000);
    assert.equal(restored.source, 'media');
    assert.equal((await eventsOf(id, 'video.loss')).length, 1, 'one video.loss for the outage');
    // The default rule 设备防拆/视频遮挡 turns video.loss into an alarm: the event reaches the rules like a device's own.
    await waitFor('an alarm of the video loss', async () => (await t.store.db.selectFrom('alarms').select('id').where('device_id', '=', id).execute()).length > 0, 10_000);
    assert.equal((await planOf(id)).recorder.state, 'recording', 'recording again');
  });

  it('exports video evidence of an alarm: an MP4 clip whose SHA-256 is in the audit log and the case file, the recordings held', async () => {
    const camera = ids.get(CAM_CONTINUOUS)!;
    const [alarm] = await t.store.db.selectFrom('alarms').select('id').where('device_id', '=', ids.get(CAM_HANGUP)!).execute();
    assert.ok(alarm, 'the video-loss alarm of the test before');
    const segments = await segmentsOf(camera);
    const from = new Date(Date.parse(segments[1]!.startAt) + 500).toISOString();
    const to = new Date(Date.parse(segments[2]!.endAt) - 300).toISOString();
    const body = { deviceIds: [camera], from, to, reason: '移交派出所' };
    assert.equal((await t.call(await t.login(U.users.operator.username), 'POST', `/api/alarms/${alarm.id}/evidence`, body)).statusCode, 403, 'exporting is a permission operators do not have');
    const bad = await t.call(director, 'POST', `/api/alarms/${alarm.id}/evidence`, { ...body, to: from });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(json(bad).details[0].field, 'to', 'the error names the field');
    const res = await t.call(director, 'POST', `/api/alarms/${alarm.id}/evidence`, body);
    assert.equal(res.statusCode, 201, res.body);
    const [clip] = json(res).items;
    assert.match(clip.sha256, /^[0-9a-f]{64}$/);
    assert.ok(Math.abs(clip.durationS - (Date.parse(to) - Date.parse(from)) / 1000) < 0.01, `the clip spans the time asked (${clip.durationS} s)`);

    // The file downloaded is the file hashed, and a real MP4 of the span asked, starting whole.
    const file = await t.call(director, 'GET', clip.url);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['x-content-sha256'], clip.sha256);
    assert.equal(createHash('sha256').update(file.rawPayload).digest('hex'), clip.sha256, 'SHA-256 of the bytes served');
    const dataDir = t.services.recordingsCleaner['dataDir'] as string;
    const local = path.join(dataDir, (await t.store.db.selectFrom('evidence_clips').select('path').where('id', '=', clip.id).executeTakeFirstOrThrow()).path);
    const p = await probe(local);
    assert.equal(p.codec, 'h264');
    assert.ok(Math.abs(p.duration - clip.durationS) <= 0.15, `the MP4 lasts ${p.duration} s`);
    const firstPacket = await run(ffprobe!, ['-v', 'error', '-select_streams', 'v', '-read_intervals', '%+#1', '-show_entries', 'packet=flags', '-of', 'csv', local]);
    assert.match(firstPacket.stdout, /K/, 'the clip starts with a keyframe (the part before the span is hidden by an edit list)');

    const audit = await t.store.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'video.export').execute();
    assert.ok(audit.some((a) => JSON.stringify(a.after).includes(clip.sha256)), 'the audit log holds the hash');
    const held = await t.store.db.selectFrom('recording_segments').select('evidence_hold').where('device_id', '=', camera).where('start_at', '<', to).where('end_at', '>', from).execute();
    assert.ok(held.length >= 2 && held.every((h) => Number(h.evidence_hold) === 1), 'the recordings of the span are held as evidence');
    const listed = json(await t.call(director, 'GET', `/api/alarms/${alarm.id}/evidence`)).items;
    assert.deepEqual(listed.map((c: { id: string }) => c.id), [clip.id]);

    const pdf = await t.call(director, 'GET', `/api/alarms/${alarm.id}/case-file.pdf`);
    assert.equal(pdf.statusCode, 200);
    const { text } = await pdfText(pdf.rawPayload);
    assert.match(text, /视频证据/);
    assert.ok(text.replace(/\s+/g, '').includes(clip.sha256), 'the case file lists the clip with its SHA-256');

    const none = await t.call(director, 'POST', `/api/alarms/${alarm.id}/evidence`, { ...body, from: new Date(clock.now() - 7200_000).toISOString(), to: new Date(clock.now() - 7000_000).toISOString() });
    assert.equal(none.statusCode, 409, 'no recording in that time is said, not an empty clip');
  });

  it('alarm mode: an alarm of the camera records it from before the alarm (pre-roll) until the post-roll after it', async () => {
    const id = ids.get(CAM_ALARM)!;
    const put = await t.call(director, 'PUT', `/api/recordings/${id}/plan`, { mode: 'alarm', preRollS: 3, postRollS: 2 });
    assert.equal(put.statusCode, 200, put.body);
    const armed = await waitFor('armed with video', async () => {
      const p = await planOf(id);
      return p.recorder.state === 'armed' && p.recorder.since;
    }, 20_000);
    // The pre-roll fills as the camera streams: 3 s of video after the recorder got its first frame.
    await waitFor('the pre-roll filled', () => clock.now() - Date.parse(armed) > 4_000, 10_000);
    assert.deepEqual(await segmentsOf(id), [], 'armed, nothing is written');
    // The camera reports its lens blocked (GB/T 28181 alarm, video analysis 13); the default rule 设备防拆/视频遮挡 raises an alarm of it.
    const answer = await device.alarm({ channelId: CAM_ALARM, method: 5, type: 13, time: gbDate(clock.now()).slice(0, 19) });
    assert.equal(answer.status, 200);
    const alarm = await waitFor('the tamper alarm', async () => (await t.store.db.selectFrom('alarms').select(['id', 'created_at']).where('device_id', '=', id).execute())[0], 10_000);
    const trigger = Date.parse(alarm.created_at);
    await waitFor('recording', async () => (await planOf(id)).recorder.state === 'recording', 10_000);
    await waitFor('back to armed after the post-roll', async () => (await planOf(id)).recorder.state === 'armed', 20_000);
    await t.services.recordings.settled(id);
    const segments = await segmentsOf(id);
    assert.ok(segments.length >= 1, 'the alarm was recorded');
    const first = Date.parse(segments[0]!.startAt);
    const last = Date.parse(segments.at(-1)!.endAt);
    // Bounds allow the alarm's own way from the store to the recorder (well under a second here).
    assert.ok(first <= trigger - 2_000, `the recording starts ${trigger - first} ms before the alarm`);
    assert.ok(first >= trigger - 5_000, `no more than the pre-roll and a GOP before (${trigger - first} ms)`);
    assert.ok(last >= trigger + 1_500, `the post-roll is recorded (${last - trigger} ms after)`);
    assert.ok(last <= trigger + 7_000, `and recording stops after it (${last - trigger} ms after)`);
    const p = await probe(path.join(t.services.recordingsCleaner['dataDir'] as string, (await t.store.db.selectFrom('recording_segments').select('path').where('id', '=', segments[0]!.id).executeTakeFirstOrThrow()).path));
    assert.equal(p.firstFrame?.key_frame, 1, 'the pre-roll starts at a keyframe');
    assert.equal(await t.services.recordings.triggerAlarm(ids.get(CAM_CONTINUOUS)!), false, 'a continuous camera is not alarm-triggered');
  });

  it('after a crash, the segment cut off mid-write is kept up to its last whole frame and indexed; a file with no whole frame is removed', async () => {
    const id = ids.get(CAM_CONTINUOUS)!;
    const dataDir = t.services.recordingsCleaner['dataDir'] as string;
    const [segment] = await segmentsOf(id);
    const row = await t.store.db.selectFrom('recording_segments').select('path').where('id', '=', segment!.id).executeTakeFirstOrThrow();
    const whole = readFileSync(path.join(dataDir, row.path));
    // What a kill -9 leaves: the file of the segment being written, torn in the middle of a frame.
    const dir = path.dirname(row.path);
    const cutOff = `${dir}/235958.mp4`;
    const empty = `${dir}/235959.mp4`;
    writeFileSync(path.join(dataDir, cutOff), whole.subarray(0, Math.floor(whole.length * 0.6)));
    writeFileSync(path.join(dataDir, empty), whole.subarray(0, 100));
    await t.services.recordings['recoverCutOffSegments']([id]);

    const recovered = await t.store.db.selectFrom('recording_segments').selectAll().where('path', '=', cutOff).executeTakeFirst();
    assert.ok(recovered, 'the cut-off segment is in the index');
    const size = statSync(path.join(dataDir, cutOff)).size;
    assert.equal(Number(recovered.bytes), size, 'indexed with its size after the torn frame was cut away');
    assert.ok(size < whole.length * 0.6, 'the torn last frame is cut away');
    const local = new Date(Date.parse(recovered.start_at) + BEIJING_OFFSET_MS).toISOString();
    assert.equal(local.slice(11, 19), '23:59:58', 'its start is the Beijing time in its name');
    const p = await probe(path.join(dataDir, cutOff));
    const indexedS = (Date.parse(recovered.end_at) - Date.parse(recovered.start_at)) / 1000;
    assert.ok(p.duration > 0.5 && Math.abs(p.duration - indexedS) <= 0.1, `plays ${p.duration} s, indexed as ${indexedS} s`);
    assert.equal(existsSync(path.join(dataDir, empty)), false, 'a file with no whole frame is removed');
    await t.services.recordings['recoverCutOffSegments']([id]);
    assert.equal((await t.store.db.selectFrom('recording_segments').select('id').where('path', '=', cutOff).execute()).length, 1, 'indexed once');
  });
});
