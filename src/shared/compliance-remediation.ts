/**
 * 整改计划 (issue 16 item 5) as the API carries it: the failing rules turned into measures ranked by
 * score gained per estimated cost, and for key sites with blind spots suggested camera placements.
 */
import { Type, type Static } from 'typebox';
import { KEY_SITE_CATEGORIES } from './domain.ts';
import { Nullable, StringEnum } from './schema.ts';

/** The estimated cost lines a measure is priced with (see COST_TABLE in remediation.ts). */
export const COST_KEYS = [
  'camera_new',
  'camera_hd',
  'camera_4k',
  'storage_30d',
  'lpr_lane',
  'barrier_lane',
  'access_door',
  'intrusion',
  'panic_button',
  'remove_private_camera',
  'ledger_data',
  'roster',
  'training',
  'documents',
  'device_repair',
  'rule_config',
  'response_drill',
] as const;
export type CostKey = (typeof COST_KEYS)[number];

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2 });

export const PlacementSuggestion = Type.Object(
  {
    lon: Type.Number(),
    lat: Type.Number(),
    floorId: Nullable(Type.String({ description: 'The floor indoors; null outdoors' })),
    bearingDeg: Type.Number({ description: 'Clockwise from north' }),
    fovDeg: Type.Number(),
    rangeM: Type.Number({ description: 'Reach at 25 px/m (IEC 62676-4 detect) of the standard camera' }),
    resolution: Type.String(),
    gainShare: Type.Number({ description: 'Share of the site this camera adds, 0–1 (recomputed by the coverage analysis)' }),
    shareAfter: Type.Number({ description: 'The site’s covered share with this and the earlier suggestions installed' }),
    sector: Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(Position)) }, { description: 'The field-of-view sector, WGS84' }),
  },
  { $id: 'PlacementSuggestion' },
);
export type PlacementSuggestion = Static<typeof PlacementSuggestion>;

export const SitePlacement = Type.Object(
  {
    siteId: Type.String(),
    name: Type.String(),
    category: StringEnum(KEY_SITE_CATEGORIES),
    indoor: Type.Boolean(),
    shareBefore: Type.Number(),
    shareAfter: Type.Number({ description: 'With every suggestion installed' }),
    blindSpots: Type.Object(
      { type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Type.Array(Type.Array(Type.Number())))) },
      { description: 'The blind spots today (as GET /api/compliance/coverage), WGS84' },
    ),
    suggestions: Type.Array(PlacementSuggestion, { description: 'In the order chosen (greedy: most still-blind area first); may be empty when no single camera adds 2 %' }),
  },
  { $id: 'SitePlacement' },
);
export type SitePlacement = Static<typeof SitePlacement>;

export const RemediationItem = Type.Object(
  {
    rank: Type.Integer({ description: '1 = do first' }),
    ruleId: Type.String(),
    ruleTitle: Type.String(),
    action: Type.String({ description: 'What to do, in Chinese (e.g. 为 财务处 增加 1 台摄像机)' }),
    objects: Type.Array(Type.Object({ entityType: Type.String(), id: Type.String(), name: Type.String() }), { description: 'The devices, sites, entrances or people concerned (at most 200 listed)' }),
    objectsTotal: Type.Integer(),
    siteId: Nullable(Type.String({ description: 'A key site with placement suggestions for this measure' })),
    gain: Type.Number({ description: 'Rule points gained when done' }),
    scoreGain: Type.Number({ description: 'The same in points of the 0–100 score' }),
    gainIsUpperBound: Type.Boolean({ description: 'True when the gain is the most it can bring (data not yet recorded, site survey needed)' }),
    cost: Nullable(Type.Number({ description: 'Estimated cost in yuan (估算); null when the cost table has no line for it' })),
    costLines: Type.Array(Type.Object({ key: StringEnum(COST_KEYS), label: Type.String(), unitPrice: Type.Number(), quantity: Type.Number() })),
    effort: Nullable(Type.String({ description: 'For measures that cost no money: the work they take' })),
    pointsPer10k: Nullable(Type.Number({ description: 'Score points per 10,000 yuan; null when free or not priced' })),
  },
  { $id: 'RemediationItem' },
);
export type RemediationItem = Static<typeof RemediationItem>;

export const RemediationPlan = Type.Object(
  {
    universityId: Type.String(),
    campusId: Nullable(Type.String()),
    computedAt: Type.String(),
    pack: Type.Object({ id: Type.String(), version: Type.String(), title: Type.String() }),
    score: Type.Number({ description: 'The current score, 0–100' }),
    items: Type.Array(RemediationItem, { description: 'Ranked: free measures first (most points first), then by points per 10,000 yuan, unpriced last' }),
    placements: Type.Array(SitePlacement, { description: 'Key sites below full coverage, worst first' }),
    totals: Type.Object({
      gain: Type.Number({ description: 'Rule points if every measure is done' }),
      scoreGain: Type.Number(),
      scoreAfter: Type.Number({ description: 'The score if every measure is done, at most 100' }),
      cost: Type.Number({ description: 'Estimated yuan of the priced measures' }),
      unpriced: Type.Integer({ description: 'Measures without a cost estimate' }),
    }),
    costTable: Type.Array(Type.Object({ key: StringEnum(COST_KEYS), label: Type.String(), unit: Type.String(), unitPrice: Type.Number() }), {
      description: '估算: the unit prices used, which a university may revise',
    }),
  },
  { $id: 'RemediationPlan' },
);
export type RemediationPlan = Static<typeof RemediationPlan>;
