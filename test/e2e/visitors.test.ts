/**
 * Visitors in a real browser against a real server (demo university): a host registers a visitor
 * on the phone page (390 px wide; a bad phone number first, with the error on its field), the
 * security director approves the visit in the console, the drawer shows the pass's QR code (the
 * host's phone page too), a check-in at the pass's gate in the console puts the visitor on campus,
 * and a guard at that gate checks the visitor out on the phone by the pass code.
 * Saves docs/screenshots/visitors.png (console, Chinese, 1440×900) and visitors-phone.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
/** A name no demo visit has: the test counts on nothing the demo data may or may not hold. */
const VISITOR = '司马远航';

/** The Ant Design form item around a control, where its error shows. */
const formItemOf = (control: Locator) => control.locator('xpath=ancestor::div[contains(@class, "ant-form-item ")][1]');

async function login(page: Page, baseUrl: string, username: string) {
  await page.goto(baseUrl + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL('**/map');
}

describe('visitors (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page;
  let desk: Page;
  let gateName = '';
  /** A label matched whole: 北门 人行闸机1 is also part of 北门 人行闸机10. */
  const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const pageErrors: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    phone = await newConsolePage(browser, { width: 390, height: 844 }, pageErrors);
    desk = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    phone.setDefaultTimeout(30_000);
    desk.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a host registers a visitor on the phone page, fixing a bad phone number the server points at', async () => {
    await explainingFailure(phone, pageErrors, async () => {
      await login(phone, server.baseUrl, 'operator01');
      await phone.goto(server.baseUrl + '/visitors/phone');
      const form = phone.getByTestId('visitors-phone-page');
      await form.getByTestId('visit-name').fill(VISITOR);
      await form.getByTestId('visit-phone').fill('12345');
      await form.getByTestId('visit-reason').fill('洽谈联合实验室合作');
      await form.getByTestId('visit-gates').click();
      const option = phone.locator('.ant-select-dropdown:visible .ant-select-item-option').first();
      gateName = (await option.getAttribute('title')) ?? (await option.innerText());
      await option.click();
      await phone.keyboard.press('Escape');
      await form.getByTestId('visit-submit').click();
      await formItemOf(form.getByTestId('visit-phone')).locator('.ant-form-item-explain-error').filter({ hasText: '手机号' }).waitFor();
      await form.getByTestId('visit-phone').fill('13912345678');
      await form.getByTestId('visit-submit').click();
      await phone.getByText('已提交，等待保卫处审批').first().waitFor();
      // The page is laid out for the phone: nothing wider than the screen.
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    });
    assert.ok(gateName, 'a gate was chosen');
  });

  it('the security director approves it in the console; the drawer shows the pass’s QR code', async () => {
    await explainingFailure(desk, pageErrors, async () => {
      await login(desk, server.baseUrl, 'director');
      await clickNav(desk, 'nav-visitors');
      await desk.getByTestId('visits-view-pending').click();
      await desk.getByTestId('visits-table').getByText(VISITOR).click();
      const drawer = desk.getByTestId('visit-detail');
      await drawer.getByTestId('visit-approve').click();
      await drawer.getByTestId('visit-state').filter({ hasText: '已批准' }).waitFor();
      const qr = drawer.getByTestId('visit-pass-qr');
      await qr.waitFor();
      assert.match((await qr.getAttribute('data-token')) ?? '', /^XAV1-[A-Za-z0-9_-]{32}$/);
      assert.ok(((await qr.boundingBox())?.width ?? 0) >= 200, 'the QR code is large enough to scan');
    });
  });

  it('the host’s phone shows the same pass', async () => {
    await explainingFailure(phone, pageErrors, async () => {
      await phone.getByTestId('visit-tab-mine').click();
      const item = phone.getByTestId('visit-mine-item').filter({ hasText: VISITOR });
      await item.getByTestId('visit-mine-pass').click();
      await phone.locator('.ant-modal').getByTestId('visit-pass-qr').waitFor();
      await phone.waitForTimeout(300);
      await phone.screenshot({ path: path.join(SCREENSHOTS, 'visitors-phone.png') });
      const token = await phone.locator('.ant-modal').getByTestId('visit-pass-qr').getAttribute('data-token');
      assert.equal(token, await desk.getByTestId('visit-detail').getByTestId('visit-pass-qr').getAttribute('data-token'));
    });
  });

  it('checks the visitor in at the pass’s gate; the visitor is on campus', async () => {
    await explainingFailure(desk, pageErrors, async () => {
      const drawer = desk.getByTestId('visit-detail');
      await drawer.getByTestId('visit-gate').click();
      await desk.keyboard.type(gateName);
      // The option whose whole label is the gate (another gate's name may contain this one's).
      await desk.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: exactly(gateName) }).first().click();
      // The gate is chosen (a slow machine may still be rendering the choice) before the click that sends it.
      await drawer.getByTestId('visit-gate').filter({ hasText: gateName }).waitFor();
      await drawer.getByTestId('visit-check-in').click();
      await drawer.getByTestId('visit-state').filter({ hasText: '已入校' }).waitFor();
      await drawer.getByTestId('visit-log').getByText('入校').first().waitFor();
      await drawer.locator('.ant-drawer-close').click();
      await drawer.waitFor({ state: 'hidden' });
      await desk.getByTestId('visits-view-on_campus').click();
      await desk.getByTestId('visits-table').getByText(VISITOR).waitFor();
      // Today's visitors (the demo's and this one) with this visit open, for the screenshot.
      await desk.getByTestId('visits-view-today').click();
      await desk.getByTestId('visits-table').getByText(VISITOR).click();
      await drawer.getByTestId('visit-pass-qr').waitFor();
      await desk.waitForTimeout(500);
      await desk.screenshot({ path: path.join(SCREENSHOTS, 'visitors.png') });
    });
    const api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);
    const onCampus = await api.call<{ items: { visitorName: string; visitorPhone: string }[] }>('GET', '/api/visits?view=on_campus');
    const mine = onCampus.items.find((v) => v.visitorName === VISITOR);
    assert.equal(mine?.visitorPhone, '139****5678', 'the phone leaves the server masked');
  });

  it('a guard at that gate checks the visitor out on the phone’s gatehouse tab by the pass code', async () => {
    const token = (await desk.getByTestId('visit-detail').getByTestId('visit-pass-qr').getAttribute('data-token'))!;
    const guard = await newConsolePage(browser, { width: 390, height: 844 }, pageErrors);
    await explainingFailure(guard, pageErrors, async () => {
      await guard.goto(server.baseUrl + '/login');
      await guard.getByTestId('login-username').fill('guard01');
      await guard.getByTestId('login-password').fill(DEMO_PASSWORD);
      await guard.getByTestId('login-submit').click();
      await guard.getByTestId('guard-visitors').click();
      const tab = guard.getByTestId('visit-gatehouse');
      await tab.getByTestId('gatehouse-gate').click();
      await guard.keyboard.type(gateName);
      await guard.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: exactly(gateName) }).first().click();
      await tab.getByTestId('gatehouse-token').fill(token);
      await tab.getByTestId('gatehouse-scan-in').click();
      await tab.getByTestId('gatehouse-verdict').filter({ hasText: '已在校内' }).waitFor();
      await tab.getByTestId('gatehouse-scan-out').click();
      await tab.getByTestId('gatehouse-verdict').filter({ hasText: `${VISITOR} · 已放行` }).waitFor();
      await tab.getByTestId('gatehouse-item').filter({ hasText: VISITOR }).getByText('已离校').waitFor();
    });
    assert.deepEqual(pageErrors, []);
  });
});
