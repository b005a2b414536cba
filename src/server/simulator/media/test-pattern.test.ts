/** Test patterns encoded by the real ffmpeg (small and short), cut into access units, and paced. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FramePacer, nalUnits, nalUnitType, resolveFfmpeg, splitAccessUnits, testPattern, type PacedFrame, type TestPattern } from './test-pattern.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pattern built by hand: `count` frames of a few bytes, a keyframe every `gop`. */
function syntheticPattern(count: number, gop: number, fps: number): TestPattern {
  const frames = Array.from({ length: count }, (_, i) => ({ data: Buffer.from([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, i % gop ? 0x41 : 0x65, i]), keyframe: i % gop === 0 }));
  return { codec: 'h264', width: 16, height: 16, fps, frames };
}

/** Collects frames from a pacer until `count` arrived (with their arrival times), then stops it. */
function collect(pattern: TestPattern, count: number, opts: ConstructorParameters<typeof FramePacer>[2] = {}) {
  const frames: (PacedFrame & { atMs: number })[] = [];
  let pacer!: FramePacer;
  const done = new Promise<void>((resolve) => {
    pacer = new FramePacer(
      pattern,
      (frame) => {
        frames.push({ ...frame, atMs: performance.now() });
        if (frames.length === count) {
          pacer.stop();
          resolve();
        }
      },
      opts,
    );
  });
  return { pacer, frames, done };
}

describe('test patterns', () => {
  let cacheDir: string;

  before(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-test-pattern-'));
  });

  after(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('encodes H.264 once into access units that start with an AUD, keyframes every GOP with SPS/PPS', async () => {
    const opts = { codec: 'h264', width: 320, height: 240, fps: 10, gopFrames: 10, seconds: 2, cacheDir } as const;
    // Two channels asking at once share one encode; the cache holds one file and no temporary.
    const [first, second] = await Promise.all([testPattern(opts), testPattern(opts)]);
    const files = await readdir(cacheDir);
    assert.equal(files.length, 1, `one cached file, got ${files.join(', ')}`);
    assert.match(files[0]!, /h264-320x240-10fps-gop10-2s\.h264$/);
    const cached = await stat(path.join(cacheDir, files[0]!));

    assert.equal(first.frames.length, 20);
    assert.deepEqual(second.frames.length, first.frames.length);
    assert.deepEqual(
      first.frames.flatMap((f, i) => (f.keyframe ? [i] : [])),
      [0, 10],
    );
    for (const frame of first.frames) {
      const types = nalUnits(frame.data).map((nal) => nalUnitType(nal, 'h264'));
      assert.equal(types[0], 9, 'the access unit delimiter comes first');
      assert.equal(types.filter((t) => t === 9).length, 1, 'one AUD per access unit');
      if (frame.keyframe) assert.ok(types.includes(7) && types.includes(8) && types.includes(5), `SPS, PPS and IDR in a keyframe: ${types}`);
      else assert.ok(!types.includes(5), 'no IDR slice in a non-keyframe');
    }
    assert.notDeepEqual(first.frames[1]!.data, first.frames[2]!.data, 'a moving picture: frames differ');

    // A third call reads the cache without encoding again.
    const third = await testPattern(opts);
    assert.equal(third.frames.length, 20);
    assert.equal((await stat(path.join(cacheDir, files[0]!))).mtimeMs, cached.mtimeMs);
  });

  it('encodes H.265 with VPS/SPS/PPS before every IDR', async () => {
    const pattern = await testPattern({ codec: 'h265', width: 320, height: 240, fps: 10, gopFrames: 5, seconds: 1, cacheDir });
    assert.equal(pattern.frames.length, 10);
    assert.deepEqual(
      pattern.frames.flatMap((f, i) => (f.keyframe ? [i] : [])),
      [0, 5],
    );
    for (const frame of pattern.frames) {
      const types = nalUnits(frame.data).map((nal) => nalUnitType(nal, 'h265'));
      assert.equal(types[0], 35, 'the access unit delimiter comes first');
      if (frame.keyframe) {
        assert.ok([32, 33, 34].every((t) => types.includes(t)), `VPS, SPS, PPS in a keyframe: ${types}`);
        assert.ok(types.some((t) => t === 19 || t === 20), `an IDR picture, not a CRA: ${types}`);
      }
    }
  });

  it('refuses options that would make a broken clip', async () => {
    await assert.rejects(testPattern({ codec: 'h264', width: 321, height: 240, fps: 10, gopFrames: 10, seconds: 1, cacheDir }), /even/);
    await assert.rejects(testPattern({ codec: 'h264', width: 320, height: 240, fps: 0, gopFrames: 10, seconds: 1, cacheDir }), /fps/);
  });

  it('finds an ffmpeg, and says clearly when the one asked for is missing', async () => {
    assert.ok((await resolveFfmpeg()).length > 0, 'an ffmpeg is found');
    await assert.rejects(resolveFfmpeg('/nonexistent/ffmpeg'), /ffmpeg not found at \/nonexistent\/ffmpeg/);
  });

  it('splits at AUDs whatever the start code length, and marks IDR access units', () => {
    const stream = Buffer.from([
      ...[0, 0, 0, 1, 0x09, 0x10], ...[0, 0, 0, 1, 0x67, 1, 2], ...[0, 0, 1, 0x68, 3], ...[0, 0, 1, 0x65, 4, 5],
      ...[0, 0, 1, 0x09, 0x30], ...[0, 0, 0, 1, 0x41, 6, 7, 8],
    ]);
    const units = splitAccessUnits(stream, 'h264');
    assert.equal(units.length, 2);
    assert.deepEqual(units.map((u) => u.keyframe), [true, false]);
    assert.deepEqual([...units[0]!.data.subarray(0, 6)], [0, 0, 0, 1, 0x09, 0x10]);
    assert.deepEqual([...units[1]!.data], [0, 0, 1, 0x09, 0x30, 0, 0, 0, 1, 0x41, 6, 7, 8]);
    assert.deepEqual(nalUnits(units[0]!.data).map((n) => [...n]), [[0x09, 0x10], [0x67, 1, 2], [0x68, 3], [0x65, 4, 5]]);
    // H.265: AUD is type 35 (0x46 0x01), IDR_W_RADL type 19 (0x26 0x01).
    const hevc = splitAccessUnits(Buffer.from([0, 0, 0, 1, 0x46, 0x01, 0x50, 0, 0, 1, 0x26, 0x01, 9, 0, 0, 0, 1, 0x46, 0x01, 0x50, 0, 0, 1, 0x02, 0x01, 9]), 'h265');
    assert.deepEqual(hevc.map((u) => u.keyframe), [true, false]);
  });
});

