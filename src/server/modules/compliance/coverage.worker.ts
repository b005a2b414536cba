/** Worker thread of the coverage analysis: polygon unions of every key site away from the event loop (see IsolatedWorker). */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply } from '../../util/isolated-worker.ts';
import { camerasNear, entrancesOf, pointsAt, siteCoverage, type AccessPoint, type CoverageCamera, type CoverageSite, type SiteCoverage } from './coverage.ts';

export interface CoverageJob {
  sites: CoverageSite[];
  cameras: CoverageCamera[];
  accessPoints: AccessPoint[];
  /** In-service devices with a position: which of them stand in each site (alarms at a finance office, LPR at a gate). */
  devices: AccessPoint[];
}

export interface SiteAnalysis extends SiteCoverage {
  /** Devices inside the site or on its outline. */
  deviceIds: string[];
}

export function computeCoverage(job: CoverageJob): SiteAnalysis[] {
  return job.sites.map((site) => ({
    ...siteCoverage(site, camerasNear(site, job.cameras), entrancesOf(site, job.accessPoints)),
    deviceIds: pointsAt(site, job.devices).map((d) => d.id),
  }));
}

parentPort?.on('message', ({ id, input }: { id: number; input: CoverageJob }) => {
  let reply: WorkerReply<SiteAnalysis[]>;
  try {
    reply = { id, ok: true, output: computeCoverage(input) };
  } catch (error) {
    reply = { id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
