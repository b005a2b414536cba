/**
 * The console is rebuilt when its sources change, whatever the clocks say: a build made while
 * the clock ran ahead (faketime) once kept serving an old console after later edits.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sourceFingerprint } from '../../scripts/build-web.ts';

describe('web console build fingerprint', () => {
  it('changes with a source’s content even when its time goes backwards, and only then', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'xiaoan-web-src-'));
    try {
      mkdirSync(path.join(root, 'src/web'), { recursive: true });
      const file = path.join(root, 'src/web/page.tsx');
      writeFileSync(file, 'export const a = 1;\n');
      const before = sourceFingerprint(root);
      assert.equal(sourceFingerprint(root), before, 'stable');
      utimesSync(file, new Date('2030-01-01'), new Date('2030-01-01'));
      assert.equal(sourceFingerprint(root), before, 'a time change alone is no change');
      writeFileSync(file, 'export const a = 2;\n');
      utimesSync(file, new Date('2001-01-01'), new Date('2001-01-01')); // older than any build
      assert.notEqual(sourceFingerprint(root), before, 'new content, however old its time');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
