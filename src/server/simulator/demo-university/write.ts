/**
 * Checks the generated demo university against our own rules and writes it in one
 * transaction through the modules' bulk loads, with a single audit entry.
 */
import argon2 from 'argon2';
import { HASH_OPTIONS } from '../../modules/accounts/index.ts';
import { ORG_PARENT_KIND } from '../../../shared/domain.ts';
import { validatePolygonGeometry } from '../../../shared/geojson.ts';
import type { Services } from '../../http/app.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import type { UserWithHash } from '../../modules/accounts/index.ts';
import { checkDeviceFields } from '../../modules/devices/index.ts';
import type { OrgUnit } from '../../modules/org/index.ts';
import type { Store } from '../../store/database.ts';
import { generateDemoPeople } from './campus-people.ts';
import { generateDemoVehicles } from './campus-vehicles.ts';
import { generateDemoAccess } from './campus-access.ts';
import { generateDemoVisits } from './campus-visitors.ts';
import { generateDemoPatrol } from './campus-patrol.ts';
import { generateDemoEvidence } from './compliance-evidence.ts';
import { generateDemoDuty } from './campus-duty.ts';
import type { DemoUniversityData } from './generate.ts';

/** Password of every demo account (documented in the README; change it on a real system). */
export const DEMO_PASSWORD = 'xiaoan-demo';
/** Same parameters as AccountsService, so demo hashes verify like any other. */

