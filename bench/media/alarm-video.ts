/**
 * Alarm → linked video on the operator screen (issue 13, S-LINK-4S), in a real browser against
 * the demo university (the real server as a child process, without the simulator's noise): for
 * each of --alarms panic buttons, the button is pressed (HTTP ingest), the operator's 报警处置
 * screen shows the alarm (live push), the operator opens it at once, and the nearest linked camera
 * plays — its cameras are channels of a GB/T 28181 NVR of ours streaming a test picture.
 * Printed: ingest → alarm on screen, and ingest → linked video playing (the click included).
 *
 *   npm run bench:media:alarm -- [--alarms 10]
 */
import { parseArgs } from 'node:util';
import { summarize, fmtMs } from '../lib/stats.ts';
import { describeMachine, machineInfo } from '../lib/machine.ts';
import { ADMIN_PASSWORD, Api, launchChromium, startServer } from '../../test/e2e/support.ts';
import { nearbyRecorder } from '../../test/e2e/gb-recorder.ts';

const { values: opt } = parseArgs({ options: { alarms: { type: 'string', default: '10' } } });
const N = Number(opt.alarms);
const DEMO_PASSWORD = 'xiaoan-demo';

console.log(`# alarm → linked video benchmark — ${new Date().toISOString()}`);
console.log(describeMachine(machineInfo()));
process.env.XIAOAN_SIM_RATE = '0';
const server = await startServer();
delete process.env.XIAOAN_SIM_RATE;
const browser = await launchChromium();
const recorder: { close(): Promise<void> }[] = [];
try {
  const admin = new Api(server.baseUrl);
  await admin.login('admin', ADMIN_PASSWORD);
  const buttons = (await admin.call<{ items: { id: string; name: string; lon: number | null; lat: number | null }[] }>('GET', '/api/devices?kind=panic_button&status=in_service&pageSize=200')).items.filter((b) => b.lon !== null).slice(0, N);
  const creds = new Map<string, string>();
  for (const b of buttons) creds.set(b.id, (await admin.call<{ password: string }>('POST', `/api/devices/${b.id}/credentials`)).password);
  recorder.push(await nearbyRecorder(admin, server, buttons.map((b) => ({ lon: b.lon!, lat: b.lat! }))));

  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
  await page.goto(`${server.baseUrl}/alarms`);
  await page.waitForURL('**/login');
  await page.getByTestId('login-username').fill('operator01');
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('alarms-view').waitFor();
  await page.waitForFunction(() => (window as { __xiaoanLive?: { getState(): { phase: string } } }).__xiaoanLive?.getState().phase === 'open');

  const onScreen: number[] = [];
  const playing: number[] = [];
  for (const [i, b] of buttons.entries()) {
    const item = page.getByTestId('alarm-queue-item').filter({ hasText: b.name });
    const t0 = performance.now();
    const res = await fetch(`${server.baseUrl}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${b.id}:${creds.get(b.id)}`).toString('base64')}` },
      body: JSON.stringify({ events: [{ kind: 'panic', sourceEventId: `bench-${Date.now()}-${i}` }] }),
    });
    if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    await item.first().waitFor({ timeout: 10_000 });
    onScreen.push(performance.now() - t0);
    await item.first().click();
    const video = page.getByTestId('linked-camera').first().locator('[data-testid="live-video"][data-state="playing"]');
    await video.waitFor({ timeout: 15_000 });
    playing.push(performance.now() - t0);
    console.log(`  ${b.name}: on screen ${Math.round(onScreen.at(-1)!)} ms, linked video playing ${Math.round(playing.at(-1)!)} ms`);
  }
  const a = summarize(onScreen);
  const v = summarize(playing);
  console.log(`\ningest → alarm on the operator screen (${N} alarms): p50 ${fmtMs(a.p50)} ms  p95 ${fmtMs(a.p95)} ms  max ${fmtMs(a.max)} ms`);
  console.log(`ingest → nearest linked camera playing (opened at once): p50 ${fmtMs(v.p50)} ms  p95 ${fmtMs(v.p95)} ms  max ${fmtMs(v.max)} ms`);
} finally {
  for (const r of recorder) await r.close();
  await browser.close();
  await server.stop();
}
