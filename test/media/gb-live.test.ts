/**
 * Live video from a GB/T 28181 channel over real SIP and RTP: INVITE with the platform's offer, the
 * simulated recorder streaming PS/RTP of an encoded test pattern, stream copy by the builtin remuxer
 * (and by ffmpeg in one TCP case), fragmented MP4 over the live WebSocket. Covers UDP and both TCP roles (RFC 4571), H.265, a stream that
 * starts mid-GOP, reordered and lost packets, viewers sharing a stream, BYE both ways, rights.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { Mp4FragmentSplitter, type Mp4Fragment, type Mp4Init } from '../../src/server/adapters/media/fmp4.ts';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import { gbSource, type LiveStream } from '../../src/server/modules/media/index.ts';
import { LiveStream as LiveStreamClass } from '../../src/server/modules/media/live-stream.ts';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern, type TestPattern } from '../../src/server/simulator/media/test-pattern.ts';
import type { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { connectGbRecorder, type ConnectedRecorder } from '../helpers/gb-recorder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const NVR = '31000000111180000200';
const CAM_H264 = '31000000111310000201';
const CAM_H265 = '31000000111310000202';
const CAM_MIDGOP = '31000000111310000203';
const CAM_LOSSY = '31000000111310000204';
const ffmpeg = findFfmpeg();
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

interface Viewer {
  ws: WebSocket;
  control: { type: string; [k: string]: unknown }[];
  init: Mp4Init | null;
  fragments: Mp4Fragment[];
  closed: Promise<void>;
}

describe('GB/T 28181 live video', { skip: ffmpeg ? false : 'no ffmpeg' }, () => {
  let t: TestApp;
  let U: UniversityFixture;
  let recorder: ConnectedRecorder | undefined;
  let device: GbDevice;
  let base: string;
  let h264: TestPattern;
  const ids = new Map<string, string>();
  const viewers: Viewer[] = [];
  const offers: { channelId: string; offer: { session: string | null; range: { startS: number; endS: number } | null } }[] = [];
  // Every other frame is held back and sent after the next one; one packet in 40 is lost.
  let sent = 0;
  let held: Buffer[] | null = null;
  const lossy = (packets: Buffer[]) => {
    const kept = packets.filter(() => ++sent % 40 !== 0);
    if (!held) {
      held = kept;
      return [];
    }
    const out = [...kept, ...held];
    held = null;
    return out;
  };

  before(async () => {
    const cacheDir = path.join(os.tmpdir(), 'xiaoan-test-patterns');
    h264 = await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir });
    const h265 = await testPattern({ codec: 'h265', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir });
    t = await createTestApp({ clock, env: { XIAOAN_MEDIA_LINGER_S: '0', XIAOAN_MEDIA_HOST: '127.0.0.1', XIAOAN_MEDIA_MAX_TRANSCODES: '1' } });
    U = await createUniversity(t.services, 'GV');
    const plain = patternMedia(h264);
    const media = {
      prepare: (channelId: string, offer: Parameters<typeof plain.prepare>[1]) =>
        (offers.push({ channelId, offer }), channelId) === CAM_H265 ? patternMedia(h265).prepare(channelId, offer) : channelId === CAM_MIDGOP ? patternMedia(h264, { startMidGop: true }).prepare(channelId, offer) : channelId === CAM_LOSSY ? patternMedia(h264, { transform: lossy }).prepare(channelId, offer) : plain.prepare(channelId, offer),
    };
    recorder = await connectGbRecorder(t, { campusId: U.campusId, gbId: NVR, name: '实验楼NVR', channels: [CAM_H264, CAM_H265, CAM_MIDGOP, CAM_LOSSY], channelName: (i) => `实验楼${i + 1}号`, media, now: () => clock.now() });
    device = recorder.device;
    for (const [gbId, id] of recorder.ids) ids.set(gbId, id);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    for (const v of viewers) v.ws.terminate();
    await recorder?.close();
    await t?.close();
  });

  async function watch(username: string, deviceId: string, query = '', what: 'live' | 'playback' = 'live'): Promise<Viewer> {
    const cookie = await t.login(username);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/media/${what}/${deviceId}${query}`, { headers: { cookie } });
    const v: Viewer = { ws, control: [], init: null, fragments: [], closed: new Promise((r) => ws.once('close', () => r())) };
    const splitter = new Mp4FragmentSplitter((i) => (v.init = i), (f) => v.fragments.push(f));
    ws.on('message', (data, binary) => (binary ? splitter.push(data as Buffer) : v.control.push(JSON.parse(String(data)))));
    ws.on('error', () => undefined);
    viewers.push(v);
    return v;
  }

  const framesAdvance = (v: Viewer, n: number) => waitFor(`${n} frames`, () => v.fragments.length >= n, 20_000);

  it('plays a channel: INVITE, PS over UDP, remuxed (builtin, in the RTP thread), fMP4 frames that advance; the viewer is audited', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_H264)!);
    await framesAdvance(v, 30);
    assert.deepEqual(v.control[0], { type: 'starting', source: 'gb28181' });
    const init = v.control.find((m) => m.type === 'init')!;
    assert.match(String(init.codec), /^avc1\.[0-9a-f]{6}$/);
    assert.deepEqual([init.width, init.height], [320, 240]);
    assert.equal(v.fragments[0]!.keyframe, true, 'the picture starts at a keyframe');
    assert.ok(v.fragments.every((f, i) => i === 0 || f.decodeTime > v.fragments[i - 1]!.decodeTime), 'frames advance');
    assert.equal(v.fragments.filter((f) => f.keyframe).length >= 1, true);
    const status = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/media/streams/${ids.get(CAM_H264)}`));
    assert.equal(status.state, 'live');
    assert.equal(status.source, 'gb28181');
    assert.equal(status.transport.lost, 0);
    assert.ok(status.firstFrameMs >= 0);
    const audit = json(await t.call(await t.login(U.users.auditor.username), 'GET', `/api/audit?action=video.live_view`));
    assert.ok(audit.items.some((e: { entityId: string; actorName: string }) => e.entityId === ids.get(CAM_H264) && e.actorName === U.users.operator.username), 'who watched which camera is audited');
  });

  it('a second viewer shares the stream and starts at once from the cached GOP (a keyframe first)', async () => {
    const first = viewers[0]!;
    const second = await watch(U.users.security_director.username, ids.get(CAM_H264)!);
    await framesAdvance(second, 5);
    assert.equal(second.fragments[0]!.keyframe, true);
    assert.equal(device.streams.size, 1, 'one INVITE for both viewers');
    first.ws.close();
    second.ws.close();
    // Nobody watches (linger 0 here): the platform hangs up.
    await waitFor('BYE to the device', () => device.streams.size === 0, 10_000);
  });

  it('plays H.265 (tagged hvc1 for MP4 players)', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_H265)!);
    await framesAdvance(v, 10);
    assert.match(String(v.control.find((m) => m.type === 'init')!.codec), /^hvc1\./);
    v.ws.close();
  });

  it('re-encodes H.265 to H.264 for a browser that cannot decode it, one transcode at a time here', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_H265)!, '?transcode=h264');
    await framesAdvance(v, 10);
    const init = v.control.find((m) => m.type === 'init')!;
    assert.match(String(init.codec), /^avc1\./);
    assert.equal(init.transcoded, true);
    assert.ok(v.fragments.every((f, i) => i === 0 || f.decodeTime > v.fragments[i - 1]!.decodeTime), 'frames advance');
    const second = await watch(U.users.operator.username, ids.get(CAM_H264)!, '?transcode=h264');
    await second.closed;
    assert.equal(second.control[0]?.code, 'XIAOAN_MEDIA_UNAVAILABLE', 'the limit of transcodes (1 here) is kept');
    v.ws.close();
  });

  it('a camera that starts mid-GOP is shown from its next keyframe (no headless stream reaches the remuxer)', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_MIDGOP)!);
    await framesAdvance(v, 10);
    assert.equal(v.fragments[0]!.keyframe, true);
    const status = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/media/streams/${ids.get(CAM_MIDGOP)}`));
    assert.ok(status.transport.gated > 0, 'the packets before the keyframe were held back');
    v.ws.close();
  });

  it('reordered packets are put back in order and lost ones counted; the video goes on', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_LOSSY)!);
    after(() => v.ws.close());
    await framesAdvance(v, 40);
    const status = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/media/streams/${ids.get(CAM_LOSSY)}`));
    assert.ok(status.transport.reordered > 10, `reordered ${status.transport.reordered}`);
    assert.ok(status.transport.lost > 0, `lost ${status.transport.lost}`);
  });

  it('the camera hanging up (BYE) ends the stream for its viewers, with the reason', async () => {
    const v = await watch(U.users.operator.username, ids.get(CAM_H264)!);
    await framesAdvance(v, 5);
    const [callId] = [...device.streams.keys()].filter((k) => device.streams.get(k)!.channelId === CAM_H264);
    assert.equal((await device.hangUp(callId!))?.status, 200);
    await v.closed;
    assert.equal(v.control.at(-1)?.type, 'ended');
    assert.equal(v.control.at(-1)?.code, 'camera_hangup');
  });

  for (const setup of ['passive', 'active'] as const) {
    // Receivers in this thread here: the builtin remuxer runs beside it; the ffmpeg one (XIAOAN_MEDIA_REMUXER=ffmpeg) is covered too.
    const psRemuxer = setup === 'passive' ? 'builtin' : 'ffmpeg';
    it(`streams over TCP (RFC 4571), the platform ${setup === 'passive' ? 'listening' : 'connecting'}, remuxed by ${psRemuxer}`, async () => {
      const fragments: Mp4Fragment[] = [];
      const source = gbSource(t.services.gbPlatform, ids.get(CAM_H264)!, { advertisedIp: '127.0.0.1', bindHost: '127.0.0.1', transport: 'TCP', setup });
      const stream: LiveStream = new LiveStreamClass(ids.get(CAM_H264)!, source, { ffmpeg: ffmpeg!, psRemuxer, lingerMs: 0, startTimeoutMs: 10_000, stallMs: 10_000 }, () => undefined);
      const viewer = { init: () => undefined, fragment: (f: Mp4Fragment) => fragments.push(f), ended: () => undefined };
      stream.attach(viewer);
      try {
        await stream.begin();
        await waitFor('frames over TCP', () => fragments.length >= 20, 20_000);
        assert.equal(fragments[0]!.keyframe, true);
        assert.equal(stream.stats().lost, 0);
      } finally {
        stream.end('test over', 'idle');
      }
      await waitFor(`BYE to the device (streams open: ${[...device.streams.values()].map((s) => s.channelId)})`, () => device.streams.size === 0, 10_000);
    });
  }

  it('refuses who may not watch, a camera of another university, and a device that is not a camera', async () => {
    // A guard has no video.view: the upgrade is refused.
    const guardCookie = await t.login(U.users.guard.username);
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/media/live/${ids.get(CAM_H264)}`, { headers: { cookie: guardCookie } });
      ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
      ws.on('open', () => (resolve(101), ws.close()));
      ws.on('error', () => undefined);
    });
    assert.equal(refused, 403);
    const other = await createUniversity(t.services, 'GW');
    const foreign = await watch(other.users.operator.username, ids.get(CAM_H264)!);
    await foreign.closed;
    assert.equal(foreign.control[0]?.code, 'XIAOAN_NOT_FOUND');
    const nvr = (await t.services.devices.byGbIds([NVR]))[0]!;
    const notCamera = await watch(U.users.operator.username, nvr.id);
    await notCamera.closed;
    assert.equal(notCamera.control[0]?.code, 'XIAOAN_MEDIA_NO_VIDEO');
  });

  it("plays back a span the camera's recorder holds (INVITE s=Playback with the span): the device reports the end, the platform hangs up; audited", async () => {
    const fromS = Math.floor(clock.now() / 1000) - 3600;
    const span = `?from=${new Date(fromS * 1000).toISOString()}&to=${new Date((fromS + 3) * 1000).toISOString()}`;
    const v = await watch(U.users.operator.username, ids.get(CAM_H264)!, span, 'playback');
    await framesAdvance(v, 20);
    assert.deepEqual(v.control[0], { type: 'starting', source: 'gb28181-playback' });
    assert.equal(v.fragments[0]!.keyframe, true);
    const offer = offers.filter((o) => o.channelId === CAM_H264).at(-1)!.offer;
    assert.equal(offer.session, 'Playback', 'the INVITE asks for playback');
    assert.deepEqual(offer.range, { startS: fromS, endS: fromS + 3 }, 'of the span asked (t=, epoch seconds)');
    // The simulated recorder sends the 3 s at 1×, then MediaStatus 121; the platform ends the stream and sends BYE.
    await v.closed;
    assert.deepEqual(v.control.at(-1), { type: 'ended', code: 'playback_ended', reason: 'the recording played back has ended' });
    await waitFor('BYE to the device', () => [...device.streams.values()].every((s) => s.offer.session !== 'Playback'), 10_000);
    const audit = await t.store.db.selectFrom('audit_log').select(['after']).where('action', '=', 'video.playback').where('entity_id', '=', ids.get(CAM_H264)!).execute();
    assert.ok(audit.some((a) => JSON.stringify(a.after).includes('recorder')), 'the playback is in the audit log');

    const backwards = await watch(U.users.operator.username, ids.get(CAM_H264)!, `?from=${new Date(fromS * 1000).toISOString()}&to=${new Date((fromS - 60) * 1000).toISOString()}`, 'playback');
    await backwards.closed;
    assert.equal(backwards.control[0]?.code, 'XIAOAN_VALIDATION_FAILED');
    assert.deepEqual((backwards.control[0]?.details as { field: string }[]).map((d) => d.field), ['to'], 'the refusal names the field');
    const foreign = await watch((await createUniversity(t.services, 'GP')).users.operator.username, ids.get(CAM_H264)!, span, 'playback');
    await foreign.closed;
    assert.equal(foreign.control[0]?.code, 'XIAOAN_NOT_FOUND', "another university's camera is not found");
  });
});
