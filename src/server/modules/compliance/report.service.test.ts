/** A report that cannot be rendered is a clear error (500, or 503 when too many wait), never a crash; nothing is audited then. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComplianceScore, CoverageReport } from '../../../shared/compliance.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { WorkerJobFailed } from '../../util/isolated-worker.ts';
import { BASELINE_PACK } from './packs.ts';
import { ComplianceReportService } from './report.service.ts';

const actor: Actor = { id: 'u1', username: 'director', displayName: '处长', role: 'security_director', universityId: 'uni' };
const score: ComplianceScore = {
  universityId: 'uni',
  campusId: null,
  pack: { id: BASELINE_PACK.id, version: BASELINE_PACK.version, title: BASELINE_PACK.title },
  computedAt: '2026-03-05T02:00:00.000Z',
  score: 50,
  earned: 50,
  possible: 100,
  counts: { pass: 0, partial: 0, fail: 0, no_data: 0 },
  rules: [],
};
const coverage: CoverageReport = { universityId: 'uni', computedAt: score.computedAt, method: '', sites: [], summary: { sites: 0, fullyCovered: 0, meanShare: null, entrances: 0, entrancesIdentified: 0 } };

function serviceFailingWith(error: Error) {
  const audited: unknown[] = [];
  const service = new ComplianceReportService(
    { scoreWithCoverage: async () => ({ score, coverage }) },
    { namesOf: async () => new Map([['uni', '示范大学']]), keySitesOf: async () => [] },
    { byIds: async () => [] },
    { recordAlone: async (_a, r) => void audited.push(r) },
    { now: () => Date.parse(score.computedAt), nowIso: () => score.computedAt },
    { run: () => Promise.reject(error), close: async () => {} },
  );
  return { service, audited };
}

describe('inspection report failures', () => {
  it('a full queue is 503 XIAOAN_SERVER_BUSY', async () => {
    const { service, audited } = serviceFailingWith(new WorkerJobFailed('inspection report renderer: too many jobs waiting; try again shortly'));
    await assert.rejects(service.export(actor, {}, 'pdf'), (e: unknown) => e instanceof AppError && e.statusCode === 503 && e.code === 'XIAOAN_SERVER_BUSY');
    assert.deepEqual(audited, []);
  });

  it('a renderer that dies or takes too long is 500 XIAOAN_INTERNAL naming the cause', async () => {
    const { service, audited } = serviceFailingWith(new WorkerJobFailed('inspection report renderer: took longer than 90 s'));
    await assert.rejects(service.export(actor, {}, 'xlsx'), (e: unknown) => e instanceof AppError && e.statusCode === 500 && /took longer than 90 s/.test(e.message));
    assert.deepEqual(audited, []);
  });
});
