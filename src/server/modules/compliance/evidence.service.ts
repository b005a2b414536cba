import { createHash } from 'node:crypto';
import { MAX_EVIDENCE_BYTES, ROOM_RULE_ID, type ComplianceSettings, type ComplianceSettingsInput, type Evidence, type EvidenceInput, type EvidenceReview } from '../../../shared/compliance-evidence.ts';
import type { Clock } from '../../clock.ts';
import { conflict, forbidden, invalid, invalidField, notFound } from '../../http/errors.ts';
import { type Actor, assertInScope, writeScope } from '../../http/policy.ts';
import { writeJson } from '../../store/database.ts';
import type { ComplianceEvidenceTable } from '../../store/schema.ts';
import { ownTables, type ModuleDb, type Work } from '../../store/tables.ts';
import { normalizePhoto, PhotoRejected } from '../../util/photo.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import type { OrgService } from '../org/index.ts';
import { evidenceRepository as repo, toEvidence } from './evidence.repository.ts';
import { checkOverrides, paramSettings } from './pack-settings.ts';
import { BASELINE_PACK } from './packs.ts';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** A PDF by its content: the header at the start and an end-of-file marker near the end. */
function isPdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-' && bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1').includes('%%EOF');
}

/**
 * 规则包参数与佐证材料 (issue 16 item 1): a university tightens the parameters of the pack that
 * governs it (never loosens them), and uploads the documents and photos that rules checked by
 * document review or site visit are judged from; a reviewer other than the uploader accepts or
 * rejects each. Every write is audited.
 */
export class ComplianceEvidenceService {
  constructor(
    private readonly db: ModuleDb<'compliance'>,
    private readonly org: Pick<OrgService, 'isUniversity'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  async settings(actor: Actor, q: { universityId?: string }): Promise<ComplianceSettings> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    return this.settingsOf(universityId);
  }

