/**
 * Shared pieces of the browser tests: a real server in a child process (fresh data directory,
 * demo mode on), a small API client with the session cookie, and chromium through
 * playwright-core (Debian's /usr/bin/chromium, no downloaded browser).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'e2e-admin-password';

export interface RunningServer {
  baseUrl: string;
  /** The GB/T 28181 SIP server's port (UDP and TCP on 127.0.0.1). */
  sipPort: number | null;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Builds the web console if stale, then starts `src/server/main.ts` as `npm start` would. The
 * demo history (90 days on `npm start`) is off unless `historyDays` asks for it: the other
 * browser tests count their own alarms.
 */
export async function startServer(opts: { historyDays?: number; startTimeoutMs?: number } = {}): Promise<RunningServer> {
  await buildWeb({ quiet: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'xiaoan-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XIAOAN_DATA_DIR: dataDir,
    XIAOAN_ADMIN_PASSWORD: ADMIN_PASSWORD,
    XIAOAN_DEMO: '1',
    XIAOAN_LOG_LEVEL: 'warn',
    XIAOAN_DEMO_HISTORY_DAYS: String(opts.historyDays ?? 0),
  };
  delete env.DATABASE_URL;
  delete env.MQTT_URL;
  for (const key of Object.keys(env)) if (key.startsWith('XIAOAN_TEST_')) delete env[key];
  let server: ServerProcess;
  try {
    server = await startServerProcess({ env, startTimeoutMs: opts.startTimeoutMs }); // the demo generator may take a while on 2 cores
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    baseUrl: server.baseUrl,
    sipPort: server.sipPort,
    log: server.output,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A logged-in API client for preparing data the browser then shows. */
export class Api {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async login(username: string, password: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + url, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      // WebGL (MapLibre) on the software rasterizer, since there is no GPU.
      '--enable-unsafe-swiftshader',
    ],
  });
}

/** Pages the navigation bar keeps in a group (hover the group, then click the page). */
const NAV_GROUP: Record<string, string> = {
  'nav-people': 'nav-group-entrance',
  'nav-vehicles': 'nav-group-entrance',
  'nav-access': 'nav-group-entrance',
  'nav-visitors': 'nav-group-entrance',
  'nav-trajectory': 'nav-group-entrance',
  'nav-alarm-stats': 'nav-group-alarm',
  'nav-rules': 'nav-group-alarm',
  'nav-patrol': 'nav-group-alarm',
  'nav-duty': 'nav-group-alarm',
  'nav-device-health': 'nav-group-device',
  'nav-dead-letters': 'nav-group-device',
};

/** Clicks a navigation entry as a user would, opening its group first when it has one. */
export async function clickNav(page: Page, testId: string): Promise<void> {
  const group = NAV_GROUP[testId];
  const before = page.url();
  for (let attempt = 0; attempt < 2; attempt++) {
    if (group) await page.getByTestId(group).hover();
    await page.getByTestId(testId).click();
    if (group) {
      // The group's popup stays while the pointer rests on it, covering the page below: move away.
      await page.mouse.move(1, 1);
      await page.getByTestId(testId).waitFor({ state: 'hidden' });
    }
    // On a loaded machine a click inside the group's popup can be lost while it opens: once more if the page did not change.
    if (await page.waitForURL((url) => url.href !== before, { timeout: 10_000 }).then(() => true, () => false)) return;
  }
}

/** A zh-CN page at a fixed size that records uncaught page errors into `errors` (tests assert it stays empty). */
export async function newConsolePage(browser: Browser, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(err.message));
  return page;
}

/**
 * Runs a browser step; when it fails, the error also says what covered the page then (open
 * modals and drawers, their classes and text) and the page errors so far — a CI log is all there
 * is to read afterwards.
 */
export async function explainingFailure<T>(page: Page, errors: string[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const overlays = await page
      .evaluate(() =>
        [...document.querySelectorAll('.ant-modal-wrap, .ant-drawer, .ant-message-notice')].map((el) => {
          const style = getComputedStyle(el);
          return `<${el.className}> display=${style.display} pointer-events=${style.pointerEvents}: ${(el.textContent ?? '').replace(/\s+/g, ' ').slice(0, 160)}`;
        }),
      )
      .catch((e: Error) => [`(could not read the page: ${e.message})`]);
    // A new error: Playwright's own keep their first message in what the runner prints.
    throw new Error(`${(err as Error).message}\n--- on the page then ---\n${overlays.join('\n') || '(no modal, drawer or message)'}\n--- page errors ---\n${errors.join('\n') || '(none)'}`, { cause: err });
  }
}

/** Logs in through the login page as a user would (the page redirects there from any console URL). */
export async function logIn(page: Page, baseUrl: string, username: string, password: string, landing = '/map'): Promise<void> {
  await page.goto(`${baseUrl}${landing}`);
  await page.waitForURL('**/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}
