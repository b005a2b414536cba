/**
 * The web console in a real browser against a real server: login (and its error), the map
 * with devices and a device's details, the ledger with field-level validation errors, the
 * audit log, and the switch to English. Saves docs/screenshots/map.png and ledger.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { seedCampus } from './seed-campus.ts';
import { ADMIN_PASSWORD, Api, launchChromium, startServer, type RunningServer } from './support.ts';
import { CONSOLE_CSP } from '../../src/server/http/security-headers.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const OPERATOR_PASSWORD = 'operator-password-1';

interface Target {
  universityId: string;
  campusName: string;
  deviceId: string;
  deviceName: string;
  /** Text expected in the device's maintenance history, when we wrote one. */
  maintenanceNote: string | null;
}

/** Finds a device on the demo university, or seeds a small campus when there is none. */
async function prepareData(api: Api): Promise<Target> {
  const universities = await api.call<{ total: number }>('GET', '/api/org-units?kind=university&pageSize=1');
  if (universities.total === 0) {
    const seeded = await seedCampus(api);
    return { universityId: seeded.universityId, campusName: '杨浦校区', deviceId: seeded.cameraId, deviceName: seeded.cameraName, maintenanceNote: '镜头除尘' };
  }
  const campuses = await api.call<{ items: { id: string; name: string; universityId: string }[] }>('GET', '/api/org-units?kind=campus&pageSize=1');
  const campus = campuses.items[0]!;
  const devices = await api.call<{ items: { id: string; name: string; lon: number | null; floorId: string | null }[] }>(
    'GET',
    `/api/devices?campusId=${campus.id}&kind=camera&pageSize=50`,
  );
  const device = devices.items.find((d) => d.lon != null && !d.floorId) ?? devices.items[0]!;
  return { universityId: campus.universityId, campusName: campus.name, deviceId: device.id, deviceName: device.name, maintenanceNote: null };
}

/**
 * A device drawn on the map where a click reaches the map (not under the legend or the floor
 * switcher): the preferred one when it is, else the first visible camera, else any device.
 */
async function pickDevice(page: Page, preferredId: string): Promise<{ x: number; y: number; id: string; name: string } | null> {
  return page.evaluate((preferred) => {
    const el = document.querySelector('[data-testid="map-canvas"]') as (HTMLElement & { __maplibre?: any }) | null;
    const map = el?.__maplibre;
    if (!el || !map) return null;
    const rect = el.getBoundingClientRect();
    const canvas = map.getCanvas();
    const candidates = map
      .queryRenderedFeatures({ layers: ['devices'] })
      .map((f: any) => {
        const p = map.project(f.geometry.coordinates);
        return { x: rect.left + p.x, y: rect.top + p.y, id: f.properties.id as string, name: f.properties.name as string, kind: f.properties.kind as string };
      })
      .filter((c: any) => document.elementFromPoint(c.x, c.y) === canvas);
    const pick = candidates.find((c: any) => c.id === preferred) ?? candidates.find((c: any) => c.kind === 'camera') ?? candidates[0];
    return pick ? { x: pick.x, y: pick.y, id: pick.id, name: pick.name } : null;
  }, preferredId);
}

