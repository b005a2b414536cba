import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 8080);
    assert.equal(c.XIAOAN_DATA_DIR, './data');
    assert.equal(c.XIAOAN_DEMO, true);
    assert.equal(c.DATABASE_URL, undefined);
  });

  it('reads and converts the environment', () => {
    const c = loadConfig({ PORT: '9000', XIAOAN_DEMO: '0', DATABASE_URL: 'postgres://u@h/db', PATH: '/bin', XIAOAN_SIM_RATE: '2.5' });
    assert.equal(c.XIAOAN_SIM_RATE, 2.5);
    assert.equal(c.PORT, 9000);
    assert.equal(c.XIAOAN_DEMO, false);
    assert.equal(c.DATABASE_URL, 'postgres://u@h/db');
  });

  it('rejects unknown keys and bad values, naming each', () => {
    const err = (() => {
      try {
        loadConfig({ XIAOAN_DEMOO: '1', PORT: 'eighty', XIAOAN_DEMO: 'maybe', DATABASE_URL: 'mysql://x' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    assert.ok(err instanceof ConfigError);
    const keys = err.problems.map((p) => p.key).sort();
    assert.deepEqual(keys, ['DATABASE_URL', 'PORT', 'XIAOAN_DEMO', 'XIAOAN_DEMOO']);
    assert.match(err.message, /XIAOAN_DEMOO: unknown configuration key/);
  });

  it('asks for the media node secret with the media node address, and for a long enough one', () => {
    assert.throws(() => loadConfig({ XIAOAN_MEDIA_NODE_URL: 'ws://10.0.0.5:7400' }), (e: ConfigError) => e.problems.some((p) => p.key === 'XIAOAN_MEDIA_NODE_SECRET' && /required with XIAOAN_MEDIA_NODE_URL/.test(p.reason)));
    assert.throws(() => loadConfig({ XIAOAN_MEDIA_NODE_URL: 'ws://10.0.0.5:7400', XIAOAN_MEDIA_NODE_SECRET: 'short' }), (e: ConfigError) => e.problems.some((p) => p.key === 'XIAOAN_MEDIA_NODE_SECRET'));
    assert.throws(() => loadConfig({ XIAOAN_MEDIA_NODE_URL: 'http://10.0.0.5:7400', XIAOAN_MEDIA_NODE_SECRET: 'a-long-enough-secret' }), (e: ConfigError) => e.problems.some((p) => p.key === 'XIAOAN_MEDIA_NODE_URL'));
    const c = loadConfig({ XIAOAN_MEDIA_NODE_URL: 'ws://10.0.0.5:7400', XIAOAN_MEDIA_NODE_SECRET: 'a-long-enough-secret' });
    assert.equal(c.XIAOAN_MEDIA_NODE_PORT, 7400);
  });

  it('reads a JSON file, strictly, with the environment winning', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ PORT: 7000, HOST: '127.0.0.1' }));
    const c = loadConfig({ XIAOAN_CONFIG: file, HOST: '::1' });
    assert.equal(c.PORT, 7000);
    assert.equal(c.HOST, '::1');
    writeFileSync(file, JSON.stringify({ PORTT: 7000 }));
    assert.throws(() => loadConfig({ XIAOAN_CONFIG: file }), /PORTT: unknown configuration key/);
    assert.throws(() => loadConfig({ XIAOAN_CONFIG: path.join(dir, 'missing.json') }), /XIAOAN_CONFIG: cannot read/);
  });
});
