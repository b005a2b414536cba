import { uuid4 } from '../../util/uuid7.ts';
import { type ModuleDb, type Work, ownTables } from '../../store/tables.ts';
import { ORG_PARENT_KIND, type KeySiteCategory, type OrgKind, type PrivacyKind } from '../../../shared/domain.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { AreaGeometry } from '../../../shared/geojson.ts';
import { validatePoint, validatePolygonGeometry } from '../../../shared/geojson.ts';
import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import { definedOnly } from '../../util/patch.ts';
import { conflict, forbidden, invalid, invalidField } from '../../http/errors.ts';
import { type Actor, assertInScope, can, inScope, listScope, scopeOf } from '../../http/policy.ts';
import type { AuditService } from '../audit/index.ts';
import { OrgRepository, type KeySite, type KeySiteQuery, type OrgUnit, type UnitQuery } from './org.repository.ts';

export interface NewOrgUnit {
  kind: Exclude<OrgKind, 'commission'>;
  parentId: string;
  name: string;
  code?: string | null;
  floorLevel?: number | null;
  privacy?: PrivacyKind | null;
  population?: number | null;
  address?: string | null;
  lon?: number | null;
  lat?: number | null;
  geometry?: AreaGeometry | null;
}
export type OrgUnitPatch = Partial<Omit<NewOrgUnit, 'kind' | 'parentId'>>;

export interface NewKeySite {
  campusId: string;
  buildingId?: string | null;
  /** Floors of the building the site lies on; none: the whole building. */
  floorIds?: string[];
  name: string;
  category: KeySiteCategory;
  geometry: AreaGeometry;
  notes?: string | null;
}
export type KeySitePatch = Partial<NewKeySite>;

/** The resolved place of a device: every level checked to belong to the one above. */
export interface Location {
  universityId: string;
  campusId: string;
  buildingId: string | null;
  floorId: string | null;
  areaId: string | null;
}

export interface TreeNode {
  id: string;
  kind: OrgKind;
  name: string;
  floorLevel: number | null;
  privacy: string | null;
  children: TreeNode[];
}

/** What resolving a place needs of an org unit. */
export type UnitRef = Pick<OrgUnit, 'id' | 'kind' | 'parentId' | 'universityId'>;

export class OrgService {
  constructor(
    private readonly db: ModuleDb<'org'>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly repo: OrgRepository,
    /** Tells the modules that cache what lies inside key sites (alarm linkage) that one changed. */
    private readonly bus: Bus | null = null,
  ) {}

  private keySiteChanged(actor: Actor, universityId: string, keySiteId: string) {
    this.bus?.publish('org.key_site_changed', { universityId, keySiteId }, { actorId: actor.id });
  }

  /** Counters of what other modules keep at an org unit (devices, accounts): a unit they use is not deleted. */
  private readonly dependents: { name: string; count: (work: Work, unitId: string) => Promise<number> }[] = [];

  /**
   * Another module keeps records at org units: deleting a unit it still counts is refused. The
   * count runs inside the deleting transaction (`work`), so nothing slips in between.
   */
  addDependents(name: string, count: (work: Work, unitId: string) => Promise<number>) {
    this.dependents.push({ name, count });
  }

  private readonly universityCreatedHooks: ((universityId: string) => Promise<unknown>)[] = [];

  /** Runs after a university is registered, before the request answers (the alarm module installs its default rules). */
  afterUniversityCreated(hook: (universityId: string) => Promise<unknown>) {
    this.universityCreatedHooks.push(hook);
  }

