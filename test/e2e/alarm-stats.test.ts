/**
 * Alarm statistics in a real browser against a real demo server: alarms raised by devices over
 * HTTP ingest and handled through the API (acknowledged, false alarms, a guard dispatched by the
 * rule who accepts and arrives), then the 报警统计 page: KPI cards equal to the API's answer, every
 * chart drawn on a canvas, the false-alarm device table, the campus filter. Saves
 * docs/screenshots/alarm-stats.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { AlarmStats } from '../../src/web/api/alarm-stats.ts';
import { lastDays, windowOf } from '../../src/web/features/alarm-stats/stats-format.ts';
import { ADMIN_PASSWORD, Api, launchChromium, startServer, type RunningServer, clickNav, newConsolePage } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
const CHARTS = ['chart-by-type', 'chart-by-area', 'chart-by-hour', 'chart-by-day', 'chart-durations'];

interface DeviceRow {
  id: string;
  name: string;
  lon: number | null;
  lat: number | null;
  floorId: string | null;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alarm statistics page (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let director: Api;
  const pageErrors: string[] = [];
  const statsUrl = (q: Record<string, string> = {}) => `/api/alarm-stats?${new URLSearchParams({ ...windowOf(...lastDays(30)), ...q })}`;

  before(async () => {
    process.env.XIAOAN_SIM_RATE = '0'; // no simulator: the alarms are the test's own
    try {
      server = await startServer();
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
    }
    const admin = new Api(server.baseUrl);
    await admin.login('admin', ADMIN_PASSWORD);
    const devices = async (kind: string, n: number) => {
      const items = (await admin.call<{ items: DeviceRow[] }>('GET', `/api/devices?kind=${kind}&status=in_service&pageSize=50`)).items.filter((d) => d.lon != null);
      assert.ok(items.length >= n, `${n} demo ${kind} devices`);
      return items.slice(0, n);
    };
    const [door1, door2, door3] = await devices('door', 3);
    const [panic] = await devices('panic_button', 1);
    const [zone] = await devices('perimeter_zone', 1);
    const [camera] = await devices('camera', 1);

    // guard01 stands near the panic button: the panic rule dispatches them.
    const guard = new Api(server.baseUrl);
    await guard.login('guard01', DEMO_PASSWORD);
    await guard.call('POST', '/api/my/position', { lon: panic!.lon! + 0.0005, lat: panic!.lat!, accuracyM: 8 });

    const raise = async (d: DeviceRow, kind: string, payload: object = {}) => {
      const cred = await admin.call<{ password: string }>('POST', `/api/devices/${d.id}/credentials`);
      const res = await fetch(`${server.baseUrl}/api/ingest/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${d.id}:${cred.password}`).toString('base64')}` },
        body: JSON.stringify({ events: [{ kind, sourceEventId: `stats-${d.id}-${kind}`, payload }] }),
      });
      assert.equal(res.status, 200, await res.text());
    };
    await raise(door1!, 'door.forced');
    await raise(door2!, 'door.forced');
    await raise(door3!, 'door.forced');
    await raise(panic!, 'panic');
    await raise(zone!, 'perimeter', { method: 'climbing' });
    await raise(camera!, 'tamper', { what: 'lens_blocked' });

    const operator = new Api(server.baseUrl);
    await operator.login('operator01', DEMO_PASSWORD);
    type AlarmRow = { id: string; deviceId: string };
    const alarmOf = async (deviceId: string) => {
      for (let i = 0; i < 100; i++) {
        const { items } = await operator.call<{ items: AlarmRow[] }>('GET', `/api/alarms?deviceId=${deviceId}&state=new,acknowledged,dispatched,on_scene`);
        if (items[0]) return items[0];
        await pause(100);
      }
      throw new Error(`no alarm for ${deviceId}`);
    };
    const step = (a: AlarmRow, s: string, note?: string) => operator.call('POST', `/api/alarms/${a.id}/steps`, { step: s, ...(note ? { note } : {}) });
    await pause(1500); // handling takes a moment, so the durations are not all zero
    await step(await alarmOf(door1!.id), 'acknowledge');
    await step(await alarmOf(door2!.id), 'false_alarm', '风吹门动，门磁误报');
    await step(await alarmOf(zone!.id), 'acknowledge');
    await pause(1000);
    await step(await alarmOf(door1!.id), 'false_alarm', '巡逻队员开门未刷卡');
    await step(await alarmOf(door3!.id), 'acknowledge');
    await alarmOf(camera!.id);
    const panicAlarm = await alarmOf(panic!.id);
    const mine = await guard.call<{ id: string; alarmId: string }[]>('GET', '/api/my/dispatches');
    const dispatch = mine.find((d) => d.alarmId === panicAlarm.id);
    assert.ok(dispatch, 'the panic rule dispatched guard01');
    await guard.call('POST', `/api/my/dispatches/${dispatch.id}/steps`, { step: 'accept' });
    await pause(1000);
    await guard.call('POST', `/api/my/dispatches/${dispatch.id}/steps`, { step: 'arrive' });
    await pause(500);
    await step(await alarmOf(door3!.id), 'resolve');

    director = new Api(server.baseUrl);
    await director.login('director', DEMO_PASSWORD);
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 1440 }, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows KPI cards equal to the API, every chart on a canvas, and the false-alarm devices', async () => {
    await page.goto(`${server.baseUrl}/map`);
    await page.waitForURL('**/login');
    await page.getByTestId('login-username').fill('director');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await clickNav(page, 'nav-alarm-stats');
    await page.waitForURL('**/alarm-stats');
    await page.getByTestId('alarm-stats-view').waitFor();
    await page.getByTestId('kpi-total').waitFor();

    const api = await director.call<AlarmStats>('GET', statsUrl());
    assert.equal(api.totals.alarms, 6);
    assert.equal(api.totals.falseAlarms, 2);
    assert.deepEqual(
      api.byType.map((x) => `${x.type}:${x.count}`),
      ['door_forced:3', 'panic:1', 'perimeter:1', 'tamper:1'],
    );
    assert.equal(api.durations.overall.acknowledge.count, 5, 'door1, door2 (straight to false alarm), door3, zone by the operator; panic by the guard');
    assert.equal(api.durations.overall.arrive.count, 1);

    const kpi = (key: string) => page.getByTestId(`kpi-${key}`);
    assert.equal(await kpi('total').getAttribute('data-value'), String(api.totals.alarms));
    assert.match(await kpi('total').innerText(), new RegExp(`报警总数\\s*${api.totals.alarms}\\b`));
    assert.equal(await kpi('false-rate').getAttribute('data-value'), String(api.totals.falseAlarmRate));
    assert.match(await kpi('false-rate').innerText(), /33\.3%/);
    assert.equal(await kpi('ack-p50').getAttribute('data-value'), String(api.durations.overall.acknowledge.p50));
    assert.match(await kpi('ack-p50').innerText(), /\d+ 秒/);
    assert.equal(await kpi('close-p50').getAttribute('data-value'), String(api.durations.overall.close.p50));

    for (const chart of CHARTS) {
      const canvas = page.getByTestId(chart).locator('canvas').first();
      await canvas.waitFor();
      // Something is drawn: the canvas has pixels that are not blank.
      const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(painted > 500, `${chart} draws something (${painted} pixels)`);
    }

    const rows = page.getByTestId('false-alarm-devices').locator('tbody tr.ant-table-row');
    assert.equal(await rows.count(), 2);
    const table = await page.getByTestId('false-alarm-devices').innerText();
    for (const d of api.devices) assert.ok(table.includes(d.name!), `${d.name} in the table`);
    assert.match(table, /100%/);

    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alarm-stats.png') });
  });

  it('filters by campus', async () => {
    const campus = (await director.call<AlarmStats>('GET', statsUrl())).byCampus.find((c) => c.campusId)!;
    const api = await director.call<AlarmStats>('GET', statsUrl({ campusId: campus.campusId! }));
    await page.getByTestId('alarm-stats-campus').click();
    await page.locator('.ant-select-item-option', { hasText: campus.name! }).first().click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="kpi-total"]')?.getAttribute('data-value') === String(n), api.totals.alarms);
    assert.equal(api.totals.alarms, campus.count);
    assert.deepEqual(pageErrors, []);
  });
});
