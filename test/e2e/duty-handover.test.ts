/**
 * 交接班 in real browsers against a real server (demo university, its published roster): a panic
 * button raises an alarm, routed to the command-centre operators on shift; the operator on
 * 指挥中心值班席1 now starts the handover (the duty log lists the open alarm), ticks the checklist
 * (one item with a remark) and signs; the operator rostered on the next shift logs in, sees it
 * waiting and accepts — the open alarms move to the new shift (a 交接班 step in each alarm's
 * log). Saves docs/screenshots/duty-handover.png (Chinese, 1440×900): the incoming operator's view.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/build-web.ts';
import type { DutyRoster } from '../../src/shared/duty.ts';
import type { Handover, HandoverCurrent } from '../../src/shared/handover.ts';
import { ADMIN_PASSWORD, Api, explainingFailure, launchChromium, startServer, logIn, type RunningServer } from './support.ts';

const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');
const DEMO_PASSWORD = 'xiaoan-demo';

async function login(page: Page, baseUrl: string, username: string) {
  await logIn(page, baseUrl, username, DEMO_PASSWORD, '/duty?tab=handover');
  // Back to the page asked for after logging in.
  await page.getByTestId('handover-tab').waitFor();
}

describe('handover (browser)', { timeout: 400_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let outgoing = '';
  let incoming = '';
  let alarmId = '';
  const pageErrors: string[] = [];

  before(async () => {
    process.env.XIAOAN_SIM_RATE = '0'; // no simulator noise: the one alarm is the test's
    try {
      server = await startServer();
    } finally {
      delete process.env.XIAOAN_SIM_RATE;
    }
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const admin = new Api(server.baseUrl);
    await admin.login('admin', ADMIN_PASSWORD);
    // Who sits 指挥中心值班席1 now, and who takes it over at the change of shift (the published roster).
    const director = new Api(server.baseUrl);
    await director.login('director', DEMO_PASSWORD);
    const now = Date.now();
    const month = new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);
    const rosters = [await director.call<DutyRoster>('GET', `/api/duty/roster?month=${month}`)];
    const next = new Date(Date.parse(`${month}-28T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 7);
    rosters.push(await director.call<DutyRoster>('GET', `/api/duty/roster?month=${next}`));
    const seat = rosters[0]!.posts.find((p) => p.name === '指挥中心值班席1')!;
    const assignments = rosters.flatMap((r) => r.assignments).filter((a) => a.postId === seat.id);
    const mine = assignments.find((a) => Date.parse(a.from) <= now && now < Date.parse(a.to))!;
    const theirs = assignments.find((a) => a.from === mine.to)!;
    const username = new Map(rosters[0]!.staff.map((s) => [s.id, s.username]));
    outgoing = username.get(mine.accountId)!;
    incoming = username.get(theirs.accountId)!;
    assert.ok(outgoing && incoming && outgoing !== incoming, `${outgoing} hands over to ${incoming}`);

    // A panic button pressed: the open alarm the handover carries.
    const buttons = await admin.call<{ items: { id: string }[] }>('GET', '/api/devices?kind=panic_button&status=in_service&pageSize=5');
    const button = buttons.items[0]!;
    const cred = await admin.call<{ password: string }>('POST', `/api/devices/${button.id}/credentials`);
    const res = await fetch(`${server.baseUrl}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${button.id}:${cred.password}`).toString('base64')}` },
      body: JSON.stringify({ events: [{ kind: 'panic', sourceEventId: 'e2e-handover-1' }] }),
    });
    assert.equal(res.status, 200, await res.text());
    for (const deadline = Date.now() + 20_000; ; ) {
      const q = await director.call<{ items: { id: string; deviceId: string }[] }>('GET', `/api/alarms?deviceId=${button.id}`);
      if (q.items.length) {
        alarmId = q.items[0]!.id;
        break;
      }
      assert.ok(Date.now() < deadline, 'the panic raised an alarm');
      await new Promise((r) => setTimeout(r, 300));
    }
    const record = await director.call<{ routedTo: { operators: { name: string }[] } | null }>('GET', `/api/alarms/${alarmId}`);
    assert.ok(record.routedTo?.operators.length, 'routed to the operators on shift');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  };

  it('the outgoing operator signs the pre-filled log and checklist; the incoming one accepts and the open alarms move', async () => {
    const out = await newPage();
    await explainingFailure(out, pageErrors, async () => {
      await login(out, server.baseUrl, outgoing);
      await out.getByTestId('handover-mine').filter({ hasText: '指挥中心值班席1' }).waitFor();
      await out.getByTestId('handover-start').click();
      await out.getByTestId('handover-check-monitor_wall').waitFor();
      assert.match(await out.getByTestId('handover-open-alarms').innerText(), /未结报警（[1-9]\d*）/);
      for (const key of ['monitor_wall', 'alarm_host', 'intercom', 'log_book']) await out.getByTestId(`handover-check-${key}`).click();
      // Keys not checked and no remark: the server names the field.
      await out.getByTestId('handover-sign').click();
      await out.locator('.ant-popconfirm:visible .ant-btn-primary').click();
      await out.getByTestId('handover-problem').filter({ hasText: 'keys is not checked' }).waitFor();
      await out.getByTestId('handover-remark-keys').fill('备用钥匙暂存保卫处，明早归还');
      await out.getByTestId('handover-notes').fill('紧急按钮报警待复核；东区两路摄像机离线已报修。');
      await out.getByTestId('handover-sign').click();
      await out.locator('.ant-popconfirm:visible .ant-btn-primary').click();
      await out.getByTestId('handover-current-signed').waitFor();
    });

    const inc = await newPage();
    await explainingFailure(inc, pageErrors, async () => {
      await login(inc, server.baseUrl, incoming);
      const waiting = inc.getByTestId('handover-awaiting');
      await waiting.waitFor();
      assert.match(await waiting.innerText(), /备用钥匙暂存保卫处/);
      await inc.screenshot({ path: path.join(SCREENSHOTS, 'duty-handover.png') });
      await inc.getByTestId('handover-accept').click();
      await inc.locator('.ant-popconfirm:visible .ant-btn-primary').click();
      await inc.locator('.ant-message').filter({ hasText: '已接班' }).waitFor();
      await inc.getByTestId('handover-history').getByTestId('handover-state-accepted').first().waitFor();
    });

    const api = new Api(server.baseUrl);
    await api.login(incoming, DEMO_PASSWORD);
    const current = await api.call<HandoverCurrent>('GET', '/api/handover/current');
    assert.equal(current.awaitingMe.length, 0);
    const history = await api.call<{ items: Handover[] }>('GET', '/api/handover');
    const accepted = history.items.find((h) => h.state === 'accepted' && h.outgoing.name && h.incoming !== null && h.shiftTo === history.items[0]!.shiftTo)!;
    assert.ok(accepted.movedAlarms >= 1);
    const record = await api.call<{ log: { action: string }[]; routedTo: { operators: { id: string }[] } }>('GET', `/api/alarms/${alarmId}`);
    assert.ok(record.log.some((l) => l.action === 'handed_over'), 'the alarm’s log has the handover');
    assert.ok(record.routedTo.operators.length > 0);
    assert.deepEqual(pageErrors, []);
  });
});
