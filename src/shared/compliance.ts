/**
 * Compliance (评估体系, issue 16) as the API carries it. First part: the geometric camera coverage
 * of each key site (S-COVER, S-ENTRY-ID) with its blind spots and evidence.
 */
import { Type, type Static } from 'typebox';
import { KEY_SITE_CATEGORIES } from './domain.ts';
import { Nullable, StringEnum } from './schema.ts';

const MultiPolygon = Type.Object(
  { type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) },
  { description: 'GeoJSON MultiPolygon, WGS84 (lon, lat)' },
);

export const SiteCoverageReport = Type.Object(
  {
    siteId: Type.String(),
    name: Type.String(),
    category: StringEnum(KEY_SITE_CATEGORIES),
    indoor: Type.Boolean({ description: 'A site in a building: only cameras on its floors and inside its outline count' }),
    areaM2: Type.Number({ description: 'The outline’s area × the floors judged' }),
    floors: Type.Array(Type.Object({ floorId: Nullable(Type.String()), share: Type.Number() }), { description: 'Indoors: each floor judged with its covered share; outdoors one entry with floorId null' }),
    cellM: Type.Number({ description: 'Sampling grid cell size in metres (the figures are exact to about half a cell)' }),
    coveredM2: Type.Number(),
    share: Type.Number({ description: 'Covered share of the area, 0–1 (presence: ≥ 25 px/m)' }),
    identifiedM2: Type.Number(),
    identifiedShare: Type.Number({ description: 'Share where a face is identifiable (≥ 250 px/m), 0–1' }),
    blindSpots: MultiPolygon,
    entrances: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        seenBy: Type.Array(Type.String(), { description: 'Cameras whose sector holds the entrance' }),
        identifiedBy: Type.Array(Type.String(), { description: 'Cameras that resolve a face there' }),
      }),
    ),
    cameras: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), seesM2: Type.Number() })),
    unplaced: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        missing: Type.Array(StringEnum(['position', 'bearing', 'fov'] as const)),
      }),
      { description: 'Cameras that could see the site but lack the data to place their view: never assumed to cover' },
    ),
  },
  { $id: 'SiteCoverageReport' },
);
export type SiteCoverageReport = Static<typeof SiteCoverageReport>;

export const CoverageReport = Type.Object(
  {
    universityId: Type.String(),
    computedAt: Type.String({ description: 'When the figures were computed (ISO 8601)' }),
    method: Type.String({ description: 'How the figures are computed, in one sentence' }),
    sites: Type.Array(SiteCoverageReport),
    summary: Type.Object({
      sites: Type.Integer(),
      fullyCovered: Type.Integer({ description: "Sites with a share ≥ FULL_COVERAGE_SHARE (0.98)" }),
      meanShare: Nullable(Type.Number()),
      entrances: Type.Integer(),
      entrancesIdentified: Type.Integer(),
    }),
  },
  { $id: 'CoverageReport' },
);
export type CoverageReport = Static<typeof CoverageReport>;

/** A site counts as fully covered from this share: the arc of a sector is drawn with chords. */
export const FULL_COVERAGE_SHARE = 0.98;

/** 应 (required) or 宜 (recommended), as the standards phrase it. */
export const RULE_LEVELS = ['required', 'recommended'] as const;
export const RULE_STATUSES = ['pass', 'partial', 'fail', 'no_data'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];
/** How an inspector checks a rule: from the platform's data, by reviewing documents, by a site visit. */
export const EVIDENCE_METHODS = ['system_data', 'document_review', 'site_visit'] as const;

