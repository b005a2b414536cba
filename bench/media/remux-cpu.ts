/**
 * CPU of the builtin PS → fMP4 remuxer alone (no sockets, no threads): the 1080p 4 Mbps test
 * picture of bench:media as PS packs, one write per frame as the RTP receiver hands them over,
 * through PsRemuxer for --seconds of CPU; reports µs per frame and what 128 channels at 25 fps
 * would cost of one core.
 *
 *   node --import tsx bench/media/remux-cpu.ts [--codec h264|h265] [--seconds 5]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PsRemuxer } from '../../src/server/adapters/media/ps-remuxer.ts';
import { muxProgramStreamFrame } from '../../src/server/simulator/media/ps-muxer.ts';
import { testPattern, type VideoCodec } from '../../src/server/simulator/media/test-pattern.ts';

const { values: opt } = parseArgs({ options: { codec: { type: 'string', default: 'h264' }, seconds: { type: 'string', default: '5' } } });
const codec = opt.codec as VideoCodec;
const pattern = await testPattern({ codec, width: 1920, height: 1080, fps: 25, gopFrames: 50, seconds: 10, cacheDir: path.join(os.tmpdir(), 'xiaoan-test-patterns') });
const packs = pattern.frames.map((f, i) => muxProgramStreamFrame(f, i * 3600, codec));
const bytes = packs.reduce((a, p) => a + p.length, 0);
let fragments = 0;
let frames = 0;
const remuxer = new PsRemuxer(null, { init: () => undefined, fragment: () => void fragments++, exit: (reason) => { throw new Error(reason); } });
const cpu0 = process.cpuUsage();
const deadline = performance.now() + Number(opt.seconds) * 1000;
while (performance.now() < deadline) {
  for (const p of packs) remuxer.write(p, true);
  frames += packs.length;
}
const cpu = process.cpuUsage(cpu0);
const usPerFrame = (cpu.user + cpu.system) / frames;
console.log(`${codec} 1920×1080 25 fps, ${((bytes * 8 * 25) / packs.length / 1e6).toFixed(1)} Mbps: ${frames} frames (${fragments} fragments), ${usPerFrame.toFixed(1)} µs CPU per frame; 128 channels × 25 fps ≈ ${((usPerFrame * 128 * 25) / 1e4).toFixed(1)} % of a core`);
