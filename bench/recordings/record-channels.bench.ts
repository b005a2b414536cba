/**
 * What recording N channels costs (issue 13, recording): a simulated GB/T 28181 recorder streams
 * an H.264 test pattern on N channels over UDP to the platform (both in this process), every
 * channel is set to continuous recording, and after a warm-up the CPU of this process (platform +
 * simulated sender), the CPU of the ffmpeg stream-copy processes, their memory, and the bytes
 * written are measured over a window. Recording completeness of each channel over the window (the
 * share of it covered by indexed segments, the goal ≥ 99.99 % over a long run) is computed from the
 * index, leaving out the last segment still being written.
 *
 *   node --import tsx bench/recordings/record-channels.bench.ts [--channels 8] [--width 1280] [--height 720] [--seconds 30]
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { loadConfig } from '../../src/server/config.ts';
import { buildApp } from '../../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';

const { values } = parseArgs({ options: { channels: { type: 'string', default: '8' }, width: { type: 'string', default: '1280' }, height: { type: 'string', default: '720' }, seconds: { type: 'string', default: '30' } } });
const N = Number(values.channels);
const SECONDS = Number(values.seconds);
const TICK = 100; // clock ticks per second (/proc stat units)

function ffmpegPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (stat.includes('(ffmpeg)') && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}
const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-rec-bench-'));
const config = loadConfig({ XIAOAN_LOG_LEVEL: 'warn', XIAOAN_DEMO: '0', XIAOAN_MEDIA_HOST: '127.0.0.1', XIAOAN_RECORD_SEGMENT_S: '10' }, { XIAOAN_DATA_DIR: dataDir });
const store = openStore({ dataDir });
await migrateToLatest(store.db, store.dialect);
const { app, services } = await buildApp({ config, store, logger: false });
const commission = await services.org.ensureCommission(SYSTEM_ACTOR);
const uni = await services.org.createUnit(SYSTEM_ACTOR, { kind: 'university', parentId: commission.id, name: '压测大学' });
const campus = await services.org.createUnit(SYSTEM_ACTOR, { kind: 'campus', parentId: uni.id, name: '主校区' });
const nvrGb = '31000000111180000900';
const nvr = await services.devices.create(SYSTEM_ACTOR, { name: 'NVR', kind: 'recorder', campusId: campus.id, gbId: nvrGb });
const { password } = await services.credentials.issue(SYSTEM_ACTOR, nvr.id);
const transport = new SipTransport((m, peer) => services.gbPlatform.handle(m, peer));
const port = await transport.listen('127.0.0.1', 0);
services.gbPlatform.attach(transport);
const pattern = await testPattern({ codec: 'h264', width: Number(values.width), height: Number(values.height), fps: 25, gopFrames: 50, seconds: 10, cacheDir: path.join(os.tmpdir(), 'xiaoan-test-patterns') });
const bitrateMbps = (pattern.frames.reduce((n, f) => n + f.data.length, 0) * 8) / (pattern.frames.length / 25) / 1e6;
const channels = Array.from({ length: N }, (_, i) => `3100000011131${String(900 + i).padStart(7, '0')}`);
const device = new GbDevice({ gbId: nvrGb, password, platformId: config.XIAOAN_SIP_ID, domain: config.XIAOAN_SIP_ID.slice(0, 10), host: '127.0.0.1', port, transport: 'UDP', channels: channels.map((gbId, i) => ({ gbId, name: `通道${i + 1}`, status: 'ON' as const })), media: patternMedia(pattern) });
await device.connect();
await device.register(3600);
let cams: Awaited<ReturnType<typeof services.devices.byGbIds>> = [];
for (let i = 0; i < 300 && cams.length < N; i++) {
  cams = await services.devices.byGbIds(channels);
  await sleep(100);
}
for (const c of cams) await services.recordings.putPlan(SYSTEM_ACTOR, c.id, { mode: 'continuous' });
console.log(`${N} channels of ${values.width}x${values.height} H.264 at ~${bitrateMbps.toFixed(2)} Mbps, recording into 10-s segments; warming up 10 s`);
await sleep(10_000);

const pids = ffmpegPids();
const ff0 = pids.map(cpuTicks);
const node0 = process.cpuUsage();
const t0 = performance.now();
const wall0 = Date.now();
const bytes0 = (await store.db.selectFrom('recording_segments').select((eb) => eb.fn.sum<number>('bytes').as('b')).executeTakeFirst())?.b ?? 0;
await sleep(SECONDS * 1000);
const elapsedS = (performance.now() - t0) / 1000;
const node = process.cpuUsage(node0);
const ffCpu = pids.map((p, i) => (cpuTicks(p) - ff0[i]!) / TICK / elapsedS);
const bytes1 = (await store.db.selectFrom('recording_segments').select((eb) => eb.fn.sum<number>('bytes').as('b')).executeTakeFirst())?.b ?? 0;
const segments = await store.db.selectFrom('recording_segments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
// Completeness over [wall0, wall1): wall1 leaves out the segment still open (10 s) and its closing.
const wall1 = Date.now() - 12_000;
const rows = await store.db.selectFrom('recording_segments').select(['device_id', 'start_at', 'end_at']).where('end_at', '>', new Date(wall0).toISOString()).where('start_at', '<', new Date(wall1).toISOString()).orderBy('start_at').execute();
const completeness = cams.map((c) => {
  let covered = 0;
  let reached = wall0;
  let gaps = 0;
  for (const r of rows.filter((x) => x.device_id === c.id)) {
    const from = Math.max(reached, Date.parse(r.start_at));
    const to = Math.min(wall1, Date.parse(r.end_at));
    if (Date.parse(r.start_at) - reached > 1_000) gaps++;
    if (to > from) covered += to - from;
    reached = Math.max(reached, to);
  }
  if (wall1 - reached > 1_000) gaps++;
  return { share: covered / (wall1 - wall0), gaps };
});
console.log(
  JSON.stringify(
    {
      channels: N,
      ffmpegProcesses: pids.length,
      nodeCpuPercentOfOneCore: Math.round(((node.user + node.system) / 1e6 / elapsedS) * 1000) / 10,
      ffmpegCpuPercentPerChannel: Math.round((ffCpu.reduce((a, b) => a + b, 0) / Math.max(1, pids.length)) * 1000) / 10,
      nodeRssMb: Math.round(process.memoryUsage().rss / 1048576),
      ffmpegRssMbEach: Math.round(pids.map(rssMb).reduce((a, b) => a + b, 0) / Math.max(1, pids.length)),
      writtenMbps: Math.round((((Number(bytes1) - Number(bytes0)) * 8) / elapsedS / 1e6) * 100) / 100,
      segmentsIndexed: Number(segments.n),
      completenessWindowS: Math.round((wall1 - wall0) / 1000),
      completenessMinPercent: Math.round(Math.min(...completeness.map((c) => c.share)) * 1e6) / 1e4,
      completenessMeanPercent: Math.round((completeness.reduce((a, c) => a + c.share, 0) / completeness.length) * 1e6) / 1e4,
      gapsOver1s: completeness.reduce((a, c) => a + c.gaps, 0),
      dropped: cams.map((c) => services.recordings['recorders'].get(c.id)?.status().droppedFragments ?? 0).reduce((a: number, b: number) => a + b, 0),
    },
    null,
    1,
  ),
);
await services.recordings.stop();
await device.close();
await transport.close();
await app.close();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
