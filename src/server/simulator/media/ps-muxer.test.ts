/** PS packs read back byte by byte, and by the real ffmpeg/ffprobe (`-f mpeg`) as a GB/T 28181 platform reads them. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32Mpeg2, MAX_PES_PAYLOAD, muxProgramStreamFrame, pesPacket } from './ps-muxer.ts';
import { resolveFfmpeg, testPattern } from './test-pattern.ts';

const CACHE_DIR = path.join(os.tmpdir(), 'xiaoan-test-patterns');

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

/** Reads a 33-bit timestamp (PTS/DTS layout: 3 + 15 + 15 bits around marker bits). */
function readTimestamp(b: Buffer, offset: number) {
  return ((b[offset]! >> 1) & 0x07) * 2 ** 30 + (b[offset + 1]! << 22) + ((b[offset + 2]! >> 1) << 15) + (b[offset + 3]! << 7) + (b[offset + 4]! >> 1);
}

/** Reads the SCR base of a pack header. */
function readScr(pack: Buffer) {
  const b = pack.subarray(4);
  return ((b[0]! >> 3) & 0x07) * 2 ** 30 + ((b[0]! & 0x03) << 28) + (b[1]! << 20) + ((b[2]! >> 3) << 15) + ((b[2]! & 0x03) << 13) + (b[3]! << 5) + (b[4]! >> 3);
}

/** The packets of a PS buffer as (start code, bytes); PES and map packets by their length field. */
function psPackets(ps: Buffer) {
  const packets: { code: number; bytes: Buffer }[] = [];
  let offset = 0;
  while (offset < ps.length) {
    assert.equal(ps.readUIntBE(offset, 3), 1, `a start code at ${offset}`);
    const code = ps[offset + 3]!;
    const length = code === 0xba ? 14 + (ps[offset + 13]! & 0x07) : 6 + ps.readUInt16BE(offset + 4);
    packets.push({ code, bytes: ps.subarray(offset, offset + length) });
    offset += length;
  }
  return packets;
}