  private async settingsOf(universityId: string): Promise<ComplianceSettings> {
    const row = await repo.settings(this.db, universityId);
    const overrides = await repo.overrides(this.db, universityId);
    return {
      universityId,
      packId: BASELINE_PACK.id,
      packVersion: BASELINE_PACK.version,
      overrides,
      rules: paramSettings(BASELINE_PACK, overrides).filter((r) => r.params.length > 0),
      updatedBy: row?.updated_by ?? null,
      updatedByName: row?.updated_by_name ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /** Replaces the university's overrides: known tunable parameters only, tightened only, within bounds; audited. */
  async putSettings(actor: Actor, input: ComplianceSettingsInput): Promise<ComplianceSettings> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const { overrides, problems } = checkOverrides(BASELINE_PACK, input.params);
    if (problems.length) throw invalid(problems);
    const before = await repo.overrides(this.db, universityId);
    await this.db.transaction().execute(async (trx) => {
      await repo.putSettings(trx, { university_id: universityId, pack_id: BASELINE_PACK.id, overrides: writeJson(overrides), updated_by: actor.id, updated_by_name: actor.displayName, updated_at: this.clock.nowIso() });
      await this.audit.record(trx, actor, { action: 'update', entityType: 'compliance_settings', entityId: universityId, universityId, before: { overrides: before }, after: { overrides } });
    });
    return this.settingsOf(universityId);
  }

  async list(actor: Actor, q: { universityId?: string; ruleId?: string }): Promise<Evidence[]> {
    const universityId = await writeScope(actor, q.universityId, (id) => this.org.isUniversity(id));
    return (await repo.list(this.db, universityId, q.ruleId)).map(toEvidence);
  }

  /**
   * Stores a file for a rule checked by document review or site visit: a PDF (by its header and
   * end marker) or an image checked and re-encoded like alarm photos (JPEG, PNG or WebP, at most
   * 50 megapixels, kept as JPEG without EXIF); nothing of a refused file is kept. Audited.
   */
  async upload(actor: Actor, input: EvidenceInput): Promise<Evidence> {
    const universityId = await writeScope(actor, input.universityId, (id) => this.org.isUniversity(id));
    const rule = BASELINE_PACK.rules.find((r) => r.id === input.ruleId);
    if (!rule) throw invalidField('ruleId', `未知规则：规则包 ${BASELINE_PACK.id} 没有 ${input.ruleId}`, 'unknown');
    if (rule.evidenceMethod === 'system_data') throw invalidField('ruleId', `${rule.id} 由平台数据判定，不需要上传材料`, 'system_data');
    if (rule.id === ROOM_RULE_ID && !input.facts) throw invalidField('facts', `${rule.id} 须填写现场测得的面积、温度、湿度和照度`, 'required');
    if (rule.id !== ROOM_RULE_ID && input.facts) throw invalidField('facts', `只有 ${ROOM_RULE_ID} 记录测量数据`, 'unexpected');
    if (!BASE64.test(input.content)) throw invalidField('file', '文件内容不是 base64 编码', 'encoding');
    const raw = Buffer.from(input.content, 'base64');
    if (raw.length === 0) throw invalidField('file', '文件为空', 'required');
    if (raw.length > MAX_EVIDENCE_BYTES) throw invalidField('file', `文件 ${(raw.length / 1048576).toFixed(1)} MB，超过 ${MAX_EVIDENCE_BYTES / 1048576} MB`, 'maxSize');
    let bytes: Buffer;
    let contentType: Evidence['contentType'];
    let fileName = input.fileName.trim();
    if (isPdf(raw)) {
      bytes = raw;
      contentType = 'application/pdf';
    } else {
      const photo = await normalizePhoto(raw).catch((error: unknown) => {
        throw error instanceof PhotoRejected ? invalidField('file', `不是可用的 PDF 或图片：the file ${error.message}`, 'content') : error;
      });
      bytes = photo.bytes;
      contentType = photo.contentType;
      fileName = fileName.replace(/\.[^.]*$/, '') + '.jpg';
    }
    const row = {
      id: uuid7(),
      university_id: universityId,
      rule_id: rule.id,
      file_name: fileName,
      content_type: contentType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
      note: input.note.trim(),
      facts: input.facts ? writeJson(input.facts) : null,
      status: 'submitted',
      uploaded_by: actor.id,
      uploaded_by_name: actor.displayName,
      uploaded_at: this.clock.nowIso(),
      reviewed_by: null,
      reviewed_by_name: null,
      reviewed_at: null,
      review_reason: null,
    };
    const { bytes: _bytes, ...listed } = row;
    const evidence = toEvidence(listed);
    await this.db.transaction().execute(async (trx) => {
      await repo.insert(trx, row);
      const { universityId: _u, ...after } = evidence;
      await this.audit.record(trx, actor, { action: 'upload', entityType: 'compliance_evidence', entityId: row.id, universityId, after });
    });
    return evidence;
  }

  /** Accepts or rejects (with a reason) evidence someone else uploaded; audited. */
  async review(actor: Actor, id: string, input: EvidenceReview): Promise<Evidence> {
    const before = assertInScope(actor, await repo.one(this.db, id), (r) => r.university_id, 'evidence');
    if (before.uploaded_by === actor.id) throw forbidden(`不能审核自己上传的材料（${before.rule_id}）：须由他人审核`);
    if (before.status !== 'submitted') throw conflict(`该材料已审核（${before.status === 'accepted' ? '通过' : '驳回'}）`);
    const reason = input.reason?.trim() || null;
    if (input.decision === 'reject' && !reason) throw invalidField('reason', '驳回须说明理由', 'required');
    const changes = { status: input.decision === 'accept' ? 'accepted' : 'rejected', reviewed_by: actor.id, reviewed_by_name: actor.displayName, reviewed_at: this.clock.nowIso(), review_reason: reason };
    await this.db.transaction().execute(async (trx) => {
      const res = await repo.review(trx, id, changes);
      if (Number(res.numUpdatedRows) !== 1) throw conflict('该材料已审核');
      await this.audit.record(trx, actor, { action: input.decision, entityType: 'compliance_evidence', entityId: id, universityId: before.university_id, before: { status: before.status }, after: { status: changes.status, reason } });
    });
    return toEvidence({ ...before, ...changes });
  }

  /** The demo seed's evidence, written in its transaction. */
  async loadBulk(work: Work, rows: ComplianceEvidenceTable[]): Promise<void> {
    if (rows.length) await ownTables<'compliance'>(work).insertInto('compliance_evidence').values(rows).execute();
  }

  async file(actor: Actor, id: string): Promise<{ fileName: string; contentType: string; bytes: Buffer }> {
    const row = assertInScope(actor, await repo.file(this.db, id), (r) => r.university_id, 'evidence');
    if (!row) throw notFound('evidence');
    return { fileName: row.file_name, contentType: row.content_type, bytes: Buffer.from(row.bytes) };
  }
}
