/**
 * Our RTSP camera against the real ffmpeg (TCP and UDP transport, Digest authentication, H.264
 * and H.265) and against a raw client that checks the protocol byte by byte: CSeq, Session, SDP,
 * interleaved RTP (RFC 6184), garbage, and clients that vanish.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor as waitForCondition } from '../../../../test/helpers/wait.ts';
import { parseRtpPacket, type RtpPacket } from '../media/rtp-packetizer.ts';
import { resolveFfmpeg, testPattern } from '../media/test-pattern.ts';
import { hikvisionStreamPath, RtspCamera } from './rtsp-camera.ts';

const CACHE_DIR = path.join(os.tmpdir(), 'xiaoan-test-patterns');
const MAIN = hikvisionStreamPath(1, 'main'); // /Streaming/Channels/101
const HEVC = hikvisionStreamPath(2, 'main'); // /Streaming/Channels/201
const waitFor = <T>(what: string, check: () => T, ms = 10_000) => waitForCondition(what, check, ms);

interface RtspReply {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A bare RTSP client over one TCP connection: requests in turn, interleaved packets collected by channel. */
class RawRtspClient {
  readonly interleaved: { channel: number; packet: Buffer }[] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private waiting: ((reply: RtspReply) => void) | null = null;
  private cseq = 0;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async connect(port: number) {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawRtspClient(socket);
  }

  /** Sends raw bytes and waits for the next response. */
  sendRaw(bytes: string | Buffer): Promise<RtspReply> {
    const reply = new Promise<RtspReply>((resolve) => (this.waiting = resolve));
    this.socket.write(bytes);
    return reply;
  }

  request(method: string, url: string, headers: Record<string, string> = {}) {
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${++this.cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    return this.sendRaw(`${lines.join('\r\n')}\r\n\r\n`);
  }

  get lastCseq() {
    return this.cseq;
  }

  rtp(channel = 0): RtpPacket[] {
    return this.interleaved.filter((i) => i.channel === channel).map((i) => parseRtpPacket(i.packet)!);
  }

  close() {
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer[0] === 0x24) {
        if (this.buffer.length < 4 || this.buffer.length < 4 + this.buffer.readUInt16BE(2)) return;
        const length = this.buffer.readUInt16BE(2);
        this.interleaved.push({ channel: this.buffer[1]!, packet: this.buffer.subarray(4, 4 + length) });
        this.buffer = this.buffer.subarray(4 + length);
        continue;
      }
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const [statusLine, ...lines] = this.buffer.subarray(0, headEnd).toString().split('\r\n');
      const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
      const length = Number(headers.get('content-length') ?? 0);
      if (this.buffer.length < headEnd + 4 + length) return;
      const body = this.buffer.subarray(headEnd + 4, headEnd + 4 + length).toString();
      this.buffer = this.buffer.subarray(headEnd + 4 + length);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.({ status: Number(/^RTSP\/1\.0 (\d{3}) /.exec(statusLine ?? '')?.[1] ?? 0), headers, body });
    }
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(file, args, { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${stderr || err.message}`)) : resolve(stdout))));
}

describe('RTSP camera', () => {
  let ffmpeg: string;
  let ffprobe: string;
  let workDir: string;
  let camera: RtspCamera;
  let securedCamera: RtspCamera;
  let port: number;
  const children = new Set<ChildProcess>();

  /** ffmpeg records `seconds` of the stream to MP4 by stream copy; resolves with what ffprobe says of the file. */
  async function record(url: string, transport: 'tcp' | 'udp', name: string, extra: string[] = []) {
    const out = path.join(workDir, `${name}.mp4`);
    const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-rtsp_transport', transport, '-i', url, '-t', '2', '-c', 'copy', ...extra, '-f', 'mp4', out]);
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    children.delete(child);
    assert.equal(code, 0, `ffmpeg failed: ${stderr}`);
    const probed = JSON.parse(await run(ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', out])) as { streams: { codec_name: string; width: number; height: number }[]; format: { duration: string } };
    return { ...probed.streams[0]!, duration: Number(probed.format.duration) };
  }

  before(async () => {
    ffmpeg = await resolveFfmpeg();
    ffprobe = path.join(path.dirname(ffmpeg), 'ffprobe');
    workDir = await mkdtemp(path.join(os.tmpdir(), 'xiaoan-rtsp-'));
    const [h264, h265] = await Promise.all([
      testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR }),
      testPattern({ codec: 'h265', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR }),
    ]);
    camera = new RtspCamera({ channels: { [MAIN]: h264, [HEVC]: h265 } });
    port = await camera.listen();
    securedCamera = new RtspCamera({ channels: { [MAIN]: h264 }, credentials: { username: 'admin', password: 'Cam-pass 1' } });
    await securedCamera.listen();
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await camera?.close();
    await securedCamera?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('is recorded by ffmpeg over RTSP/TCP interleaved: H.264 of the right size, longer than 1 s', async () => {
    const probed = await record(`rtsp://127.0.0.1:${port}${MAIN}`, 'tcp', 'tcp');
    assert.equal(probed.codec_name, 'h264');
    assert.deepEqual([probed.width, probed.height], [320, 240]);
    assert.ok(probed.duration > 1, `duration ${probed.duration}`);
    assert.deepEqual(
      camera.requests.map((r) => r.method),
      ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN'],
    );
    await waitFor('the session to end', () => camera.sessionCount === 0);
  });

