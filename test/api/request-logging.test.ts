/** Requests are logged at debug, not info: at the default level the log keeps what matters (issue 10, item 16). */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.ts';
import { buildApp } from '../../src/server/http/app.ts';
import { openStore } from '../../src/server/store/database.ts';
import { migrateToLatest } from '../../src/server/store/migrations/index.ts';
import { testClock } from '../helpers/test-clock.ts';
import { createTestStoreOptions } from '../helpers/test-store.ts';

async function linesAt(level: string): Promise<{ msg: string; level: number }[]> {
  const storeOpts = await createTestStoreOptions();
  const lines: { msg: string; level: number }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const store = openStore({ databaseUrl: storeOpts.databaseUrl, dataDir: storeOpts.dataDir, sqliteFile: storeOpts.sqliteFile });
  try {
    await migrateToLatest(store.db, store.dialect);
    const config = loadConfig({ XIAOAN_DEMO: '0' }, { XIAOAN_DATA_DIR: storeOpts.dataDir });
    const { app } = await buildApp({ config, store, clock: testClock(), logger: { level, stream } });
    for (let i = 0; i < 5; i++) assert.equal((await app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/api/devices' })).statusCode, 401);
    await app.close();
  } finally {
    await store.close();
    await storeOpts.cleanup();
  }
  return lines;
}

describe('request logging', () => {
  it('writes no line per request at info', async () => {
    const lines = await linesAt('info');
    const perRequest = lines.filter((l) => /request/.test(l.msg));
    assert.deepEqual(perRequest, [], 'request lines at info');
  });

  it('writes one line per request at debug', async () => {
    const lines = await linesAt('debug');
    assert.equal(lines.filter((l) => l.msg === 'request completed').length, 6);
  });
});