export const PackRule = Type.Object(
  {
    id: Type.String({ description: 'Rule id, e.g. S-RET-30 (see STANDARDS)' }),
    title: Type.String(),
    source: Type.String({ description: 'Standard and clause' }),
    level: StringEnum(RULE_LEVELS),
    points: Type.Number({ description: 'Points of the rule in the pack' }),
    deduction: Type.String({ description: 'The deduction rule as an inspector reads it (扣分办法)' }),
    perFinding: Type.Number({ description: 'Points deducted per finding (device, site, entrance …), down to 0; 0: scored by the compliant share instead' }),
    appliesTo: Type.String({ description: 'The sites or systems the rule applies to' }),
    evidenceMethod: StringEnum(EVIDENCE_METHODS),
    params: Type.Record(Type.String(), Type.Number(), { description: 'Parameters a university may tighten (days, shares …)' }),
    paramsStricter: Type.Optional(
      Type.Record(Type.String(), StringEnum(['higher', 'lower'] as const), { description: 'Which way each tunable parameter is stricter; a parameter not named here cannot be changed' }),
    ),
    baselineParams: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: 'Present when the university tightened this rule: the pack’s own values of the changed parameters' })),
  },
  { $id: 'PackRule' },
);
export type PackRule = Static<typeof PackRule>;

export const Finding = Type.Object({
  entityType: StringEnum(['device', 'key_site', 'entrance', 'area', 'university', 'alarm', 'rule', 'account'] as const),
  id: Type.String(),
  name: Type.String(),
  detail: Type.String({ description: 'What is wrong with it, in figures' }),
  campusId: Nullable(Type.String()),
});
export type Finding = Static<typeof Finding>;

export const RuleResult = Type.Object(
  {
    ruleId: Type.String(),
    status: StringEnum(RULE_STATUSES),
    points: Type.Number(),
    earned: Type.Number(),
    figure: Type.String({ description: 'The figure the judgement rests on, e.g. "12 / 480 台摄像机存储不足 30 天"' }),
    findings: Type.Array(Finding),
    findingsTotal: Type.Integer({ description: 'All findings; `findings` lists at most 200' }),
    missing: Nullable(Type.String({ description: 'For no_data: what the platform lacks to judge the rule' })),
  },
  { $id: 'RuleResult' },
);
export type RuleResult = Static<typeof RuleResult>;

export const ComplianceScore = Type.Object(
  {
    universityId: Type.String(),
    campusId: Nullable(Type.String()),
    pack: Type.Object({ id: Type.String(), version: Type.String(), title: Type.String() }),
    computedAt: Type.String(),
    score: Type.Number({ description: '0–100: earned / possible points; a rule without data earns nothing' }),
    earned: Type.Number(),
    possible: Type.Number(),
    counts: Type.Object({ pass: Type.Integer(), partial: Type.Integer(), fail: Type.Integer(), no_data: Type.Integer() }),
    rules: Type.Array(Type.Object({ rule: PackRule, result: RuleResult })),
  },
  { $id: 'ComplianceScore' },
);
export type ComplianceScore = Static<typeof ComplianceScore>;

/** Findings listed per rule in an answer (the count is always complete). */
export const MAX_FINDINGS_LISTED = 200;

export const ComplianceSnapshot = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    day: Type.String({ description: 'Beijing date YYYY-MM-DD' }),
    packId: Type.String(),
    packVersion: Type.String(),
    score: Type.Number(),
    earned: Type.Number(),
    possible: Type.Number(),
    counts: Type.Object({ pass: Type.Integer(), partial: Type.Integer(), fail: Type.Integer(), no_data: Type.Integer() }),
    computedAt: Type.String(),
  },
  { $id: 'ComplianceSnapshot' },
);
export type ComplianceSnapshot = Static<typeof ComplianceSnapshot>;

/** A stored score computed again from its stored inputs with the pack version it names. */
export const SnapshotReplay = Type.Object(
  {
    snapshot: ComplianceSnapshot,
    recomputed: ComplianceScore,
    identical: Type.Boolean({ description: 'The recomputed score, points and counts equal the stored ones' }),
  },
  { $id: 'SnapshotReplay' },
);
export type SnapshotReplay = Static<typeof SnapshotReplay>;

/** How many days of snapshots a trend shows at most. */
export const MAX_SNAPSHOT_DAYS = 400;
