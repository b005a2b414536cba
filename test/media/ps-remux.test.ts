/**
 * The in-process PS → fMP4 remuxer (adapters/media/ps-remuxer.ts) on program streams made by our
 * simulator from real H.264 / H.265 (and by ffmpeg's own PS muxer, with B-frames): the output,
 * init segment + fragments as a file, must decode in ffprobe with the right codec, size, frame
 * count and increasing timestamps, and describe itself as ffmpeg's remux of the same stream does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFfmpeg, remuxArgs } from '../../src/server/adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter, type Mp4Fragment, type Mp4Init } from '../../src/server/adapters/media/fmp4.ts';
import { PsRemuxer } from '../../src/server/adapters/media/ps-remuxer.ts';
import { muxProgramStreamFrame, packHeader, pesPacket } from '../../src/server/simulator/media/ps-muxer.ts';
import { testPattern, type TestPattern, type VideoCodec } from '../../src/server/simulator/media/test-pattern.ts';

const ffmpeg = findFfmpeg();
const ffprobe = ffmpeg ? path.join(path.dirname(ffmpeg), 'ffprobe') : null;
const cacheDir = path.join(os.tmpdir(), 'xiaoan-test-patterns');
/** Ten frames before the 33-bit PTS wraps: the timeline must go on through it. */
const NEAR_WRAP = 2 ** 33 - 10 * 3600;

interface Output {
  init: Mp4Init | null;
  inits: number;
  fragments: Mp4Fragment[];
  exit: string | null;
}

function remux(codec: VideoCodec | null, pushes: [Buffer, boolean][]): Output {
  const out: Output = { init: null, inits: 0, fragments: [], exit: null };
  const remuxer = new PsRemuxer(codec, {
    init: (i) => ((out.init = i), out.inits++),
    fragment: (f) => out.fragments.push(f),
    exit: (reason) => (out.exit = reason),
  });
  for (const [bytes, end] of pushes) remuxer.write(bytes, end);
  return out;
}

/** Each frame as one PS pack, in one write (as the RTP receiver hands a frame over at its marker bit). */
const framePushes = (p: TestPattern, from = 0, firstPts = NEAR_WRAP): [Buffer, boolean][] => p.frames.slice(from).map((f, i) => [muxProgramStreamFrame(f, firstPts + i * 3600, p.codec), true]);

/** The same bytes cut into pieces of `size`, the frame's end told at its last piece. */
function chopped(pushes: [Buffer, boolean][], size: number): [Buffer, boolean][] {
  return pushes.flatMap(([b]) => {
    const pieces: [Buffer, boolean][] = [];
    for (let i = 0; i < b.length; i += size) pieces.push([b.subarray(i, i + size), i + size >= b.length]);
    return pieces;
  });
}

let dir: string;
let n = 0;

