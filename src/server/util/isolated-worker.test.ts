/** A worker that throws where no catch reaches, runs out of memory or hangs fails its job only. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { IsolatedWorker, WorkerJobFailed } from './isolated-worker.ts';

const worker = new IsolatedWorker<string, string>(new URL('../../../test/fixtures/misbehaving-worker.ts', import.meta.url), {
  name: 'test worker',
  timeoutMs: 3000,
  maxOldGenerationSizeMb: 64,
});

describe('isolated worker', () => {
  after(() => worker.close());

  it('answers jobs in order', async () => {
    assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((x) => worker.run(x))), ['echo a', 'echo b', 'echo c']);
  });

  for (const [bad, why] of [
    ['uncaught', /Invalid typed array length/],
    ['memory', /stopped|memory|failed/i],
    ['hang', /longer than 3 s/],
    ['error', /refused/],
  ] as const) {
    it(`a job that ends in "${bad}" fails alone; the process and the next job carry on`, async () => {
      const failing = worker.run(bad);
      const next = worker.run('after'); // queued behind the bad job
      await assert.rejects(failing, (e: Error) => e instanceof WorkerJobFailed && why.test(e.message));
      assert.equal(await next, 'echo after');
      assert.equal(await worker.run('again'), 'echo again');
    });
  }
});
