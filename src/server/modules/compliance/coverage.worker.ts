/** Worker thread of the coverage analysis: polygon unions of every key site away from the event loop (see IsolatedWorker). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../../util/isolated-worker.ts';
import { camerasNear, entrancesOf, siteCoverage, type AccessPoint, type CoverageCamera, type CoverageSite, type SiteCoverage } from './coverage.ts';

export interface CoverageJob {
  sites: CoverageSite[];
  cameras: CoverageCamera[];
  accessPoints: AccessPoint[];
}

export function computeCoverage(job: CoverageJob): SiteCoverage[] {
  return job.sites.map((site) => siteCoverage(site, camerasNear(site, job.cameras), entrancesOf(site, job.accessPoints)));
}

parentPort?.on('message', ({ id, input }: { id: number; input: CoverageJob }) => {
  let reply: WorkerReply<SiteCoverage[]>;
  try {
    reply = { id, ok: true, output: computeCoverage(input) };
  } catch (error) {
    reply = { id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