describe('PS muxer', () => {
  let ffmpeg: string;
  let ffprobe: string;
  let workDir: string;

  before(async () => {
    ffmpeg = await resolveFfmpeg();
    ffprobe = path.join(path.dirname(ffmpeg), 'ffprobe');
    workDir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-ps-'));
  });

  after(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('CRC-32/MPEG-2 gives the standard check value', () => {
    assert.equal(crc32Mpeg2(Buffer.from('123456789')), 0x0376e6e7);
  });

  it('writes pack header, system header and PSM on a keyframe, then PES packets of at most 65,000 bytes with PTS = DTS on the first', () => {
    const data = Buffer.alloc(150_000);
    for (let i = 0; i < data.length; i++) data[i] = i * 7;
    const pts = 2 ** 32 + 12_345; // beyond 32 bits: the 33rd bit must survive
    const packets = psPackets(muxProgramStreamFrame({ data, keyframe: true }, pts, 'h264'));
    assert.deepEqual(packets.map((p) => p.code), [0xba, 0xbb, 0xbc, 0xe0, 0xe0, 0xe0]);

    const [pack, system, map, ...pes] = packets;
    assert.equal(readScr(pack!.bytes), pts, 'SCR = PTS');
    assert.equal(pack!.bytes[4]! >> 6, 0b01, 'MPEG-2 pack header');

    assert.equal(system!.bytes[10]! & 0x1f, 1, 'video_bound 1');
    assert.equal(system!.bytes[12], 0xe0, 'the video stream is listed');

    const mapBytes = map!.bytes;
    assert.equal(mapBytes.readUInt16BE(10), 4, 'one elementary stream entry');
    assert.deepEqual([mapBytes[12], mapBytes[13]], [0x1b, 0xe0], 'H.264 on stream 0xE0');
    assert.equal(crc32Mpeg2(mapBytes), 0, 'CRC_32 over the whole map leaves a zero remainder');

    const payloads = pes.map((p) => {
      const headerDataLength = p.bytes[8]!;
      return { flags: p.bytes[7]!, header: p.bytes.subarray(0, 9 + headerDataLength), payload: p.bytes.subarray(9 + headerDataLength) };
    });
    assert.ok(payloads.every((p) => p.payload.length <= MAX_PES_PAYLOAD), 'no PES payload above 65,000 bytes');
    assert.deepEqual(Buffer.concat(payloads.map((p) => p.payload)), data, 'the PES payloads are the access unit, in order');
    assert.equal(payloads[0]!.flags, 0xc0, 'PTS and DTS on the first PES');
    assert.equal(readTimestamp(payloads[0]!.header, 9), pts);
    assert.equal(readTimestamp(payloads[0]!.header, 14), pts);
    assert.equal(payloads[0]!.header[9]! >> 4, 0b0011);
    assert.equal(payloads[0]!.header[14]! >> 4, 0b0001);
    assert.ok(payloads.slice(1).every((p) => p.flags === 0 && p.header.length === 9), 'no timestamps on the continuation PES');
  });

  it('writes only a pack header and PES for other frames, and stream type 0x24 for H.265', () => {
    assert.deepEqual(psPackets(muxProgramStreamFrame({ data: Buffer.alloc(1000, 1), keyframe: false }, 3600, 'h264')).map((p) => p.code), [0xba, 0xe0]);
    const hevcMap = psPackets(muxProgramStreamFrame({ data: Buffer.alloc(10, 1), keyframe: true }, 0, 'h265')).find((p) => p.code === 0xbc)!;
    assert.equal(hevcMap.bytes[12], 0x24);
    assert.equal(crc32Mpeg2(hevcMap.bytes), 0);
    // 33-bit wrap: 2^33 + 5 is written as 5.
    const wrapped = psPackets(muxProgramStreamFrame({ data: Buffer.alloc(10), keyframe: false }, 2 ** 33 + 5, 'h264'));
    assert.equal(readTimestamp(wrapped[1]!.bytes, 9), 5);
    assert.throws(() => pesPacket(Buffer.alloc(70_000), 0), /does not fit/);
  });

  for (const codec of ['h264', 'h265'] as const) {
    it(`is read by ffmpeg -f mpeg as ${codec === 'h264' ? 'h264' : 'hevc'} of the right size, and remuxed to MP4`, async () => {
      const pattern = await testPattern({ codec, width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR });
      // Timestamps start just below the 33-bit wrap, so the wrap is crossed within the clip.
      const firstPts = 2 ** 33 - 10 * 3600;
      const ps = Buffer.concat(pattern.frames.map((frame, i) => muxProgramStreamFrame(frame, firstPts + i * 3600, codec)));
      const psFile = path.join(workDir, `${codec}.ps`);
      await writeFile(psFile, ps);
      const probed = JSON.parse(await run(ffprobe, ['-v', 'error', '-f', 'mpeg', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', psFile])) as { streams: { codec_name: string; width: number; height: number }[] };
      assert.deepEqual(probed.streams, [{ codec_name: codec === 'h264' ? 'h264' : 'hevc', width: 320, height: 240 }]);

      const mp4 = path.join(workDir, `${codec}.mp4`);
      await run(ffmpeg, ['-v', 'error', '-y', '-f', 'mpeg', '-i', psFile, '-c', 'copy', ...(codec === 'h265' ? ['-tag:v', 'hvc1'] : []), '-f', 'mp4', mp4]);
      const remuxed = JSON.parse(await run(ffprobe, ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_name,nb_read_packets:format=duration', '-of', 'json', mp4])) as { streams: { nb_read_packets: string }[]; format: { duration: string } };
      assert.equal(Number(remuxed.streams[0]!.nb_read_packets), pattern.frames.length, 'every frame arrives');
      assert.ok(Math.abs(Number(remuxed.format.duration) - 2) < 0.1, `2 s long, got ${remuxed.format.duration}`);
    });
  }
});
