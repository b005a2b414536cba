/**
 * 合规评估 in a real browser on the demo university: the score and its rules as the API answers
 * them, the planted camera in a toilet named under its rule, the key-site coverage table and a
 * blind spot drawn on the map; the remediation plan with suggested cameras; the inspection report
 * downloaded as a PDF; the pack's parameters tightened (never loosened) and the demo's pending site-visit
 * record accepted by the auditor. Saves docs/screenshots/compliance.png, compliance-coverage.png,
 * compliance-remediation.png and compliance-evidence.png (and the report to /tmp/compliance-demo-report.pdf).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { ComplianceScore, CoverageReport } from '../../src/shared/compliance.ts';
import type { Evidence } from '../../src/shared/compliance-evidence.ts';
import type { RemediationPlan } from '../../src/shared/compliance-remediation.ts';
import { Api, clickNav, explainingFailure, launchChromium, logIn, newConsolePage, startServer, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';

describe('compliance page (browser)', { timeout: 300_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let score: ComplianceScore;
  let coverage: CoverageReport;
  let plan: RemediationPlan;
  const pageErrors: string[] = [];

  before(async () => {
    process.env.XIAOAN_SIM_RATE = '0';
    try {
      server = await startServer();
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
    }
    const director = new Api(server.baseUrl);
    await director.login('director', DEMO_PASSWORD);
    score = await director.call<ComplianceScore>('GET', '/api/compliance/score');
    coverage = await director.call<CoverageReport>('GET', '/api/compliance/coverage');
    plan = await director.call<RemediationPlan>('GET', '/api/compliance/remediation');
    browser = await launchChromium();
    page = await newConsolePage(browser, { width: 1440, height: 1600 }, pageErrors);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the score, each rule with its result, and the findings of a rule', async () => {
    await explainingFailure(page, pageErrors, async () => {
      await logIn(page, server.baseUrl, 'director', DEMO_PASSWORD);
      await clickNav(page, 'nav-compliance');
      await page.waitForURL('**/compliance');
      const summary = page.getByTestId('compliance-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), new RegExp(`综合得分\\s*${score.score.toFixed(1).replace('.', '\\.')}`));
      for (const r of score.rules) {
        const tag = page.getByTestId(`compliance-status-${r.rule.id}`);
        assert.equal(await tag.innerText(), { pass: '达标', partial: '部分达标', fail: '不达标', no_data: '无数据' }[r.result.status], r.rule.id);
      }
      const privacy = score.rules.find((r) => r.rule.id === 'S-NOCAM-PRIVATE')!;
      assert.equal(privacy.result.status, 'fail');
      await page.getByTestId('compliance-status-S-NOCAM-PRIVATE').locator('xpath=ancestor::tr').locator('.ant-table-row-expand-icon').click();
      const findings = page.getByTestId('compliance-findings-S-NOCAM-PRIVATE');
      await findings.waitFor();
      assert.match(await findings.innerText(), /卫生间/);
      assert.ok((await findings.innerText()).includes(privacy.result.findings[0]!.name));
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'compliance.png') });
    });
  });

  it('lists key-site coverage worst first and draws the chosen site’s blind spots on the map', async () => {
    await explainingFailure(page, pageErrors, async () => {
      await page.getByTestId('compliance-tab-coverage').click();
      const rows = page.getByTestId('compliance-sites').locator('tbody tr.ant-table-row');
      await rows.first().waitFor();
      assert.match(await rows.first().innerText(), /0%/, 'a key site no camera sees comes first');
      // The least covered site that some camera sees (on the first page, worst first): its blind spots are drawn.
      const partial = [...coverage.sites].sort((a, b) => a.share - b.share).find((x) => x.share > 0)!;
      await rows.filter({ hasText: partial.name }).first().click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="compliance-map"]')?.getAttribute('data-blind-spots')) > 0);
      await page.waitForFunction(() => {
        const map = (document.querySelector('[data-testid="compliance-map"]') as HTMLElement & { __maplibre?: { loaded(): boolean; querySourceFeatures(id: string): unknown[] } }).__maplibre;
        return !!map && map.loaded() && map.querySourceFeatures('compliance-blind').length > 0;
      });
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'compliance-coverage.png') });
      assert.deepEqual(pageErrors, []);
    });
  });

  it('downloads the inspection report (检查报告) as a PDF named in Chinese', async () => {
    await explainingFailure(page, pageErrors, async () => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('compliance-report-pdf').click()]);
      assert.match(download.suggestedFilename(), /^校园技防检查报告-.+-\d{4}-\d{2}-\d{2}\.pdf$/);
      const file = (await download.path())!;
      const pdf = readFileSync(file);
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok(pdf.length > 20_000, `report of ${pdf.length} bytes`);
      copyFileSync(file, '/tmp/compliance-demo-report.pdf');
      assert.deepEqual(pageErrors, []);
    });
  });

  it('tightens a parameter (a looser value is refused on its field) and the auditor accepts the pending site-visit record', async () => {
    await explainingFailure(page, pageErrors, async () => {
      await page.getByTestId('compliance-tab-evidence').click();
      await page.getByTestId('compliance-pack-rules').waitFor();
      assert.match(await page.getByTestId('evidence-latest-S-UPS-1H').innerText(), /已通过/);
      assert.match(await page.getByTestId('evidence-latest-S-ROOM').innerText(), /待审核/);
      await page.getByTestId('compliance-edit-params').click();
      const days = page.getByTestId('compliance-param-S-RET-90-days');
      await days.fill('60');
      await page.getByTestId('compliance-params-save').click();
      const error = page.getByTestId('compliance-params-form').locator('.ant-form-item-explain-error').filter({ hasText: '只能收紧' });
      await error.waitFor();
      assert.equal(await error.innerText(), '只能收紧：不得低于规则包的 90');
      await days.fill('180');
      await page.getByTestId('compliance-params-save').click();
      await page.getByTestId('compliance-params-form').waitFor({ state: 'hidden' });
      await page.getByTestId('compliance-params-S-RET-90').filter({ hasText: '已收紧' }).waitFor();
      assert.match(await page.getByTestId('compliance-params-S-RET-90').innerText(), /180[\s\S]*规则包 90/);
      await page.getByTestId('compliance-summary').filter({ hasText: '本校收紧' }).waitFor();

      // The auditor (another person than the director who uploaded it) accepts the site-visit record.
      const auditorPage = await newConsolePage(browser, { width: 1440, height: 1300 }, pageErrors);
      try {
        await logIn(auditorPage, server.baseUrl, 'auditor', DEMO_PASSWORD);
        await clickNav(auditorPage, 'nav-compliance');
        await auditorPage.getByTestId('compliance-tab-evidence').click();
        const api = new Api(server.baseUrl);
        await api.login('auditor', DEMO_PASSWORD);
        const room = (await api.call<Evidence[]>('GET', '/api/compliance/evidence?ruleId=S-ROOM'))[0]!;
        assert.equal(room.status, 'submitted');
        assert.equal(await auditorPage.getByTestId('compliance-edit-params').count(), 0, 'the auditor reviews; it does not change the pack');
        // The page as the auditor finds it: the accepted report, the record pending with its buttons, the tightened parameter.
        await auditorPage.getByTestId(`evidence-accept-${room.id}`).waitFor();
        await auditorPage.waitForTimeout(300);
        await auditorPage.screenshot({ path: path.join(SCREENSHOTS, 'compliance-evidence.png') });
        await auditorPage.getByTestId(`evidence-accept-${room.id}`).click();
        await auditorPage.locator('.ant-popconfirm .ant-btn-primary').click();
        await auditorPage.getByTestId(`evidence-status-${room.id}`).filter({ hasText: '已通过' }).waitFor();
        await auditorPage.getByTestId('evidence-latest-S-ROOM').filter({ hasText: '已通过' }).waitFor();
        const after = await api.call<ComplianceScore>('GET', '/api/compliance/score');
        assert.equal(after.rules.find((r) => r.rule.id === 'S-ROOM')!.result.status, 'pass');
        await auditorPage.getByTestId('compliance-tab-rules').click();
        await auditorPage.getByTestId('compliance-status-S-ROOM').filter({ hasText: '达标' }).waitFor();
      } finally {
        await auditorPage.context().close();
      }
      assert.deepEqual(pageErrors, []);
    });
  });

  it('整改计划: ranks the measures and draws the suggested cameras of the worst site that one can help', async () => {
    await explainingFailure(page, pageErrors, async () => {
      await page.getByTestId('compliance-tab-remediation').click();
      const rows = page.getByTestId('remediation-items').locator('tbody tr.ant-table-row');
      // The plan searches camera positions for every key site below full coverage: seconds on a busy machine.
      await rows.first().waitFor({ timeout: 120_000 });
      const first = plan.items[0]!;
      assert.equal(first.cost, 0, 'a measure that costs nothing comes first');
      const firstText = await rows.first().innerText();
      assert.ok(firstText.includes(first.action), firstText);
      assert.match(firstText, /无需费用/);
      // The worst key site a standard camera improves: its suggestions drawn, with the sentence.
      const worst = plan.placements.find((p) => p.suggestions.length > 0)!;
      assert.ok(worst, 'the demo has a key site a camera would improve');
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="remediation-map"]')?.getAttribute('data-suggested')) === n, worst.suggestions.length);
      await page.waitForFunction(() => {
        const map = (document.querySelector('[data-testid="remediation-map"]') as HTMLElement & { __maplibre?: { loaded(): boolean; querySourceFeatures(id: string): unknown[] } }).__maplibre;
        return !!map && map.loaded() && map.querySourceFeatures('compliance-suggested').length > 0;
      });
      assert.ok((await page.getByTestId('remediation-site').innerText()).includes(worst.name));
      const sentence = await page.getByTestId('remediation-sentence').first().innerText();
      assert.match(sentence, new RegExp(`在此处安装一台摄像机，朝向 \\S+（${worst.suggestions[0]!.bearingDeg}°），可使 ${worst.name} 的覆盖率提高 ${Math.round(worst.suggestions[0]!.gainShare * 100)}%`));
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'compliance-remediation.png') });
      assert.deepEqual(pageErrors, []);
    });
  });
});
