/**
 * Door permissions in a real browser against a real server (demo university with its access
 * groups): the groups are listed; 模拟刷卡 grants a security-office card at any door and refuses
 * an unknown card, in words; a new group through the form shows the members error on its field
 * first; an offline door's list is sent from the doors tab and the controller's answer shown.
 * Saves docs/screenshots/access-control.png (Chinese UI, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { ADMIN_PASSWORD, Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const formItemOf = (control: Locator) => control.locator('xpath=ancestor::div[contains(@class, "ant-form-item ")][1]');

describe('door permissions (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let officerCard: string;
  let door: { doorId: string; name: string; buildingName: string | null };
  let offlineDoor: { doorId: string; name: string };
  const pageErrors: string[] = [];
  const step = <T>(run: () => Promise<T>) => explainingFailure(page, pageErrors, run);

  before(async () => {
    server = await startServer();
    api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    // A security-office staff member: the demo's 保卫处（全天候） group opens every door at any hour.
    const people = await api.call<{ items: { id: string; universityId: string }[] }>('GET', `/api/people?page=1&pageSize=5&sort=name&order=asc&department=${encodeURIComponent('保卫处')}&status=active`);
    const officer = people.items[0];
    assert.ok(officer, 'the demo has security-office staff');
    const unmasked = await api.call<{ credentials: { kind: string; value: string }[] }>('POST', `/api/people/${officer.id}/unmask`, { reason: '门禁权限联调测试', fields: ['credentials'] });
    officerCard = unmasked.credentials.find((c) => c.kind === 'card')!.value;
    const doors = await api.call<{ doorId: string; name: string; buildingName: string | null; mode: string; credentials: string[]; groupCount: number }[]>('GET', `/api/access/doors?universityId=${officer.universityId}`);
    door = doors.find((d) => d.mode === 'online' && d.credentials.includes('card') && d.groupCount > 0)!;
    offlineDoor = doors.find((d) => d.mode === 'offline')!;
    assert.ok(door && offlineDoor, 'the demo has online and offline doors');
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    page.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs in and lists the university’s access groups', () =>
    step(async () => {
      await page.goto(server.baseUrl + '/login');
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL('**/map');
      await clickNav(page, 'nav-access');
      const table = page.getByTestId('access-groups');
      await table.locator('tr.ant-table-row').filter({ hasText: '学生公寓（住宿学生）' }).waitFor();
      const text = await table.innerText();
      assert.match(text, /保卫处（全天候）[\s\S]*不限时段/);
      assert.match(text, /学生公寓（住宿学生）[\s\S]*每天 06:00–23:30/);
    }));

  /** Picks a door in an open door select by its whole label (another door's name may contain this one's). */
  async function pickDoor(select: Locator) {
    const label = door.buildingName ? `${door.buildingName} · ${door.name}` : door.name;
    await select.click();
    await page.keyboard.type(door.name.slice(0, 12));
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first().click();
  }

  /** Runs 模拟刷卡 at the door for a card number and returns the result's text. */
  async function check(card: string): Promise<string> {
    const panel = page.getByTestId('access-check');
    // The doors load after the groups: the select is disabled until then.
    await panel.locator('.ant-select-disabled').waitFor({ state: 'detached' });
    await pickDoor(panel.getByTestId('access-check-door'));
    await panel.getByTestId('access-check-credential').fill(card);
    await panel.getByTestId('access-check-run').click();
    const result = panel.getByTestId('access-check-result');
    await result.waitFor();
    return result.innerText();
  }

  it('模拟刷卡: grants the security officer’s card with the group that lets them in, refuses an unknown card with the reason', () =>
    step(async () => {
      const granted = await check(officerCard);
      assert.match(granted, /准许通行/);
      assert.match(granted, /依据权限组“/);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'access-control.png') });
      const refused = await check('0000000001');
      assert.match(refused, /拒绝通行：卡号未登记或已注销/);
    }));

  it('creates a group through the form, showing the members problem on its field first', () =>
    step(async () => {
      await page.getByTestId('access-group-create').click();
      const form = page.getByTestId('access-group-form');
      await form.getByTestId('access-group-name').fill('夜间值守（测试）');
      await pickDoor(form.getByTestId('access-group-doors'));
      await page.keyboard.press('Escape');
      await form.getByTestId('access-group-save').click();
      await formItemOf(form.getByTestId('access-group-people')).locator('.ant-form-item-explain-error').filter({ hasText: '没有成员的权限组不开任何门' }).waitFor();
      await form.getByTestId('access-group-kinds').getByText('教职工').click();
      await form.getByTestId('access-group-save').click();
      await form.waitFor({ state: 'hidden' });
      const row = page.getByTestId('access-groups').locator('tr.ant-table-row').filter({ hasText: '夜间值守（测试）' });
      await row.waitFor();
      assert.match(await row.innerText(), /教职工[\s\S]*1 个门禁点[\s\S]*每天 06:00–23:00/);
    }));

  it('sends an offline door its list from the doors tab and shows the controller’s answer', () =>
    step(async () => {
      await page.getByTestId('access-tab-doors').click();
      const table = page.getByTestId('access-doors');
      await table.locator('tr.ant-table-row').first().waitFor();
      // The offline doors are the key rooms; find ours among the pages.
      let row = table.locator('tr.ant-table-row').filter({ hasText: offlineDoor.name });
      while (!(await row.count())) {
        await table.locator('.ant-pagination-next').click();
        row = table.locator('tr.ant-table-row').filter({ hasText: offlineDoor.name });
      }
      assert.match(await row.innerText(), /离线名单/);
      await row.getByTestId('access-door-push').click();
      // The controller answers (the simulated one confirms, or refuses now and then) or the wait runs out after 15 s.
      await page.locator('.ant-message-notice').filter({ hasText: /名单已下发：(已确认|控制器拒收|无应答|未发出)/ }).waitFor({ timeout: 25_000 });
      const status = await row.getByTestId('access-list-status').innerText();
      assert.match(status, /已确认|控制器拒收|无应答|未发出/);
      assert.ok(!pageErrors.length, pageErrors.join('\n'));
    }));
});
