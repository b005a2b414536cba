/** Worker thread of the placement suggestions (整改计划): the greedy search per key site away from the event loop (see IsolatedWorker). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../../util/isolated-worker.ts';
import { camerasNear, type CoverageCamera, type CoverageSite } from './coverage.ts';
import { suggestPlacements, type SitePlacementResult } from './placement.ts';

export interface PlacementJob {
  /** Key sites below full coverage, with their share from the coverage analysis when known. */
  sites: (CoverageSite & { shareBefore?: number })[];
  cameras: CoverageCamera[];
}

export function computePlacements(job: PlacementJob): SitePlacementResult[] {
  return job.sites.map(({ shareBefore, ...site }) => suggestPlacements(site, camerasNear(site, job.cameras), { shareBefore }));
}

parentPort?.on('message', ({ id, input }: { id: number; input: PlacementJob }) => {
  let reply: WorkerReply<SitePlacementResult[]>;
  try {
    reply = { id, ok: true, output: computePlacements(input) };
  } catch (error) {
    reply = { id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
