/**
 * Compliance evaluation of a whole university (issue 16): goal under 2 s for a 5,000-camera
 * university.
 *
 *   node --import tsx bench/compliance.bench.ts [--cameras 5000] [--runs 7] [--demo] [--write-results] [--only placement]
 *
 * Two measurements:
 * - **synthetic**: a university built in memory with `--cameras` cameras — 60 buildings of 5–8
 *   floors, each a key site judged floor by floor, plus a finance office, a secrets room and a lab
 *   on one floor each, 12 gates and squares outdoors; cameras on every floor along the corridors
 *   (bearing, field of view, range and resolution as a campus records them) and outdoors; doors and
 *   alarms at the sites. Times the whole evaluation as the worker runs it: every site's coverage,
 *   entrances and contents (`computeCoverage`) and the score of the rule pack (`evaluate`).
 * - **demo** (`--demo`): the demo university seeded into a SQLite store and scored through the real
 *   service call a director's `GET /api/compliance/score` makes (ledger and org reads, the worker
 *   thread, the rule pack) — end to end, without HTTP.
 * Runs alternate when both are measured; the first run of each is a warm-up and not counted.
 *
 * Then the placement suggestions of the remediation plan (整改计划, issue 16 item 5), goal well under
 * a second per key site: for the synthetic university the greedy search (`computePlacements`, in
 * process) over every key site below full coverage, with the slowest site; for the demo the service
 * call a director's `GET /api/compliance/remediation` makes (reads, coverage worker, placement
 * worker, ranking).
 */
import { parseArgs } from 'node:util';
import type { DeviceKind } from '../src/shared/domain.ts';
import type { AreaGeometry } from '../src/shared/geojson.ts';
import { computeCoverage, type CoverageJob } from '../src/server/modules/compliance/coverage.worker.ts';
import { evaluate, type ComplianceInputs } from '../src/server/modules/compliance/evaluate.ts';
import { BASELINE_PACK } from '../src/server/modules/compliance/packs.ts';
import { computePlacements } from '../src/server/modules/compliance/placement.worker.ts';
import { suggestPlacements } from '../src/server/modules/compliance/placement.ts';
import { camerasNear } from '../src/server/modules/compliance/coverage.ts';
import { FULL_COVERAGE_SHARE } from '../src/shared/compliance.ts';
import { seededRandom as rng } from './lib/load.ts';
import { describeMachine, machineInfo } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { fmtMs, markdownTable, summarize, textTable } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    cameras: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '7' },
    demo: { type: 'boolean', default: false },
    'write-results': { type: 'boolean', default: false },
    /** `placement`: only the placement measurement (and only its results block). */
    only: { type: 'string' },
  },
});
const CAMERAS = Number(args.cameras);
const RUNS = Number(args.runs);
const GOAL_MS = 2000;


const LON0 = 121.5;
const LAT0 = 31.3;
const M_LAT = (Math.PI / 180) * 6_371_008.8;
const M_LON = M_LAT * Math.cos((LAT0 * Math.PI) / 180);
const ll = (x: number, y: number): [number, number] => [LON0 + x / M_LON, LAT0 + y / M_LAT];
const rect = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({ type: 'Polygon', coordinates: [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]] });

