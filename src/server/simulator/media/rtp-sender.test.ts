/**
 * The simulated GB/T 28181 device's media over real sockets: PS over RTP by UDP into a receiver
 * that strips the RTP headers and pipes the PS into the real ffmpeg (as the platform does), over
 * TCP in both setup directions (RFC 4571), with a mid-GOP start, and with packets dropped and
 * reordered on purpose.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor as waitForCondition } from '../../../../test/helpers/wait.ts';
import { parseRtpPacket, Rfc4571Reader, ssrcFromSdp, type RtpPacket } from './rtp-packetizer.ts';
import { RtpPsSender } from './rtp-sender.ts';
import { resolveFfmpeg, testPattern, type TestPattern } from './test-pattern.ts';

const CACHE_DIR = path.join(os.tmpdir(), 'xiaoan-test-patterns');
const SSRC = ssrcFromSdp('0100000001');
const waitFor = <T>(what: string, check: () => T, ms = 10_000) => waitForCondition(what, check, ms);

const PACK_HEADER = Buffer.from([0, 0, 1, 0xba]);
const SYSTEM_HEADER = Buffer.from([0, 0, 1, 0xbb]);

/** Groups packets into frames by the marker bit. */
function framesOf(packets: RtpPacket[]) {
  const frames: RtpPacket[][] = [[]];
  for (const p of packets) {
    frames.at(-1)!.push(p);
    if (p.marker) frames.push([]);
  }
  return frames.filter((f) => f.length && f.at(-1)!.marker);
}

