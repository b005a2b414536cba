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
    areaM2: Type.Number(),
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