  it('is recorded over UDP, and as H.265 (RFC 7798)', async () => {
    const udp = await record(`rtsp://127.0.0.1:${port}${MAIN}`, 'udp', 'udp');
    assert.deepEqual([udp.codec_name, udp.width, udp.height], ['h264', 320, 240]);
    assert.ok(udp.duration > 1, `duration ${udp.duration}`);
    const hevc = await record(`rtsp://127.0.0.1:${port}${HEVC}`, 'tcp', 'hevc', ['-tag:v', 'hvc1']);
    assert.deepEqual([hevc.codec_name, hevc.width, hevc.height], ['hevc', 320, 240]);
    assert.ok(hevc.duration > 1, `duration ${hevc.duration}`);
    await waitFor('the sessions to end', () => camera.sessionCount === 0);
  });

  it('asks for Digest credentials, which ffmpeg answers; a wrong password is refused', async () => {
    const probed = await record(securedCamera.url(MAIN, { withCredentials: true }), 'tcp', 'digest');
    assert.equal(probed.codec_name, 'h264');
    const statuses = securedCamera.requests.map((r) => `${r.method} ${r.status}`);
    assert.deepEqual(statuses.slice(0, 3), ['OPTIONS 200', 'DESCRIBE 401', 'DESCRIBE 200']);
    assert.equal(securedCamera.refused, 0);

    const client = await RawRtspClient.connect(Number(new URL(securedCamera.url(MAIN)).port));
    try {
      const url = securedCamera.url(MAIN);
      const challenge = await client.request('DESCRIBE', url);
      assert.equal(challenge.status, 401);
      const params = Object.fromEntries([...(challenge.headers.get('www-authenticate') ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const md5 = (s: string) => createHash('md5').update(s).digest('hex');
      const digest = (password: string) =>
        `Digest username="admin", realm="${params.realm}", nonce="${params.nonce}", uri="${url}", response="${md5(`${md5(`admin:${params.realm}:${password}`)}:${params.nonce}:${md5(`DESCRIBE:${url}`)}`)}"`;
      assert.equal((await client.request('DESCRIBE', url, { Authorization: digest('wrong') })).status, 401);
      assert.equal(securedCamera.refused, 1);
      const ok = await client.request('DESCRIBE', url, { Authorization: digest('Cam-pass 1') });
      assert.equal(ok.status, 200);
      assert.match(ok.body, /a=rtpmap:96 H264\/90000/);
    } finally {
      client.close();
    }
  });

  it('accepts Basic credentials when built for Basic', async () => {
    const basic = new RtspCamera({ channels: { [MAIN]: (await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR })) }, credentials: { username: 'op', password: 'pw' }, auth: 'basic' });
    const basicPort = await basic.listen();
    const client = await RawRtspClient.connect(basicPort);
    try {
      const url = basic.url(MAIN);
      const challenge = await client.request('DESCRIBE', url);
      assert.equal(challenge.status, 401);
      assert.match(challenge.headers.get('www-authenticate') ?? '', /^Basic realm="/);
      const ok = await client.request('DESCRIBE', url, { Authorization: `Basic ${Buffer.from('op:pw').toString('base64')}` });
      assert.equal(ok.status, 200);
    } finally {
      client.close();
      await basic.close();
    }
  });

  it('speaks RTSP as RFC 2326 says: CSeq echoed, SDP per RFC 6184, interleaved RTP from a keyframe with parameter sets, no AUDs', async () => {
    const client = await RawRtspClient.connect(port);
    try {
      const url = `rtsp://127.0.0.1:${port}${MAIN}`;
      const options = await client.request('OPTIONS', url);
      assert.equal(options.status, 200);
      assert.equal(options.headers.get('cseq'), String(client.lastCseq));
      assert.match(options.headers.get('public') ?? '', /GET_PARAMETER/);

      const describe = await client.request('DESCRIBE', url, { Accept: 'application/sdp' });
      assert.equal(describe.status, 200);
      assert.equal(describe.headers.get('content-type'), 'application/sdp');
      assert.equal(describe.headers.get('content-base'), `${url}/`);
      const fmtp = /a=fmtp:96 (.*)\r\n/.exec(describe.body)?.[1] ?? '';
      assert.match(fmtp, /packetization-mode=1/);
      const [spsB64, ppsB64] = (/sprop-parameter-sets=([^;]+)/.exec(fmtp)?.[1] ?? '').split(',');
      const sps = Buffer.from(spsB64 ?? '', 'base64');
      assert.equal(sps[0]! & 0x1f, 7, 'the first parameter set is an SPS');
      assert.equal(Buffer.from(ppsB64 ?? '', 'base64')[0]! & 0x1f, 8, 'the second a PPS');
      assert.equal(/profile-level-id=([0-9A-F]{6})/.exec(fmtp)?.[1], sps.subarray(1, 4).toString('hex').toUpperCase());
      assert.match(describe.body, /a=control:trackID=1/);

      const setup = await client.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
      assert.equal(setup.status, 200);
      assert.match(setup.headers.get('transport') ?? '', /^RTP\/AVP\/TCP;unicast;interleaved=0-1;ssrc=[0-9A-F]{8}/);
      const session = (setup.headers.get('session') ?? '').split(';')[0]!;
      assert.match(setup.headers.get('session') ?? '', /;timeout=60$/);

      const play = await client.request('PLAY', `${url}/`, { Session: session, Range: 'npt=0.000-' });
      assert.equal(play.status, 200);
      const rtpInfo = /seq=(\d+);rtptime=(\d+)/.exec(play.headers.get('rtp-info') ?? '');
      assert.ok(rtpInfo, `RTP-Info: ${play.headers.get('rtp-info')}`);
      await waitFor('a second of video', () => client.rtp(0).filter((p) => p.marker).length >= 25);

      const keepalive = await client.request('GET_PARAMETER', `${url}/`, { Session: session });
      assert.equal(keepalive.status, 200);
      assert.equal(keepalive.headers.get('session')?.split(';')[0], session);

      const packets = client.rtp(0);
      assert.equal(packets[0]!.sequence, Number(rtpInfo[1]), 'the first packet has the sequence number of RTP-Info');
      assert.equal(packets[0]!.timestamp, Number(rtpInfo[2]), 'and its rtptime');
      assert.equal(packets[0]!.ssrc, parseInt(/ssrc=([0-9A-F]{8})/.exec(setup.headers.get('transport')!)![1]!, 16));
      packets.forEach((p, i) => i && assert.equal(p.sequence, (packets[i - 1]!.sequence + 1) & 0xffff));
      assert.ok(packets.every((p) => p.payload.length <= 1400), 'payloads of at most 1,400 bytes');
      const nalTypes = packets.map((p) => p.payload[0]! & 0x1f);
      assert.deepEqual(nalTypes.slice(0, 2), [7, 8], 'SPS and PPS come first, before the IDR');
      assert.ok(!nalTypes.includes(9), 'no access unit delimiters');
      assert.ok(nalTypes.includes(28), 'large slices go as FU-A');
      // RTCP sender reports arrive on the RTCP channel.
      const rtcp = client.interleaved.filter((i) => i.channel === 1);
      assert.ok(rtcp.length >= 1 && rtcp[0]!.packet[1] === 200, 'an RTCP sender report');

      const teardown = await client.request('TEARDOWN', `${url}/`, { Session: session });
      assert.equal(teardown.status, 200);
      assert.equal(camera.sessionCount, 0);
      const countAfterTeardown = client.interleaved.length;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(client.interleaved.length, countAfterTeardown, 'nothing is sent after TEARDOWN');
    } finally {
      client.close();
    }
  });

  it('answers wrong requests with the right status and keeps the connection', async () => {
    const client = await RawRtspClient.connect(port);
    try {
      const url = `rtsp://127.0.0.1:${port}${MAIN}`;
      assert.equal((await client.request('DESCRIBE', `rtsp://127.0.0.1:${port}/Streaming/Channels/999`)).status, 404);
      assert.equal((await client.request('PLAY', url, { Session: 'nope' })).status, 454);
      assert.equal((await client.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP;multicast' })).status, 461);
      assert.equal((await client.request('RECORD', url)).status, 501);
      assert.equal((await client.sendRaw(`OPTIONS ${url} RTSP/1.0\r\n\r\n`)).status, 400, 'a request without CSeq');
      assert.equal((await client.sendRaw(`OPTIONS ${url} RTSP/2.0\r\nCSeq: 9\r\n\r\n`)).status, 505);
      assert.equal((await client.request('OPTIONS', url)).status, 200, 'still talking');
    } finally {
      client.close();
    }
  });

  it('answers garbage with 400, closes that connection, and stays up', async () => {
    const garbage = await RawRtspClient.connect(port);
    const reply = await garbage.sendRaw(Buffer.concat([Buffer.from([0x00, 0xff, 0x13, 0x37]), Buffer.from(' hello\r\n\r\n')]));
    assert.equal(reply.status, 400);
    await waitFor('the garbage connection to be closed', () => garbage.closed);

    const noise = await RawRtspClient.connect(port);
    const noiseReply = await noise.sendRaw('this is not rtsp\r\n\r\n');
    assert.equal(noiseReply.status, 400);
    await waitFor('the noise connection to be closed', () => noise.closed);

    const good = await RawRtspClient.connect(port);
    try {
      assert.equal((await good.request('OPTIONS', '*')).status, 200);
    } finally {
      good.close();
    }
  });

  it('survives clients that vanish mid-stream', async () => {
    // The UDP client's ports are bound here (port 0), so the stream goes nowhere it could disturb.
    const rtpSocket = dgram.createSocket('udp4');
    const rtcpSocket = dgram.createSocket('udp4');
    await Promise.all([rtpSocket, rtcpSocket].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))));
    let udpPackets = 0;
    rtpSocket.on('message', () => udpPackets++);
    const url = `rtsp://127.0.0.1:${port}${MAIN}`;
    try {
      for (const transport of ['RTP/AVP/TCP;unicast;interleaved=0-1', `RTP/AVP;unicast;client_port=${rtpSocket.address().port}-${rtcpSocket.address().port}`]) {
        const client = await RawRtspClient.connect(port);
        const setup = await client.request('SETUP', `${url}/trackID=1`, { Transport: transport });
        assert.equal(setup.status, 200, transport);
        const session = (setup.headers.get('session') ?? '').split(';')[0]!;
        assert.equal((await client.request('PLAY', url, { Session: session })).status, 200);
        await new Promise((r) => setTimeout(r, 150));
        client.close();
        await waitFor(`the ${transport} session to end with its connection`, () => camera.sessionCount === 0);
      }
      assert.ok(udpPackets > 0, 'the UDP session streamed to the client ports');
    } finally {
      rtpSocket.close();
      rtcpSocket.close();
    }
    const later = await RawRtspClient.connect(port);
    try {
      assert.equal((await later.request('OPTIONS', '*')).status, 200);
    } finally {
      later.close();
    }
  });

  it('close() ends sessions and connections and stops listening', async () => {
    const extra = new RtspCamera({ channels: { [MAIN]: await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: CACHE_DIR }) } });
    const extraPort = await extra.listen();
    const client = await RawRtspClient.connect(extraPort);
    const setup = await client.request('SETUP', `${extra.url(MAIN)}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    await client.request('PLAY', extra.url(MAIN), { Session: (setup.headers.get('session') ?? '').split(';')[0]! });
    await extra.close();
    await waitFor('the client to be disconnected', () => client.closed);
    assert.equal(extra.sessionCount, 0);
    await assert.rejects(RawRtspClient.connect(extraPort), /ECONNREFUSED/);
    await extra.close(); // twice: harmless
  });
});
