/**
 * 合规评估 in a real browser on the demo university: the score and its rules as the API answers
 * them, the planted camera in a toilet named under its rule, the key-site coverage table and a
 * blind spot drawn on the map, the remediation plan with suggested cameras. Saves docs/screenshots/compliance.png,
 * compliance-coverage.png and compliance-remediation.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { ComplianceScore, CoverageReport } from '../../src/shared/compliance.ts';
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
