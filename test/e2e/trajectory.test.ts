/**
 * 轨迹查询 in a real browser against a real server: the demo university with a day of demo
 * history (its people walk their days with their cards), the security director finds a student by
 * part of the name, states a reason, and sees the timeline and the path on the offline map, played
 * back with a moving marker; the query is in the audit log. Then 在校人数 with the per-gate chart.
 * Saves docs/screenshots/trajectory.png (Chinese UI, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { Candidate, Trajectory } from '../../src/shared/trajectory.ts';
import { Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
const REASON = '学生家长报失联，核查行踪';

describe('trajectories (browser)', { timeout: 400_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let person: { id: string; name: string; sightings: number };
  const pageErrors: string[] = [];
  const step = <T>(run: () => Promise<T>) => explainingFailure(page, pageErrors, run);

  before(async () => {
    server = await startServer({ historyDays: 1, startTimeoutMs: 300_000 });
    api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);
    // A student whose last day has a few places (a few stay away on any day): found through the API first.
    const people = await api.call<{ items: { id: string; name: string; kind: string; status: string }[] }>('GET', '/api/people?page=1&pageSize=60&kind=student&status=active&sort=name&order=asc');
    for (const p of people.items) {
      const tr = await api.call<Trajectory>('POST', '/api/trajectory', { type: 'person', value: p.id, reason: 'e2e：挑选测试对象' });
      const places = new Set(tr.sightings.filter((s) => s.lon !== null).map((s) => s.deviceId));
      if (places.size >= 3 && p.name.length >= 2) {
        person = { id: p.id, name: p.name, sightings: tr.sightings.length };
        break;
      }
    }
    assert.ok(person, 'a demo student with a path in the last 24 hours');
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    page.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs in as the security director', () =>
    step(async () => {
      await page.goto(server.baseUrl + '/login');
      await page.getByTestId('login-username').fill('director');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL('**/map');
    }));

  it('finds the student by part of the name, asks for a reason, and shows the timeline and the path played back', () =>
    step(async () => {
      await clickNav(page, 'nav-trajectory');
      await page.getByTestId('trajectory-panel').waitFor();
      // Part of the name: the candidates list them.
      const select = page.getByTestId('trajectory-subject');
      await select.click();
      await page.keyboard.type(person.name.slice(0, 2));
      const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: person.name }).first();
      await option.waitFor();
      await option.click();
      // No reason: refused on the form, nothing asked of the server.
      await page.getByTestId('trajectory-submit').click();
      await page.locator('.ant-form-item-explain-error').filter({ hasText: '查询事由' }).waitFor();
      await page.getByTestId('trajectory-reason').fill(REASON);
      await page.getByTestId('trajectory-submit').click();
      await page.getByTestId('trajectory-timeline').waitFor();
      const items = page.getByTestId('trajectory-item');
      assert.equal(await items.count(), person.sightings, 'every sighting on the timeline');
      const times = await page.locator('.trajectory-time').allInnerTexts();
      assert.deepEqual([...times].sort(), times, 'in time order');
      assert.match(times[0]!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'Beijing date-times');
      assert.match(await page.getByTestId('trajectory-summary').innerText(), new RegExp(person.name));
      const map = page.getByTestId('trajectory-map');
      const stops = Number(await map.getAttribute('data-stops'));
      assert.ok(stops >= 3, `${stops} stops on the map`);
      // The path is drawn: a line source with the stops in order.
      const drawn = await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="trajectory-map"]') as (HTMLElement & { __maplibre?: { getSource(id: string): { serialize(): { data: { geometry?: { coordinates: unknown[] } } } } | undefined } }) | null;
        const data = el?.__maplibre?.getSource('trajectory-path')?.serialize().data;
        return data?.geometry?.coordinates.length ?? 0;
      });
      assert.equal(await drawn.jsonValue(), stops);

      // Playback: the marker moves through the stops; pause holds it.
      const marker = page.getByTestId('trajectory-marker');
      await marker.waitFor();
      const at = async () => (await marker.boundingBox())!;
      const start = await at();
      await page.getByTestId('trajectory-play').click();
      await page.getByTestId('trajectory-step').filter({ hasText: /第 [2-9]\d* \// }).waitFor();
      await page.getByTestId('trajectory-play').click(); // pause
      const paused = await at();
      assert.ok(Math.abs(paused.x - start.x) + Math.abs(paused.y - start.y) > 2, 'the marker moved along the path');
      await page.waitForTimeout(600);
      const still = await at();
      assert.ok(Math.abs(still.x - paused.x) + Math.abs(still.y - paused.y) < 1, 'paused, it stays');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'trajectory.png') });

      // The auditor reads the log (the director may query but not audit themselves).
      const auditor = new Api(server.baseUrl);
      await auditor.login('auditor', DEMO_PASSWORD);
      const audit = await auditor.call<{ items: { action: string; entityId: string; after: { reason: string } }[] }>('GET', `/api/audit?action=trajectory.query&entityId=${person.id}`);
      assert.ok(
        audit.items.some((e) => e.after.reason === REASON),
        'the query and its reason are in the audit log',
      );
      assert.deepEqual(pageErrors, []);
    }));

  it('shows who is on campus and each gate’s entries and exits per hour', () =>
    step(async () => {
      await page.getByTestId('trajectory-tab-now').click();
      await page.getByTestId('trajectory-now').waitFor();
      await page.getByTestId('now-people').waitFor();
      const candidates = await api.call<Candidate[]>('GET', `/api/trajectory/candidates?type=person&q=${encodeURIComponent(person.name.slice(0, 1))}`);
      assert.ok(candidates.length >= 1);
      await page.getByTestId('gate-hours-people').waitFor();
      assert.deepEqual(pageErrors, []);
    }));
});
