/**
 * The linkage-rule editor and the school calendar in a real browser against a real server:
 * the rule list, a rule created through the form (a server validation error shown at its
 * field first), a dry run on a device, enabling/disabling from the list, and a holiday marked
 * in the calendar that the engine's arming follows. Saves docs/screenshots/rules.png and
 * rules-editor.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { ADMIN_PASSWORD, Api, explainingFailure, launchChromium, startServer, type RunningServer, newConsolePage } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';
const RULE_NAME = '财务室夜间入侵（测试）';

interface Rule {
  id: string;
  version: number;
  definition: { name: string; enabled: boolean; trigger: { kinds: string[] }; actions: { type: string; url?: string }[] };
}

async function quiet(page: Page) {
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => undefined);
  await page.waitForTimeout(300);
}

/** Opens an antd Select and picks the option with this label (typing to filter). */
async function pick(page: Page, testId: string, label: string, type = label) {
  await page.getByTestId(testId).click();
  await page.keyboard.type(type);
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label}"]`).first().click();
}

/** A weekday (Mon–Fri) of the current month in Beijing, other than today: the day the test marks. */
function weekdayThisMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (const day of [15, 14, 16, 13, 17, 12, 18, 11, 19]) {
    const d = new Date(Date.UTC(y, m, day));
    const wd = d.getUTCDay();
    if (wd >= 1 && wd <= 5 && day !== now.getUTCDate()) return d.toISOString().slice(0, 10);
  }
  throw new Error('no weekday found');
}

