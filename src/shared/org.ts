/** The organization (组织架构) and key sites (重点部位) as the API shows them (org.routes.ts). */
import { Type, type Static } from 'typebox';
import { KEY_SITE_CATEGORIES, ORG_KINDS, PRIVACY_KINDS, type OrgKind, type PrivacyKind } from './domain.ts';
import type { AreaGeometry } from './geojson.ts';
import { Nullable, StringEnum } from './schema.ts';

// Only the outline: validatePolygonGeometry (geojson.ts) checks the rings when a geometry is written.
export const Geometry = Type.Unsafe<AreaGeometry>({
  type: 'object',
  description: 'GeoJSON Polygon or MultiPolygon in WGS84 (lon, lat)',
  required: ['type', 'coordinates'],
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array' } },
});

/** A commission, university, campus, building, floor or area. */
export const OrgUnit = Type.Object(
  {
    id: Type.String(),
    kind: StringEnum(ORG_KINDS),
    parentId: Nullable(Type.String()),
    universityId: Nullable(Type.String()),
    name: Type.String(),
    code: Nullable(Type.String()),
    floorLevel: Nullable(Type.Integer()),
    privacy: Nullable(StringEnum(PRIVACY_KINDS)),
    population: Nullable(Type.Integer()),
    address: Nullable(Type.String()),
    lon: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    geometry: Nullable(Geometry),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'OrgUnit' },
);
export type OrgUnit = Static<typeof OrgUnit>;

export const KeySite = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    campusId: Type.String(),
    buildingId: Nullable(Type.String()),
    floorIds: Type.Array(Type.String(), { description: 'Floors of its building the site lies on; empty: the whole building (or outdoors)' }),
    name: Type.String(),
    category: StringEnum(KEY_SITE_CATEGORIES),
    geometry: Geometry,
    notes: Nullable(Type.String()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'KeySite' },
);
export type KeySite = Static<typeof KeySite>;

/** A node of the organization tree (GET /api/org-units/tree): no geometry. */
export interface OrgTreeNode {
  id: string;
  kind: OrgKind;
  name: string;
  floorLevel: number | null;
  privacy: PrivacyKind | null;
  children: OrgTreeNode[];
}
// Written out because it refers to itself, which TypeBox would express with `$defs` and so
// change the schema the API documents.
export const OrgTreeNodeSchema = Type.Unsafe<OrgTreeNode>({
  $id: 'OrgTreeNode',
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    floorLevel: { type: ['integer', 'null'] },
    privacy: { type: ['string', 'null'] },
    children: { type: 'array', items: { $ref: 'OrgTreeNode' } },
  },
});
