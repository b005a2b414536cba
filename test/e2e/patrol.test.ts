/**
 * 电子巡更 in a real browser against a real server (demo university): the security director sets
 * up a route through three demo checkpoints starting now; a guard on the phone page (390 px) sees
 * the tour and checks in at each checkpoint by its code (what the QR carries), the first through
 * the URL a phone camera opens from the printed QR; the console's report shows the guard's
 * completed tour beside the demo routes' tours of the day (a day of demo history). Saves
 * docs/screenshots/guard-patrol.png (phone) and patrol.png (console, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
const ROUTE = '南区夜间巡更（测试）';
const BEIJING = 8 * 3_600_000;

async function login(page: Page, baseUrl: string, username: string, landing: string) {
  await page.goto(baseUrl + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`**${landing}`);
}

describe('patrol (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page;
  let desk: Page;
  let checkpoints: { id: string; name: string; token: string }[] = [];
  let day = '';
  const pageErrors: string[] = [];

  before(async () => {
    // A day of demo history: the demo routes' tours of today were walked by the simulator's guards (the report's other rows).
    server = await startServer({ historyDays: 1, startTimeoutMs: 600_000 });
    browser = await launchChromium();
    phone = await newConsolePage(browser, { width: 390, height: 844 }, pageErrors);
    // Headless Chromium has no NFC radio: stand in for Web NFC's NDEFReader as an Android phone offers it,
    // so the page's own reading path runs; the test taps a tag with __tapNfc(url).
    // (A string, not a function: the test's TypeScript transform would add helpers the page does not have.)
    await phone.addInitScript(`
      class TestNdefReader extends EventTarget {
        async scan() { window.__nfcReader = this; }
      }
      window.NDEFReader = TestNdefReader;
      window.__tapNfc = (url) => {
        const reading = Object.assign(new Event('reading'), { message: { records: [{ recordType: 'url', data: new DataView(new TextEncoder().encode(url).buffer) }] } });
        window.__nfcReader.dispatchEvent(reading);
      };
    `);
    desk = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    phone.setDefaultTimeout(30_000);
    desk.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The director's route through three demo checkpoints, its tour starting a minute ago, for guard07.
    const api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);
    const list = await api.call<{ items: { id: string; name: string; token: string }[] }>('GET', '/api/patrol/checkpoints?pageSize=500');
    checkpoints = list.items.filter((c) => c.name.includes('周界')).slice(0, 3);
    assert.equal(checkpoints.length, 3, 'the demo has perimeter checkpoints');
    const guards = await api.call<{ items: { id: string; username: string }[] }>('GET', '/api/users?role=guard&pageSize=100');
    const guard = guards.items.find((g) => g.username === 'guard07')!;
    const start = Date.now() - 60_000;
    day = new Date(start + BEIJING).toISOString().slice(0, 10);
    await api.call('POST', '/api/patrol/routes', {
      name: ROUTE,
      ordered: true,
      points: checkpoints.map((c, i) => ({ checkpointId: c.id, withinMin: 30 + 10 * i })),
      minStepS: 0,
      lateGraceMin: 10,
      startTimes: [new Date(start + BEIJING).toISOString().slice(11, 16)],
      days: [1, 2, 3, 4, 5, 6, 7],
      holidays: 'run',
      guardIds: [guard.id],
      enabled: true,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a guard walks the tour on the phone, checking in by each checkpoint’s code', async () => {
    await explainingFailure(phone, pageErrors, async () => {
      await login(phone, server.baseUrl, 'guard07', '/guard');
      const section = phone.getByTestId('guard-patrol');
      const tour = section.getByTestId('patrol-tour').filter({ hasText: ROUTE });
      await tour.waitFor();
      assert.equal(await tour.getByTestId('patrol-point').count(), 3);
      // The printed QR code opens the guard page with the token: the check-in happens on arrival.
      await phone.goto(`${server.baseUrl}/guard?cp=${encodeURIComponent(checkpoints[0].token)}`);
      await section.getByTestId('patrol-result').filter({ hasText: checkpoints[0].name }).waitFor();
      assert.ok(!phone.url().includes('cp='), 'the token leaves the address');
      // The second by its code, typed as a scanner app would.
      await section.getByTestId('patrol-code').fill(checkpoints[1].token);
      await section.getByTestId('patrol-code-submit').click();
      await section.getByTestId('patrol-result').filter({ hasText: checkpoints[1].name }).waitFor();
      assert.match(await section.getByTestId('patrol-result').innerText(), /准时/);
      // The third by its NFC tag, which carries the same URL as its QR code.
      await section.getByTestId('patrol-nfc').click();
      await section.getByTestId('patrol-nfc-waiting').filter({ hasText: '贴近巡更点的 NFC 标签' }).waitFor();
      await phone.evaluate((url) => (window as unknown as { __tapNfc: (u: string) => void }).__tapNfc(url), `${server.baseUrl}/guard?cp=${encodeURIComponent(checkpoints[2].token)}`);
      await section.getByTestId('patrol-result').filter({ hasText: checkpoints[2].name }).waitFor();
      assert.match(await section.getByTestId('patrol-result').innerText(), /准时/);
      const guardApi = new Api(server.baseUrl);
      await guardApi.login('guard07', DEMO_PASSWORD);
      const mine = (await guardApi.call<{ routeName: string; points: { checkpointId: string; method: string | null }[] }[]>('GET', '/api/my/patrol')).find((x) => x.routeName === ROUTE)!;
      assert.deepEqual(
        mine.points.map((p) => p.method),
        ['qr', 'qr', 'nfc'],
        'the check-ins are recorded with how they were made',
      );
      await tour.locator('[data-testid="patrol-point"][data-status="on_time"]').nth(2).waitFor();
      await tour.getByText('已完成').waitFor();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      await section.scrollIntoViewIfNeeded();
      await phone.screenshot({ path: path.join(SCREENSHOTS, 'guard-patrol.png') });
      // A code of no checkpoint: refused, with the reason in the page's language.
      await section.getByTestId('patrol-code').fill('XAP1-notacheckpoint0');
      await section.getByTestId('patrol-code-submit').click();
      await section.getByTestId('patrol-failure').filter({ hasText: '不是本校的巡更点编码' }).waitFor();
    });
  });

  it('the console’s patrol report shows the guard’s completed tour', async () => {
    await explainingFailure(desk, pageErrors, async () => {
      await login(desk, server.baseUrl, 'director', '/map');
      await clickNav(desk, 'nav-patrol');
      await desk.getByTestId('patrol-view').waitFor();
      await desk.getByTestId('patrol-tours').getByText(ROUTE).waitFor();
      // The route's form holds its three checkpoints; a checkpoint's printable QR code carries the guard page URL.
      await desk.getByTestId('patrol-view-routes').click();
      await desk.getByTestId('patrol-routes').getByText(ROUTE).click();
      const form = desk.getByTestId('route-form');
      await form.getByText(checkpoints[2].name).first().waitFor();
      assert.equal(await form.locator('.ant-input-number').filter({ has: desk.locator('input[value="50"]') }).count(), 1, 'the last checkpoint within 50 minutes');
      await form.getByRole('button', { name: /取\s*消/ }).click();
      await desk.getByTestId('patrol-view-checkpoints').click();
      await desk.getByTestId('patrol-checkpoints').locator('tr').filter({ hasText: checkpoints[0].name }).getByTestId('checkpoint-qr-open').click();
      await desk.getByTestId('checkpoint-qr').locator('img').waitFor();
      assert.equal(await desk.getByTestId('checkpoint-token').innerText(), checkpoints[0].token);
      await desk.keyboard.press('Escape');
      await desk.goto(`${server.baseUrl}/patrol?view=report&date=${day}`);
      const row = desk.getByTestId('patrol-report').locator('tr').filter({ hasText: ROUTE });
      await row.waitFor();
      await desk.getByTestId('patrol-report').locator('.ant-spin-spinning').waitFor({ state: 'detached' });
      const text = await row.innerText();
      assert.match(text, /100%/, text);
      assert.doesNotMatch(text, /无人巡更/, 'the guard who walked it is named');
      await desk.screenshot({ path: path.join(SCREENSHOTS, 'patrol.png') });
    });
    assert.deepEqual(pageErrors, []);
  });
});