  /** The commission (市教委) is the single root; created once at start. */
  async ensureCommission(actor: Actor, name = '市教育委员会'): Promise<OrgUnit> {
    const existing = await this.repo.findCommission(this.db);
    if (existing) return existing;
    const now = this.clock.nowIso();
    const unit: OrgUnit = {
      id: uuid4(), kind: 'commission', parentId: null, universityId: null, name, code: null, floorLevel: null, privacy: null,
      population: null, address: null, lon: null, lat: null, geometry: null, createdAt: now, updatedAt: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertUnit(trx, unit);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'org_unit', entityId: unit.id, universityId: null, after: unit });
    });
    return unit;
  }

  /** Every registered university (system work at start: default rules, demo). */
  universityIds(): Promise<string[]> {
    return this.repo.universityIds(this.db);
  }

  async isUniversity(id: string): Promise<boolean> {
    const u = await this.repo.findUnit(this.db, id);
    return u?.kind === 'university';
  }

  // ---- reads for other modules: system work, the caller has checked the actor's scope ----

  /** One org unit by id (any kind), or undefined. */
  unit(id: string): Promise<OrgUnit | undefined> {
    return this.repo.findUnit(this.db, id);
  }

  /** Org units by id (any kind); ids not found are absent. */
  unitsByIds(ids: string[]): Promise<OrgUnit[]> {
    return this.repo.findUnitsByIds(this.db, [...new Set(ids)]);
  }

  /** Names of org units by id (records and reports print places by name). */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    const units = ids.length ? await this.repo.findUnitsByIds(this.db, [...new Set(ids)]) : [];
    return new Map(units.map((u) => [u.id, u.name]));
  }

  /** The university registered under this name (the demo simulator finds its campus by name). */
  universityNamed(name: string): Promise<OrgUnit | undefined> {
    return this.repo.findUniversityByName(this.db, name);
  }

  /** The commission root, once `ensureCommission` has run. */
  commission(): Promise<OrgUnit | undefined> {
    return this.repo.findCommission(this.db);
  }

  /** True once any university is registered; `work` may be an open transaction (the demo seed checks inside its own). */
  async hasUniversity(work: Work = this.db): Promise<boolean> {
    return (await this.repo.universityIds(ownTables<'org'>(work))).length > 0;
  }

  /**
   * Writes checked units and key sites as they are, in the caller's transaction `work`, without
   * an audit entry of their own (the demo seed audits once for everything it writes).
   */
  async loadBulk(work: Work, units: OrgUnit[], sites: KeySite[]): Promise<void> {
    await this.repo.insertUnits(ownTables<'org'>(work), units);
    await this.repo.insertKeySites(ownTables<'org'>(work), sites);
  }

  /** The org tree's rows (no geometry), of one university and the commission root, or of all. */
  treeRows(universityId: string | null) {
    return this.repo.listTreeRows(this.db, universityId);
  }

  /** Places and key sites with outlines, for a campus map (the caller has scoped `universityId`). */
  mapLayers(universityId: string | null, campusId: string | undefined) {
    return Promise.all([this.repo.mapUnits(this.db, universityId, campusId), this.repo.mapKeySites(this.db, universityId, campusId)]);
  }

  /** Every key site of a university (alarm linkage: which devices lie inside). */
  keySitesOf(universityId: string): Promise<KeySite[]> {
    return this.repo.keySitesOf(this.db, universityId);
  }

  private visible(actor: Actor, u: OrgUnit | undefined): OrgUnit {
    // Everyone may see the commission root; everything else only within scope.
    if (u?.kind === 'commission') return u;
    return assertInScope(actor, u, (x) => x.universityId, 'org unit');
  }

  async getUnit(actor: Actor, id: string): Promise<OrgUnit> {
    return this.visible(actor, await this.repo.findUnit(this.db, id));
  }

  listUnits(actor: Actor, q: Omit<UnitQuery, 'universityId'> & { universityId?: string }) {
    return this.repo.listUnits(this.db, { ...q, universityId: listScope(actor, q.universityId) });
  }

  async tree(actor: Actor, universityId?: string): Promise<TreeNode[]> {
    const scope = listScope(actor, universityId);
    const rows = await this.repo.listTreeRows(this.db, scope);
    const nodes = new Map<string, TreeNode & { parentId: string | null }>();
    for (const r of rows) nodes.set(r.id, { id: r.id, kind: r.kind as OrgKind, name: r.name, floorLevel: r.floor_level, privacy: r.privacy, children: [], parentId: r.parent_id });
    const roots: TreeNode[] = [];
    for (const n of nodes.values()) {
      const parent = n.parentId ? nodes.get(n.parentId) : undefined;
      if (parent) parent.children.push(n);
      else roots.push(n);
    }
    const strip = (n: TreeNode & { parentId?: string | null }): TreeNode => ({ id: n.id, kind: n.kind, name: n.name, floorLevel: n.floorLevel, privacy: n.privacy, children: n.children.map(strip) });
    return roots.map(strip);
  }

  private checkUnitFields(kind: OrgKind, u: OrgUnitPatch): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (u.floorLevel != null && kind !== 'floor') problems.push({ field: 'floorLevel', reason: 'only floors have a level', rule: 'kind' });
    if (u.privacy != null && kind !== 'area') problems.push({ field: 'privacy', reason: 'only areas carry a privacy kind', rule: 'kind' });
    if (u.population != null && kind !== 'campus' && kind !== 'university') problems.push({ field: 'population', reason: 'only campuses and universities have a population', rule: 'kind' });
    if (u.geometry != null) {
      if (kind === 'floor' || kind === 'university') problems.push({ field: 'geometry', reason: `a ${kind} has no footprint of its own`, rule: 'kind' });
      else problems.push(...validatePolygonGeometry(u.geometry, { path: 'geometry' }));
    }
    if ((u.lon != null) !== (u.lat != null)) problems.push({ field: u.lon == null ? 'lon' : 'lat', reason: 'lon and lat are given together', rule: 'pair' });
    else if (u.lon != null && u.lat != null) problems.push(...validatePoint(u.lon, u.lat));
    return problems;
  }

  async createUnit(actor: Actor, input: NewOrgUnit): Promise<OrgUnit> {
    const parent = await this.repo.findUnit(this.db, input.parentId);
    if (!parent || (parent.kind !== 'commission' && !inScope(actor, parent.universityId))) throw invalidField('parentId', 'no such org unit');
    const expectedParent = ORG_PARENT_KIND[input.kind];
    if (parent.kind !== expectedParent) throw invalidField('parentId', `a ${input.kind} belongs under a ${expectedParent}, not a ${parent.kind}`, 'hierarchy');
    if (input.kind === 'university' && !can(actor, 'university.manage')) throw forbidden('only an administrator registers universities');
    const problems = this.checkUnitFields(input.kind, input);
    if (input.kind === 'floor' && input.floorLevel == null) problems.push({ field: 'floorLevel', reason: 'is required for a floor', rule: 'required' });
    if (problems.length) throw invalid(problems);
    const now = this.clock.nowIso();
    const id = uuid4();
    const unit: OrgUnit = {
      id,
      kind: input.kind,
      parentId: parent.id,
      universityId: input.kind === 'university' ? id : parent.universityId,
      name: input.name,
      code: input.code ?? null,
      floorLevel: input.floorLevel ?? null,
      privacy: input.privacy ?? null,
      population: input.population ?? null,
      address: input.address ?? null,
      lon: input.lon ?? null,
      lat: input.lat ?? null,
      geometry: input.geometry ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertUnit(trx, unit);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'org_unit', entityId: id, universityId: unit.universityId, after: unit });
    });
    if (unit.kind === 'university') for (const hook of this.universityCreatedHooks) await hook(unit.id);
    return unit;
  }

  async updateUnit(actor: Actor, id: string, patch: OrgUnitPatch): Promise<OrgUnit> {
    const before = this.visible(actor, await this.repo.findUnit(this.db, id));
    if (before.kind === 'commission' || before.kind === 'university') {
      if (!can(actor, 'university.manage')) throw forbidden('only an administrator changes a university or the commission');
    }
    const problems = this.checkUnitFields(before.kind, { ...patch, lon: patch.lon !== undefined ? patch.lon : before.lon, lat: patch.lat !== undefined ? patch.lat : before.lat });
    if (before.kind === 'floor' && patch.floorLevel === null) problems.push({ field: 'floorLevel', reason: 'is required for a floor', rule: 'required' });
    if (problems.length) throw invalid(problems);
    const after: OrgUnit = { ...before, ...definedOnly(patch), updatedAt: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.updateUnit(trx, after);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'org_unit', entityId: id, universityId: after.universityId, before, after });
    });
    return after;
  }

  async deleteUnit(actor: Actor, id: string): Promise<void> {
    const before = this.visible(actor, await this.repo.findUnit(this.db, id));
    if (before.kind === 'commission') throw forbidden('the commission root cannot be deleted');
    if (before.kind === 'university' && !can(actor, 'university.manage')) throw forbidden('only an administrator removes a university');
    await this.db.transaction().execute(async (trx) => {
      const { children, keySites } = await this.repo.countDependents(trx, id);
      const counts: [string, number][] = [['children', children]];
      for (const d of this.dependents) counts.push([d.name, await d.count(trx, id)]);
      counts.push(['keySites', keySites]);
      const blocking = counts.filter(([, n]) => n > 0);
      if (blocking.length) {
        throw conflict(`org unit still has ${blocking.map(([k, n]) => `${n} ${k}`).join(', ')}; move or delete them first`);
      }
      await this.repo.deleteUnit(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'org_unit', entityId: id, universityId: before.universityId, before });
    });
  }

  /**
   * Resolves and checks a device's place. Missing upper levels are filled in from the lower
   * ones; a level that does not belong to the one above is an error naming the field.
   */
  async resolveLocation(
    actor: Actor,
    given: { campusId?: string | null; buildingId?: string | null; floorId?: string | null; areaId?: string | null },
    /** Units already in memory (a file import resolves thousands of rows against one tree): no query for these. */
    known?: ReadonlyMap<string, UnitRef>,
  ): Promise<Location> {
    const levels = [
      ['areaId', 'area'],
      ['floorId', 'floor'],
      ['buildingId', 'building'],
      ['campusId', 'campus'],
    ] as const;
    const ids = levels.map(([f]) => given[f]).filter((x): x is string => !!x);
    const units = new Map<string, UnitRef>(known ? [] : (await this.repo.findUnitsByIds(this.db, ids)).map((u) => [u.id, u]));
    const lookup = async (id: string): Promise<UnitRef | undefined> => known?.get(id) ?? units.get(id) ?? (await this.repo.findUnit(this.db, id));
    const resolved: Record<string, UnitRef | null> = {};
    let childParent: string | null = null;
    let childField: string | null = null;
    for (const [field, kind] of levels) {
      let id = given[field] ?? null;
      if (!id && childParent) id = childParent; // derive from the level below
      if (!id) {
        resolved[field] = null;
        continue;
      }
      const unit = await lookup(id);
      if (!unit || unit.kind !== kind || !inScope(actor, unit.universityId)) throw invalidField(field, `no such ${kind}`);
      if (childParent && childParent !== unit.id) throw invalidField(childField!, `does not belong to the given ${kind}`, 'hierarchy');
      resolved[field] = unit;
      childParent = unit.parentId;
      childField = field;
    }
    const campus = resolved.campusId;
    if (!campus) throw invalidField('campusId', 'is required');
    return {
      universityId: campus.universityId!,
      campusId: campus.id,
      buildingId: resolved.buildingId?.id ?? null,
      floorId: resolved.floorId?.id ?? null,
      areaId: resolved.areaId?.id ?? null,
    };
  }

  // ---- key sites (重点部位) ----

  async getKeySite(actor: Actor, id: string): Promise<KeySite> {
    return assertInScope(actor, await this.repo.findKeySite(this.db, id), (s) => s.universityId, 'key site');
  }

  listKeySites(actor: Actor, q: Omit<KeySiteQuery, 'universityId'> & { universityId?: string }) {
    return this.repo.listKeySites(this.db, { ...q, universityId: listScope(actor, q.universityId) });
  }

  private async checkKeySite(actor: Actor, s: NewKeySite): Promise<{ universityId: string; floorIds: string[] }> {
    const problems = validatePolygonGeometry(s.geometry, { path: 'geometry' });
    if (problems.length) throw invalid(problems);
    const loc = await this.resolveLocation(actor, { campusId: s.campusId, buildingId: s.buildingId ?? null });
    const floorIds = [...new Set(s.floorIds ?? [])];
    if (floorIds.length && !loc.buildingId) throw invalidField('floorIds', 'floors need the building they belong to (buildingId)', 'hierarchy');
    for (const [k, floorId] of floorIds.entries()) {
      const floor = await this.repo.findUnit(this.db, floorId);
      if (!floor || floor.kind !== 'floor' || floor.parentId !== loc.buildingId) throw invalidField(`floorIds[${k}]`, 'no such floor in the given building', 'hierarchy');
    }
    return { universityId: loc.universityId, floorIds };
  }

  async createKeySite(actor: Actor, input: NewKeySite): Promise<KeySite> {
    const { universityId, floorIds } = await this.checkKeySite(actor, input);
    const now = this.clock.nowIso();
    const site: KeySite = {
      id: uuid4(),
      universityId,
      campusId: input.campusId,
      buildingId: input.buildingId ?? null,
      floorIds,
      name: input.name,
      category: input.category,
      geometry: input.geometry,
      notes: input.notes ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.insertKeySite(trx, site);
      await this.audit.record(trx, actor, { action: 'create', entityType: 'key_site', entityId: site.id, universityId, after: site });
    });
    this.keySiteChanged(actor, universityId, site.id);
    return site;
  }

  async updateKeySite(actor: Actor, id: string, patch: KeySitePatch): Promise<KeySite> {
    const before = await this.getKeySite(actor, id);
    const merged = { ...before, ...definedOnly(patch) };
    // A site moved to another building (or outdoors) keeps no floor of the old one.
    if (patch.buildingId !== undefined && patch.buildingId !== before.buildingId && patch.floorIds === undefined) merged.floorIds = [];
    const { universityId, floorIds } = await this.checkKeySite(actor, merged);
    const after: KeySite = { ...merged, floorIds, universityId, updatedAt: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await this.repo.updateKeySite(trx, after);
      await this.audit.record(trx, actor, { action: 'update', entityType: 'key_site', entityId: id, universityId, before, after });
    });
    this.keySiteChanged(actor, before.universityId, id);
    if (universityId !== before.universityId) this.keySiteChanged(actor, universityId, id);
    return after;
  }

  async deleteKeySite(actor: Actor, id: string): Promise<void> {
    const before = await this.getKeySite(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.deleteKeySite(trx, id);
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'key_site', entityId: id, universityId: before.universityId, before });
    });
    this.keySiteChanged(actor, before.universityId, id);
  }
}