async function udpReceiver() {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

describe('RtpPsSender', () => {
  let ffmpeg: string;
  let h264: TestPattern;
  let h265: TestPattern;
  let workDir: string;

  before(async () => {
    ffmpeg = await resolveFfmpeg();
    workDir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-rtp-sender-'));
    [h264, h265] = await Promise.all([
      testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR }),
      testPattern({ codec: 'h265', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR }),
    ]);
  });

  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  for (const codec of ['h264', 'h265'] as const) {
    it(`UDP → strip RTP → ffmpeg -f mpeg → fragmented MP4 (${codec})`, async () => {
      const { socket, port } = await udpReceiver();
      const sender = new RtpPsSender({ pattern: codec === 'h264' ? h264 : h265, ssrc: SSRC, destination: { transport: 'UDP', host: '127.0.0.1', port } });
      let remux: ChildProcessWithoutNullStreams | null = null;
      try {
        // The platform's low-latency pipeline (RESEARCH.md §1): small probe, stream copy, one fragment per frame.
        remux = spawn(ffmpeg, [
          '-hide_banner', '-loglevel', 'error', '-f', 'mpeg', '-probesize', '32768', '-analyzeduration', '0', '-i', 'pipe:0',
          '-c', 'copy', ...(codec === 'h265' ? ['-tag:v', 'hvc1'] : []), '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1',
        ]);
        const child = remux;
        const output: Buffer[] = [];
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdin.on('error', () => undefined); // ffmpeg may exit first on failure; the assertion below says why
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

        const received: RtpPacket[] = [];
        socket.on('message', (message) => {
          const packet = parseRtpPacket(message);
          if (!packet) return;
          received.push(packet);
          child.stdin.write(packet.payload); // 12-byte header stripped (no CSRC, no extension in our packets)
        });
        await sender.start();
        await waitFor('25 frames (1 s) to arrive', () => framesOf(received).length >= 25);
        await waitFor('ffmpeg to write fragments', () => Buffer.concat(output).includes('moof'));
        await sender.stop();
        child.stdin.end();
        assert.equal(await exited, 0, `ffmpeg failed: ${stderr}`);

        const mp4 = Buffer.concat(output);
        assert.ok(mp4.includes('ftyp') && mp4.includes('moov') && mp4.includes('moof'), 'fragmented MP4');
        const file = path.join(workDir, `udp-${codec}.mp4`);
        await writeFile(file, mp4);
        const probed = await new Promise<string>((resolve, reject) =>
          execFile(path.join(path.dirname(ffmpeg), 'ffprobe'), ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file], (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
        );
        assert.equal(probed, `${codec === 'h264' ? 'h264' : 'hevc'},320,240`);

        // What the platform relies on: our SSRC, PT 96, consecutive sequence numbers, one timestamp per frame.
        assert.ok(received.every((p) => p.ssrc === SSRC && p.payloadType === 96 && p.version === 2), 'SSRC, PT 96, RTP version 2');
        received.forEach((p, i) => i && assert.equal(p.sequence, (received[i - 1]!.sequence + 1) & 0xffff));
        const frames = framesOf(received);
        for (const frame of frames) assert.ok(frame.every((p) => p.timestamp === frame[0]!.timestamp), 'one timestamp per frame');
        frames.forEach((f, i) => i && assert.equal((f[0]!.timestamp - frames[i - 1]![0]!.timestamp) >>> 0, 3600));
        assert.ok(frames[0]![0]!.payload.subarray(0, 4).equals(PACK_HEADER) && frames[0]![0]!.payload.includes(SYSTEM_HEADER), 'starts with a keyframe pack');
        assert.deepEqual({ frames: sender.stats.frames, packets: sender.stats.packets }, { frames: frames.length, packets: received.length });
      } finally {
        await sender.stop();
        remux?.kill('SIGKILL');
        socket.close();
      }
    });
  }

  it('TCP active: connects to the platform and sends RFC 4571 framed packets; stop() is idempotent', async () => {
    const received: RtpPacket[] = [];
    let peerEnded = false;
    const platform = net.createServer((socket) => {
      const reader = new Rfc4571Reader();
      socket.on('data', (chunk: Buffer) => received.push(...reader.push(chunk).map((p) => parseRtpPacket(p)!)));
      socket.on('end', () => (peerEnded = true));
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const ends: string[] = [];
    const sender = new RtpPsSender({
      pattern: h264,
      ssrc: SSRC,
      destination: { transport: 'TCP', mode: 'active', host: '127.0.0.1', port: (platform.address() as net.AddressInfo).port },
      firstSequence: 65_530, // crosses the 16-bit wrap within a second
      onEnd: (reason) => ends.push(reason),
    });
    try {
      const { localPort } = await sender.start();
      assert.ok(localPort > 0, 'the local port is known');
      await waitFor('20 frames over TCP', () => framesOf(received).length >= 20);
      await sender.stop();
      await sender.stop();
      await waitFor('the connection to be closed by the device', () => peerEnded);
      assert.deepEqual(ends, [], 'stopping is not reported as the peer going away');
      received.forEach((p, i) => i && assert.equal(p.sequence, (received[i - 1]!.sequence + 1) & 0xffff));
      assert.ok(received.some((p) => p.sequence === 0), 'the sequence number wrapped');
      assert.ok(received[0]!.payload.subarray(0, 4).equals(PACK_HEADER), 'the stream starts with a pack header');
      assert.equal(sender.stats.packets, received.length);
    } finally {
      await sender.stop();
      await new Promise<void>((resolve) => platform.close(() => resolve()));
    }
  });

  it('TCP passive: listens, streams (from mid-GOP) once the platform connects, and reports the platform hanging up', async () => {
    const ends: string[] = [];
    const sender = new RtpPsSender({ pattern: h264, ssrc: SSRC, destination: { transport: 'TCP', mode: 'passive', host: '127.0.0.1' }, startMidGop: true, onEnd: (reason) => ends.push(reason) });
    const platform = new net.Socket();
    try {
      const { localPort } = await sender.start();
      assert.equal(sender.localPort, localPort);
      // Nothing is sent before the platform connects.
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(sender.stats.frames, 0);

      const received: RtpPacket[] = [];
      const reader = new Rfc4571Reader();
      platform.on('data', (chunk: Buffer) => received.push(...reader.push(chunk).map((p) => parseRtpPacket(p)!)));
      await new Promise<void>((resolve) => platform.connect(localPort, '127.0.0.1', resolve));
      await waitFor('the next keyframe after a mid-GOP start', () => framesOf(received).some((f) => f[0]!.payload.includes(SYSTEM_HEADER)));
      const frames = framesOf(received);
      assert.ok(!frames[0]![0]!.payload.includes(SYSTEM_HEADER), 'the first frame is not a keyframe');
      assert.ok(frames[0]![0]!.payload.subarray(0, 4).equals(PACK_HEADER), 'but still a whole pack');

      platform.destroy();
      await waitFor('the sender to notice the platform hung up', () => ends.length > 0);
      assert.deepEqual(ends, ['peer-closed']);
      const framesAtHangUp = sender.stats.frames;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(sender.stats.frames, framesAtHangUp, 'no more frames after the peer left');
      await sender.stop();
      await sender.stop();
    } finally {
      platform.destroy();
      await sender.stop();
    }
  });

  it('lets a test drop and reorder packets (the receiver sees gaps and out-of-order sequence numbers)', async () => {
    const { socket, port } = await udpReceiver();
    const dropped: number[] = [];
    let held: Buffer[] = [];
    const sender = new RtpPsSender({
      pattern: h264,
      ssrc: SSRC,
      destination: { transport: 'UDP', host: '127.0.0.1', port },
      transform: (packets, frame) => {
        // Every third frame is held back and sent after the next one; every seventh is lost.
        if (frame.sequence % 7 === 6) {
          dropped.push(...packets.map((p) => parseRtpPacket(p)!.sequence));
          return [];
        }
        if (frame.sequence % 3 === 0) {
          held = packets;
          return [];
        }
        const out = [...packets, ...held];
        held = [];
        return out;
      },
    });
    const received: RtpPacket[] = [];
    socket.on('message', (m) => received.push(parseRtpPacket(m)!));
    try {
      await sender.start();
      await waitFor('20 frames', () => sender.stats.frames >= 20);
      await sender.stop();
      await waitFor('every sent packet to arrive', () => received.length === sender.stats.packets);
      const sequences = received.map((p) => p.sequence);
      assert.ok(sequences.some((s, i) => i > 0 && ((s - sequences[i - 1]!) & 0xffff) > 0x8000), 'some packet arrives after a later one');
      assert.ok(dropped.length > 0, 'packets were dropped');
      const first = Math.min(...sequences);
      const span = Array.from({ length: ((Math.max(...sequences) - first) & 0xffff) + 1 }, (_, i) => (first + i) & 0xffff);
      const missing = span.filter((s) => !sequences.includes(s));
      // A frame dropped just before the stop lies past the last packet received: it leaves no gap.
      assert.deepEqual(missing, dropped.filter((s) => span.includes(s)), 'exactly the dropped packets are missing');
    } finally {
      await sender.stop();
      socket.close();
    }
  });

  it('rejects start() when the platform refuses the TCP connection or when stopped meanwhile, and stops cleanly after', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new RtpPsSender({ pattern: h264, ssrc: SSRC, destination: { transport: 'TCP', mode: 'active', host: '127.0.0.1', port } });
    await assert.rejects(sender.start(), /ECONNREFUSED/);
    await sender.stop();
    assert.equal(sender.stats.frames, 0);

    // Stopped while starting: start() rejects instead of hanging, whatever the transport.
    for (const destination of [{ transport: 'UDP', host: '127.0.0.1', port } as const, { transport: 'TCP', mode: 'passive' } as const]) {
      const early = new RtpPsSender({ pattern: h264, ssrc: SSRC, destination });
      const starting = early.start();
      await early.stop();
      await assert.rejects(starting, /stopped while starting/);
      assert.equal(early.stats.frames, 0);
    }
  });
});
