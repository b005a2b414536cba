/**
 * A media node in its own process (npm run media-node): the API process asks it for receiving
 * ports over one WebSocket with the shared secret, the camera sends its RTP to the node, and only
 * fMP4 fragments come back. Covers live video through the node, a wrong secret, malformed
 * requests, and the node going away mid-stream.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { findFfmpeg } from '../../src/server/adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter, type Mp4Fragment } from '../../src/server/adapters/media/fmp4.ts';
import { decodeFromNode, MEDIA_NODE_PATH } from '../../src/server/adapters/media/media-node-wire.ts';
import { RtpReceivers, mediaNode } from '../../src/server/adapters/media/rtp-receivers.ts';
import type { FromRtpStreams } from '../../src/server/adapters/media/rtp-streams.ts';
import { patternMedia } from '../../src/server/simulator/media/gb-device-media.ts';
import { testPattern } from '../../src/server/simulator/media/test-pattern.ts';
import { connectGbRecorder, type ConnectedRecorder } from '../helpers/gb-recorder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';
import { waitFor } from '../helpers/wait.ts';

const NVR = '31000000111180000300';
const CAM = '31000000111310000301';
const SECRET = 'media-node-test-secret-0123456789';
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));
const ffmpeg = findFfmpeg();

interface NodeProcess {
  child: ChildProcess;
  url: string;
  output: string[];
}

/** Starts `npm run media-node`'s entry as a real process on a free port and reads the port it printed. */
async function startNodeProcess(): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/media-node.ts'], {
    env: { ...process.env, XIAOAN_MEDIA_NODE_SECRET: SECRET, XIAOAN_MEDIA_NODE_HOST: '127.0.0.1', XIAOAN_MEDIA_NODE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean)));
  child.stderr!.on('data', (d: Buffer) => output.push(...String(d).split('\n').filter(Boolean)));
  const line = await waitFor('the media node to listen', () => output.find((l) => l.includes('media node listening on')) ?? (child.exitCode !== null && assert.fail(`the media node exited: ${output.join('\n')}`)), 30_000);
  const port = /:(\d+)$/.exec(line)![1];
  return { child, url: `ws://127.0.0.1:${port}`, output };
}

const health = async (n: NodeProcess) => (await fetch(`${n.url.replace('ws', 'http')}/health`)).json() as Promise<{ status: string; clients: number; streams: number }>;