/** The synthetic university: a job for the worker and the inputs the rule pack reads besides coverage. */
function synthetic(cameraTarget: number): { job: CoverageJob; devices: ComplianceInputs['devices']; meta: { id: string; name: string; category: ComplianceInputs['sites'][number]['category'] }[] } {
  const r = rng(42);
  const job: CoverageJob = { sites: [], cameras: [], accessPoints: [], devices: [] };
  const devices: ComplianceInputs['devices'] = [];
  const meta: { id: string; name: string; category: ComplianceInputs['sites'][number]['category'] }[] = [];
  let n = 0;
  const add = (kind: DeviceKind, x: number, y: number, floorId: string | null, extra: Partial<CoverageJob['cameras'][number]> = {}) => {
    const id = `d${++n}`;
    const [lon, lat] = ll(x, y);
    const resolution = kind === 'camera' ? ((['1080p', '1080p', '1080p', '4k', '720p', 'analog'] as const)[Math.floor(r() * 6)] ?? '1080p') : null;
    devices.push({ id, name: id, kind, inService: r() > 0.03, campusId: 'campus', retentionDays: kind === 'camera' ? (r() < 0.9 ? 90 : 15) : null, resolution, areaPrivacy: null });
    job.devices.push({ id, name: id, lon, lat, floorId });
    if (kind === 'camera') job.cameras.push({ id, name: id, lon, lat, bearingDeg: r() * 360, fovDeg: 60 + r() * 50, rangeM: 20 + r() * 30, resolution, floorId, inService: true, ...extra });
    if (kind === 'door' || kind === 'turnstile' || kind === 'barrier_gate') job.accessPoints.push({ id, name: id, lon, lat, floorId });
    return id;
  };
  const BUILDINGS = 60;
  const outdoor = Math.round(cameraTarget * 0.15);
  const perBuilding = Math.floor((cameraTarget - outdoor) / BUILDINGS);
  for (let b = 0; b < BUILDINGS; b++) {
    const [bx, by] = [(b % 10) * 120, Math.floor(b / 10) * 90];
    const [w, h] = [60 + r() * 30, 18 + r() * 10];
    const floors = Array.from({ length: 5 + Math.floor(r() * 4) }, (_, f) => `b${b}f${f}`);
    const site = `site-b${b}`;
    job.sites.push({ id: site, geometry: rect(bx, by, bx + w, by + h), floorIds: floors });
    meta.push({ id: site, name: `楼${b}`, category: (['teaching_building', 'dormitory', 'library', 'admin_building'] as const)[b % 4]! });
    for (let k = 0; k < perBuilding; k++) {
      const f = floors[k % floors.length]!;
      add('camera', bx + 2 + r() * (w - 4), by + h / 2 + (r() - 0.5) * 3, f);
    }
    for (const f of floors) add('door', bx, by + h / 2, f);
    if (b % 6 === 0) {
      // A room-level site on one floor: finance office, secrets room or lab, with its own cameras, door and alarms.
      const f = floors[1]!;
      const room = `site-r${b}`;
      job.sites.push({ id: room, geometry: rect(bx + 5, by + 2, bx + 17, by + 10), floorIds: [f] });
      meta.push({ id: room, name: `房间${b}`, category: (['finance_office', 'secrets_room', 'hazardous_lab'] as const)[(b / 6) % 3]! });
      add('camera', bx + 5.5, by + 2.5, f, { bearingDeg: 45, fovDeg: 90, rangeM: 15 });
      add('door', bx + 11, by + 2, f);
      add('intrusion_zone', bx + 10, by + 6, f);
      if (b % 12 === 0) add('panic_button', bx + 16, by + 9, f);
    }
  }
  for (let g = 0; g < 12; g++) {
    const [gx, gy] = [g * 100, -60];
    const site = `site-g${g}`;
    job.sites.push({ id: site, geometry: rect(gx, gy, gx + 30, gy + 25), floorIds: null });
    meta.push({ id: site, name: `门${g}`, category: g < 8 ? 'gate' : 'road_square' });
    add('barrier_gate', gx + 15, gy, null);
    if (g % 3) add('lpr_camera' as DeviceKind, gx + 10, gy + 2, null);
  }
  for (let k = job.cameras.length; k < cameraTarget; k++) add('camera', r() * 1200, -100 + r() * 650, null);
  return { job, devices, meta };
}

function scoreSynthetic(data: ReturnType<typeof synthetic>): { ms: number; score: number; sites: number } {
  const t0 = performance.now();
  const analyses = computeCoverage(data.job);
  const inputs: ComplianceInputs = {
    universityId: 'u',
    asOf: '2026-12-07T00:00:00.000Z',
    devices: data.devices,
    sites: analyses.map((a, i) => ({ id: data.meta[i]!.id, name: data.meta[i]!.name, category: data.meta[i]!.category, campusId: 'campus', coverage: a, deviceIds: a.deviceIds })),
    duty: { gaps: [], rostered: 0, uncertified: [] },
  };
  const s = evaluate(BASELINE_PACK, inputs, null, inputs.asOf);
  return { ms: performance.now() - t0, score: s.score, sites: analyses.length };
}

