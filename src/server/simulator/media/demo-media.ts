import path from 'node:path';
import type { GbDeviceMedia } from '../protocol/gb28181-device.ts';
import { patternMedia } from './gb-device-media.ts';
import { testPattern, type TestPattern } from './test-pattern.ts';

/** The demo cameras' picture: 720p25 H.264, a keyframe every 2 s, encoded once into the data directory. */
export const DEMO_PATTERN = { codec: 'h264', width: 1280, height: 720, fps: 25, gopFrames: 50, seconds: 10 } as const;

/**
 * What the demo's GB/T 28181 cameras stream: ffmpeg's moving test picture, encoded once in the
 * background on first start (a few seconds) and then looped by every camera asked for video.
 */
export function demoPattern(dataDir: string, ffmpegPath: string | undefined, log: { warn(o: object, msg: string): void }): Promise<TestPattern> {
  const pattern = testPattern({ ...DEMO_PATTERN, cacheDir: path.join(dataDir, 'demo-media'), ...(ffmpegPath ? { ffmpegPath } : {}) });
  // Without ffmpeg the demo still runs; its cameras refuse video (the platform says why).
  pattern.catch((err: Error) => log.warn({ err: err.message }, 'simulator: no test picture for the demo cameras'));
  return pattern;
}

export function demoCameraMedia(pattern: Promise<TestPattern>): GbDeviceMedia {
  return patternMedia(pattern);
}
