/**
 * Video media benchmark (issue 13), against the real server (`src/server/main.ts` as a child
 * process, bench/lib/server.ts) with GB/T 28181 recorders of our simulator in a second process
 * (bench/media/devices.ts) streaming a 25 fps test picture (H.264, GOP 2 s, ~0.08 bit per pixel:
 * 4 Mbps at 1080p) as PS over RTP/UDP on loopback.
 *
 *   (a) click → first frame, cold: a viewer opens the live WebSocket of a camera nobody watches
 *       (the server INVITEs, the camera starts, ffmpeg remuxes); the time to the first video
 *       fragment at the viewer, for --first-frame cameras one after the other. Warm: a second
 *       viewer joins a running stream. In a browser (Chromium, if installed): the player's own
 *       measure from creating the player to the <video> playing, opening each camera's drawer.
 *   (b) channels: for each count of --channels, that many cameras streamed at once, each with one
 *       live viewer (the WebSocket client here counts bytes), for --seconds: RTP packets received
 *       and lost (the server's own counters), CPU of the server process and of its ffmpeg
 *       children (from /proc), RSS of both, and the sender's CPU.
 *
 * --remuxers builtin,ffmpeg,node compares XIAOAN_MEDIA_REMUXER settings in one run (`node`: builtin,
 * on a media node process, XIAOAN_MEDIA_NODE_URL): one server (and camera process) per setting, all started first; each channel count is then measured on each
 * server in turn, the order alternating from count to count, so a busier moment of the machine
 * does not always fall on the same one.
 *
 * BENCH_PROF=/tmp/prof writes each server's V8 CPU profiles to /tmp/prof-<setting> (read them with
 * Chrome DevTools or any .cpuprofile reader).
 *
 *   npm run bench:media -- [--channels 16,64,128] [--seconds 30] [--first-frame 20] [--browser 10]
 *                          [--width 1920] [--height 1080] [--remuxers builtin,ffmpeg,node]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { ApiClient } from '../lib/http.ts';
import { describeMachine, machineInfo, processCpuMs, rssBytes } from '../lib/machine.ts';
import { startServer } from '../lib/server.ts';
import { fmtMs, summarize } from '../lib/stats.ts';
import { channelGbId, prepareGbStore, type PreparedGbStore } from '../gb28181/setup.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PLATFORM = '31000000112000000001';
const DOMAIN = '3100000011';
const ADMIN_PASSWORD = 'bench-admin-password-1';
const PER_RECORDER = 64;

const { values: opt } = parseArgs({
  options: {
    channels: { type: 'string', default: '16,64,128' },
    seconds: { type: 'string', default: '30' },
    'first-frame': { type: 'string', default: '20' },
    browser: { type: 'string', default: '10' },
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
    remuxers: { type: 'string', default: 'builtin' },
  },
});
const COUNTS = opt.channels!.split(',').map(Number);
const MAX = Math.max(...COUNTS, Number(opt['first-frame']) + 1, Number(opt.browser));
const SECONDS = Number(opt.seconds);
const REMUXERS = opt.remuxers!.split(',') as ('builtin' | 'ffmpeg' | 'node')[];
const log = (s: string) => console.log(s);
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rss = rssBytes;

/** The server's ffmpeg children (one per running stream). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

interface Viewer {
  ws: WebSocket;
  opened: number;
  firstFragmentMs: number | null;
  bytes: number;
  ended: string | null;
}

function view(baseUrl: string, cookie: string, deviceId: string): Viewer {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/media/live/${deviceId}`, { headers: { cookie } });
  const v: Viewer = { ws, opened: performance.now(), firstFragmentMs: null, bytes: 0, ended: null };
  let initSeen = false;
  ws.on('message', (data, binary) => {
    if (!binary) {
      const m = JSON.parse(String(data)) as { type: string; reason?: string; message?: string };
      if (m.type === 'ended' || m.type === 'error') v.ended = m.reason ?? m.message ?? m.type;
      return;
    }
    v.bytes += (data as Buffer).length;
    if (initSeen && v.firstFragmentMs === null) v.firstFragmentMs = performance.now() - v.opened;
    initSeen = true;
  });
  ws.on('error', () => undefined);
  return v;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface StreamStatus {
  deviceId: string;
  state: string;
  transport: Record<string, number>;
}

const MEDIA_NODE_SECRET = 'bench-media-node-secret-0123';

/** `npm run media-node`'s entry on a free port; resolves with its address once it listens. */
async function startMediaNode(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', path.join(HERE, '../../src/server/media-node.ts')], {
    env: { ...process.env, XIAOAN_MEDIA_NODE_SECRET: MEDIA_NODE_SECRET, XIAOAN_MEDIA_NODE_HOST: '127.0.0.1', XIAOAN_MEDIA_NODE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /media node listening on ws:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the media node ended (${code})`)));
  });
  return { child, url: `ws://127.0.0.1:${port}` };
}

/** One server with its remuxer setting, its camera process and a logged-in client. */
interface Setup {
  remuxer: 'builtin' | 'ffmpeg' | 'node';
  server: Awaited<ReturnType<typeof startServer>>;
  /** The media node process of setting `node`. */
  mediaNode: ChildProcess | undefined;
  sender: ChildProcess | undefined;
  api: ApiClient;
  cookie: string;
  cameraId: (i: number) => string;
}

async function setUp(remuxer: Setup['remuxer'], setups: Setup[]): Promise<Setup> {
  let prepared: PreparedGbStore | undefined;
  const recorders = Math.ceil(MAX / PER_RECORDER);
  const mediaNode = remuxer === 'node' ? await startMediaNode() : undefined;
  const server = await startServer({
    db: 'sqlite',
    nodeArgs: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}-${remuxer}`] : [],
    adminPassword: ADMIN_PASSWORD,
    logLevel: 'error',
    env: {
      XIAOAN_MEDIA_HOST: '127.0.0.1',
      XIAOAN_MEDIA_LINGER_S: '0',
      XIAOAN_SIM_RATE: '0',
      XIAOAN_MEDIA_REMUXER: remuxer === 'ffmpeg' ? 'ffmpeg' : 'builtin',
      ...(mediaNode ? { XIAOAN_MEDIA_NODE_URL: mediaNode.url, XIAOAN_MEDIA_NODE_SECRET: MEDIA_NODE_SECRET } : {}),
    },
    prepare: async (store) => {
      prepared = await prepareGbStore({ ...store, recorders, channelsPerRecorder: PER_RECORDER });
    },
  });
  const api = new ApiClient(server.baseUrl);
  const setup: Setup = { remuxer, server, mediaNode: mediaNode?.child, sender: undefined, api, cookie: '', cameraId: () => '' };
  setups.push(setup); // stopped by main's finally from here on
  await api.login('admin', ADMIN_PASSWORD);
  setup.cookie = api.sessionCookie!;
  const status = await api.request<{ port: number }>('GET', '/api/gb28181/status');
  const job = {
    sipPort: status.port,
    platformId: PLATFORM,
    domain: DOMAIN,
    width: Number(opt.width),
    height: Number(opt.height),
    recorders: prepared!.recorders.map((r, i) => ({ gbId: r.gbId, password: r.password, channels: Array.from({ length: PER_RECORDER }, (_, c) => channelGbId(i * PER_RECORDER + c)) })),
  };
  const sender = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'devices.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  setup.sender = sender;
  await new Promise<void>((resolve, reject) => {
    sender.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
    sender.once('exit', (code) => reject(new Error(`the camera process ended (${code})`)));
  });
  await until('the catalogs', async () => (await api.request<{ onlineChannels: number }>('GET', '/api/gb28181/status')).onlineChannels >= recorders * PER_RECORDER, 120_000);
  const cameras = new Map<string, string>();
  for (let page = 1; cameras.size < recorders * PER_RECORDER; page++) {
    const res = await api.request<{ items: { id: string; gbId: string }[] }>('GET', `/api/devices?kind=camera&pageSize=500&page=${page}`);
    if (!res.items.length) break;
    for (const d of res.items) cameras.set(d.gbId, d.id);
  }
  setup.cameraId = (i: number) => cameras.get(channelGbId(i))!;
  log(`remuxer ${remuxer}: ${recorders} recorders, ${cameras.size} cameras registered; test picture ${opt.width}×${opt.height} 25 fps H.264`);
  return setup;
}

/** (a) click → first frame, cold and joining. */
async function firstFrames({ server, api, cookie, cameraId, remuxer }: Setup) {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < Number(opt['first-frame']); i++) {
    const v = view(server.baseUrl, cookie, cameraId(i));
    await until(`first frame of camera ${i}`, () => v.firstFragmentMs !== null || v.ended !== null, 15_000);
    if (v.firstFragmentMs === null) throw new Error(`camera ${i}: ${v.ended}`);
    cold.push(v.firstFragmentMs);
    const w = view(server.baseUrl, cookie, cameraId(i));
    await until('a joining viewer', () => w.firstFragmentMs !== null || w.ended !== null, 15_000);
    warm.push(w.firstFragmentMs ?? NaN);
    v.ws.close();
    w.ws.close();
    await until('the stream to stop', async () => !(await api.request<StreamStatus[]>('GET', '/api/media/streams')).length, 10_000);
  }
  if (!cold.length) return;
  const c = summarize(cold);
  const w = summarize(warm);
  log(`\n## click → first frame (WebSocket viewer, ${cold.length} cameras, remuxer ${remuxer})`);
  log(`cold start (INVITE, camera starts, remux): p50 ${fmtMs(c.p50)} ms  p95 ${fmtMs(c.p95)} ms  max ${fmtMs(c.max)} ms`);
  log(`joining a running stream (cached GOP):   p50 ${fmtMs(w.p50)} ms  p95 ${fmtMs(w.p95)} ms  max ${fmtMs(w.max)} ms`);
}

/** (b) n channels at once on one server: one table row. */
async function channelsAtOnce({ server, mediaNode, sender, api, cookie, cameraId, remuxer }: Setup, n: number) {
  const viewers = Array.from({ length: n }, (_, i) => view(server.baseUrl, cookie, cameraId(i)));
  // A saturated machine may not start them all: measure those that did, and say how many did not.
  await until(`${n} streams`, () => viewers.every((v) => v.firstFragmentMs !== null || v.ended !== null), 60_000).catch(() => undefined);
  const notStarted = viewers.filter((v) => v.firstFragmentMs === null).length;
  await sleep(3000);
  const before = await api.request<StreamStatus[]>('GET', '/api/media/streams');
  // Helper processes: the server's ffmpeg children, or the media node.
  const kids = mediaNode ? [mediaNode.pid!] : children(server.pid);
  const cpu0 = { server: processCpuMs(server.pid)!, main: processCpuMs(server.pid, server.pid)!, ffmpeg: kids.reduce((a, p) => a + (processCpuMs(p) ?? 0), 0), sender: processCpuMs(sender!.pid!)! };
  const bytes0 = viewers.reduce((a, v) => a + v.bytes, 0);
  const t0 = performance.now();
  // The server's event loop also acknowledges devices: how long does a trivial request wait while it carries the video?
  const health: number[] = [];
  while (performance.now() - t0 < SECONDS * 1000) {
    const h0 = performance.now();
    await fetch(`${server.baseUrl}/api/health`).then((r) => r.arrayBuffer());
    health.push(performance.now() - h0);
    await sleep(100);
  }
  const elapsed = performance.now() - t0;
  const hs = summarize(health);
  const cpu1 = { server: processCpuMs(server.pid)!, main: processCpuMs(server.pid, server.pid)!, ffmpeg: kids.reduce((a, p) => a + (processCpuMs(p) ?? 0), 0), sender: processCpuMs(sender!.pid!)! };
  const after = await api.request<StreamStatus[]>('GET', '/api/media/streams');
  const sum = (list: StreamStatus[], k: string) => list.reduce((a, s) => a + (s.transport[k] ?? 0), 0);
  const received = sum(after, 'received') - sum(before, 'received');
  const lost = sum(after, 'lost') - sum(before, 'lost');
  const late = sum(after, 'late') - sum(before, 'late');
  const ended = viewers.filter((v) => v.ended).length;
  const trouble = [ended && `${ended} ended`, notStarted && `${notStarted} did not start in 60 s`].filter(Boolean).join(', ');
  const pct = (ms: number) => `${((ms / elapsed) * 100).toFixed(1)} %`;
  const mbps = ((viewers.reduce((a, v) => a + v.bytes, 0) - bytes0) * 8) / (elapsed / 1000) / 1e6 / n;
  log(
    `| ${remuxer} | ${n}${trouble ? ` (${trouble})` : ''} | ${received} | ${lost} | ${late} | ${pct(cpu1.server - cpu0.server)} | ${pct(cpu1.main - cpu0.main)} | ${(((cpu1.ffmpeg - cpu0.ffmpeg) / elapsed / n) * 100).toFixed(2)} % | ${pct(cpu1.server - cpu0.server + cpu1.ffmpeg - cpu0.ffmpeg)} | ${pct(cpu1.sender - cpu0.sender)} | ${mib(rss(server.pid))} | ${mib(kids.reduce((a, p) => a + (rss(p) || 0), 0))} | ${mbps.toFixed(2)} | ${fmtMs(hs.p50)} / ${fmtMs(hs.p99)} ms | ${os.loadavg()[0]!.toFixed(1)} |`,
  );
  for (const v of viewers) v.ws.close();
  await until('the streams to stop', async () => !(await api.request<StreamStatus[]>('GET', '/api/media/streams')).length, 30_000);
}

async function main() {
  log(`# media benchmark — ${new Date().toISOString()}`);
  log(describeMachine(machineInfo()));
  const setups: Setup[] = [];
  try {
    for (const remuxer of REMUXERS) await setUp(remuxer, setups);
    for (const s of setups) await firstFrames(s);
    if (Number(opt.browser) > 0 && existsSync('/usr/bin/chromium')) await browserFirstFrames(setups[0]!.server.baseUrl, Array.from({ length: Number(opt.browser) }, (_, i) => setups[0]!.cameraId(MAX - 1 - i)));
    log(`\n## channels streamed at once, one live viewer each, ${SECONDS} s`);
    log('| remuxer | channels | RTP packets received | lost | late | server CPU (core %) | of it the main thread | ffmpeg / media node CPU per channel | server + ffmpeg / node CPU | sender CPU | server RSS | ffmpeg / node RSS | viewer Mbps | /api/health p50 / p99 | load (1 min) |');
    log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [k, n] of COUNTS.entries()) {
      const order = k % 2 ? [...setups].reverse() : setups;
      for (const s of order) await channelsAtOnce(s, n);
    }
  } finally {
    for (const s of setups) {
      s.sender?.kill('SIGTERM');
      await s.server.stop();
      s.mediaNode?.kill('SIGTERM');
    }
  }
}

/** The console's own measure: from creating the player (the drawer opening) to the <video> playing. */
async function browserFirstFrames(baseUrl: string, ids: string[]) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    const samples: number[] = [];
    for (const id of ids) {
      await page.goto(`${baseUrl}/ledger?device=${id}`);
      const tile = page.locator(`[data-testid="live-video"][data-device-id="${id}"][data-state="playing"]`);
      await tile.waitFor({ timeout: 20_000 });
      samples.push(Number(await tile.getAttribute('data-first-frame-ms')));
      log(`  ${await tile.getAttribute('data-timings')}`);
      await page.goto(`${baseUrl}/map`);
    }
    const s = summarize(samples);
    log(`in the browser (drawer opened → <video> playing, ${samples.length} cold cameras): p50 ${fmtMs(s.p50)} ms  p95 ${fmtMs(s.p95)} ms  max ${fmtMs(s.max)} ms`);
  } finally {
    await browser.close();
  }
}

await main();