describe('media node in its own process', { skip: ffmpeg ? false : 'no ffmpeg' }, () => {
  let node: NodeProcess;
  let t: TestApp;
  let U: UniversityFixture;
  let recorder: ConnectedRecorder | undefined;
  let camera: string;
  let base: string;
  const sockets: WebSocket[] = [];
  const offers: { ip: string; port: number }[] = [];

  before(async () => {
    node = await startNodeProcess();
    const pattern = await testPattern({ codec: 'h264', width: 320, height: 240, fps: 25, gopFrames: 25, seconds: 2, cacheDir: path.join(os.tmpdir(), 'xiaoan-test-patterns') });
    t = await createTestApp({ clock, env: { XIAOAN_MEDIA_NODE_URL: node.url, XIAOAN_MEDIA_NODE_SECRET: SECRET, XIAOAN_MEDIA_LINGER_S: '0' } });
    U = await createUniversity(t.services, 'MN');
    const plain = patternMedia(pattern);
    recorder = await connectGbRecorder(t, { campusId: U.campusId, gbId: NVR, name: '图书馆NVR', channels: [CAM], channelName: () => '图书馆大门', media: { prepare: (channelId, offer) => (offers.push(offer), plain.prepare(channelId, offer)) }, now: () => clock.now() });
    camera = recorder.ids.get(CAM)!;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await recorder?.close();
    await t?.close();
    node?.child.kill('SIGKILL');
  });

  async function watch(deviceId: string) {
    const cookie = await t.login(U.users.operator.username);
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/media/live/${deviceId}`, { headers: { cookie } });
    sockets.push(ws);
    const v = { control: [] as { type: string; [k: string]: unknown }[], fragments: [] as Mp4Fragment[] };
    const splitter = new Mp4FragmentSplitter(() => undefined, (f) => v.fragments.push(f));
    ws.on('message', (data, binary) => (binary ? splitter.push(data as Buffer) : v.control.push(JSON.parse(String(data)))));
    ws.on('error', () => undefined);
    return v;
  }

  it('plays a GB/T 28181 camera whose RTP the node receives and remuxes: the camera is told the node’s address, frames advance', async () => {
    const v = await watch(camera);
    await waitFor('30 frames through the media node', () => v.fragments.length >= 30, 20_000);
    assert.ok(v.fragments.every((f, i) => i === 0 || f.decodeTime > v.fragments[i - 1]!.decodeTime), 'frames advance');
    assert.equal(v.fragments[0]!.keyframe, true);
    const status = json(await t.call(await t.login(U.users.operator.username), 'GET', `/api/media/streams/${camera}`));
    assert.equal(status.state, 'live');
    assert.ok(status.transport.received > 0, 'the node reports its RTP figures');
    const h = await waitFor('the node to count the stream', async () => ((await health(node)).streams === 1 ? health(node) : null));
    assert.deepEqual(h, { status: 'ok', clients: 1, streams: 1 });
    // No XIAOAN_MEDIA_HOST here: the offer names the node's host, where the node opened the port.
    assert.equal(offers[0]?.ip, '127.0.0.1');
  });

  it('refuses an API process with the wrong secret, and says so', async () => {
    const receivers = new RtpReceivers(mediaNode(node.url, 'not-the-secret-of-this-node'));
    const closed: string[] = [];
    const receiver = receivers.create(() => undefined, () => undefined, (why) => closed.push(why));
    await assert.rejects(receiver.listen({ transport: 'UDP', host: '127.0.0.1' }), /refused the secret/);
    assert.match(closed[0] ?? '', /XIAOAN_MEDIA_NODE_SECRET/);
    await receivers.close();
  });

  it('refuses a malformed request without dropping the connection or other streams', async () => {
    const ws = new WebSocket(`${node.url}${MEDIA_NODE_PATH}`, { headers: { authorization: `Bearer ${SECRET}` } });
    sockets.push(ws);
    const got: FromRtpStreams[] = [];
    ws.on('message', (d: Buffer) => got.push(decodeFromNode(d)));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send('not json');
    ws.send(JSON.stringify({ op: 'listen', id: -1, how: { transport: 'UDP' }, remux: true }));
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(JSON.stringify({ op: 'listen', id: 7, how: { transport: 'UDP', host: '127.0.0.1' }, remux: true }));
    const listening = await waitFor('the valid request to be answered', () => got.find((m) => m.ev === 'listening'));
    assert.equal(listening.ev === 'listening' && listening.id, 7);
    assert.ok(node.output.some((l) => l.includes('refused a request') && l.includes('not JSON')), 'the node logs what it refused');
    ws.send(JSON.stringify({ op: 'close', id: 7 }));
    await waitFor('the stream to close', () => got.some((m) => m.ev === 'closed' && m.id === 7));
    assert.equal(ws.readyState, WebSocket.OPEN);
    const v = await watch(camera);
    await waitFor('the camera still playing', () => v.fragments.length >= 5, 20_000);
  });

  it('ends the streams with the reason when the node goes away, and a viewer later is told the node is unreachable', async () => {
    const v = await watch(camera);
    await waitFor('frames', () => v.fragments.length >= 5, 20_000);
    node.child.kill('SIGKILL');
    const ended = await waitFor('the viewer to be told', () => v.control.find((m) => m.type === 'ended'), 20_000);
    assert.match(String(ended.reason), /media node/);
    const late = await watch(camera);
    const told = await waitFor('the late viewer to be told', () => late.control.find((m) => m.type === 'ended' || m.type === 'error'), 20_000);
    assert.match(String(told.reason ?? told.message), /media node .* unreachable/);
  });
});
