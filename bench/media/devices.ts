/**
 * The camera side of the media benchmark, in its own process (its CPU is not the platform's):
 * GB/T 28181 recorders of our simulator that register with the server and stream the test
 * picture as PS over RTP when INVITEd. Reads its job as JSON on argv[2]; prints "ready" when
 * every recorder registered; ends on SIGTERM.
 */
import os from 'node:os';
import path from 'node:path';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';

interface Job {
  sipPort: number;
  platformId: string;
  domain: string;
  recorders: { gbId: string; password: string; channels: string[] }[];
  width: number;
  height: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const pattern = await testPattern({ codec: 'h264', width: job.width, height: job.height, fps: 25, gopFrames: 50, seconds: 10, cacheDir: path.join(os.tmpdir(), 'xiaoan-test-patterns') });
const media = patternMedia(pattern);
const devices = job.recorders.map(
  (r) =>
    new GbDevice({
      gbId: r.gbId,
      password: r.password,
      platformId: job.platformId,
      domain: job.domain,
      host: '127.0.0.1',
      port: job.sipPort,
      transport: 'UDP',
      channels: r.channels.map((gbId, i) => ({ gbId, name: `压测通道-${i + 1}`, status: 'ON' as const })),
      catalogPageSize: 16,
      media,
    }),
);
for (const d of devices) {
  await d.connect();
  const answer = await d.register(3600);
  if (answer.status !== 200) throw new Error(`registration refused: ${answer.status} ${answer.warning}`);
}
const keepalive = setInterval(() => devices.forEach((d) => void d.keepalive().catch(() => undefined)), 30_000);
console.log('ready');
process.on('SIGTERM', () => {
  clearInterval(keepalive);
  void Promise.all(devices.map((d) => d.close())).then(() => process.exit(0));
});
