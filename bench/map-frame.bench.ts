/**
 * Map frame-time benchmark (issue "Web console", map part): the campus map with ≥ 10,000
 * devices on one campus, in Debian's chromium (software WebGL), measured from inside the page.
 *
 *   node --import tsx bench/map-frame.bench.ts [--target 10000] [--sim-rate 0,20] [--seed 7] [--rounds 3]
 *        [--create-concurrency 16] [--width 1440] [--height 900] [--write-results] [--verbose]
 *
 * For each simulator rate it starts the real server (src/server/main.ts, SQLite, temporary data
 * directory) with the demo university (XIAOAN_DEMO=1, ≈ 5,300 devices on two campuses) and
 * XIAOAN_SIM_RATE=<rate> (0: quiet; 20: the demo simulator's devices connect over MQTT/HTTP,
 * send heartbeats and ~20 events/s, so the map gets live status changes and event rings). It
 * then registers devices through POST /api/devices on the demo's biggest campus until that
 * campus holds `--target` devices (random points inside the campus outline; 40 % inside a
 * building on one of its floors; cameras with bearing, FOV and range, so camera cones draw).
 *
 * In chromium (`--headless --no-sandbox --disable-gpu --disable-background-networking
 * --enable-unsafe-swiftshader`, 1440×900, device scale 1) it logs in, opens /map on that
 * campus and measures, with the performance API inside the page:
 *   - load to first render: navigation start → the first MapLibre `idle` with devices drawn
 *     (HTML, scripts, org tree, GET /api/map, GET /api/device-health, tiling, first frame);
 *   - frame times: requestAnimationFrame deltas during scripted camera moves (pans and zooms
 *     with MapLibre's own animations) and during a mouse drag and wheel zoom through real
 *     input events (which also runs the hover tooltip code). FPS = frames / phase duration.
 *
 * --write-results  replaces the figures block in bench/RESULTS.md (section "Map frame times").
 * Exit code 1 when a run fails. Only 127.0.0.1 is contacted; the server and chromium are
 * stopped at the end, on error and on Ctrl-C.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.ts';
import { ApiClient } from './lib/http.ts';
import { seededRandom } from './lib/load.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { startServer, type RunningServer } from './lib/server.ts';
import { fmtMs, markdownTable, summarize, textTable, type Align } from './lib/stats.ts';

const ADMIN_PASSWORD = 'bench-admin-Passw0rd';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-unsafe-swiftshader'];

const { values: args } = parseArgs({
  options: {
    target: { type: 'string', default: '10000' },
    'sim-rate': { type: 'string', default: '0,20' },
    seed: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '3' },
    'create-concurrency': { type: 'string', default: '16' },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '900' },
    'write-results': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: node --import tsx bench/map-frame.bench.ts [--target N] [--sim-rate R[,R…]] [--seed N] [--rounds N] [--create-concurrency N] [--width W] [--height H] [--write-results] [--verbose]');
  process.exit(0);
}
const TARGET = Number(args.target);
const SIM_RATES = args['sim-rate']!.split(',').map(Number);
const VIEWPORT = { width: Number(args.width), height: Number(args.height) };
const log = (...a: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------------------------------------------------------------- data

type Ring = [number, number][];
type Polygon = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
interface MapLayers {
  campuses: { features: { properties: { id: string; name: string }; geometry: Polygon }[] };
  buildings: { features: { properties: { id: string; campusId: string }; geometry: Polygon }[] };
  devices: { features: { properties: { campusId?: string } }[] };
}
interface TreeNode {
  id: string;
  kind: string;
  floorLevel: number | null;
  children: TreeNode[];
}

const rings = (g: Polygon): Ring[] => (g.type === 'Polygon' ? [g.coordinates[0]!] : g.coordinates.map((p) => p[0]!));
function inside(ring: Ring, [x, y]: [number, number]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
function randomPointIn(g: Polygon, random: () => number): [number, number] {
  const all = rings(g);
  const pts = all.flat();
  const [w, s, e, n] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  for (let i = 0; i < 1000; i++) {
    const p: [number, number] = [w + random() * (e - w), s + random() * (n - s)];
    if (all.some((r) => inside(r, p))) return p;
  }
  return [(w + e) / 2, (s + n) / 2];
}

const KIND_MIX: [string, number][] = [
  ['camera', 55],
  ['door', 12],
  ['fire_detector', 8],
  ['intrusion_zone', 6],
  ['lpr_camera', 3],
  ['perimeter_zone', 3],
  ['patrol_checkpoint', 3],
  ['turnstile', 2],
  ['panic_button', 2],
  ['recorder', 2],
  ['barrier_gate', 2],
  ['alarm_panel', 2],
];

/** Registers devices on the campus until it holds `target`; returns the campus and the count. */
async function fillCampus(api: ApiClient, random: () => number): Promise<{ campusId: string; campusName: string; before: number; after: number; created: number; seconds: number }> {
  const layers = await api.request<MapLayers>('GET', '/api/map');
  const counts = new Map<string, number>();
  for (const f of layers.devices.features) counts.set(f.properties.campusId ?? '', (counts.get(f.properties.campusId ?? '') ?? 0) + 1);
  const campus = [...layers.campuses.features].sort((a, b) => (counts.get(b.properties.id) ?? 0) - (counts.get(a.properties.id) ?? 0))[0];
  if (!campus) throw new Error('no campus with an outline: is the demo university seeded (XIAOAN_DEMO=1)?');
  const campusId = campus.properties.id;
  const ledger = await api.request<{ total: number }>('GET', `/api/devices?campusId=${campusId}&pageSize=1`);
  const before = ledger.total;
  const toCreate = Math.max(0, TARGET - before);

  // Buildings with their floors (from the org tree).
  const tree = await api.request<TreeNode[]>('GET', '/api/org-units/tree');
  const floorsOf = new Map<string, TreeNode[]>();
  const walk = (n: TreeNode) => {
    if (n.kind === 'building') floorsOf.set(n.id, n.children.filter((c) => c.kind === 'floor'));
    n.children.forEach(walk);
  };
  tree.forEach(walk);
  const buildings = layers.buildings.features.filter((b) => b.properties.campusId === campusId && (floorsOf.get(b.properties.id)?.length ?? 0) > 0);

  const total = KIND_MIX.reduce((s, [, w]) => s + w, 0);
  const pickKind = () => {
    let r = random() * total;
    for (const [k, w] of KIND_MIX) if ((r -= w) < 0) return k;
    return 'camera';
  };
  const bodies = Array.from({ length: toCreate }, (_, i) => {
    const kind = pickKind();
    const inBuilding = buildings.length > 0 && random() < 0.4 && !['perimeter_zone', 'barrier_gate', 'lpr_camera'].includes(kind);
    const building = inBuilding ? buildings[Math.floor(random() * buildings.length)]! : null;
    const floors = building ? floorsOf.get(building.properties.id)! : [];
    const floor = floors.length ? floors[Math.floor(random() * floors.length)]! : null;
    const [lon, lat] = randomPointIn(building ? building.geometry : campus.geometry, random);
    const isCamera = kind === 'camera' || kind === 'lpr_camera';
    return {
      name: `压测-${kind}-${String(i + 1).padStart(5, '0')}`,
      kind,
      campusId,
      buildingId: building?.properties.id ?? null,
      floorId: floor?.id ?? null,
      lon: Math.round(lon * 1e7) / 1e7,
      lat: Math.round(lat * 1e7) / 1e7,
      status: random() < 0.9 ? 'in_service' : 'under_repair',
      camera: isCamera
        ? { resolution: '1080p', type: random() < 0.8 ? 'fixed' : 'ptz', bearingDeg: Math.round(random() * 359), fovDeg: 50 + Math.round(random() * 50), rangeM: 10 + Math.round(random() * 40), placement: building ? 'indoor' : 'outdoor' }
        : null,
    };
  });

  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) await api.request('POST', '/api/devices', bodies[i]);
  };
  await Promise.all(Array.from({ length: Number(args['create-concurrency']) }, worker));
  const after = (await api.request<{ total: number }>('GET', `/api/devices?campusId=${campusId}&pageSize=1`)).total;
  return { campusId, campusName: campus.properties.name, before, after, created: toCreate, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------- the page

/**
 * Installed before any page script: a rAF loop recording frame deltas, and marks of the map's
 * first complete render. Plain JavaScript text: a function passed from here would carry the
 * `__name` helpers tsx adds, which do not exist in the page.
 */
const INSTRUMENT = `(() => {
  const bench = { frames: [], recording: false, marks: {} };
  window.__bench = bench;
  let last = 0;
  function loop(t) {
    if (bench.recording && last) bench.frames.push(t - last);
    last = t;
    requestAnimationFrame(loop);
  }
  requestAnimationFrame(loop);
  function poll() {
    const el = document.querySelector('[data-testid="map-canvas"]');
    const map = el && el.__maplibre;
    if (!map) return void setTimeout(poll, 5);
    bench.marks.mapCreated = performance.now();
    // The first frame with devices on screen (tiles may still be loading elsewhere) …
    function onRender() {
      if (!map.getSource('devices') || !map.isSourceLoaded('devices')) return;
      const layers = ['devices', 'device-clusters'].filter(function (l) { return map.getLayer(l); });
      if (!layers.length || !map.queryRenderedFeatures({ layers: layers }).length) return;
      bench.marks.firstFrame = performance.now();
      map.off('render', onRender);
    }
    map.on('render', onRender);
    // … and the first moment the map is settled (no tiles loading, nothing moving) with them.
    function onIdle() {
      const layers = ['devices', 'device-clusters'].filter(function (l) { return map.getLayer(l); });
      const n = layers.length ? map.queryRenderedFeatures({ layers: layers }).length : 0;
      if (!n) return;
      bench.marks.firstRender = performance.now();
      bench.marks.renderedDevices = n;
      map.off('idle', onIdle);
    }
    map.on('idle', onIdle);
  }
  poll();
})();`;

interface Phase {
  name: string;
  frames: number[];
  seconds: number;
}

async function measurePhase(page: Page, name: string, action: () => Promise<void>): Promise<Phase> {
  await page.evaluate(() => {
    const b = (window as any).__bench;
    b.frames = [];
    b.recording = true;
    b.t0 = performance.now();
  });
  await action();
  return page.evaluate((phaseName) => {
    const b = (window as any).__bench;
    b.recording = false;
    return { name: phaseName, frames: b.frames as number[], seconds: (performance.now() - b.t0) / 1000 };
  }, name);
}

/** A MapLibre camera animation inside the page (linear easing); resolves on `moveend`. Script text, for the reason given at INSTRUMENT. */
function animate(page: Page, kind: 'panBy' | 'zoomBy', value: [number, number] | number, duration: number): Promise<void> {
  const call =
    kind === 'panBy'
      ? `map.panBy(${JSON.stringify(value)}, { duration: ${duration}, easing: function (t) { return t; } })`
      : `map.zoomTo(map.getZoom() + ${Number(value)}, { duration: ${duration}, easing: function (t) { return t; } })`;
  return page.evaluate(`new Promise(function (resolve) {
    const map = document.querySelector('[data-testid="map-canvas"]').__maplibre;
    map.once('moveend', function () { resolve(); });
    ${call};
  })`);
}

/** Scripted pans and zooms (MapLibre animations), then a mouse drag and wheel steps (real input events). */
async function cameraScript(page: Page, mode: string): Promise<Phase[]> {
  const phases: Phase[] = [];
  const name = (what: string) => `${mode}: ${what}`;
  phases.push(
    await measurePhase(page, name('pan, whole campus in view'), async () => {
      await animate(page, 'panBy', [400, 0], 2000);
      await animate(page, 'panBy', [-400, 250], 2000);
      await animate(page, 'panBy', [0, -250], 1500);
    }),
  );
  phases.push(await measurePhase(page, name('zoom in 2.5 levels'), () => animate(page, 'zoomBy', 2.5, 2500)));
  phases.push(
    await measurePhase(page, name('pan, zoomed in'), async () => {
      await animate(page, 'panBy', [500, 300], 2000);
      await animate(page, 'panBy', [-500, -300], 2000);
    }),
  );
  phases.push(await measurePhase(page, name('zoom out 3.5 levels'), () => animate(page, 'zoomBy', -3.5, 2500)));
  await animate(page, 'zoomBy', 1, 300);
  const box = (await page.getByTestId('map-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  phases.push(
    await measurePhase(page, name('mouse drag pan'), async () => {
      await page.mouse.move(cx - 200, cy);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) {
        await page.mouse.move(cx - 200 + i * 7, cy + Math.sin(i / 10) * 60);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      await page.waitForTimeout(300);
    }),
  );
  phases.push(
    await measurePhase(page, name('mouse wheel zoom in and out'), async () => {
      await page.mouse.move(cx, cy);
      for (const dy of [-120, -120, -120, -120, 120, 120, 120, 120]) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(250);
      }
      await page.waitForTimeout(300);
    }),
  );
  return phases;
}

/** Phases of the same name (one per round) as one: frames together, durations added; first-seen order, clustered before unclustered. */
function pool(phases: Phase[]): Phase[] {
  const byName = new Map<string, Phase>();
  for (const p of phases) {
    const q = byName.get(p.name);
    if (q) {
      q.frames.push(...p.frames);
      q.seconds += p.seconds;
    } else byName.set(p.name, { name: p.name, frames: [...p.frames], seconds: p.seconds });
  }
  const rank = (n: string) => (n.startsWith('unclustered') ? 2 : n.startsWith('clustered') ? 1 : 0);
  return [...byName.values()].sort((a, b) => rank(a.name) - rank(b.name));
}

interface PageResult {
  load: Record<string, number>;
  zoom: number;
  phases: Phase[];
  liveMessages?: { events: number; status: number; missed: number };
}

async function measurePage(browser: Browser, server: RunningServer, campusId: string): Promise<PageResult> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN' });
  try {
    const login = await context.request.post(`${server.baseUrl}/api/auth/login`, { data: { username: 'admin', password: ADMIN_PASSWORD } });
    if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
    await context.addInitScript((id: string) => sessionStorage.setItem('xiaoan.org', id), campusId);
    await context.addInitScript({ content: INSTRUMENT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.baseUrl}/map`);
    try {
      await page.waitForFunction(() => (window as any).__bench?.marks.firstRender, undefined, { timeout: 120_000, polling: 100 });
    } catch (err) {
      const shot = `${os.tmpdir()}/map-frame-bench-failure.png`;
      await page.screenshot({ path: shot }).catch(() => {});
      const marks = await page.evaluate(() => JSON.stringify((window as any).__bench?.marks)).catch(() => '?');
      throw new Error(`the map did not render devices at ${page.url()} (marks ${marks}, screenshot ${shot}): ${(err as Error).message}`);
    }
    const load = await page.evaluate(() => {
      const b = (window as any).__bench;
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const map = entries.find((e) => e.name.includes('/api/map'));
      const health = entries.find((e) => e.name.includes('/api/device-health'));
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        firstRender: b.marks.firstRender,
        firstFrame: b.marks.firstFrame ?? NaN,
        renderedDevices: b.marks.renderedDevices,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
        mapCreated: b.marks.mapCreated,
        mapRequestStart: map?.requestStart ?? NaN,
        mapResponseEnd: map?.responseEnd ?? NaN,
        mapBytes: map?.encodedBodySize ?? NaN,
        healthResponseEnd: health?.responseEnd ?? NaN,
      };
    });
    await page.waitForTimeout(1500); // let the first seconds settle (late tiles, live connection)
    const zoom = await page.evaluate(() => (document.querySelector('[data-testid="map-canvas"]') as any).__maplibre.getZoom() as number);

    const view = await page.evaluate(`(() => { const m = document.querySelector('[data-testid="map-canvas"]').__maplibre; const c = m.getCenter(); return { center: [c.lng, c.lat], zoom: m.getZoom() }; })()`);
    const phases: Phase[] = [];
    phases.push(await measurePhase(page, 'idle (5 s, no input)', () => page.waitForTimeout(5000)));
    // The same script with the map as shipped (clusters up to z16) and with clustering switched
    // off at run time (one marker per device at every zoom, as before clustering): A/B in one
    // session, in alternating order over several rounds so that changes of the machine's load
    // hit both alike. Each phase's frames are pooled over the rounds.
    for (let round = 0; round < Number(args.rounds); round++) {
      const modes = round % 2 === 0 ? (['clustered', 'unclustered'] as const) : (['unclustered', 'clustered'] as const);
      for (const mode of modes) {
        await page.evaluate(`(async () => {
          const m = document.querySelector('[data-testid="map-canvas"]').__maplibre;
          await m.getSource('devices').setClusterOptions({ cluster: ${mode === 'clustered'} });
          m.jumpTo(${JSON.stringify(view)});
        })()`);
        await page.waitForTimeout(2000);
        phases.push(...(await cameraScript(page, mode)));
      }
    }
    const liveMessages = await page.evaluate(() => (window as any).__xiaoanLive?.received);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { load, zoom, phases: pool(phases), liveMessages };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- report

interface RunResult {
  simRate: number;
  fill: Awaited<ReturnType<typeof fillCampus>>;
  campusDevicesOnMap: number;
  page: PageResult;
}

const PHASE_HEADERS = ['phase', 'frames', 'FPS', 'p50 ms', 'p95 ms', 'max ms', '> 50 ms'];
const PHASE_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];
function phaseRows(phases: Phase[]) {
  return phases.map((p) => {
    const s = summarize(p.frames);
    return [p.name, p.frames.length, (p.frames.length / p.seconds).toFixed(1), fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.max), p.frames.filter((f) => f > 50).length];
  });
}
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function markdownReport(runs: RunResult[], machine: ReturnType<typeof machineInfo>, loadAvg: number): string {
  const out: string[] = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${describeMachine(machine)}; load average ${loadAvg.toFixed(2)} when the run started; Chromium ${chromiumVersion}, viewport ${VIEWPORT.width}×${VIEWPORT.height}.`,
    `Command: \`node --import tsx bench/map-frame.bench.ts --target ${TARGET} --sim-rate ${SIM_RATES.join(',')} --seed ${args.seed} --rounds ${args.rounds}\` (frames of each phase pooled over ${args.rounds} rounds, clustered and unclustered in alternating order).`,
    '',
  ];
  for (const r of runs) {
    const l = r.page.load;
    out.push(`#### Simulator ${r.simRate ? `on (XIAOAN_SIM_RATE=${r.simRate})` : 'off'}`);
    out.push('');
    out.push(
      `Campus ${r.fill.campusName}: ${r.fill.after} devices in the ledger (${r.fill.before} from the demo + ${r.fill.created} registered in ${r.fill.seconds.toFixed(0)} s), ${r.campusDevicesOnMap} on the map; ` +
        `GET /api/map of the campus ${(l.mapBytes / 1024 / 1024).toFixed(1)} MiB. Fitted zoom ${r.page.zoom.toFixed(1)}.`,
    );
    out.push('');
    out.push(
      `**Load to first render ${secs(l.firstFrame)}** (navigation start → first frame with devices drawn), **settled ${secs(l.firstRender)}** (first MapLibre \`idle\`: ${l.renderedDevices} markers and clusters in view, no tile loading): DOMContentLoaded ${secs(l.domContentLoaded)}, map created ${secs(l.mapCreated)}, ` +
        `GET /api/map ${secs(l.mapRequestStart)} → ${secs(l.mapResponseEnd)}, GET /api/device-health done ${secs(l.healthResponseEnd)}.`,
    );
    out.push('');
    out.push(markdownTable(PHASE_HEADERS, phaseRows(r.page.phases), PHASE_ALIGN));
    if (r.page.liveMessages) out.push('', `Live messages received by the page during the run: ${r.page.liveMessages.events} event batches, ${r.page.liveMessages.status} status batches, ${r.page.liveMessages.missed} missed notices.`);
    out.push('');
  }
  return out.join('\n');
}

let chromiumVersion = '?';

async function main() {
  const machine = machineInfo();
  const loadAvg = os.loadavg()[0]!;
  log(`machine: ${describeMachine(machine)}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log('building the web console if stale …');
  await buildWeb({ quiet: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  chromiumVersion = browser.version();
  const runs: RunResult[] = [];
  try {
    for (const simRate of SIM_RATES) {
      log(`server: SQLite, demo university, XIAOAN_SIM_RATE=${simRate} …`);
      const server = await startServer({ db: 'sqlite', adminPassword: ADMIN_PASSWORD, env: { XIAOAN_DEMO: '1', XIAOAN_SIM_RATE: String(simRate) }, startTimeoutMs: 240_000, echoOutput: args.verbose });
      try {
        const api = new ApiClient(server.baseUrl, { timeoutMs: 120_000 });
        await api.request('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
        const fill = await fillCampus(api, seededRandom(Number(args.seed)));
        log(`campus ${fill.campusName}: ${fill.before} → ${fill.after} devices (${fill.created} created in ${fill.seconds.toFixed(1)} s)`);
        const onMap = (await api.request<MapLayers>('GET', `/api/map?campusId=${fill.campusId}`)).devices.features.length;
        if (simRate > 0) await new Promise((r) => setTimeout(r, 10_000)); // simulated devices connect and come online
        log('measuring in chromium …');
        const page = await measurePage(browser, server, fill.campusId);
        const run = { simRate, fill, campusDevicesOnMap: onMap, page };
        runs.push(run);
        const l = page.load;
        console.log(`\nsimulator ${simRate ? `on (${simRate}/s)` : 'off'}: ${onMap} devices on the campus map; load to first render ${secs(l.firstFrame)}, settled ${secs(l.firstRender)} (/api/map ${(l.mapBytes / 1024 / 1024).toFixed(1)} MiB done at ${secs(l.mapResponseEnd)})`);
        console.log(textTable(PHASE_HEADERS, phaseRows(page.phases), PHASE_ALIGN) + '\n');
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  if (args['write-results']) {
    const file = upsertResultsBlock('map-frame', markdownReport(runs, machine, loadAvg), { after: '### Map frame figures' });
    log(`figures written to ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
