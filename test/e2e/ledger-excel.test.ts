/**
 * Excel import and export of the ledger in a real browser against a real server: a security
 * director uploads a small xlsx with one bad row, sees the report with the row number, imports
 * only the valid rows, finds them in the table, and exports the ledger as CSV.
 * Saves docs/screenshots/ledger-import.png (the import dialog with its report).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import { HEADERS } from '../../src/server/modules/ledger-io/columns.ts';
import { seedCampus } from './seed-campus.ts';
import { ADMIN_PASSWORD, Api, launchChromium, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DIRECTOR = { username: 'e2e-director', password: 'director-password-1' };

interface TreeNode {
  id: string;
  kind: string;
  name: string;
  children: TreeNode[];
}

/** A university with a campus › building › floor path, from the demo data (or a seeded campus). */
async function findPlace(api: Api): Promise<{ universityId: string; campus: string; building: string; floor: string }> {
  const universities = await api.call<{ total: number }>('GET', '/api/org-units?kind=university&pageSize=1');
  if (universities.total === 0) await seedCampus(api);
  const tree = await api.call<TreeNode[]>('GET', '/api/org-units/tree');
  const walk = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => [n, ...walk(n.children)]);
  for (const uni of walk(tree).filter((n) => n.kind === 'university')) {
    for (const campus of uni.children.filter((n) => n.kind === 'campus')) {
      for (const building of campus.children.filter((n) => n.kind === 'building')) {
        const floor = building.children.find((n) => n.kind === 'floor');
        if (floor) return { universityId: uni.id, campus: campus.name, building: building.name, floor: floor.name };
      }
    }
  }
  throw new Error('no campus with a building and a floor');
}

async function workbook(place: { campus: string; building: string; floor: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('设备台账');
  ws.addRow(HEADERS);
  const add = (values: Record<string, string | number>) => ws.addRow(HEADERS.map((h) => values[h] ?? null));
  add({ 名称: '导入测试-门禁-01', 设备类型: '门禁', 校区: place.campus, 楼宇: place.building, 楼层: place.floor, 厂商: '中控智慧', 序列号: 'E2E-IMPORT-0001' });
  add({ 名称: '导入测试-坏行', 设备类型: '监控头', 校区: place.campus });
  add({ 名称: '导入测试-烟感-02', 设备类型: '火灾探测器', 校区: place.campus, 楼宇: place.building, 楼层: place.floor });
  add({ 名称: '导入测试-摄像机-03', 设备类型: '摄像机', 校区: place.campus, 分辨率: '1080P 高清', 云台类型: '枪机/固定', 录像保存天数: 30, '朝向(度)': 90 });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('ledger Excel import and export (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let file: string;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startServer();
    const api = new Api(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    const place = await findPlace(api);
    await api.call('POST', '/api/users', { ...DIRECTOR, displayName: '保卫处处长', role: 'security_director', universityId: place.universityId });
    dir = mkdtempSync(path.join(tmpdir(), 'xiaoan-e2e-excel-'));
    file = path.join(dir, '设备导入.xlsx');
    writeFileSync(file, await workbook(place));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in as the security director and opens the ledger', async () => {
    await page.goto(server.baseUrl + '/login');
    await page.getByTestId('login-username').fill(DIRECTOR.username);
    await page.getByTestId('login-password').fill(DIRECTOR.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/map');
    await page.getByTestId('nav-ledger').click();
    await page.locator('[data-testid="ledger-table"] tr.ant-table-row').first().waitFor();
  });

  it('uploads an xlsx with one bad row and shows the report with its row number', async () => {
    await page.getByTestId('excel-import').click();
    const modal = page.getByTestId('excel-import-modal');
    await modal.waitFor();
    await modal.locator('input[type="file"]').setInputFiles(file);
    const summary = page.getByTestId('excel-summary');
    await summary.waitFor();
    const numbers = (await summary.innerText()).match(/\d+/g);
    assert.deepEqual(numbers, ['4', '3', '1'], 'rows, valid, invalid');
    const problems = page.getByTestId('excel-problems');
    const cells = await problems.locator('tr.ant-table-row td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 2), ['3', '设备类型'], 'the bad row as Excel numbers it, and its column');
    assert.match(cells[2]!, /「监控头」不是可选值/);
    assert.ok(await page.getByTestId('excel-import-all').isDisabled(), '全部导入 is disabled while a row is invalid');
    await page.waitForTimeout(300); // let the modal's opening animation settle
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ledger-import.png') });
  });

  it('imports only the valid rows and shows them in the table', async () => {
    await page.getByTestId('excel-import-valid').click();
    const result = page.getByTestId('excel-result');
    await result.waitFor();
    assert.match(await result.innerText(), /已导入 3 台设备/);
    assert.match(await result.innerText(), /另有 1 行有错误，未导入/);
    await page.getByTestId('excel-close').click();
    // The dialog has finished closing (its mask would catch the next clicks).
    await page.locator('.ant-modal-wrap').filter({ has: result }).waitFor({ state: 'detached' });
    await page.getByTestId('ledger-search').locator('input').fill('导入测试');
    await page.getByTestId('ledger-search').locator('input').press('Enter');
    const table = page.getByTestId('ledger-table');
    await table.getByText('导入测试-摄像机-03').waitFor();
    const names = await table.locator('[data-testid="ledger-device-link"]').allInnerTexts();
    assert.deepEqual(names.sort(), ['导入测试-摄像机-03', '导入测试-门禁-01', '导入测试-烟感-02'].sort());
  });

  it('exports what the table lists as CSV', async () => {
    await page.getByTestId('excel-export').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('excel-export-csv').click();
    const saved = path.join(dir, 'export.csv');
    await (await download).saveAs(saved);
    const text = readFileSync(saved, 'utf8');
    assert.ok(text.startsWith('\ufeff名称,设备类型,台账状态,校区'), text.slice(0, 80));
    const lines = text.trim().split('\r\n');
    assert.equal(lines.length, 1 + 3, 'the header and the three devices the search lists');
    assert.ok(lines.some((l) => l.startsWith('导入测试-门禁-01,门禁,在用,')));
  });

  it('raised no errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