async function demoScorer(): Promise<{ run: () => Promise<{ ms: number; score: number; sites: number }>; plan: () => Promise<{ ms: number; sites: number; suggestions: number }>; cameras: number; close: () => Promise<void> }> {
  const { createServices } = await import('../src/server/http/app.ts');
  const { loadConfig } = await import('../src/server/config.ts');
  const { SYSTEM_ACTOR } = await import('../src/server/http/policy.ts');
  const { openStore } = await import('../src/server/store/database.ts');
  const { migrateToLatest } = await import('../src/server/store/migrations/index.ts');
  const { seedDemoIfEmpty } = await import('../src/server/simulator/demo-seed.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-compliance-bench-'));
  const store = openStore({ dataDir: dir });
  await migrateToLatest(store.db, store.dialect);
  const services = createServices(loadConfig({}, { XIAOAN_LOG_LEVEL: 'silent', XIAOAN_DATA_DIR: dir }), store);
  await services.org.ensureCommission(SYSTEM_ACTOR);
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => quiet, level: 'silent', silent() {} };
  await seedDemoIfEmpty({ services, store, log: quiet as never });
  const universityId = (await store.db.selectFrom('org_units').select('id').where('kind', '=', 'university').executeTakeFirstOrThrow()).id;
  const { RemediationService } = await import('../src/server/modules/compliance/remediation.service.ts');
  const remediation = new RemediationService(services.compliance, services.org);
  const cameras = Number((await store.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', 'in', ['camera', 'lpr_camera']).executeTakeFirstOrThrow()).n);
  return {
    cameras,
    run: async () => {
      const t0 = performance.now();
      const s = await services.compliance.score(SYSTEM_ACTOR, { universityId });
      return { ms: performance.now() - t0, score: s.score, sites: s.rules.length };
    },
    plan: async () => {
      const t0 = performance.now();
      const p = await remediation.plan(SYSTEM_ACTOR, { universityId });
      return { ms: performance.now() - t0, sites: p.placements.length, suggestions: p.placements.reduce((n, x) => n + x.suggestions.length, 0) };
    },
    close: async () => {
      await remediation.close();
      await Promise.all(services.modules.map((m) => m.stop?.()));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const machine = describeMachine(machineInfo());
const date = new Date().toISOString().slice(0, 10);
console.log(`compliance bench — ${machine}, ${date}, Node ${process.version}`);
const data = synthetic(CAMERAS);
console.log(`synthetic: ${data.job.cameras.length} cameras, ${data.job.sites.length} key sites, ${data.devices.length} devices`);
const demo = args.demo ? await demoScorer() : null;
if (demo) console.log(`demo: seeded, ${demo.cameras} cameras`);

const samples: Record<string, number[]> = { synthetic: [], demo: [] };
const lastScore: Record<string, number> = {};
const ONLY_PLACEMENT = args.only === 'placement';
for (let i = 0; i <= (ONLY_PLACEMENT ? -1 : RUNS); i++) {
  const a = scoreSynthetic(data);
  if (i > 0) samples.synthetic!.push(a.ms);
  lastScore.synthetic = a.score;
  const b = demo ? await demo.run() : null;
  if (b) {
    if (i > 0) samples.demo!.push(b.ms);
    lastScore.demo = b.score;
  }
  console.log(`run ${i}${i === 0 ? ' (warm-up)' : ''}: synthetic ${fmtMs(a.ms)} ms${b ? `, demo ${fmtMs(b.ms)} ms` : ''}`);
}

// Placement suggestions (整改计划): the sites below full coverage, as the remediation plan searches them.
const analyses = computeCoverage(data.job);
const shortSites = data.job.sites.filter((_, i) => analyses[i]!.share < FULL_COVERAGE_SHARE);
const perSite = shortSites.map((site) => {
  const near = camerasNear(site, data.job.cameras);
  const t0 = performance.now();
  const r = suggestPlacements(site, near);
  return { ms: performance.now() - t0, n: r.suggestions.length };
});
const slowest = Math.max(...perSite.map((x) => x.ms));
const placementSamples: Record<string, number[]> = { synthetic: [], demo: [] };
let demoPlan = { sites: 0, suggestions: 0 };
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  computePlacements({ sites: shortSites, cameras: data.job.cameras });
  const a = performance.now() - t0;
  if (i > 0) placementSamples.synthetic!.push(a);
  const b = demo ? await demo.plan() : null;
  if (b) {
    if (i > 0) placementSamples.demo!.push(b.ms);
    demoPlan = b;
  }
  console.log(`placement run ${i}${i === 0 ? ' (warm-up)' : ''}: synthetic ${fmtMs(a)} ms${b ? `, demo plan ${fmtMs(b.ms)} ms` : ''}`);
}
await demo?.close();

const rows = Object.entries(samples)
  .filter(([, s]) => s.length)
  .map(([name, s]) => {
    const x = summarize(s);
    const cams = name === 'synthetic' ? data.job.cameras.length : demo!.cameras;
    return [name === 'synthetic' ? `synthetic, in process (coverage + score)` : 'demo university, service call (reads + worker + score)', cams, fmtMs(x.p50), fmtMs(x.max), lastScore[name]!, x.p50 < GOAL_MS ? 'met' : 'MISSED'];
  });
const headers = ['what', 'cameras', 'median ms', 'max ms', 'score', `goal < ${GOAL_MS} ms`];
console.log(textTable(headers, rows));
const placementRows = [
  ...(placementSamples.synthetic!.length
    ? [[`synthetic, in process (greedy search of ${shortSites.length} sites below full coverage)`, data.job.cameras.length, perSite.reduce((n, x) => n + x.n, 0), fmtMs(summarize(placementSamples.synthetic!).p50), fmtMs(summarize(placementSamples.synthetic!).max), fmtMs(slowest)]]
    : []),
  ...(placementSamples.demo!.length ? [[`demo university, service call (reads + coverage worker + placement worker + plan; ${demoPlan.sites} sites)`, demo!.cameras, demoPlan.suggestions, fmtMs(summarize(placementSamples.demo!).p50), fmtMs(summarize(placementSamples.demo!).max), '–']] : []),
];
const placementHeaders = ['placement', 'cameras', 'suggestions', 'median ms', 'max ms', 'slowest site ms'];
console.log(textTable(placementHeaders, placementRows));
if (args['write-results']) {
  if (!ONLY_PLACEMENT) {
    const text = `Measured ${date} on ${machine}, ${RUNS} runs after one warm-up, alternating.\n\n${markdownTable(headers, rows)}`;
    console.log(`written to ${upsertResultsBlock('compliance', text, { after: '## Compliance evaluation (issue 16)' })}`);
  }
  const ptext = `Measured ${date} on ${machine}, ${RUNS} runs after one warm-up.\n\n${markdownTable(placementHeaders, placementRows)}`;
  console.log(`written to ${upsertResultsBlock('compliance-placement', ptext, { after: '### Placement suggestions (整改计划, issue 16 item 5)' })}`);
}
