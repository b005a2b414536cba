/**
 * The recorder alone, fed real fragmented MP4 (ffmpeg's test pattern) by a stand-in stream on a
 * clock moved by hand: an outage of two minutes reports video.loss once, video.restored and a
 * recording gap when it records again; a disk too slow for the video drops up to the next
 * keyframe, counts it, and records on.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter, type Mp4Fragment, type Mp4Init } from '../../src/server/adapters/media/fmp4.ts';
import type { LiveStream, StreamViewer } from '../../src/server/modules/media/index.ts';
import { Recorder, type ClosedSegment, type RecorderHooks } from '../../src/server/modules/recordings/recorder.ts';
import { openExclusive, type OpenSegmentFile } from '../../src/server/modules/recordings/segment-file.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { waitFor } from '../helpers/wait.ts';

const ffmpeg = findFfmpeg();
const FRAME_MS = 40;

/** Stands in for a LiveStream: gives a new viewer the init segment, and what the test feeds. */
class FakeStream {
  readonly viewers = new Set<StreamViewer>();
  constructor(private readonly init: Mp4Init) {}
  attach(v: StreamViewer) {
    this.viewers.add(v);
    v.init(this.init);
  }
  detach(v: StreamViewer) {
    this.viewers.delete(v);
  }
  fragment(f: Mp4Fragment) {
    for (const v of this.viewers) v.fragment(f);
  }
  end(reason: string) {
    for (const v of [...this.viewers]) v.ended(reason, 'camera_hangup');
    this.viewers.clear();
  }
}

