/**
 * Live video of an ONVIF camera: added by address and credentials, its RTSP main stream (our own
 * RTSP camera, Digest auth) pulled by ffmpeg over TCP and stream-copied to the live WebSocket —
 * with Debian's ffmpeg 5 and, when installed, the static ffmpeg 4.1 npm brings (whose RTSP
 * timeout option has another name).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter, type Mp4Fragment } from '../../src/server/adapters/media/fmp4.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { OnvifCamera } from '../../src/server/simulator/protocol/onvif-camera.ts';
import { RtspCamera, hikvisionStreamPath } from '../../src/server/simulator/protocol/rtsp-camera.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
const system = findFfmpeg();
const packaged = (() => {
  try {
    const p = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
})();

for (const [label, ffmpeg] of [
  ['system ffmpeg', system],
  ['npm static ffmpeg', packaged],
] as const) {
  describe(`ONVIF/RTSP live video (${label})`, { skip: ffmpeg ? false : `no ${label}` }, () => {
    let t: TestApp;
    let U: UniversityFixture;
    let rtsp: RtspCamera;
    let onvif: OnvifCamera;
    let base: string;
    const sockets: WebSocket[] = [];

    before(async () => {
      const pattern = await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: path.join(os.tmpdir(), 'xiaoan-test-patterns') });
      rtsp = new RtspCamera({ channels: { [hikvisionStreamPath(1, 'main')]: pattern }, credentials: { username: 'admin', password: 'Rtsp-pass-1' }, auth: 'digest' });
      const rtspPort = await rtsp.listen('127.0.0.1', 0);
      onvif = new OnvifCamera({ username: 'admin', password: 'Rtsp-pass-1', profiles: [{ token: 'p0', name: 'main', encoding: 'H264', width: 320, height: 240 }], rtspPort, now: () => clock.now() });
      const onvifPort = await onvif.listen();
      t = await createTestApp({ clock, env: { XIAOAN_ONVIF_TIMEOUT_MS: '3000', XIAOAN_MEDIA_LINGER_S: '0', XIAOAN_FFMPEG: ffmpeg! } });
      U = await createUniversity(t.services, 'RT');
      const director = await t.login(U.users.security_director.username);
      const res = await t.call(director, 'POST', '/api/onvif/cameras', { campusId: U.campusId, name: '北门枪机', host: '127.0.0.1', port: onvifPort, username: 'admin', password: 'Rtsp-pass-1' });
      assert.equal(res.statusCode, 200, res.body);
      U.deviceId = json(res).deviceId;
      base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });

    after(async () => {
      for (const ws of sockets) ws.terminate();
      await t?.close();
      await onvif?.close();
      await rtsp?.close();
    });

    it('pulls the RTSP main stream with the stored credentials and plays it; the stream stops with its last viewer', async () => {
      const cookie = await t.login(U.users.operator.username);
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/media/live/${U.deviceId}`, { headers: { cookie } });
      sockets.push(ws);
      const control: { type: string; [k: string]: unknown }[] = [];
      const fragments: Mp4Fragment[] = [];
      const splitter = new Mp4FragmentSplitter(() => undefined, (f) => fragments.push(f));
      ws.on('message', (data, binary) => (binary ? splitter.push(data as Buffer) : control.push(JSON.parse(String(data)))));
      ws.on('error', () => undefined);
      await waitFor('frames from the RTSP camera', () => fragments.length >= 25 || control.some((m) => m.type === 'ended' || m.type === 'error'), 20_000);
      assert.deepEqual(control[0], { type: 'starting', source: 'rtsp' }, JSON.stringify(control));
      assert.ok(fragments.length >= 25, `frames arrived: ${fragments.length}, ${JSON.stringify(control)}`);
      assert.match(String(control.find((m) => m.type === 'init')?.codec), /^avc1\./);
      assert.ok(fragments.every((f, i) => i === 0 || f.decodeTime > fragments[i - 1]!.decodeTime), 'frames advance');
      assert.ok(rtsp.requests.some((r) => r.method === 'PLAY' && r.status === 200), 'ffmpeg authenticated and played');
      ws.close();
      await waitFor('the RTSP session to end with the last viewer', () => rtsp.sessionCount === 0, 10_000);
    });
  });
}
