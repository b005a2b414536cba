/**
 * The live event pipeline in a real browser against a real server: devices push events over
 * HTTP ingest and they appear on the event stream page without a reload (newest on top, masked
 * ids, severity colours, pause, kind filter, details with a link to the device); bad messages
 * show on the dead-letters page with their raw bytes; a heartbeat turns a device online on the
 * map, and its silence turns it offline, live. Saves docs/screenshots/events.png and
 * dead-letters.png (Chinese).
 *
 * The server runs with the demo simulator off (only our events) and a 5 s heartbeat interval,
 * one missed heartbeat making a device offline, so the offline transition fits in a test.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { seedCampus } from './seed-campus.ts';
import { ADMIN_PASSWORD, Api, launchChromium, startServer, type RunningServer, clickNav } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const ANALYST_PASSWORD = 'analyst-password-1';
/** The acceptance bound: an event is on screen within this long after the device sent it. */

interface TestDevice {
  id: string;
  name: string;
  kind: string;
  campusId: string;
  universityId: string;
  password: string;
}

type DeviceRow = { id: string; name: string; kind: string; campusId: string; universityId: string; lon: number | null; floorId: string | null };

/** One outdoor device (drawn on the map whatever the floor) of each kind, with credentials. */
async function prepareDevices(api: Api): Promise<Record<string, TestDevice>> {
  const universities = await api.call<{ total: number }>('GET', '/api/org-units?kind=university&pageSize=1');
  if (universities.total === 0) await seedCampus(api);
  const kinds = ['lpr_camera', 'door', 'intrusion_zone', 'perimeter_zone', 'fire_detector', 'camera', 'panic_button', 'patrol_checkpoint'];
  const campus = (await api.call<{ items: { id: string }[] }>('GET', '/api/org-units?kind=campus&pageSize=1')).items[0]!;
  const out: Record<string, TestDevice> = {};
  for (const kind of kinds) {
    const page = await api.call<{ items: DeviceRow[] }>('GET', `/api/devices?kind=${kind}&campusId=${campus.id}&status=in_service&pageSize=100`);
    const d = page.items.find((x) => x.lon != null && !x.floorId) ?? page.items.find((x) => x.lon != null) ?? page.items[0];
    if (!d) continue;
    const cred = await api.call<{ password: string }>('POST', `/api/devices/${d.id}/credentials`);
    out[kind] = { id: d.id, name: d.name, kind, campusId: d.campusId, universityId: d.universityId, password: cred.password };
  }
  for (const k of ['lpr_camera', 'door', 'intrusion_zone']) assert.ok(out[k], `a ${k} to test with`);
  return out;
}

interface IngestAnswer {
  status: number;
  body: { results?: { status: string }[]; details?: { field: string }[] };
}

async function ingest(baseUrl: string, device: TestDevice, body: string | object): Promise<IngestAnswer> {
  const res = await fetch(`${baseUrl}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${device.id}:${device.password}`).toString('base64')}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as IngestAnswer['body'] };
}

