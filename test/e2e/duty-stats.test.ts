/**
 * 值班统计 in a real browser against the demo university with three days of history: the
 * director opens 值班 → 值班统计 for this month; coverage of the published roster, the
 * certification rate, patrol completion, alarm response per shift and per operator show, and
 * the month's training hours from the training module. Saves
 * docs/screenshots/duty-stats.png (Chinese, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { DutyRoster } from '../../src/shared/duty.ts';
import type { DutyStats } from '../../src/shared/duty-stats.ts';
import type { SwapPage } from '../../src/shared/duty-swaps.ts';
import { Api, clickNav, explainingFailure, launchChromium, logIn, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';

describe('duty statistics (browser)', { timeout: 900_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startServer({ historyDays: 3, startTimeoutMs: 800_000 });
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    page.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows this month’s coverage, certification, patrol completion, response times and training hours', async () => {
    await explainingFailure(page, pageErrors, async () => {
      const month = await page.evaluate(() => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7));
      const stats = await api.call<DutyStats>('GET', `/api/duty-stats?month=${month}`);
      assert.equal(stats.coverage.published, true, 'the demo publishes this month');
      assert.ok(stats.coverage.posts.length >= 2);
      assert.ok(stats.certification.rostered > 0);
      assert.equal(stats.training.available, true, 'the training module fills training hours');

      await logIn(page, server.baseUrl, 'director', DEMO_PASSWORD);
      await page.waitForURL('**/map');
      await clickNav(page, 'nav-duty');
      await page.getByTestId('duty-tab-stats').click();
      await page.getByTestId('duty-stats').waitFor();
      await page.getByTestId('duty-kpi-coverage').filter({ hasText: '指挥中心班次覆盖率' }).waitFor();
      assert.match(await page.getByTestId('duty-kpi-coverage').innerText(), new RegExp(`${stats.coverage.pct}%`));
      assert.match(await page.getByTestId('duty-kpi-certification').innerText(), new RegExp(`${stats.certification.pct}%`));
      assert.match(await page.getByTestId('duty-kpi-training').innerText(), new RegExp(`${stats.training.totalHours} 小时`));
      await page.getByTestId('duty-stats-coverage-chart').locator('canvas').waitFor();
      if (stats.response.total.alarms) await page.getByTestId('duty-stats-response-chart').locator('canvas').waitFor();
      assert.equal(await page.getByTestId('duty-stats-shifts').locator('tbody tr.ant-table-row').count(), stats.response.shifts.length);
      await page.waitForTimeout(300); // charts finish drawing
      await page.screenshot({ path: path.join(SCREENSHOTS, 'duty-stats.png') });

      assert.deepEqual(pageErrors, []);
    });
  });

  it('approves the demo’s agreed swap in 换班审批 (the roster changes), and asks for a swap from a roster cell', async () => {
    await explainingFailure(page, pageErrors, async () => {
      const [agreed] = (await api.call<SwapPage>('GET', '/api/duty/swaps?state=agreed')).items;
      assert.ok(agreed, 'the demo has a swap waiting for approval');
      await page.getByTestId('duty-tab-swaps').click();
      await page.getByTestId('duty-swaps').waitFor();
      await page.getByTestId(`swap-approve-${agreed.id}`).click();
      await page.getByTestId('swap-note').fill('同意，注意交接');
      await page.getByTestId('swap-decide-ok').click();
      await page.locator('.ant-message').filter({ hasText: '已批准，排班已变更' }).waitFor();
      const month = agreed.shift.date.slice(0, 7);
      const roster = await api.call<DutyRoster>('GET', `/api/duty/roster?month=${month}`);
      assert.equal(roster.assignments.find((a) => a.id === agreed.shift.assignmentId)!.accountId, agreed.targetId);
      assert.equal(roster.state, 'published');

      // Next month's roster (the page's default): 东门岗亭 on the 10th, the early shift handed to the gate's guard who is off that day.
      await page.getByTestId('duty-tab-roster').click();
      await page.getByTestId('duty-grid').waitFor();
      const next = await page.evaluate(() => {
        const d = new Date(Date.now() + 8 * 3_600_000);
        return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
      });
      const nextRoster = await api.call<DutyRoster>('GET', `/api/duty/roster?month=${next}`);
      const gate = nextRoster.posts.find((p) => p.name === '东门岗亭')!;
      const date = `${next}-10`;
      const mine = nextRoster.assignments.find((a) => a.postId === gate.id && a.date === date && a.shift === 'early')!;
      const busy = new Set(nextRoster.assignments.filter((a) => a.postId === gate.id && a.date === date).map((a) => a.accountId));
      const crew = new Set(nextRoster.assignments.filter((a) => a.postId === gate.id).map((a) => a.accountId));
      const off = nextRoster.staff.find((s) => crew.has(s.id) && !busy.has(s.id))!;
      await page.getByTestId(`duty-person-${mine.id}`).click();
      await page.getByTestId(`duty-swap-${mine.id}`).click();
      await page.getByTestId('swap-target').click();
      await page.keyboard.type(off.username);
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: off.username }).first().click();
      await page.getByTestId('swap-reason').fill('参加消防演练');
      await page.getByTestId('swap-submit').click();
      await page.locator('.ant-message').filter({ hasText: '换班申请已提交' }).waitFor();
      const open = await api.call<SwapPage>('GET', '/api/duty/swaps?state=requested');
      assert.ok(open.items.some((s) => s.shift.assignmentId === mine.id && s.targetId === off.id && s.reason === '参加消防演练'));
      assert.deepEqual(pageErrors, []);
    });
  });
});
