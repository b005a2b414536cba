import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter, type Mp4Fragment, type Mp4Init } from '../../src/server/adapters/media/fmp4.ts';

const ffmpeg = findFfmpeg();

/** Two seconds of a moving test picture, 25 fps, a keyframe every 10 frames, as the live path writes it. */
function fragmentedMp4(codec: 'libx264' | 'libx265'): Buffer {
  const codecArgs = codec === 'libx264' ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0'] : ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=10:min-keyint=10:bframes=0:log-level=error', '-tag:v', 'hvc1'];
  return execFileSync(ffmpeg!, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', ...codecArgs, '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
}

function split(bytes: Buffer, chunk: number) {
  let init: Mp4Init | null = null;
  const fragments: Mp4Fragment[] = [];
  const s = new Mp4FragmentSplitter((i) => (init = i), (f) => fragments.push(f));
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  return { init: init as Mp4Init | null, fragments };
}

describe('fragmented MP4 splitting', { skip: ffmpeg ? false : 'no ffmpeg' }, () => {
  it('cuts H.264 into an init segment and one fragment per frame, keyframes marked, whatever the chunking', () => {
    const bytes = fragmentedMp4('libx264');
    for (const chunk of [997, 65536]) {
      const { init, fragments } = split(bytes, chunk);
      assert.ok(init);
      assert.match(init.codec, /^avc1\.[0-9a-f]{6}$/);
      assert.equal(init.width, 320);
      assert.equal(init.height, 240);
      assert.equal(fragments.length, 50);
      assert.deepEqual(fragments.flatMap((f, i) => (f.keyframe ? [i] : [])), [0, 10, 20, 30, 40]);
      // decode times grow frame by frame (40 ms in the track's timescale)
      assert.ok(fragments.every((f, i) => i === 0 || f.decodeTime > fragments[i - 1]!.decodeTime));
      // nothing lost or reordered: init and fragments are the stream up to ffmpeg's closing index (mfra)
      const joined = Buffer.concat([init.data, ...fragments.map((f) => f.data)]);
      assert.ok(joined.equals(bytes.subarray(0, joined.length)));
      assert.equal(bytes.toString('latin1', joined.length + 4, joined.length + 8), 'mfra');
    }
  });

  it('reads the H.265 codec string MSE needs (hvc1)', () => {
    const { init, fragments } = split(fragmentedMp4('libx265'), 4096);
    assert.ok(init);
    assert.match(init.codec, /^hvc1\.1\.6\.L\d+(\.[0-9a-f]+)*$/);
    assert.equal(fragments.filter((f) => f.keyframe).length, 5);
  });
});
