import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import type { Api, RunningServer } from './support.ts';

/**
 * A GB/T 28181 NVR (real SIP and RTP) whose channels are the in-service cameras within 300 m of
 * the given points (panic buttons, say), streaming a test picture when INVITEd; resolves once its catalog is in.
 */
export async function nearbyRecorder(admin: Api, server: Pick<RunningServer, 'sipPort'>, points: { lon: number; lat: number }[], gbId = '31000000111180009902'): Promise<GbDevice> {
  const cameras: { gbId: string | null; name: string; lon: number | null; lat: number | null; campusId: string }[] = [];
  for (let page = 1; ; page++) {
    const res = await admin.call<{ items: typeof cameras; total: number }>('GET', `/api/devices?kind=camera&status=in_service&pageSize=500&page=${page}`);
    cameras.push(...res.items);
    if (cameras.length >= res.total || !res.items.length) break;
  }
  const metres = (c: { lon: number | null; lat: number | null }, at: { lon: number; lat: number }) => Math.hypot((c.lon! - at.lon) * 111_320 * Math.cos((at.lat * Math.PI) / 180), (c.lat! - at.lat) * 110_540);
  const near = cameras.filter((c) => c.gbId && c.lon !== null && points.some((at) => metres(c, at) < 300));
  assert.ok(near.length, 'demo cameras near the button');
  const nvr = await admin.call<{ id: string }>('POST', '/api/devices', { campusId: near[0]!.campusId, name: `监控NVR-${gbId.slice(-4)}`, kind: 'recorder', gbId, lon: points[0]!.lon, lat: points[0]!.lat });
  const { password } = await admin.call<{ password: string }>('POST', `/api/devices/${nvr.id}/credentials`);
  const status = await admin.call<{ platformId: string; domain: string }>('GET', '/api/gb28181/status');
  const pattern = testPattern({ codec: 'h264', width: 640, height: 360, fps: 25, gopFrames: 25, seconds: 4, cacheDir: path.join(tmpdir(), 'xiaoan-test-patterns') });
  const device = new GbDevice({
    gbId,
    password,
    platformId: status.platformId,
    domain: status.domain,
    host: '127.0.0.1',
    port: server.sipPort!,
    transport: 'UDP',
    channels: near.map((c) => ({ gbId: c.gbId!, name: c.name, status: 'ON' as const })),
    media: patternMedia(pattern),
  });
  await device.connect();
  assert.equal((await device.register(3600)).status, 200);
  for (const deadline = Date.now() + 30_000; (await admin.call<{ onlineChannels: number }>('GET', '/api/gb28181/status')).onlineChannels < near.length; ) {
    assert.ok(Date.now() < deadline, 'the NVR reported its cameras');
    await new Promise((r) => setTimeout(r, 200));
  }
  return device;
}

