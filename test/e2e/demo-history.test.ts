/**
 * The demo university's past (issue 18) in a real browser: a fresh demo server generates its
 * history at first start (XIAOAN_DEMO_HISTORY_DAYS, 90 by default, as `npm start` does), then
 * the 报警统计 page over the last 90 days shows hundreds of alarms by type, area, hour and shift
 * with handling times, and the 事件 page finds events from about 80 days back. Saves
 * docs/screenshots/alarm-stats-history.png and docs/screenshots/events-history.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { AlarmStats } from '../../src/web/api/alarm-stats.ts';
import { lastDays, windowOf } from '../../src/web/features/alarm-stats/stats-format.ts';
import { Api, clickNav, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
const DAYS = Number(process.env.XIAOAN_E2E_HISTORY_DAYS || 90);
const DAY_MS = 86_400_000;

describe('demo history (browser)', { timeout: 600_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let director: Api;
  const pageErrors: string[] = [];

  before(async () => {
    process.env.XIAOAN_SIM_RATE = '0'; // the past only: nothing live joins it during the test
    try {
      server = await startServer({ historyDays: DAYS, startTimeoutMs: 300_000 });
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
    }
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

  it('prints its progress and time at first start', () => {
    const log = server.log();
    assert.match(log, /history: 10\/\d+ days/);
    assert.match(log, new RegExp(`history: ${DAYS} days \\(\\d{4}-\\d\\d-\\d\\d – \\d{4}-\\d\\d-\\d\\d\\) generated in \\d+\\.\\d s`));
  });

  it('shows 90 days of alarms by type, area, hour and shift with handling times', async () => {
    const stats = await director.call<AlarmStats>('GET', `/api/alarm-stats?${new URLSearchParams(windowOf(...lastDays(90)))}`);
    assert.ok(stats.totals.alarms >= DAYS * 5, `${stats.totals.alarms} alarms`);
    assert.ok(stats.totals.falseAlarms > 0 && stats.totals.falseAlarms < stats.totals.alarms);
    assert.ok(stats.byType.length >= 5, 'several alarm types');
    assert.ok(stats.byBuilding.length >= 5, 'alarms in many buildings');
    for (const s of stats.durations.shifts) {
      assert.ok(s.alarms > 0, `alarms in the ${s.shift} shift`);
      assert.ok(s.steps.acknowledge.count > 0 && s.steps.close.count > 0, `handling times in the ${s.shift} shift`);
    }
    const night = stats.durations.shifts.find((s) => s.shift === 'night')!.steps.acknowledge.p50!;
    const day = stats.durations.shifts.find((s) => s.shift === 'day')!.steps.acknowledge.p50!;
    assert.ok(night > day, `the night shift acknowledges more slowly (${night} s vs ${day} s)`);

    await page.goto(`${server.baseUrl}/map`);
    await page.waitForURL('**/login');
    await page.getByTestId('login-username').fill('director');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await clickNav(page, 'nav-alarm-stats');
    await page.getByTestId('kpi-total').waitFor();
    await page.getByTestId('alarm-stats-range').first().click();
    await page.getByText('近 90 天').click();
    await page.mouse.move(1, 1);
    await page.locator(`[data-testid="kpi-total"][data-value="${stats.totals.alarms}"]`).waitFor();
    for (const chart of ['chart-by-type', 'chart-by-area', 'chart-by-hour', 'chart-by-day', 'chart-durations']) await page.getByTestId(chart).locator('canvas').first().waitFor();
    await page.waitForTimeout(800); // chart animations
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alarm-stats-history.png') });
    assert.deepEqual(pageErrors, []);
  });

  it('finds events from about 80 days back on the events page', async () => {
    await clickNav(page, 'nav-events');
    await page.getByTestId('event-table').waitFor();
    const response = page.waitForResponse((r) => r.url().includes('/api/events') && r.url().includes('kind=panic'));
    await page.getByTestId('event-filter-kind').click();
    await page.keyboard.type('紧急求助');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape'); // close the kind list
    await page.mouse.move(1, 1);
    const { items } = (await (await response).json()) as { items: { occurredAt: string }[] };
    assert.ok(items.length > 0, 'panic events in the history');
    const oldest = Math.min(...items.map((e) => Date.parse(e.occurredAt)));
    const daysBack = (Date.now() - oldest) / DAY_MS;
    assert.ok(daysBack >= DAYS * 0.8, `the oldest panic event is ${daysBack.toFixed(1)} days back`);
    // The row of that event is on the page (times in Beijing time, MM-DD HH:mm:ss within the year).
    const shown = new Date(oldest + 8 * 3600_000).toISOString().slice(5, 10);
    await page.getByTestId('event-table').hover();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 5000); // the table renders the rows in view
    await page.getByTestId('event-table').getByText(new RegExp(shown)).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'events-history.png') });
    assert.deepEqual(pageErrors, []);
  });
});