describe('FramePacer', () => {
  it('loops the frames with a 90 kHz timestamp that keeps growing across the loop', async () => {
    const { pacer, frames, done } = collect(syntheticPattern(5, 5, 100), 12, { firstPts90k: 1000 });
    pacer.start();
    await done;
    assert.deepEqual(frames.map((f) => f.index), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    assert.deepEqual(frames.map((f) => f.pts90k), frames.map((_, i) => 1000 + i * 900));
    assert.deepEqual(frames.map((f) => f.sequence), frames.map((_, i) => i));
    assert.equal(pacer.running, false);
  });

  it('starts mid-GOP when asked (a receiver joining a running camera)', async () => {
    const { pacer, frames, done } = collect(syntheticPattern(20, 10, 100), 10, { startMidGop: true });
    pacer.start();
    await done;
    assert.equal(frames[0]!.index, 5);
    assert.equal(frames[0]!.unit.keyframe, false);
    assert.equal(frames.findIndex((f) => f.unit.keyframe), 5, 'the next keyframe comes at the start of the next GOP');
  });

  it('keeps the frame rate: after the event loop was blocked it catches up instead of drifting', async () => {
    const fps = 50;
    const { pacer, frames, done } = collect(syntheticPattern(10, 10, fps), 40);
    const startedMs = performance.now();
    pacer.start();
    await sleep(200);
    const blockedUntil = performance.now() + 200;
    while (performance.now() < blockedUntil) {
      // busy: no timer can fire
    }
    await done;
    // Frames due during the block come at once when it ends; the schedule is kept, not shifted by the block.
    const burst = frames.filter((f) => f.atMs >= blockedUntil && f.atMs < blockedUntil + 30).length;
    assert.ok(burst >= 5, `frames due during the block were sent right after it (${burst})`);
    const elapsedMs = performance.now() - startedMs;
    assert.ok(elapsedMs < ((40 - 1) * 1000) / fps + 400, `40 frames at ${fps} fps took ${Math.round(elapsedMs)} ms`);
  });

  it('stops: no frame after stop(), also when stopped from inside the callback', async () => {
    let count = 0;
    const pacer: FramePacer = new FramePacer(syntheticPattern(5, 5, 100), () => {
      count++;
      if (count === 3) pacer.stop();
    });
    pacer.start();
    await sleep(150);
    assert.equal(count, 3);
    pacer.stop(); // again: harmless
    assert.equal(pacer.running, false);
  });
});
