import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random, addYears, hashString } from './random.ts';

test('the same seed gives the same sequence; forks are independent but deterministic', () => {
  const a = new Random(42);
  const b = new Random(42);
  const seqA = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(seqA, Array.from({ length: 20 }, () => b.next()));
  assert.ok(seqA.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(seqA, Array.from({ length: 20 }, () => new Random(43).next()));
  assert.equal(new Random(7).fork('x').next(), new Random(7).fork('x').next());
  assert.notEqual(new Random(7).fork('x').next(), new Random(7).fork('y').next());
  assert.equal(hashString('示范大学'), hashString('示范大学'));
});

test('uuid() is UUID-v4 shaped and unique within a stream', () => {
  const r = new Random(1);
  const ids = Array.from({ length: 2000 }, () => r.uuid());
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
});

test('helpers stay in range', () => {
  const r = new Random(9);
  for (let i = 0; i < 500; i++) {
    const n = r.int(3, 5);
    assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    const d = r.date('2024-02-27', '2024-03-02');
    assert.ok(d >= '2024-02-27' && d <= '2024-03-02');
  }
  assert.equal(addYears('2020-02-29', 1), '2021-03-01');
  assert.equal(r.digits(6).length, 6);
});
