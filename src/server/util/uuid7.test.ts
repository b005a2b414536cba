import assert from 'node:assert/strict';
import { it } from 'node:test';
import { uuid7 } from './uuid7.ts';

it('uuid7 ids are well-formed, unique and strictly increasing', () => {
  const ids = Array.from({ length: 20000 }, () => uuid7());
  for (const id of ids.slice(0, 50)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} !< ${ids[i]}`);
  const t = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseInt(uuid7(t + 10_000_000).replace(/-/g, '').slice(0, 12), 16) >= t, true);
});