/** ffprobe of the output written as one file: stream facts, frames decoded, packet timestamps, and anything it complained about. */
function probe(out: Output) {
  assert.ok(out.init, 'an init segment');
  const file = path.join(dir, `out-${++n}.mp4`);
  writeFileSync(file, Buffer.concat([out.init.data, ...out.fragments.map((f) => f.data)]));
  const json = execFileSync(ffprobe!, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,codec_tag_string,width,height,nb_read_frames:packet=dts,pts', '-of', 'json', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const parsed = JSON.parse(json) as { streams: { codec_name: string; codec_tag_string: string; width: number; height: number; nb_read_frames: string }[]; packets: { dts: number; pts: number }[] };
  const errors = execFileSync(ffmpeg!, ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { stream: parsed.streams[0]!, packets: parsed.packets, errors, file };
}

/** What ffmpeg's remux (the other remuxer) says of the same program stream. */
function ffmpegInit(codec: VideoCodec, ps: Buffer): Mp4Init {
  const bytes = execFileSync(ffmpeg!, remuxArgs({ kind: 'ps', codec }), { input: ps, maxBuffer: 64 << 20, stdio: ['pipe', 'pipe', 'ignore'] });
  let init: Mp4Init | null = null;
  new Mp4FragmentSplitter((i) => (init = i), () => undefined).push(bytes);
  return init!;
}

const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > values[i - 1]!);

describe('in-process PS → fMP4 remuxer', { skip: ffmpeg ? false : 'no ffmpeg' }, () => {
  let h264: TestPattern;
  let h265: TestPattern;
  let cropped264: TestPattern;
  let cropped265: TestPattern;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-ps-remux-'));
    const opts = { width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir };
    h264 = await testPattern({ ...opts, codec: 'h264' });
    h265 = await testPattern({ ...opts, codec: 'h265' });
    // Sizes that are not whole macroblocks / coding blocks: the SPS's cropping decides the picture size.
    cropped264 = await testPattern({ ...opts, codec: 'h264', width: 330, height: 190, seconds: 1 });
    cropped265 = await testPattern({ ...opts, codec: 'h265', width: 330, height: 190, seconds: 1 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const codec of ['h264', 'h265'] as const) {
    it(`${codec}: one fragment per frame that ffprobe decodes, across the 33-bit PTS wrap, described as ffmpeg does`, () => {
      const p = codec === 'h264' ? h264 : h265;
      const pushes = framePushes(p);
      const out = remux('h264' /* the guess before the stream map: it names the codec */, pushes);
      assert.equal(out.exit, null);
      assert.equal(out.inits, 1);
      assert.equal(out.fragments.length, p.frames.length);
      assert.deepEqual(out.fragments.flatMap((f, i) => (f.keyframe ? [i] : [])), [0, 25]);
      assert.deepEqual(out.fragments.slice(0, 3).map((f) => f.decodeTime), [0, 3600, 7200]);
      assert.equal(out.fragments.at(-1)!.decodeTime, (p.frames.length - 1) * 3600);
      const { stream, packets, errors } = probe(out);
      assert.equal(stream.codec_name, codec === 'h264' ? 'h264' : 'hevc');
      assert.equal(stream.codec_tag_string, codec === 'h264' ? 'avc1' : 'hvc1');
      assert.equal([stream.width, stream.height].join('x'), '320x240');
      assert.equal(Number(stream.nb_read_frames), p.frames.length);
      assert.equal(packets.length, p.frames.length);
      assert.ok(increasing(packets.map((pk) => pk.dts)));
      assert.equal(errors, '');
      const reference = ffmpegInit(codec, Buffer.concat(pushes.map(([b]) => b)));
      assert.deepEqual([out.init!.codec, out.init!.width, out.init!.height], [reference.codec, reference.width, reference.height]);
    });

    it(`${codec}: picture size from the SPS with cropping (330×190)`, () => {
      const p = codec === 'h264' ? cropped264 : cropped265;
      const out = remux(codec, framePushes(p));
      assert.equal([out.init!.width, out.init!.height].join('x'), '330x190');
      const { stream, errors } = probe(out);
      assert.equal([stream.width, stream.height].join('x'), '330x190');
      assert.equal(Number(stream.nb_read_frames), p.frames.length);
      assert.equal(errors, '');
      assert.equal(out.init!.codec, ffmpegInit(codec, Buffer.concat(framePushes(p).map(([b]) => b))).codec);
    });
  }

  it('a stream without a program stream map: the codec is told by its parameter sets', () => {
    for (const p of [h264, h265]) {
      const withoutMap = framePushes(p).map(([b]): [Buffer, boolean] => {
        const map = b.indexOf(Buffer.from([0, 0, 1, 0xbc]));
        return [map < 0 ? b : Buffer.concat([b.subarray(0, map), b.subarray(map + 6 + b.readUInt16BE(map + 4))]), true];
      });
      const out = remux(null, withoutMap);
      assert.equal(out.fragments.length, p.frames.length);
      assert.match(out.init!.codec, p.codec === 'h264' ? /^avc1\./ : /^hvc1\./);
    }
  });

  it('PES packets split across writes anywhere give the same fragments as whole frames', () => {
    const whole = remux('h265', framePushes(h265));
    for (const size of [1, 7, 1400, 65_536]) {
      const pieces = remux('h265', chopped(framePushes(h265), size));
      assert.equal(pieces.exit, null);
      assert.ok(pieces.init!.data.equals(whole.init!.data));
      assert.equal(pieces.fragments.length, whole.fragments.length, `pieces of ${size}`);
      assert.ok(pieces.fragments.every((f, i) => f.data.equals(whole.fragments[i]!.data)));
    }
  });

  it("a frame whose tail was lost (the next frame's pack comes where its PES should go on) costs that frame only", () => {
    const pushes = framePushes(h264, 0, 90_000);
    const [damaged] = pushes[10]!;
    pushes[10] = [damaged.subarray(0, Math.floor(damaged.length / 2)), false]; // the rest, and its marker, lost
    const out = remux('h264', pushes);
    assert.equal(out.exit, null);
    assert.deepEqual(out.fragments.map((f) => f.decodeTime), h264.frames.map((_, i) => i * 3600));
    // From the next frame on, the same samples (mdat) as without the loss (the moofs differ only in the estimated duration).
    const clean = remux('h264', framePushes(h264, 0, 90_000));
    const mdat = (f: Mp4Fragment) => f.data.subarray(f.data.readUInt32BE(0));
    assert.ok(out.fragments.slice(11).every((f, i) => mdat(f).equals(mdat(clean.fragments[11 + i]!))));
  });

  it('without the end-of-frame hint a picture goes out when the next one begins', () => {
    const out = remux('h264', framePushes(h264).map(([b]) => [b, false]));
    assert.equal(out.fragments.length, h264.frames.length - 1); // the last one waits for its successor
    assert.equal(Number(probe(out).stream.nb_read_frames), h264.frames.length - 1);
  });

  it('a stream that starts mid-GOP begins at its first keyframe', () => {
    const out = remux('h264', framePushes(h264, 12));
    assert.equal(out.fragments.length, h264.frames.length - 25);
    assert.ok(out.fragments[0]!.keyframe);
    assert.equal(out.fragments[0]!.decodeTime, 0);
    const { stream, errors } = probe(out);
    assert.equal(Number(stream.nb_read_frames), h264.frames.length - 25);
    assert.equal(errors, '');
  });

  it('pictures without a PTS are placed one frame period after the previous one', () => {
    // Every third picture carries no PTS; its first PES begins with the access unit delimiter.
    const pushes: [Buffer, boolean][] = h264.frames.map((f, i) => {
      if (i % 3 !== 2) return [muxProgramStreamFrame(f, 90_000 + i * 3600, 'h264'), true];
      return [Buffer.concat([packHeader(90_000 + i * 3600), pesPacket(f.data, null)]), true];
    });
    const out = remux('h264', pushes);
    assert.equal(out.fragments.length, h264.frames.length);
    assert.deepEqual(out.fragments.map((f) => f.decodeTime), h264.frames.map((_, i) => i * 3600));
    // …and without the end-of-frame hint too: the delimiter tells where the picture begins.
    const unhinted = remux('h264', pushes.map(([b]) => [b, false]));
    assert.deepEqual(unhinted.fragments.map((f) => f.decodeTime), h264.frames.slice(1).map((_, i) => i * 3600));
  });

  it("ffmpeg's own MPEG-2 PS, High profile with scaling matrices and B-frames: small packs, PES without PTS, composition offsets", () => {
    const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-x264-params', 'cqm=jvt', '-bf', '2', '-g', '25'];
    const ps = execFileSync(ffmpeg!, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', ...x264, '-f', 'vob', 'pipe:1'], { maxBuffer: 64 << 20 });
    const out = remux('h264', chopped([[ps, true]], 2048));
    assert.equal(out.exit, null);
    assert.equal(out.fragments.length, 50);
    const { stream, packets, errors } = probe(out);
    assert.equal(Number(stream.nb_read_frames), 50);
    assert.ok(increasing(packets.map((p) => p.dts)));
    assert.ok(packets.some((p) => p.pts !== p.dts), 'B-frames are shown after they are decoded');
    // (Pictures that came without a PTS get one frame period after the last: with B-frames that guess can be off.)
    assert.equal(errors, '');
    assert.match(out.init!.codec, /^avc1\.64/); // High
    assert.deepEqual([out.init!.codec, out.init!.width, out.init!.height], [ffmpegInit('h264', ps).codec, 320, 240]);
  });

  it('bytes that are not a program stream end the stream with a reason, without throwing', () => {
    const noise = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const out = remux('h264', chopped([[noise, false]], 1400));
    assert.match(out.exit ?? '', /cannot be remuxed: not an MPEG program stream/);
    assert.equal(out.fragments.length, 0);
    // Valid packs that carry no video end it too.
    const empty = remux('h264', Array.from({ length: 400 }, (): [Buffer, boolean] => [Buffer.concat([packHeader(0), Buffer.from([0, 0, 1, 0xbe, 0x2a, 0xf8]), Buffer.alloc(0x2af8, 0xff)]), true]));
    assert.match(empty.exit ?? '', /no video/);
  });
});