describe('recorder', { skip: ffmpeg ? false : 'no ffmpeg' }, () => {
  let dir: string;
  let init: Mp4Init;
  let frames: Mp4Fragment[];
  const recorders: Recorder[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-recorder-'));
    const file = path.join(dir, 'pattern.mp4');
    await promisify(execFile)(ffmpeg!, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '4', '-c:v', 'libx264', '-g', '25', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', file]);
    frames = [];
    new Mp4FragmentSplitter((i) => (init = i), (f) => frames.push(f)).push(await readFile(file));
    assert.equal(frames.length, 100, 'four seconds of 25 fps');
  });
  after(async () => {
    for (const r of recorders) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function setUp(o: { openFile?: OpenSegmentFile; maxQueuedBytes?: number } = {}) {
    const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
    const streams: FakeStream[] = [];
    const segments: ClosedSegment[] = [];
    const events: { kind: string; args: number[]; reason?: string }[] = [];
    const hooks: RecorderHooks = {
      open: async () => {
        const s = new FakeStream(init);
        streams.push(s);
        return s as unknown as LiveStream;
      },
      indexSegment: async (s) => void segments.push(s),
      videoLost: (atMs, reason) => events.push({ kind: 'video.loss', args: [atMs], reason }),
      videoRestored: (atMs, lostMs) => events.push({ kind: 'video.restored', args: [atMs, lostMs] }),
      gapClosed: (fromMs, toMs) => events.push({ kind: 'recording.gap', args: [fromMs, toMs] }),
      warn: () => undefined,
    };
    const recorder = new Recorder('cam-1', 'uni-1', clock, hooks, {
      dataDir: dir,
      segmentMs: 2_000,
      maxQueuedBytes: o.maxQueuedBytes ?? 8 * 1024 * 1024,
      retryBaseMs: 10,
      retryMaxMs: 50,
      gapEventMs: 60_000,
      openFile: o.openFile ?? openExclusive,
    });
    recorders.push(recorder);
    /** Plays `n` frames of the pattern in a loop, one frame time apart on the clock, continuing its timeline. */
    let played = 0;
    const play = (stream: FakeStream, n: number) => {
      for (let i = 0; i < n; i++, played++) {
        const f = frames[played % frames.length]!;
        const loop = Math.floor(played / frames.length);
        clock.advance(FRAME_MS);
        stream.fragment({ ...f, decodeTime: f.decodeTime + loop * frames.length * (init.timescale * FRAME_MS) / 1000 });
      }
    };
    return { clock, streams, segments, events, recorder, play };
  }

  it('an outage of two minutes: video.loss once, then video.restored and a recording gap when it records again', async () => {
    const { clock, streams, segments, events, recorder, play } = setUp();
    const t0 = clock.now();
    recorder.setDesire({ attach: true, write: true, preRollMs: 0 });
    await waitFor('the stream opened', () => streams.length === 1);
    play(streams[0]!, 100);
    streams[0]!.end('the camera hung up (BYE)');
    assert.deepEqual(events.map((e) => e.kind), ['video.loss'], 'the loss is reported at once');
    assert.match(events[0]!.reason!, /hung up/, 'with its reason');
    clock.advance(120_000);
    await waitFor('the recorder opened the stream again', () => streams.length === 2);
    play(streams[1]!, 100);
    await recorder.settled();

    assert.deepEqual(events.map((e) => e.kind), ['video.loss', 'video.restored', 'recording.gap'], 'one loss for the outage, then its end');
    const [, restored, gap] = events;
    assert.ok(Math.abs(restored!.args[1]! - 120_000) < 1_000, `lost for ${restored!.args[1]} ms`);
    const [from, to] = gap!.args as [number, number];
    assert.equal(from, t0 + 4_000 + FRAME_MS, 'the gap starts where the last segment ended');
    assert.ok(Math.abs(to - (t0 + 124_000 + 2 * FRAME_MS)) <= FRAME_MS, `and ends where recording resumed (${to - t0} ms)`);
    assert.equal(recorder.status().state, 'recording');

    // Files close asynchronously, so segments may be indexed in another order than they were cut: compare them by time.
    const byStart = [...segments].sort((a, b) => a.startMs - b.startMs);
    const before = byStart.filter((s) => s.startMs < from);
    const after = byStart.filter((s) => s.startMs >= to);
    assert.equal(before.length, 2, 'two 2-s segments before the outage');
    for (const list of [before, after]) for (let i = 1; i < list.length; i++) assert.equal(list[i]!.startMs, list[i - 1]!.endMs, 'segments of one stream meet exactly');
    assert.match(byStart[0]!.path, /^recordings\/cam-1\/20260305\/1200\d\d\.mp4$/, 'named by the Beijing date and time of its start');
  });

  it('a disk too slow for the video: drops up to the next keyframe, counts it, never queues without bound, and records on', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow: OpenSegmentFile = async (p) => {
      const opened = await openExclusive(p);
      return {
        absolutePath: opened.absolutePath,
        handle: {
          writev: async (buffers: Buffer[]) => {
            await gate;
            return opened.handle.writev(buffers);
          },
          close: () => opened.handle.close(),
        },
      };
    };
    // Room for the init segment and about ten frames.
    const limit = init.data.length + frames.slice(0, 10).reduce((n, f) => n + f.data.length, 0);
    const { streams, segments, recorder, play } = setUp({ openFile: slow, maxQueuedBytes: limit });
    const queued = () => recorder['queuedBytes'] as number;
    recorder.setDesire({ attach: true, write: true, preRollMs: 0 });
    await waitFor('the stream opened', () => streams.length === 1);
    play(streams[0]!, 60);
    const dropped = recorder.status().droppedFragments;
    assert.ok(dropped > 0, `frames were dropped (${dropped})`);
    assert.ok(queued() <= limit, `never more than the limit queued (${queued()} of ${limit} bytes)`);
    release();
    await waitFor('the disk caught up', () => queued() === 0);
    // Frames come at their pace now, and the disk keeps up between them.
    for (let i = 0; i < 140; i += 5) {
      play(streams[0]!, 5);
      await waitFor('written', () => queued() === 0);
    }
    await recorder.stop();
    assert.ok(recorder.status().droppedFragments - dropped < 25, 'once the disk keeps up, at most the rest of a GOP is dropped (recording resumes at the next keyframe)');
    assert.ok(segments.length >= 3, `recording went on (${segments.length} segments)`);
    const byStart = [...segments].sort((a, b) => a.startMs - b.startMs);
    const holes = byStart.slice(1).map((s, i) => s.startMs - byStart[i]!.endMs);
    assert.ok(holes.some((h) => h >= FRAME_MS), `the dropped video is a hole in the index (${holes.join(', ')} ms)`);
    for (const s of segments) {
      const data = await readFile(path.join(dir, s.path));
      assert.equal(data.length, s.bytes, 'every indexed byte is on disk');
      assert.equal(data.toString('latin1', 4, 8), 'ftyp', 'each file starts with its init segment');
    }
  });
});