async function heartbeat(baseUrl: string, device: TestDevice): Promise<void> {
  const res = await fetch(`${baseUrl}/api/ingest/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${device.id}:${device.password}`).toString('base64')}` },
  });
  assert.equal(res.status, 204);
}

let seq = 0;
const sid = (prefix: string) => `e2e-${prefix}-${++seq}`;
const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();

describe('live events, dead letters and device status (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let devices: Record<string, TestDevice>;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const remoteRequests: string[] = [];
  const latencies: number[] = [];

  before(async () => {
    // Read by startServer (it passes this process's environment on).
    process.env.XIAOAN_SIM_RATE = '0';
    process.env.XIAOAN_HEARTBEAT_INTERVAL_S = '5';
    process.env.XIAOAN_OFFLINE_AFTER_MISSED = '1';
    try {
      server = await startServer();
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
      delete process.env.XIAOAN_HEARTBEAT_INTERVAL_S;
      delete process.env.XIAOAN_OFFLINE_AFTER_MISSED;
    }
    api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    devices = await prepareDevices(api);
    await api.call('POST', '/api/users', { username: 'e2e-analyst', displayName: '市教委分析员', password: ANALYST_PASSWORD, role: 'commission_analyst', universityId: null });

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
    });
    // Offline: nothing from anywhere but our own server (HTTP and the live WebSocket).
    const own = [server.baseUrl, server.baseUrl.replace(/^http/, 'ws'), 'data:', 'blob:'];
    page.on('request', (req) => {
      if (!own.some((prefix) => req.url().startsWith(prefix))) remoteRequests.push(req.url());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    if (latencies.length) console.log(`live latency (ingest request → row on screen): ${latencies.map((l) => `${l} ms`).join(', ')}`);
    await browser?.close();
    await server?.stop();
  });

  const rows = () => page.locator('[data-testid="event-table"] .ant-table-row');

  /** Sends a batch and waits until one more row matches `selector`; returns the time from sending to showing. */
  async function pushAndSee(device: TestDevice, events: object[], selector: string): Promise<number> {
    const before = await page.locator(selector).count();
    const t0 = Date.now();
    const answer = await ingest(server.baseUrl, device, { events });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [selector, before] as const, { polling: 'raf', timeout: 10_000 });
    return Date.now() - t0;
  }
  const rowSelector = (kind: string, extra = '') => `[data-testid="event-table"] .ant-table-row${extra}[data-kind="${kind}"]`;

  it('logs in and opens the event stream over the shared live connection', async () => {
    await page.goto(server.baseUrl + '/login');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/map');
    await page.getByTestId('nav-events').click();
    await page.waitForURL('**/events');
    await page.locator('[data-testid="live-indicator"][data-phase="open"]').waitFor();
    await page.getByTestId('event-table').waitFor();
    assert.match(await page.getByTestId('event-count').innerText(), /显示 \d+ 条/);
  });

  it('shows a pushed event without a reload, newest on top, in Chinese (latency printed; measured in bench/)', async () => {
    const lpr = devices.lpr_camera!;
    const ms = await pushAndSee(lpr, [{ kind: 'plate.read', sourceEventId: sid('plate'), occurredAt: ago(1), payload: { plate: '沪E2E001', colour: 'blue', direction: 'in', confidence: 0.97, lane: 1 } }], rowSelector('plate.read'));
    latencies.push(ms);
    const top = rows().first();
    assert.match(await top.innerText(), /车牌识别/);
    assert.match(await top.innerText(), /沪E2E001 · 蓝牌 · 进 · 置信度 97%/);
    await top.getByText(lpr.name).waitFor(); // the device by its ledger name (once the directory is in)

    const ms2 = await pushAndSee(
      devices.door!,
      [{ kind: 'access.denied', sourceEventId: sid('acs'), payload: { credentialType: 'card', credentialId: '3A9F22C1', personId: '2023104567', reason: 'time_restricted', direction: 'in' } }],
      rowSelector('access.denied'),
    );
    latencies.push(ms2);
    const text = await rows().first().innerText();
    assert.match(text, /拒绝通行/);
    assert.match(text, /2023\*\*\*\*67/, 'person id masked');
    assert.match(text, /3A\*\*\*\*C1/, 'card number masked');
    assert.doesNotMatch(await page.getByTestId('event-table').innerText(), /2023104567|3A9F22C1/);

    latencies.push(await pushAndSee(devices.intrusion_zone!, [{ kind: 'intrusion', sourceEventId: sid('ids'), payload: { zone: '3', detector: 'dual_tech' } }], rowSelector('intrusion', '.event-row-critical')));
    assert.match(await rows().first().innerText(), /紧急\s+入侵报警/);
  });

  it('shows an event’s payload as readable fields and links to its device', async () => {
    await page.locator(rowSelector('access.denied')).first().click();
    const drawer = page.getByTestId('event-drawer');
    await drawer.getByTestId('event-details').waitFor();
    const text = await drawer.innerText();
    for (const expected of ['拒绝通行', '人员编号', '2023****67', '卡号/凭证号', '3A****C1', '不在允许时段', '刷卡', devices.door!.name]) assert.ok(text.includes(expected), `drawer shows ${expected}`);
    const href = await drawer.getByTestId('event-device-link').getAttribute('href');
    assert.equal(href, `/map?device=${devices.door!.id}`);
    await page.keyboard.press('Escape');
    await drawer.getByTestId('event-details').waitFor({ state: 'hidden' });
  });

  it('holds new events while paused and counts them', async () => {
    await page.getByTestId('event-pause').click();
    const shown = await rows().count();
    const answer = await ingest(server.baseUrl, devices.lpr_camera!, {
      events: [
        { kind: 'plate.read', sourceEventId: sid('plate'), payload: { plate: '沪E2E002', colour: 'green', direction: 'out', confidence: 0.9 } },
        { kind: 'plate.read', sourceEventId: sid('plate'), payload: { plate: '沪E2E003', colour: 'yellow', direction: 'in', confidence: 0.88 } },
      ],
    });
    assert.equal(answer.status, 200);
    await page.waitForFunction(() => /(\d+) 条新事件/.test(document.querySelector('[data-testid="event-pending"]')?.textContent ?? '') && Number(/(\d+) 条新事件/.exec(document.querySelector('[data-testid="event-pending"]')!.textContent!)![1]) >= 2);
    assert.equal(await rows().count(), shown, 'nothing new shown while paused');
    assert.doesNotMatch(await page.getByTestId('event-table').innerText(), /沪E2E003/);
    await page.getByTestId('event-pause').click();
    await page.getByTestId('event-table').getByText('沪E2E003', { exact: false }).waitFor();
    assert.equal(await page.getByTestId('event-pending').count(), 0);
  });

  it('filters by kind, reads history from the API, and pages back with “load more”', async () => {
    // A realistic hour on one campus, stored before the page asks for it.
    const d = devices;
    const batch = (device: TestDevice | undefined, events: object[]) => (device ? ingest(server.baseUrl, device, { events }) : null);
    await Promise.all([
      batch(d.lpr_camera, [
        { kind: 'plate.read', sourceEventId: sid('plate'), payload: { plate: '沪A3K912', colour: 'blue', direction: 'in', confidence: 0.98, lane: 1 } },
        { kind: 'plate.read', sourceEventId: sid('plate'), payload: { plate: '沪AD12345', colour: 'green', direction: 'in', confidence: 0.95, lane: 2 } },
        { kind: 'plate.read', sourceEventId: sid('plate'), payload: { plate: '苏E88M21', colour: 'blue', direction: 'out', confidence: 0.91, lane: 1 } },
      ]),
      batch(d.door, [
        { kind: 'access.granted', sourceEventId: sid('acs'), payload: { credentialType: 'card', credentialId: '6533240300', personId: '2023190311', direction: 'in' } },
        { kind: 'access.granted', sourceEventId: sid('acs'), payload: { credentialType: 'face', personId: '2022081544', direction: 'out' } },
        { kind: 'door.held_open', sourceEventId: sid('acs'), payload: { seconds: 95 } },
      ]),
      batch(d.perimeter_zone, [{ kind: 'perimeter', sourceEventId: sid('per'), payload: { segment: 'P02', method: 'climbing' } }]),
      batch(d.fire_detector, [{ kind: 'smoke', sourceEventId: sid('fire'), payload: { density: 12.5 } }]),
      batch(d.camera, [
        { kind: 'motion', sourceEventId: sid('cam'), payload: { objectType: 'person', region: '警戒区' } },
        { kind: 'face.match', sourceEventId: sid('cam'), payload: { similarity: 0.93, personId: '2021106688', watchlist: '重点关注' } },
        { kind: 'video.loss', sourceEventId: sid('cam'), payload: { channel: 2 } },
      ]),
      batch(d.patrol_checkpoint, [{ kind: 'patrol.checkin', sourceEventId: sid('pat'), occurredAt: ago(600), payload: { guardId: 'G017', routeId: '夜间一号线' } }]),
      batch(d.panic_button, [{ kind: 'panic', sourceEventId: sid('sos'), payload: {} }]),
    ]);

    // Only intrusions: typed into the kind filter (labels are Chinese).
    await page.getByTestId('event-filter-kind').click();
    await page.keyboard.type('入侵');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '入侵报警' }).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => {
      const r = [...document.querySelectorAll('[data-testid="event-table"] .ant-table-row')];
      return r.length > 0 && r.every((x) => x.getAttribute('data-kind') === 'intrusion');
    });
    await page.getByTestId('event-filter-kind').locator('.ant-select-clear').click({ force: true });

    // Back to everything: the latest page comes from GET /api/events, live events on top.
    await page.reload();
    await page.locator('[data-testid="live-indicator"][data-phase="open"]').waitFor();
    await page.getByTestId('event-table').getByText('沪A3K912', { exact: false }).waitFor();
    const before = await rows().count();
    assert.ok(before >= 15, `history loaded (${before} rows)`);
    const loadOlder = page.getByTestId('event-load-older');
    if (await loadOlder.count()) {
      await loadOlder.click();
      await page.getByTestId('event-load-older').or(page.getByText('没有更早的事件了')).first().waitFor();
    }
    // A check-in the device held back for ten minutes is marked as late, not misplaced.
    assert.match(await page.locator(rowSelector('patrol.checkin')).first().innerText(), /补传/);
    await page.waitForFunction(() => !document.querySelector('[data-testid="event-table"]')?.textContent?.includes('加载中'));
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'events.png') });
  });

  it('lists bad messages on the dead-letters page with reason, field and raw bytes', async () => {
    const lpr = devices.lpr_camera!;
    const wrongColour = await ingest(server.baseUrl, lpr, { events: [{ kind: 'plate.read', sourceEventId: sid('bad'), payload: { plate: '沪A00000', colour: 'purple', direction: 'in', confidence: 0.9 } }] });
    assert.equal(wrongColour.status, 400);
    assert.equal(wrongColour.body.details?.[0]?.field, 'events[0].payload.colour');
    assert.equal((await ingest(server.baseUrl, lpr, '{"events":[{"kind":"plate.read",')).status, 400);
    assert.equal((await ingest(server.baseUrl, devices.door!, { events: [{ kind: 'laser.beam', payload: {} }] })).status, 400);

    await clickNav(page, 'nav-dead-letters');
    await page.waitForURL('**/dead-letters');
    const table = page.getByTestId('dead-letter-table');
    await table.locator('.ant-table-row').first().waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), 3);
    const text = await table.innerText();
    assert.match(text, /payload\.colour/);
    assert.match(text, /must be one of/);
    assert.match(text, /unknown event kind "laser\.beam"/);
    assert.match(text, /not valid JSON/);
    await table.getByText(lpr.name).first().waitFor(); // names from the device directory

    const notJson = table.locator('.ant-table-row', { hasText: 'not valid JSON' });
    await notJson.getByTestId('dead-letter-show-raw').click();
    const raw = page.getByTestId('dead-letter-raw');
    await raw.waitFor();
    const rawText = await raw.innerText();
    assert.ok(rawText.includes('{"events":[{"kind":"plate.read",'), 'the bytes as sent');
    const size = Buffer.byteLength('{"events":[{"kind":"plate.read",');
    assert.match(rawText, new RegExp(`原始大小 ${size} B`));
    assert.match(rawText, new RegExp(`base64 共 ${Buffer.from('{"events":[{"kind":"plate.read",').toString('base64').length} 个字符`));

    const ranking = page.getByTestId('dead-letter-ranking');
    await ranking.getByText(lpr.name).waitFor();
    const top = await ranking.locator('li').first().innerText();
    assert.ok(top.includes(lpr.name) && /\b2\b/.test(top), `most dead letters first: ${top}`);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dead-letters.png') });

    // Picking a device in the ranking narrows the table to it.
    await ranking.getByText(lpr.name).click();
    await page.getByTestId('dead-letter-device-filter').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="dead-letter-table"] .ant-table-row').length === 2);
  });

  it('shows a device online on the map after a heartbeat, then offline when it falls silent', async () => {
    const lpr = devices.lpr_camera!;
    await page.goto(server.baseUrl + `/map?device=${lpr.id}`);
    const drawer = page.getByTestId('device-drawer');
    await drawer.getByTestId('device-details').waitFor();
    await page.locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
    const legend = await page.getByTestId('map-legend-health').innerText();
    for (const label of ['在线', '离线', '未知']) assert.ok(legend.includes(label), `legend explains ${label}`);
    assert.match(await page.getByTestId('map-legend').innerText(), /空心：未知（从未上报过心跳或事件/);

    await heartbeat(server.baseUrl, lpr);
    await page.waitForFunction((id) => {
      const el = document.querySelector('[data-testid="map-canvas"]') as (HTMLElement & { __maplibre?: any }) | null;
      const f = el?.__maplibre?.querySourceFeatures('devices', { filter: ['==', ['get', 'id'], id] })?.[0];
      return f?.properties.health === 'online';
    }, lpr.id);
    await drawer.locator('[data-testid="device-health"][data-health="online"]').waitFor();
    assert.match(await drawer.getByTestId('device-health').innerText(), /在线\s*最后上报/);

    // Devices never heard from (all but ours: the simulator is off) are "unknown", not offline.
    const ours = new Set(Object.values(devices).map((d) => d.id));
    const others: { id: string; health: string }[] = await page.evaluate(() => {
      const el = document.querySelector('[data-testid="map-canvas"]') as (HTMLElement & { __maplibre?: any }) | null;
      return (el?.__maplibre?.queryRenderedFeatures({ layers: ['devices'] }) ?? []).map((f: any) => ({ id: f.properties.id as string, health: f.properties.health as string }));
    });
    const notOurs = others.filter((f) => !ours.has(f.id));
    assert.ok(notOurs.length > 0, 'other devices are drawn');
    assert.deepEqual([...new Set(notOurs.map((f) => f.health))], ['unknown']);

    // One missed 5 s heartbeat: offline, pushed to the page as a status change.
    await page.waitForFunction(
      (id) => {
        const el = document.querySelector('[data-testid="map-canvas"]') as (HTMLElement & { __maplibre?: any }) | null;
        const f = el?.__maplibre?.querySourceFeatures('devices', { filter: ['==', ['get', 'id'], id] })?.[0];
        return f?.properties.health === 'offline';
      },
      lpr.id,
      { timeout: 30_000 },
    );
    await drawer.locator('[data-testid="device-health"][data-health="offline"]').waitFor();
    assert.match(await drawer.getByTestId('device-health').innerText(), /离线\s*最后上报/);

    // The map's online filter counts it among the offline ones (the drawer closed by its button: Escape
    // reaches it only while the focus is inside it).
    await page.locator('.ant-drawer:visible .ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByTestId('map-filter-health').click();
    const offlineOption = page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '离线' });
    assert.ok(Number((await offlineOption.innerText()).replace(/\D/g, '')) >= 1);
    await offlineOption.click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => /显示设备 [1-9]\d* \//.test(document.querySelector('[data-testid="map-device-count"]')?.textContent ?? ''));
  });

  it('hides the event stream from the commission analyst (no event.read) but shows dead letters and online rate', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const analyst = await context.newPage();
    analyst.on('pageerror', (err) => pageErrors.push(err.message));
    await analyst.goto(server.baseUrl + '/login');
    await analyst.getByTestId('login-username').fill('e2e-analyst');
    await analyst.getByTestId('login-password').fill(ANALYST_PASSWORD);
    await analyst.getByTestId('login-submit').click();
    await analyst.waitForURL('**/map');
    await analyst.locator('[data-testid="live-indicator"][data-phase="open"]').waitFor();
    assert.equal(await analyst.getByTestId('nav-events').count(), 0);
    assert.equal(await analyst.getByTestId('nav-dead-letters').count(), 1);
    await clickNav(analyst, 'nav-device-health');
    await analyst.getByTestId('online-rate-view').waitFor();
    await analyst.goto(server.baseUrl + '/events');
    await analyst.waitForURL('**/map');
    await context.close();
  });

  it('raised no errors in the page and fetched nothing from outside the server', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(remoteRequests, []);
  });
});