describe('web console (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let target: Target;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const remoteRequests: string[] = [];

  before(async () => {
    server = await startServer();
    const api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    target = await prepareData(api);
    await api.call('POST', '/api/users', { username: 'e2e-operator', displayName: '值班员小王', password: OPERATOR_PASSWORD, role: 'operator', universityId: target.universityId });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // HTTP error answers (the 401 before login, the 400s of the validation test) log a
    // "Failed to load resource" line; anything else logged as an error is a bug.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
    });
    // Offline: nothing may be fetched from anywhere but our own server (no CDN, tiles, fonts, glyphs).
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(server.baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:')) remoteRequests.push(url);
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends an anonymous visitor to the login page and shows the API error for a wrong password', async () => {
    const response = await page.goto(server.baseUrl + '/ledger');
    // The console page comes with its content security policy (issue 17, item 10), and everything below runs under it.
    assert.equal(response?.headers()['content-security-policy'], CONSOLE_CSP);
    assert.equal(response?.headers()['x-frame-options'], 'DENY');
    await page.waitForURL('**/login');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    const text = await error.innerText();
    assert.match(text, /用户名或密码错误/, 'translated error code');
    assert.match(text, /wrong username or password/, "the API's own message");
  });

  it('logs in and draws the devices on the map', async () => {
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    // Logging in returns to the page first asked for.
    await page.waitForURL('**/ledger');
    // The wrong password a moment ago is told to the user, in a banner that covers nothing.
    const notice = page.getByTestId('login-notice');
    assert.match(await notice.innerText(), /自上次登录以来，本账号有 1 次登录失败[\s\S]*来自 127\.0\.0\.1/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login-notice.png'), clip: { x: 0, y: 0, width: 1440, height: 260 } });
    await notice.locator('.ant-alert-close-icon').click();
    await notice.waitFor({ state: 'detached' });
    await page.getByTestId('nav-map').click();
    await page.waitForURL('**/map');
    assert.match(await page.getByTestId('current-user').innerText(), /系统管理员/);

    await page.getByTestId('org-tree').getByText(target.campusName, { exact: true }).click();
    await page.locator('[data-testid="map-canvas"][data-ready="true"]').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="map-canvas"]') as (HTMLElement & { __maplibre?: any }) | null;
      const map = el?.__maplibre;
      // At campus zoom nearby devices are drawn as clusters with their count.
      return !!map && map.loaded() && map.queryRenderedFeatures({ layers: ['devices', 'device-clusters'] }).length > 0;
    });
    assert.match(await page.getByTestId('map-device-count').innerText(), /显示设备 \d+ \/ \d+/);
    await page.waitForTimeout(500); // let the last tiles fade in
    await page.screenshot({ path: path.join(SCREENSHOTS, 'map.png') });
  });

  it('opens a device from the map: ledger fields and maintenance history', async () => {
    // Zoom to the device, where clusters have split into single devices.
    await page.evaluate(async (id) => {
      const d = await (await fetch(`/api/devices/${id}`)).json();
      const map = (document.querySelector('[data-testid="map-canvas"]') as HTMLElement & { __maplibre?: any }).__maplibre;
      map.jumpTo({ center: [d.lon, d.lat], zoom: 18 });
      await new Promise((r) => map.once('idle', r));
    }, target.deviceId);
    const device = await pickDevice(page, target.deviceId);
    assert.ok(device, 'a device is on the map');
    await page.mouse.move(device.x, device.y);
    const tooltip = page.getByTestId('map-tooltip');
    await tooltip.waitFor();
    await page.mouse.click(device.x, device.y);
    const drawer = page.getByTestId('device-drawer');
    await drawer.getByTestId('device-details').waitFor();
    const text = await drawer.innerText();
    assert.ok(text.includes(device.name), `the drawer shows ${device.name}`);
    assert.match(text, /设备类型/);
    await drawer.getByTestId('maintenance-panel').waitFor();
    if (device.id === target.deviceId && target.maintenanceNote) await drawer.getByText(target.maintenanceNote).waitFor();
    await page.keyboard.press('Escape');
    await drawer.getByTestId('device-details').waitFor({ state: 'hidden' });
  });

  it('lists the ledger, and shows the server’s field errors on the form fields', async () => {
    await page.getByTestId('nav-ledger').click();
    await page.waitForURL('**/ledger');
    const rows = page.locator('[data-testid="ledger-table"] tr.ant-table-row');
    await rows.first().waitFor();
    assert.ok((await rows.count()) > 0);
    await page.locator('[data-testid="ledger-table"] .ant-spin-blur').waitFor({ state: 'detached' });
    await page.waitForTimeout(400); // the loading veil fades out
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ledger.png') });

    await page.getByTestId('ledger-create').click();
    const form = page.getByTestId('device-form');
    await form.getByTestId('device-name').fill('测试门禁-e2e');
    await form.getByTestId('device-ip').fill('10.0.0.300');
    await form.getByTestId('device-gbid').fill('1234');
    await page.getByTestId('device-save').click();
    // Schema stage: the kind is missing.
    await form.locator('.ant-form-item-explain-error', { hasText: '必填' }).first().waitFor();

    await form.getByTestId('device-kind').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('门禁', { exact: true }).click();
    await page.getByTestId('device-save').click();
    // Service stage: IP format and the GB/T 28181 code, each under its own field.
    await form.locator('.ant-form-item-explain-error', { hasText: '格式不正确' }).waitFor();
    await form.locator('.ant-form-item-explain-error', { hasText: 'GB/T 28181' }).waitFor();

    await form.getByTestId('device-ip').fill('10.0.0.30');
    await form.getByTestId('device-gbid').fill('');
    await page.getByTestId('device-save').click();
    await form.waitFor({ state: 'hidden' });
    await page.getByTestId('ledger-search').locator('input').fill('测试门禁-e2e');
    await page.getByTestId('ledger-search').locator('input').press('Enter');
    await page.locator('[data-testid="ledger-table"]').getByText('测试门禁-e2e').waitFor();
  });

  it('shows the audit log to an administrator', async () => {
    // Back to every university: a selected campus's path beside the bar folds its last entries into "…".
    await page.getByTestId('org-tree').getByRole('button', { name: '查看全部' }).click();
    await page.locator('.app-nav [data-testid="nav-audit"]').waitFor();
    await page.getByTestId('nav-audit').click();
    await page.waitForURL('**/audit');
    await page.locator('[data-testid="audit-table"] tr.ant-table-row').first().waitFor();
    assert.match(await page.getByTestId('audit-table').innerText(), /新增/);
  });

  it('switches to English', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lang-en').click();
    await page.getByText('Audit log').first().waitFor();
    await page.getByTestId('nav-ledger').click();
    await page.locator('[data-testid="ledger-table"] tr.ant-table-row').first().waitFor();
    assert.equal(await page.getByTestId('nav-ledger').innerText(), 'Device ledger');
    const table = await page.getByTestId('ledger-table').innerText();
    assert.match(table, /Name/);
    assert.match(table, /Access-controlled door/);
    assert.match(await page.getByTestId('logout').innerText(), /Log out/);
  });

  it('logs out back to the login page', async () => {
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await page.getByTestId('login-submit').waitFor();
  });

  it('shows an operator no audit log and no ledger changes', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const op = await context.newPage();
    op.on('pageerror', (err) => pageErrors.push(err.message));
    await op.goto(server.baseUrl + '/login');
    await op.getByTestId('login-username').fill('e2e-operator');
    await op.getByTestId('login-password').fill(OPERATOR_PASSWORD);
    await op.getByTestId('login-submit').click();
    await op.waitForURL('**/map');
    assert.match(await op.getByTestId('current-user').innerText(), /值班员小王\s*值班员/);
    await op.getByTestId('nav-ledger').click();
    await op.locator('[data-testid="ledger-table"] tr.ant-table-row').first().waitFor();
    assert.equal(await op.getByTestId('nav-audit').count(), 0, 'no audit menu without audit.read');
    assert.equal(await op.getByTestId('ledger-create').count(), 0, 'no register button without device.write');
    await op.goto(server.baseUrl + '/audit');
    await op.waitForURL('**/map');
    await context.close();
  });

  it('raised no errors in the page and fetched nothing from outside the server', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(remoteRequests, []);
  });
});
