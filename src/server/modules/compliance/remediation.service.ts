import { FULL_COVERAGE_SHARE } from '../../../shared/compliance.ts';
import { COST_KEYS, type RemediationPlan, type SitePlacement } from '../../../shared/compliance-remediation.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { type Actor, writeScope } from '../../http/policy.ts';
import { IsolatedWorker, WorkerJobFailed } from '../../util/isolated-worker.ts';
import type { OrgService } from '../org/index.ts';
import type { ComplianceService } from './compliance.service.ts';
import { evaluate } from './evaluate.ts';
import { BASELINE_PACK } from './packs.ts';
import type { SitePlacementResult } from './placement.ts';
import type { PlacementJob } from './placement.worker.ts';
import { COST_TABLE, planRemediation } from './remediation.ts';

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * 整改计划 (issue 16 item 5): the score's failing rules as measures ranked by points per estimated
 * yuan, with suggested camera placements for the key sites below full coverage. Computed when
 * asked, like the score; the placement search runs in its own worker thread.
 */
export class RemediationService {
  private readonly worker = new IsolatedWorker<PlacementJob, SitePlacementResult[]>(new URL('./placement.worker.ts', import.meta.url), {
    name: 'camera placement',
    timeoutMs: 60_000,
    maxOldGenerationSizeMb: 512,
    maxQueue: 8,
  });

  constructor(
    private readonly compliance: Pick<ComplianceService, 'analyse'>,
    private readonly org: Pick<OrgService, 'isUniversity'>,
  ) {}

  async plan(actor: Actor, q: { universityId?: string; campusId?: string }): Promise<RemediationPlan> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    const a = await this.compliance.analyse(universityId, () => true);
    const campusId = q.campusId ?? null;
    if (campusId && !a.inputs.devices.some((d) => d.campusId === campusId) && !a.sites.some((s) => s.campusId === campusId)) throw notFound('campus');
    const score = evaluate(BASELINE_PACK, a.inputs, campusId, a.inputs.asOf);

    // Sites below full coverage in scope, worst first.
    const short = a.sites
      .map((s, i) => ({ s, site: a.job.sites[i]! }))
      .filter(({ s }) => (!campusId || s.campusId === campusId) && s.analysis.share < FULL_COVERAGE_SHARE)
      .sort((p, r) => p.s.analysis.share - r.s.analysis.share);
    const results = await this.worker.run({ sites: short.map((x) => ({ ...x.site, shareBefore: x.s.analysis.share })), cameras: a.job.cameras }).catch((error: unknown) => {
      throw error instanceof WorkerJobFailed ? new AppError('XIAOAN_INTERNAL', `the placement suggestions could not be computed (${error.message}); please try again`) : error;
    });
    const byId = new Map(results.map((r) => [r.siteId, r]));
    const items = planRemediation(score, { inputs: a.inputs, placements: byId });
    const placements: SitePlacement[] = short.map(({ s }) => {
      const r = byId.get(s.id)!;
      return { siteId: s.id, name: s.name, category: s.category, indoor: s.indoor, shareBefore: r.shareBefore, shareAfter: r.shareAfter, blindSpots: s.analysis.blindSpots, suggestions: r.suggestions };
    });

    const gain = items.reduce((sum, i) => sum + i.gain, 0);
    return {
      universityId,
      campusId,
      computedAt: a.inputs.asOf,
      pack: score.pack,
      score: score.score,
      items,
      placements,
      totals: {
        gain: round2(gain),
        scoreGain: round2(score.possible ? (100 * gain) / score.possible : 0),
        scoreAfter: Math.min(100, Math.round((score.possible ? (100 * (score.earned + gain)) / score.possible : 0) * 10) / 10),
        cost: items.reduce((sum, i) => sum + (i.cost ?? 0), 0),
        unpriced: items.filter((i) => i.cost === null).length,
      },
      costTable: COST_KEYS.map((key) => ({ key, label: COST_TABLE[key].label, unit: COST_TABLE[key].unit, unitPrice: COST_TABLE[key].unitPrice })),
    };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
