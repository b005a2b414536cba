import type { OrgKind } from '../../shared/domain.ts';
import type { OrgTreeNode } from '../api/types.ts';

export interface OrgEntry {
  id: string;
  kind: OrgKind;
  name: string;
  floorLevel: number | null;
  parentId: string | null;
  children: string[];
}

/** What a selected org node narrows lists and the map to. */
export interface OrgScope {
  universityId?: string;
  campusId?: string;
  buildingId?: string;
  floorId?: string;
}

export type OrgIndex = Map<string, OrgEntry>;

export function buildOrgIndex(roots: OrgTreeNode[]): OrgIndex {
  const index: OrgIndex = new Map();
  const walk = (node: OrgTreeNode, parentId: string | null) => {
    index.set(node.id, { id: node.id, kind: node.kind, name: node.name, floorLevel: node.floorLevel, parentId, children: node.children.map((c) => c.id) });
    for (const child of node.children) walk(child, node.id);
  };
  for (const root of roots) walk(root, null);
  return index;
}

/** The node and its ancestors, root first. */
export function pathOf(index: OrgIndex, id: string | null | undefined): OrgEntry[] {
  const path: OrgEntry[] = [];
  let entry = id ? index.get(id) : undefined;
  while (entry) {
    path.unshift(entry);
    entry = entry.parentId ? index.get(entry.parentId) : undefined;
  }
  return path;
}

export function scopeOf(index: OrgIndex, id: string | null | undefined): OrgScope {
  const scope: OrgScope = {};
  for (const entry of pathOf(index, id)) {
    if (entry.kind === 'university') scope.universityId = entry.id;
    else if (entry.kind === 'campus') scope.campusId = entry.id;
    else if (entry.kind === 'building') scope.buildingId = entry.id;
    else if (entry.kind === 'floor') scope.floorId = entry.id;
  }
  return scope;
}

/** `campusId/buildingId/floorId` for a device placed at a campus, building or floor node. */
export function locationOf(index: OrgIndex, id: string | null | undefined): { campusId: string | null; buildingId: string | null; floorId: string | null } {
  const s = scopeOf(index, id);
  return { campusId: s.campusId ?? null, buildingId: s.buildingId ?? null, floorId: s.floorId ?? null };
}

/** The lowest of the given levels: the node a device's location points at. */
export function lowestOf(loc: { campusId?: string | null; buildingId?: string | null; floorId?: string | null }): string | undefined {
  return loc.floorId ?? loc.buildingId ?? loc.campusId ?? undefined;
}

/** The tree the sidebar and location pickers show: commission → university → campus → building → floor (no areas). */
export function withoutAreas(nodes: OrgTreeNode[]): OrgTreeNode[] {
  return nodes.filter((n) => n.kind !== 'area').map((n) => ({ ...n, children: withoutAreas(n.children) }));
}

/** The universities in the tree, for a city-wide account to pick where something new goes (imports, registrations). */
export function universitiesOf(nodes: OrgTreeNode[]): { id: string; name: string }[] {
  return nodes.flatMap((n) => (n.kind === 'university' ? [{ id: n.id, name: n.name }] : universitiesOf(n.children)));
}