describe('rule editor and school calendar (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let device: { id: string; name: string };
  const pageErrors: string[] = [];

  before(async () => {
    process.env.XIAOAN_SIM_RATE = '0';
    try {
      server = await startServer();
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
    }
    const admin = new Api(server.baseUrl);
    await admin.login('admin', ADMIN_PASSWORD);
    const devices = await admin.call<{ items: { id: string; name: string }[] }>('GET', '/api/devices?kind=intrusion_zone&status=in_service&pageSize=1');
    device = devices.items[0];
    assert.ok(device, 'a demo intrusion zone');
    api = new Api(server.baseUrl);
    await api.login('director', DEMO_PASSWORD);

    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the university’s rules with their triggers in plain words', async () => {
    await page.goto(server.baseUrl + '/rules');
    await page.waitForURL('**/login');
    await page.getByTestId('login-username').fill('director');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/rules');
    await page.getByTestId('nav-rules').waitFor({ state: 'attached' });
    await page.locator('[data-testid="rules-table"] tbody tr[data-row-key]').nth(4).waitFor();
    const table = await page.getByTestId('rules-table').innerText();
    assert.match(table, /紧急求助报警/);
    assert.match(table, /发生紧急求助时/);
    assert.match(table, /同一设备 2 分钟内拒绝通行达 5 次/);
    await quiet(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rules.png') });
  });

  it('creates a rule through the form, showing the server’s validation error at its field first', async () => {
    await page.getByTestId('rule-create').click();
    await page.getByTestId('rule-editor').waitFor();
    await page.getByTestId('rule-name').fill(RULE_NAME);
    await pick(page, 'rule-trigger-kinds', '入侵报警', '入侵');
    await page.keyboard.press('Escape');
    // A webhook with a URL the schema refuses.
    await page.getByTestId('rule-action-add').click();
    await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item', { hasText: '外部通知' }).click();
    await page.getByTestId('rule-webhook-url').fill('ftp://alarm.example.edu.cn/hook');
    await page.getByTestId('rule-save').click();
    const problems = page.getByTestId('rule-problems');
    await problems.waitFor();
    assert.match(await problems.innerText(), /actions\[2\]\.url/);
    // The same problem sits under the URL field of the webhook card.
    const urlItem = page.locator('.ant-form-item-has-error', { has: page.getByTestId('rule-webhook-url') });
    await urlItem.waitFor();
    assert.ok((await urlItem.locator('.ant-form-item-explain-error').innerText()).length > 0);
    await page.locator('.ant-drawer-body').evaluate((el) => el.scrollTo(0, 0));
    await quiet(page);
    await page.getByTestId('rule-editor').screenshot({ path: path.join(SCREENSHOTS, 'rules-editor.png') });

    // The JSON tab shows the same rule; back in the form nothing is lost.
    await page.getByTestId('rule-tab-json').click();
    const json = JSON.parse(await page.getByTestId('rule-json').inputValue());
    assert.equal(json.name, RULE_NAME);
    assert.deepEqual(json.trigger, { type: 'event', kinds: ['intrusion'] });
    await page.getByTestId('rule-tab-form').click();

    await page.getByTestId('rule-webhook-url').fill('https://alarm.example.edu.cn/hook');
    await page.getByTestId('rule-save').click();
    await page.locator('.ant-drawer-title', { hasText: '第 1 版' }).waitFor();
    await page.getByTestId('rule-problems').waitFor({ state: 'detached' });
    const rules = await api.call<Rule[]>('GET', '/api/alarm-rules');
    const created = rules.find((r) => r.definition.name === RULE_NAME);
    assert.ok(created, 'the rule is stored');
    assert.deepEqual(created.definition.trigger.kinds, ['intrusion']);
    assert.deepEqual(created.definition.actions.map((a) => a.type), ['create_alarm', 'link_cameras', 'webhook']);
  });

  it('dry-runs the rule on a device picked by name', async () => {
    await page.getByTestId('rule-tab-dry-run').click();
    await pick(page, 'dry-run-device', device.name);
    await page.getByTestId('dry-run-submit').click();
    const result = page.getByTestId('dry-run-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-fires'), 'true');
    assert.match(await result.innerText(), /生成 2 级自定义报警/);
    assert.equal(await page.getByTestId('dry-run-action').count(), 3);
    await quiet(page);
    await page.getByTestId('rule-editor').screenshot({ path: path.join(SCREENSHOTS, 'rules-dry-run.png') });
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('rule-editor').waitFor({ state: 'detached' });
  });

  it('turns a rule off and on from the list', async () => {
    const row = page.locator('[data-testid="rules-table"] tbody tr', { hasText: RULE_NAME });
    const toggle = row.getByTestId('rule-enabled-switch');
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    await toggle.click();
    await page.waitForFunction((name) => {
      const r = [...document.querySelectorAll('[data-testid="rules-table"] tbody tr')].find((tr) => tr.textContent?.includes(name));
      return r?.querySelector('[data-testid="rule-enabled-switch"]')?.getAttribute('aria-checked') === 'false';
    }, RULE_NAME);
    let stored = (await api.call<Rule[]>('GET', '/api/alarm-rules')).find((r) => r.definition.name === RULE_NAME)!;
    assert.equal(stored.definition.enabled, false);
    assert.equal(stored.version, 2);
    await toggle.click();
    await row.locator('[data-testid="rule-enabled-switch"][aria-checked="true"]').waitFor();
    stored = (await api.call<Rule[]>('GET', '/api/alarm-rules')).find((r) => r.definition.name === RULE_NAME)!;
    assert.equal(stored.definition.enabled, true);
  });

  it('asks before Esc or the close button drops a half-written rule', () => explainingFailure(page, pageErrors, async () => {
    await page.getByTestId('rule-create').click();
    const editor = page.getByTestId('rule-editor');
    await editor.waitFor();
    await page.getByTestId('rule-name').fill('写了一半的规则');
    await page.getByTestId('rule-name').press('Escape');
    const keep = page.locator('.ant-modal-confirm').getByRole('button', { name: '继续编辑' });
    await keep.click();
    await keep.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('rule-name').inputValue(), '写了一半的规则', 'still there after Esc');
    await page.getByTestId('rule-editor-close').click();
    await page.getByTestId('discard-confirm').click();
    await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
    await editor.waitFor({ state: 'detached' });
    // An untouched editor closes without asking.
    await page.getByTestId('rule-create').click();
    await editor.waitFor();
    await page.getByTestId('rule-editor-close').click();
    await editor.waitFor({ state: 'detached' });
  }));

  it('marks a holiday in the calendar, and the engine’s arming follows', async () => {
    const date = weekdayThisMonth();
    const intrusion = (await api.call<Rule[]>('GET', '/api/alarm-rules')).find((r) => r.definition.name.startsWith('入侵报警'))!;
    const noon = new Date(Date.parse(`${date}T12:00:00+08:00`)).toISOString();
    const armed = async () => (await api.call<{ checks: { armed: boolean } }>('POST', `/api/alarm-rules/${intrusion.id}/dry-run`, { deviceId: device.id, at: noon })).checks.armed;
    assert.equal(await armed(), false, 'a weekday noon is working time: disarmed');

    await page.getByTestId('rules-tab-calendar').click();
    await page.getByTestId('rules-calendar').waitFor();
    await page.locator(`.ant-picker-calendar td[title="${date}"]`).click();
    await page.getByTestId('calendar-form').waitFor();
    await page.getByTestId('calendar-name').fill('校庆日');
    await page.getByTestId('calendar-save').click();
    const tag = page.locator(`[data-testid="calendar-day"][data-date="${date}"]`);
    await tag.waitFor();
    assert.equal(await tag.getAttribute('data-kind'), 'holiday');
    assert.equal(await tag.innerText(), '校庆日');
    const days = await api.call<{ date: string; kind: string; name: string }[]>('GET', `/api/calendar-days?from=${date}&to=${date}`);
    assert.deepEqual(days.map((d) => `${d.date} ${d.kind} ${d.name}`), [`${date} holiday 校庆日`]);
    assert.equal(await armed(), true, 'the rule arms holidays all day');
    await quiet(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rules-calendar.png') });
    assert.deepEqual(pageErrors, []);
  });
});
