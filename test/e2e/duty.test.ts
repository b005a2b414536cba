/**
 * The duty roster in a real browser against a real server (demo university): the security
 * director adds a third command-centre seat for next month, rostered (through the API) for all of
 * the month but its first week; the 值班 page shows that week as a red gap with its exact times;
 * the director plans the week in the grid (an uncertified operator cannot be picked), the gap
 * disappears, and the month is published; the two certificates ending within 30 days stand out. Saves docs/screenshots/duty-roster.png (Chinese, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { addDays, daysOfMonth, type DutyPost, type DutyRoster } from '../../src/shared/duty.ts';
import { Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';

describe('duty roster (browser)', { timeout: 400_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let post: DutyPost;
  let month = '';
  const pageErrors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    page.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);
    // Next month as the page opens it (the browser and the server share this machine's clock).
    month = await page.evaluate(() => {
      const d = new Date(Date.now() + 8 * 3_600_000);
      const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      return next.toISOString().slice(0, 7);
    });
    post = await api.call<DutyPost>('POST', '/api/duty/posts', { name: '指挥中心值班席3', kind: 'command_seat', commandCentre: true, pattern: '2x12', sort: 2 });
    const days = daysOfMonth(month);
    // The night before the month, and every day from the 8th on: the first week stays open.
    await api.call('POST', '/api/duty/assignments', { postId: post.id, accountId: await accountId('operator15'), date: addDays(days[0]!, -1), shift: 'night' });
    for (const date of days.slice(7)) {
      await api.call('POST', '/api/duty/assignments', { postId: post.id, accountId: await accountId('operator15'), date, shift: 'day' });
      await api.call('POST', '/api/duty/assignments', { postId: post.id, accountId: await accountId('operator16'), date, shift: 'night' });
    }
  });

  const ids = new Map<string, string>();
  async function accountId(username: string): Promise<string> {
    if (!ids.has(username)) {
      const roster = await api.call<DutyRoster>('GET', `/api/duty/roster?month=${month}`);
      for (const s of roster.staff) ids.set(s.username, s.id);
    }
    return ids.get(username)!;
  }

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the unplanned week as a gap, lets the director plan it with certified operators, and publishes', async () => {
    await explainingFailure(page, pageErrors, async () => {
      await page.goto(server.baseUrl + '/login');
      await page.getByTestId('login-username').fill('director');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL('**/map');
      await clickNav(page, 'nav-duty');
      await page.getByTestId('duty-grid').waitFor();
      const days = daysOfMonth(month);
      // Exactly one gap: the new seat, from the 1st 08:00 to the 8th 08:00 (Beijing time).
      const gap = page.getByTestId('duty-gap');
      await gap.first().waitFor();
      assert.equal(await gap.count(), 1);
      assert.match(await gap.innerText(), new RegExp(`指挥中心值班席3 ${days[0]!.slice(5)} 08:00 – ${days[7]!.slice(5)} 08:00`));
      assert.equal(await page.locator('.duty-cell-gap').count(), 8);

      const assign = async (date: string, shift: 'day' | 'night', username: string) => {
        await page.getByTestId(`duty-add-${post.id}-${date}-${shift}`).click();
        await page.getByTestId('duty-staff').click();
        await page.keyboard.type(username);
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: username }).first().click();
        await page.getByTestId('duty-assign-ok').click();
        await page.locator('.ant-modal:visible').waitFor({ state: 'hidden' });
        await page.getByTestId(`duty-cell-${post.id}-${date}`).locator('.duty-person').nth(shift === 'day' ? 0 : 0).waitFor();
      };

      // An operator without a valid certificate is offered but cannot be picked for a command-centre seat.
      await page.getByTestId(`duty-add-${post.id}-${days[0]}-day`).click();
      await page.getByTestId('duty-staff').click();
      await page.keyboard.type('operator20');
      const uncertified = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: 'operator20' }).first();
      await uncertified.waitFor();
      assert.match((await uncertified.getAttribute('class')) ?? '', /ant-select-item-option-disabled/);
      assert.match(await uncertified.innerText(), /无有效上岗证/);
      await page.keyboard.press('Escape');
      await page.locator('.ant-modal:visible .ant-modal-close').click();
      await page.locator('.ant-modal:visible').waitFor({ state: 'hidden' });

      // The first three days planned: the gap shrinks; the screenshot shows the rest of the week in red.
      for (const date of days.slice(0, 3)) {
        await assign(date, 'day', 'operator15');
        await assign(date, 'night', 'operator16');
      }
      await page.getByTestId('duty-gap').filter({ hasText: `${days[3]!.slice(5)} 08:00 – ${days[7]!.slice(5)} 08:00` }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'duty-roster.png') });

      for (const date of days.slice(3, 7)) {
        await assign(date, 'day', 'operator15');
        await assign(date, 'night', 'operator16');
      }
      await page.getByTestId('duty-no-gaps').waitFor();
      assert.equal(await page.locator('.duty-cell-gap').count(), 0);

      // The demo published next month already: publishing again (after the changes) is recorded anew.
      const before = await api.call<DutyRoster>('GET', `/api/duty/roster?month=${month}`);
      await page.getByTestId('duty-publish').click();
      await page.locator('.ant-popconfirm:visible .ant-btn-primary').click();
      await page.locator('.ant-message').filter({ hasText: '排班已发布' }).waitFor();
      await page.getByTestId('duty-state').filter({ hasText: '已发布' }).waitFor();
      const roster = await api.call<DutyRoster>('GET', `/api/duty/roster?month=${month}`);
      assert.equal(roster.state, 'published');
      assert.ok(roster.publishedAt! > before.publishedAt!, 'published again');
      assert.deepEqual(roster.gaps, []);

      // The certificates: the two ending within 30 days, highlighted.
      await page.getByTestId('duty-tab-certificates').click();
      await page.getByTestId('duty-certificates').locator('.ant-segmented-item').filter({ hasText: '即将到期' }).click();
      await page.locator('tr.duty-cert-expiring').nth(1).waitFor();
      assert.equal(await page.locator('tr.duty-cert-expiring').count(), 2);
      assert.equal(await page.getByTestId('cert-status-expiring').count(), 2);
      assert.deepEqual(pageErrors, []);
    });
  });
});