export class DemoDataInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`demo university breaks our own rules (${problems.length} problems):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  }
}

/** Every rule the API would apply to the same data; throws DemoDataInvalidError listing the problems. */
export function validateDemoData(data: DemoUniversityData): void {
  const problems: string[] = [];
  const units: OrgUnit[] = [data.university, ...data.campuses, ...data.buildings, ...data.floors, ...data.areas];
  const byId = new Map(units.map((u) => [u.id, u]));
  if (byId.size !== units.length) problems.push('org unit ids are not unique');

  for (const u of units) {
    const label = `${u.kind} ${u.name} (${u.id})`;
    if (u.kind !== 'university') {
      const parent = byId.get(u.parentId ?? '');
      if (!parent || parent.kind !== ORG_PARENT_KIND[u.kind]) problems.push(`${label}: parent is not a ${ORG_PARENT_KIND[u.kind]}`);
    }
    if (u.universityId !== data.university.id) problems.push(`${label}: wrong university`);
    if ((u.floorLevel != null) !== (u.kind === 'floor')) problems.push(`${label}: floorLevel only and always on floors`);
    if (u.privacy != null && u.kind !== 'area') problems.push(`${label}: privacy only on areas`);
    if (u.population != null && u.kind !== 'campus' && u.kind !== 'university') problems.push(`${label}: population only on campuses and universities`);
    if (u.geometry != null) {
      if (u.kind === 'floor' || u.kind === 'university') problems.push(`${label}: a ${u.kind} has no footprint`);
      for (const p of validatePolygonGeometry(u.geometry, { path: 'geometry' })) problems.push(`${label}: ${p.field} ${p.reason}`);
    }
  }

  const siteIds = new Set<string>();
  for (const s of data.keySites) {
    const label = `key site ${s.name} (${s.id})`;
    if (siteIds.has(s.id) || byId.has(s.id)) problems.push(`${label}: duplicate id`);
    siteIds.add(s.id);
    if (byId.get(s.campusId)?.kind !== 'campus') problems.push(`${label}: no such campus`);
    if (s.buildingId && byId.get(s.buildingId)?.parentId !== s.campusId) problems.push(`${label}: building is not on the campus`);
    for (const p of validatePolygonGeometry(s.geometry, { path: 'geometry' })) problems.push(`${label}: ${p.field} ${p.reason}`);
  }

  const deviceIds = new Set<string>();
  const gbIds = new Set<string>();
  for (const d of data.devices) {
    const label = `device ${d.name} (${d.kind})`;
    if (deviceIds.has(d.id) || byId.has(d.id) || siteIds.has(d.id)) problems.push(`${label}: duplicate id`);
    deviceIds.add(d.id);
    for (const p of checkDeviceFields(d)) problems.push(`${label}: ${p.field} ${p.reason}`);
    if (d.gbId) {
      if (gbIds.has(d.gbId)) problems.push(`${label}: GB/T 28181 id ${d.gbId} used twice`);
      gbIds.add(d.gbId);
    }
    // The same hierarchy checks as OrgService.resolveLocation.
    const chain: [string | null, string, string | null][] = [
      [d.areaId, 'area', d.floorId],
      [d.floorId, 'floor', d.buildingId],
      [d.buildingId, 'building', d.campusId],
    ];
    for (const [id, kind, parentId] of chain) {
      if (!id) continue;
      const u = byId.get(id);
      if (!u || u.kind !== kind) problems.push(`${label}: no such ${kind}`);
      else if (u.parentId !== parentId) problems.push(`${label}: ${kind} does not belong to the given ${ORG_PARENT_KIND[u.kind]}`);
    }
    if (byId.get(d.campusId)?.kind !== 'campus') problems.push(`${label}: no such campus`);
    if (d.universityId !== data.university.id) problems.push(`${label}: wrong university`);
  }
  for (const m of data.maintenance) if (!deviceIds.has(m.deviceId)) problems.push(`maintenance ${m.id}: no such device`);
  const usernames = new Set<string>();
  for (const a of data.accounts) {
    if (usernames.has(a.username)) problems.push(`account ${a.username}: duplicate username`);
    usernames.add(a.username);
  }
  if (problems.length) throw new DemoDataInvalidError(problems);
}

export interface WriteContext {
  services: Services;
  store: Store;
  /** The seeding moment: the demo visits are placed around it (default: the wall clock). */
  nowMs?: number;
}

/**
 * Writes the demo university in one transaction. Returns false (and writes nothing) when a
 * university exists by the time the transaction runs. Demo accounts whose username is taken
 * already are skipped.
 */
export async function writeDemoUniversity(ctx: WriteContext, data: DemoUniversityData): Promise<{ written: boolean; skippedAccounts: string[] }> {
  const { store, services } = ctx;
  // One hash for every demo account: argon2id is deliberately slow.
  const passwordHash = await argon2.hash(DEMO_PASSWORD, HASH_OPTIONS);
  const users: UserWithHash[] = data.accounts.map((a) => ({
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    universityId: a.inUniversity ? data.university.id : null,
    disabled: false,
    phone: a.phone,
    createdAt: data.university.createdAt,
    updatedAt: data.university.createdAt,
    lastLoginAt: null,
    passwordHash,
  }));
  let skippedAccounts: string[] = [];
  // The people register, from its own random streams: the rest of the demo is unchanged by it.
  const register = generateDemoPeople({ seed: data.seed, universityId: data.university.id, createdAt: data.university.createdAt });
  const vehicles = generateDemoVehicles({ seed: data.seed, universityId: data.university.id, createdAt: data.university.createdAt });
  const access = generateDemoAccess({ seed: data.seed, universityId: data.university.id, createdAt: data.university.createdAt, devices: data.devices, buildings: data.buildings });
  const patrol = generateDemoPatrol({ seed: data.seed, universityId: data.university.id, createdAt: data.university.createdAt, devices: data.devices, accounts: data.accounts });
  const visitors = generateDemoVisits({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, devices: data.devices, nowMs: ctx.nowMs ?? Date.now() });

  const duty = generateDemoDuty({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, nowMs: ctx.nowMs ?? Date.now() });
  const evidence = await generateDemoEvidence({ seed: data.seed, universityId: data.university.id, accounts: data.accounts, nowMs: ctx.nowMs ?? Date.now() });

  const written = await store.db.transaction().execute(async (trx) => {
    if (await services.org.hasUniversity(trx)) return false;
    await services.org.loadBulk(trx, [data.university, ...data.campuses, ...data.buildings, ...data.floors, ...data.areas], data.keySites);
    await services.devices.loadBulk(trx, data.devices, data.maintenance);
    skippedAccounts = await services.accounts.loadBulk(trx, users);
    await services.people.loadBulk(trx, register.people, register.credentials);
    await services.vehicles.loadBulk(trx, vehicles);
    await services.access.loadBulk(trx, access.groups, access.doors);
    await services.visitors.loadBulk(trx, visitors.visits, visitors.log);
    await services.patrol.loadBulk(trx, patrol.checkpoints, patrol.routes);
    await services.duty.loadBulk(trx, duty);
    await services.complianceEvidence.loadBulk(trx, evidence);
    await services.audit.record(trx, SYSTEM_ACTOR, {
      action: 'demo_seeded',
      entityType: 'university',
      entityId: data.university.id,
      universityId: data.university.id,
      after: { name: data.university.name, seed: data.seed, counts: data.counts, people: register.people.length, vehicles: vehicles.length, accessGroups: access.groups.length, visits: visitors.visits.length, patrolCheckpoints: patrol.checkpoints.length, patrolRoutes: patrol.routes.length, flaws: data.flaws.map((f) => f.code), skippedAccounts },
    });
    return true;
  });
  return { written, skippedAccounts };
}
