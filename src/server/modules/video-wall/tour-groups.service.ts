import { CAMERA_KINDS } from '../../../shared/domain.ts';
import type { TourGroup, TourGroupInput } from '../../../shared/video-wall.ts';
import type { Clock } from '../../clock.ts';
import { conflict, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, inScope, listScope, scopeOf } from '../../http/policy.ts';
import { readJson, writeJson } from '../../store/database.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';

type Row = { id: string; university_id: string; name: string; camera_ids: unknown; layout: number; interval_s: number; created_by: string; updated_at: string };

const toGroup = (r: Row, names: ReadonlyMap<string, string>): TourGroup => {
  const cameraIds = readJson<string[]>(r.camera_ids).filter((id) => names.has(id));
  return {
  id: r.id,
  universityId: r.university_id,
  name: r.name,
  cameraIds,
  cameraNames: cameraIds.map((id) => names.get(id)!),
  layout: r.layout as TourGroup['layout'],
  intervalS: r.interval_s as TourGroup['intervalS'],
  createdBy: r.created_by,
  updatedAt: r.updated_at,
  };
};

/**
 * 轮巡组: a university's named camera tours for the video wall — which cameras, how many at once,
 * how long each page stays — kept on the server so every seat of the command centre has the same.
 */
export class TourGroupsService {
  constructor(
    private readonly db: ModuleDb<'video-wall'>,
    private readonly devices: Pick<DevicesService, 'byIds'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor): Promise<TourGroup[]> {
    let q = this.db.selectFrom('tour_groups').selectAll();
    const scope = listScope(actor, undefined);
    if (scope !== null) q = q.where('university_id', '=', scope);
    const rows = await q.orderBy('name').execute();
    const names = await this.cameraNames(rows.flatMap((r) => readJson<string[]>(r.camera_ids)));
    return rows.map((r) => toGroup(r, names));
  }

  private async cameraNames(ids: string[]): Promise<Map<string, string>> {
    return new Map((await this.devices.byIds([...new Set(ids)])).map((d) => [d.id, d.name]));
  }

  async create(actor: Actor, input: TourGroupInput): Promise<TourGroup> {
    // A city-wide account saves the group for the university its cameras belong to.
    const universityId = scopeOf(actor) ?? (await this.devices.byIds(input.cameraIds.slice(0, 1)))[0]?.universityId;
    if (!universityId) throw invalidField('cameraIds[0]', 'no such camera');
    const name = await this.checked(universityId, input, null);
    const now = this.clock.nowIso();
    const row: Row = { id: uuid7(), university_id: universityId, name, camera_ids: writeJson(input.cameraIds), layout: input.layout, interval_s: input.intervalS, created_by: actor.id, updated_at: now };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('tour_groups').values({ ...row, created_at: now }).execute();
      await this.audit.record(trx, actor, { action: 'create', entityType: 'tour_group', entityId: row.id, universityId, after: { ...input, name } });
    });
    return toGroup(row, await this.cameraNames(input.cameraIds));
  }

  async update(actor: Actor, id: string, input: TourGroupInput): Promise<TourGroup> {
    const before = await this.get(actor, id);
    const name = await this.checked(before.universityId, input, id);
    const now = this.clock.nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('tour_groups').set({ name, camera_ids: writeJson(input.cameraIds), layout: input.layout, interval_s: input.intervalS, updated_at: now }).where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'update', entityType: 'tour_group', entityId: id, universityId: before.universityId, before, after: { ...input, name } });
    });
    const names = await this.cameraNames(input.cameraIds);
    return { ...before, name, cameraIds: input.cameraIds, cameraNames: input.cameraIds.map((c) => names.get(c)!), layout: input.layout, intervalS: input.intervalS, updatedAt: now };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.get(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tour_groups').where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'tour_group', entityId: id, universityId: before.universityId, before });
    });
  }

  private async get(actor: Actor, id: string): Promise<TourGroup> {
    const row = await this.db.selectFrom('tour_groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || !inScope(actor, row.university_id)) throw notFound('tour group');
    return toGroup(row, await this.cameraNames(readJson<string[]>(row.camera_ids)));
  }

  /** The trimmed name, unique in the university; every camera one of its cameras. */
  private async checked(universityId: string, input: TourGroupInput, id: string | null): Promise<string> {
    const name = input.name.trim();
    if (!name) throw invalidField('name', 'must not be blank', 'required');
    const same = await this.db.selectFrom('tour_groups').select('id').where('university_id', '=', universityId).where('name', '=', name).executeTakeFirst();
    if (same && same.id !== id) throw conflict(`a tour group named ${name} exists`, [{ field: 'name', reason: 'is taken in this university', rule: 'unique' }]);
    const found = new Map((await this.devices.byIds(input.cameraIds)).map((d) => [d.id, d]));
    input.cameraIds.forEach((cameraId, i) => {
      const d = found.get(cameraId);
      // A camera of another university is answered like one that does not exist.
      if (!d || d.universityId !== universityId) throw invalidField(`cameraIds[${i}]`, 'no such camera in this university (a group tours the cameras of one university)');
      if (!CAMERA_KINDS.includes(d.kind)) throw invalidField(`cameraIds[${i}]`, `${d.name} is not a camera`);
    });
    return name;
  }
}
