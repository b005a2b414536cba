/** Every answer carries the browser protections; the console's pages a content security policy (issue 17, item 10). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONSOLE_CSP } from '../../src/server/http/security-headers.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

describe('security headers', () => {
  before(async () => {
    t = await createTestApp();
  });
  after(() => t?.close());

  it('API answers: no sniffing, no framing, no referrer, not cached', async () => {
    for (const url of ['/api/health', '/api/devices', '/api/no-such-route']) {
      const res = await t.call(null, 'GET', url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['cache-control'], 'no-store', url);
    }
  });

  it('the console’s content security policy allows only its own server', () => {
    // Sent with every HTML page; test/e2e/web-console.test.ts checks it on the built console in Chromium.
    for (const part of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(CONSOLE_CSP.includes(part), `${part} in ${CONSOLE_CSP}`);
    assert.ok(!/https?:/.test(CONSOLE_CSP), 'no outside origin allowed');
  });
});
