/**
 * People and vehicles in a real browser against a real server (demo university, 440 people):
 * the people register shows id numbers masked and 查看完整信息 with a reason reveals one (and is
 * audited); the vehicles page registers a car through its form (a bad plate first, with the
 * error on the plate field), registers a guest and approves it, and shows a plate read posted by
 * the lane camera over the ingest API as a passage with its decision.
 * Saves docs/screenshots/people.png and docs/screenshots/vehicles.png (Chinese UI, 1440×900).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { beijingDateTime } from '../../src/shared/beijing-time.ts';
import { ADMIN_PASSWORD, Api, clickNav, explainingFailure, launchChromium, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
/** Plates no demo vehicle has: the test counts on nothing the demo data may or may not hold. */
const STAFF_PLATE = '沪A9E201';
const GUEST_PLATE = '浙B7E202';

interface PersonRow {
  id: string;
  name: string;
  number: string;
  universityId: string;
  idNumber: string | null;
}

/** The Ant Design form item around a control, where its error shows. */
const formItemOf = (control: Locator) => control.locator('xpath=ancestor::div[contains(@class, "ant-form-item ")][1]');

describe('people and vehicles (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let api: Api;
  let person: PersonRow;
  let universityName: string;
  let lane: { id: string; username: string; password: string };
  const pageErrors: string[] = [];
  const step = <T>(run: () => Promise<T>) => explainingFailure(page, pageErrors, run);

  before(async () => {
    server = await startServer();
    api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    const people = await api.call<{ items: PersonRow[] }>('GET', '/api/people?page=1&pageSize=50&sort=name&order=asc');
    const withId = people.items.find((p) => p.idNumber);
    assert.ok(withId, 'the demo university has people with id numbers');
    person = withId;
    const tree = await api.call<{ id: string; name: string; kind: string; children: unknown[] }[]>('GET', '/api/org-units/tree');
    const walk = (nodes: { id: string; name: string; kind: string; children: unknown[] }[]): { id: string; name: string }[] =>
      nodes.flatMap((n) => [n, ...walk(n.children as typeof nodes)]);
    universityName = walk(tree).find((n) => n.id === person.universityId)!.name;
    // A plate camera of the university sends its reads over HTTP with its own credentials.
    const cameras = await api.call<{ items: { id: string; status: string }[] }>('GET', `/api/devices?kind=lpr_camera&universityId=${person.universityId}&pageSize=50`);
    const camera = cameras.items.find((c) => c.status === 'in_service') ?? cameras.items[0];
    assert.ok(camera, 'the demo university has a plate camera');
    const issued = await api.call<{ username: string; password: string }>('POST', `/api/devices/${camera.id}/credentials`);
    lane = { id: camera.id, ...issued };
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 900 }, pageErrors);
    page.setDefaultTimeout(30_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs in as the administrator', async () => {
    await page.goto(server.baseUrl + '/login');
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/map');
  });

  it('lists people with masked id numbers and reveals one with a reason, audited', () =>
    step(async () => {
      await clickNav(page, 'nav-people');
      const table = page.getByTestId('people-table');
      await table.locator('tr.ant-table-row').first().waitFor();
      const ids = await table.locator('tr.ant-table-row td .people-masked').allInnerTexts();
      assert.ok(ids.some((v) => /^\d{4}\*+[\dX]{4}$/.test(v)), `masked id numbers in the table: ${ids.slice(0, 6).join(' ')}`);
      assert.ok(!ids.some((v) => /^\d{17}[\dX]$/.test(v)), 'no full id number in the table');
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'people.png') });

      await page.getByTestId('people-search').locator('input').fill(person.number);
      await page.getByTestId('people-search').locator('input').press('Enter');
      await table.locator('tr.ant-table-row').filter({ hasText: person.number }).getByTestId('person-open').click();
      const detail = page.getByTestId('person-detail');
      await detail.waitFor();
      assert.equal(await detail.getByTestId('person-id-number').innerText(), person.idNumber);
      await detail.getByTestId('person-unmask').click();
      await page.getByTestId('unmask-reason').fill('门禁异常，核实持卡人身份');
      await page.locator('.ant-modal:visible .ant-modal-footer .ant-btn-primary').click();
      await detail.getByTestId('person-unmasked').waitFor();
      const raw = await detail.getByTestId('person-id-number').innerText();
      assert.match(raw, /^\d{17}[\dX]$|^\d{15}$/, 'the full id number');
      assert.equal(raw.slice(0, 4), person.idNumber!.slice(0, 4));
      const audit = await api.call<{ items: { action: string; entityId: string }[] }>('GET', `/api/audit?action=person.unmask&entityId=${person.id}`);
      assert.equal(audit.items.length, 1, 'the look is in the audit log');
      await page.locator('.ant-drawer:visible .ant-drawer-close').click();
      await detail.waitFor({ state: 'hidden' });
    }));

  /** Opens the form, picks the university when the account is city-wide, fills the fields. */
  async function openVehicleForm(values: { plate: string; owner: string }) {
    await page.getByTestId('vehicles-create').click();
    const form = page.getByTestId('vehicle-form');
    await form.getByTestId('vehicle-plate').waitFor();
    const university = form.getByTestId('vehicle-university');
    if ((await university.count()) && !(await formItemOf(university).locator('.ant-select-selection-item').count())) {
      await university.click();
      await page.locator('.ant-select-item-option').filter({ hasText: universityName }).first().click();
    }
    await form.getByTestId('vehicle-plate').fill(values.plate);
    await form.getByTestId('vehicle-owner').fill(values.owner);
    return form;
  }

  /** Types into a search box (antd Input.Search puts the test id on its input or its wrapper) and searches. */
  async function searchFor(testId: string, text: string) {
    const input = page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
    await input.fill(text);
    await input.press('Enter');
  }

  async function chooseList(form: Locator, label: string) {
    await form.getByTestId('vehicle-list').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).click();
  }

  it('registers a staff car through the form, showing the plate error on the plate field first', () =>
    step(async () => {
      await clickNav(page, 'nav-vehicles');
      await page.getByTestId('vehicles-summary').waitFor();
      const form = await openVehicleForm({ plate: 'AB123', owner: '王建国' });
      await form.getByTestId('vehicle-phone').fill('13812345678');
      await form.getByTestId('vehicle-save').click();
      const plateItem = formItemOf(form.getByTestId('vehicle-plate'));
      await plateItem.locator('.ant-form-item-explain-error').filter({ hasText: '不是有效的车牌号' }).waitFor();
      await form.getByTestId('vehicle-plate').fill(STAFF_PLATE);
      await form.getByTestId('vehicle-save').click();
      await form.waitFor({ state: 'hidden' });
      // The demo lists its fleet (1,500 plates): find ours.
      await searchFor('vehicles-search', STAFF_PLATE);
      const row = page.getByTestId('vehicles-table').locator('tr.ant-table-row').filter({ hasText: STAFF_PLATE });
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, /教职工/);
      assert.match(text, /138\*\*\*\*5678/, 'the phone masked');
      assert.match(text, /不限时段/);
    }));

  it('registers a guest with a pass and approves it', () =>
    step(async () => {
      const form = await openVehicleForm({ plate: GUEST_PLATE, owner: '李访客' });
      await chooseList(form, '访客');
      const until = beijingDateTime(Date.now() + 2 * 86_400_000).slice(0, 16);
      const untilInput = form.getByTestId('vehicle-valid-until');
      await untilInput.click();
      await untilInput.fill(until);
      await untilInput.press('Enter');
      await form.getByTestId('vehicle-save').click();
      await form.waitFor({ state: 'hidden' });
      await searchFor('vehicles-search', GUEST_PLATE);
      const row = page.getByTestId('vehicles-table').locator('tr.ant-table-row').filter({ hasText: GUEST_PLATE });
      await row.waitFor();
      assert.match(await row.innerText(), /访客[\s\S]*待审批/);
      assert.match(await row.innerText(), new RegExp(`至 ${until}`), 'the pass end in Beijing time');
      await row.getByTestId('vehicle-approve').click();
      await page.locator('.ant-popconfirm:visible').getByRole('button', { name: /确\s*定|OK/ }).click();
      await row.getByText(/已审批/).waitFor();
    }));

  it('shows a plate read from the lane camera as a passage, and the car on campus', () =>
    step(async () => {
      const now = new Date().toISOString();
      const res = await fetch(`${server.baseUrl}/api/ingest/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${lane.username}:${lane.password}`).toString('base64')}` },
        body: JSON.stringify({ events: [{ kind: 'plate.read', sourceEventId: 'e2e-plate-1', occurredAt: now, payload: { plate: STAFF_PLATE, colour: 'blue', direction: 'in', confidence: 0.96 } }] }),
      });
      assert.equal(res.status, 200, await res.text());
      await page.getByTestId('vehicles-tab-passages').click();
      // The demo's gate cameras read plates all the time: look at ours only.
      await searchFor('passages-plate', STAFF_PLATE);
      const table = page.getByTestId('passages-table');
      // The tab reloads every 5 s: the passage shows up without a click.
      const row = table.locator('tr.ant-table-row').filter({ hasText: STAFF_PLATE });
      await row.waitFor({ timeout: 20_000 });
      const text = await row.innerText();
      assert.match(text, /入/);
      assert.match(text, /放行/);
      assert.match(text, /名单内/);
      assert.match(text, /王建国/);
      assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, 'the time in Beijing');
      await page.getByTestId('passages-decision').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '拒绝' }).click();
      await row.waitFor({ state: 'detached' });

      await page.getByTestId('vehicles-tab-list').click();
      await searchFor('vehicles-search', STAFF_PLATE);
      const staffRow = page.getByTestId('vehicles-table').locator('tr.ant-table-row').filter({ hasText: STAFF_PLATE });
      // The refresh reloads the register and the summary (the car may have been marked inside just after their last load).
      await page.getByTestId('vehicles-list-tab').getByRole('button', { name: /刷\s*新/ }).click();
      await page.getByTestId('vehicles-summary').getByText(/教职工 \d+/).waitFor();
      await staffRow.getByText('在校').first().waitFor();
      // The screenshot shows the whole list again (the demo's fleet, ours among it).
      await searchFor('vehicles-search', '');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="vehicles-table"] tr.ant-table-row').length > 1);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'vehicles.png') });
    }));

  it('raised no errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
