import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePtz, ptzMove, ptzPreset } from './ptz.ts';

describe('GB/T 28181 PTZCmd', () => {
  it('encodes the standard’s examples: up at speed 0x1E, and stop', () => {
    assert.equal(ptzMove({ tilt: 1 }, 0x1e), 'A50F01081E1E1009');
    assert.equal(ptzMove({}), 'A50F0100000000B5');
  });

  it('calls a preset with a valid checksum that decodes back', () => {
    const cmd = ptzPreset('goto', 3);
    assert.equal(cmd, 'A50F01820003003A');
    assert.deepEqual(decodePtz(cmd), { command: 0x82, data1: 0, data2: 3, zoom: 0 });
    assert.throws(() => ptzPreset('goto', 0), /1–255/);
  });

  it('refuses a PTZCmd with a wrong checksum', () => {
    assert.equal(decodePtz('A50F01820003003B'), null);
  });
});
