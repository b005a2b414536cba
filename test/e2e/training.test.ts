/**
 * 培训与演练 in a real browser against a real server (demo university with a few days of history):
 * the 值班 page's 培训与演练 tab lists the demo's training sessions, and the past drill (a
 * dormitory fire at night) opens to its result: the operator's time to take up the alarm and each
 * procedure step against its target, the one late step, pass and score. Saves
 * docs/screenshots/duty-drill.png (Chinese, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { Drill } from '../../src/shared/training.ts';
import { Api, clickNav, explainingFailure, launchChromium, logIn, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';

describe('training and drills (browser)', { timeout: 600_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startServer({ historyDays: 3, startTimeoutMs: 300_000 });
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

  it('shows the sessions, and the past drill’s result timed against the procedure', async () => {
    await explainingFailure(page, pageErrors, async () => {
      const [drill] = await api.call<Drill[]>('GET', '/api/training/drills');
      assert.ok(drill, 'the demo has a past drill');
      assert.equal(drill.state, 'finished');
      await logIn(page, server.baseUrl, 'director', DEMO_PASSWORD);
      await page.waitForURL('**/map');
      await clickNav(page, 'nav-duty');
      await page.getByTestId('duty-tab-training').click();
      await page.getByTestId('training-tab').locator('tr').filter({ hasText: '消防设施操作与初起火灾扑救' }).first().waitFor();
      await page.getByTestId('training-tab').locator('.ant-segmented-item').filter({ hasText: '演练' }).click();
      await page.getByTestId(`drill-link-${drill.id}`).click();
      const result = page.getByTestId('drill-result');
      await result.getByTestId('drill-pass').first().waitFor();
      assert.match(await result.innerText(), /合格 · 86/);
      assert.match(await result.innerText(), /超时/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'duty-drill.png') });
      assert.deepEqual(pageErrors, []);
    });
  });
});
