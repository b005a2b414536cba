/**
 * GB/T 28181 access on the device page, in a real browser against a real server (issue 12,
 * item 3): an administrator issues an NVR's credentials and reads the SIP parameters off the
 * page, a GB device (real SIP over UDP to the server's SIP port) first registers with a wrong
 * password, which the page explains, then with the right one behind a simulated NAT, keeps
 * alive and reports an alarm with a slow clock; the page shows the registration, the transport,
 * the NAT mismatch, the edition, the clock warning and the last exchange of each kind.
 * Saves docs/screenshots/gb28181-device.png and gb28181-credentials.png (the SIP parameters).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { gbDate } from '../../src/server/modules/gb28181/index.ts';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { seedCampus } from './seed-campus.ts';
import { ADMIN_PASSWORD, Api, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const NVR_NAME = '监控中心国标NVR-e2e';
/** 中心编码 31000000, education (11), NVR (118), serial 009901: no demo device has it. */
const NVR_GB_ID = '31000000111180009901';

interface PlatformStatus {
  platformId: string;
  domain: string;
  port: number;
}

describe('GB/T 28181 diagnostics on the device page (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let status: PlatformStatus;
  let password = '';
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const devices: GbDevice[] = [];

  const panel = () => page.getByTestId('gb-panel');
  const gbDevice = async (opts: { declared?: { host: string; port: number } } = {}) => {
    assert.ok(server.sipPort, 'the server reports its SIP port');
    const d = new GbDevice({ gbId: NVR_GB_ID, password, platformId: status.platformId, domain: status.domain, host: '127.0.0.1', port: server.sipPort, transport: 'UDP', version: '3.0', ...opts });
    await d.connect();
    devices.push(d);
    return d;
  };
  /** Asks the panel again (it also polls) and waits for `text` in `where`. */
  const refreshUntil = async (where: Locator, text: RegExp) => {
    await panel().getByTestId('gb-refresh').click();
    await where.filter({ hasText: text }).waitFor();
  };

  before(async () => {
    server = await startServer();
    api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    const campuses = await api.call<{ items: { id: string }[] }>('GET', '/api/org-units?kind=campus&pageSize=1');
    const campusId = campuses.items[0]?.id ?? (await seedCampus(api)).campusId;
    await api.call('POST', '/api/devices', { campusId, name: NVR_NAME, kind: 'recorder', gbId: NVR_GB_ID, vendor: '海康威视', model: 'DS-7932N-R4', lon: 121.503, lat: 31.302 });
    status = await api.call<PlatformStatus>('GET', '/api/gb28181/status');
    browser = await launchChromium();
    // Tall enough for the whole drawer: the screenshot shows the GB/T 28181 section in one piece.
    page = await newConsolePage(browser, { width: 1440, height: 1300 }, pageErrors);
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    for (const d of devices) await d.close();
    await browser?.close();
    await server?.stop();
  });

  it('opens the NVR from the ledger: a GB/T 28181 section, not yet registered', async () => {
    await page.goto(server.baseUrl + '/login');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));
    await page.getByTestId('nav-ledger').click();
    await page.waitForURL('**/ledger');
    await page.getByTestId('ledger-search').locator('input').fill(NVR_NAME);
    await page.getByTestId('ledger-search').locator('input').press('Enter');
    await page.getByTestId('ledger-table').getByTestId('ledger-device-link').filter({ hasText: NVR_NAME }).click();
    await panel().waitFor();
    assert.match(await panel().innerText(), /国标接入（GB\/T 28181）/);
    assert.match(await panel().getByTestId('gb-registered').innerText(), /未注册/);
    assert.match(await panel().innerText(), /设备尚未向平台注册过/);
  });

  it('issues the credentials and shows the SIP parameters to type into the device, the password once', async () => {
    await panel().getByTestId('gb-issue').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    const params = panel().getByTestId('gb-sip-params');
    await params.waitFor();
    password = (await params.getByTestId('gb-param-password').locator('code').textContent()) ?? '';
    assert.ok(password.length >= 16, 'a password is shown');
    assert.equal((await params.getByTestId('gb-param-platform-id').textContent())?.trim(), status.platformId);
    assert.equal((await params.getByTestId('gb-param-domain').textContent())?.trim(), status.domain);
    assert.equal((await params.getByTestId('gb-param-device-id').textContent())?.trim(), NVR_GB_ID);
    assert.match(await params.getByTestId('gb-param-port').innerText(), new RegExp(`^${server.sipPort}（UDP / TCP）$`));
    assert.match(await params.innerText(), /密码只显示这一次/);
    await page.waitForTimeout(300); // the drawer's transition
    await params.screenshot({ path: path.join(SCREENSHOTS, 'gb28181-credentials.png') });
  });

  it('explains a refused registration: a wrong password is 拒绝 with 密码错误 and the server’s words', async () => {
    const d = await gbDevice();
    const answer = await d.register(3600, { password: 'not-the-password' });
    assert.equal(answer.status, 403);
    const reason = panel().getByTestId('gb-reason-register');
    await refreshUntil(reason, /密码错误/);
    assert.match(await reason.innerText(), /wrong password \(the digest response does not match the issued credentials\)/, 'the reason as the server gave it');
    assert.match(await reason.innerText(), /来自 UDP 127\.0\.0\.1:\d+/);
    const row = panel().getByTestId('gb-exchanges').locator('tbody tr', { has: page.getByTestId('gb-reason-register') });
    assert.match(await row.innerText(), /注册\s+拒绝\s+403/);
    assert.match(await panel().getByTestId('gb-registered').innerText(), /未注册/);
  });

  it('shows a registered device: transport, NAT address seen vs declared, edition, keepalive and a slow clock', async () => {
    // Behind NAT the NVR declares its LAN address; the platform sees the router's (here 127.0.0.1).
    const d = await gbDevice({ declared: { host: '192.168.1.64', port: 5060 } });
    const registered = await d.register(3600);
    assert.equal(registered.status, 200, registered.warning ?? '');
    assert.equal((await d.keepalive()).status, 200);
    // Its clock is 25 s slow: the fan-fault alarm carries the device's time.
    const alarm = await d.alarm({ method: 6, type: 2, priority: 3, time: gbDate(Date.now() - 25_000).slice(0, 19) });
    assert.equal(alarm.status, 200, alarm.warning ?? '');
    const unsupported = await d.message('Notify', { CmdType: 'MobilePosition', SN: 77, DeviceID: NVR_GB_ID });
    assert.equal(unsupported.status, 400);

    await refreshUntil(panel().getByTestId('gb-registered'), /已注册/);
    await panel().getByTestId('gb-reason-message').waitFor();
    // The platform asks a newly registered device for its catalog (this one has no channels).
    await refreshUntil(panel().getByTestId('gb-reason-catalog'), /目录共 0 个通道/);
    // …and then subscribes to its catalog changes.
    await refreshUntil(panel().getByTestId('gb-reason-subscribe'), /已订阅目录变化/);
    await page.getByTestId('gb-params-done').click();
    await panel().getByTestId('gb-sip-params').waitFor({ state: 'detached' });
    const text = await panel().innerText();
    assert.match(await panel().getByTestId('gb-registered').innerText(), /已注册/);
    assert.match(text, /有效期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    assert.equal(await panel().getByTestId('gb-transport').innerText(), 'UDP');
    assert.match(await panel().getByTestId('gb-nat').innerText(), /地址不一致：设备可能在 NAT/);
    assert.match(text, /sip:31000000111180009901@192\.168\.1\.64:5060/);
    assert.match(await panel().getByTestId('gb-version').innerText(), /GB\/T 28181-2022/);
    assert.match(await panel().getByTestId('gb-clock').innerText(), /-2\d\.\d 秒[\s\S]*偏差超过 10 秒/);
    assert.match(await panel().getByTestId('gb-reason-register').innerText(), /注册成功，有效期 3600 秒/);
    assert.match(await panel().getByTestId('gb-reason-keepalive').innerText(), /心跳正常/);
    assert.match(await panel().getByTestId('gb-reason-alarm').innerText(), /报警已入库：设备故障/);
    assert.match(await panel().getByTestId('gb-reason-message').innerText(), /不支持的命令类型 MobilePosition/);
    const rows = await panel().getByTestId('gb-exchanges').locator('tbody tr').allInnerTexts();
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/).slice(0, 2).join(' ')),
      ['注册 成功', '心跳 成功', '目录 成功', '目录订阅 成功', '报警 成功', '消息 拒绝'],
    );

    await panel().scrollIntoViewIfNeeded();
    await page.waitForTimeout(300); // the drawer's and tags' transitions
    const box = await page.locator('.ant-drawer-content-wrapper').boundingBox();
    assert.ok(box);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'gb28181-device.png'), clip: box });
  });

  it('speaks English too', async () => {
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'hidden' });
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lang-en').click();
    await page.getByTestId('ledger-table').getByTestId('ledger-device-link').filter({ hasText: NVR_NAME }).click();
    await panel().getByText('GB/T 28181 access').waitFor();
    assert.match(await panel().getByTestId('gb-registered').innerText(), /Registered/);
    assert.match(await panel().getByTestId('gb-reason-message').innerText(), /Command type MobilePosition is not supported/);
    await page.keyboard.press('Escape');
    await panel().waitFor({ state: 'hidden' });
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lang-zh-CN').click();
    await page.getByTestId('ledger-table').getByTestId('ledger-device-link').filter({ hasText: NVR_NAME }).click();
    await panel().getByText('国标接入（GB/T 28181）').waitFor();
  });

  it('raised no errors in the page', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
