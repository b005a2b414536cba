import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnsOf, place, resize, targetTile, tourPage, tourPages } from './wall-layout.ts';

describe('video wall layout', () => {
  it('has square layouts', () => {
    assert.deepEqual([1, 4, 9, 16].map((n) => columnsOf(n as 1)), [1, 2, 3, 4]);
  });

  it('keeps the first tiles when the layout shrinks and adds empty ones when it grows', () => {
    assert.deepEqual(resize(['a', 'b', 'c', null], 1), ['a']);
    assert.deepEqual(resize(['a'], 4), ['a', null, null, null]);
  });

  it('moves a camera already on the wall instead of showing it twice', () => {
    assert.deepEqual(place(['a', 'b', null, null], 2, 'a'), [null, 'b', 'a', null]);
  });

  it('adds a clicked camera to the first empty tile, else to the selected one', () => {
    assert.deepEqual(targetTile(['a', null, 'c', null], 3), 1);
    assert.deepEqual(targetTile(['a', 'b', 'c', 'd'], 2), 2);
  });

  it('tours through the cameras a page at a time and wraps around', () => {
    const cams = ['a', 'b', 'c', 'd', 'e'];
    assert.equal(tourPages(cams, 4), 2);
    assert.deepEqual(tourPage(cams, 4, 0), ['a', 'b', 'c', 'd']);
    assert.deepEqual(tourPage(cams, 4, 1), ['e', null, null, null]);
    assert.deepEqual(tourPage(cams, 4, 2), ['a', 'b', 'c', 'd']);
    assert.deepEqual(tourPage([], 1, 3), [null]);
  });
});
