import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, rawPreview } from './raw-preview.ts';

describe('dead letter previews', () => {
  it('put a raw message on one short line', () => {
    assert.equal(rawPreview('{"a":\n  1}'), '{"a": 1}');
    assert.equal(rawPreview('\u0001\u0002ab\ufffd'), '··ab·');
    assert.equal(rawPreview('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(formatBytes(34), '34 B');
    assert.equal(formatBytes(5000), '4.9 KiB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MiB');
  });
});
