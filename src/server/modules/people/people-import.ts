/**
 * The people register as a spreadsheet (人员名单), as a campus card system exports it: Chinese
 * headers, Chinese labels. Import upserts by 学工号 within the university (a file imported twice
 * updates, never doubles), issues the card in the 卡号 column (replacing the person's previous
 * card), checks every row first and reports problems by Excel row and column, and writes in one
 * transaction with one audit entry. The file is read with the same helpers as the device ledger's.
 */
import { performance } from 'node:perf_hooks';
import type * as ExcelJS from 'exceljs';
import { SHARED_STRINGS } from '../../../shared/i18n/index.ts';
import type { ImportProblem } from '../../../shared/ledger-io.ts';
import { PERSON_KINDS, PERSON_LIMITS, PERSON_STATUSES, type PeopleImportReport, type PersonKind, type PersonStatus } from '../../../shared/people.ts';
import type { Clock } from '../../clock.ts';
import { AppError, conflict } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import type { ModuleDb } from '../../store/tables.ts';
import { cellText, loadExcelJS, parseDate, readSheet, type Cell } from '../../util/spreadsheet.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { AuditService } from '../audit/index.ts';
import { checkCredentialValue, checkIdNumber, checkName, checkNumber, checkPhone, type Checked } from './person-fields.ts';
import type { CredentialRecord, PeopleRepository, PersonRecord } from './people.repository.ts';
import { isUniqueViolation, type PeopleService } from './people.service.ts';

export const PEOPLE_SHEET = '人员名单';
/** Person rows in one file at most: a bigger register is imported in parts. */
export const MAX_PEOPLE_ROWS = 50_000;

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
const ZH_ENUM = SHARED_STRINGS['zh-CN'].enum as Record<string, Record<string, string>>;

/** A closed list as a sheet writes it: Chinese labels, and the other words people use for them. */
function labelList<T extends string>(group: string, codes: readonly T[], aliases: Record<string, T>) {
  const byCode = new Map(codes.map((c) => [c, ZH_ENUM[group]![c]!] as const));
  const parse = new Map<string, T>();
  for (const [code, label] of byCode) {
    parse.set(fold(label), code);
    parse.set(fold(code), code);
  }
  for (const [word, code] of Object.entries(aliases)) parse.set(fold(word), code);
  return { label: (c: T) => byCode.get(c)!, labels: () => [...byCode.values()], parse: (text: string) => parse.get(fold(text)) };
}

const KIND_LABELS = labelList<PersonKind>('personKind', PERSON_KINDS, { 本科生: 'student', 研究生: 'student', 教师: 'staff', 职工: 'staff', 教工: 'staff', 外包人员: 'contractor', 临时人员: 'contractor', 访客: 'other' });
const STATUS_LABELS = labelList<PersonStatus>('personStatus', PERSON_STATUSES, { 正常: 'active', 有效: 'active', 在校: 'active', 在职: 'active', 冻结: 'suspended', 挂失: 'suspended', 离校: 'left', 离职: 'left', 注销: 'left' });

type Key = 'name' | 'number' | 'kind' | 'department' | 'idNumber' | 'phone' | 'card' | 'status' | 'validUntil';
interface Column {
  key: Key;
  header: string;
  aliases: string[];
  required?: boolean;
  /** Long digit strings that Excel may have turned into numbers. */
  digits?: boolean;
  /** Personal data: its value is never echoed in the report. */
  personal?: boolean;
  width: number;
  help: string;
}

export const PEOPLE_COLUMNS: readonly Column[] = [
  { key: 'name', header: '姓名', aliases: [], required: true, width: 12, help: `1–${PERSON_LIMITS.name} 个字符` },
  { key: 'number', header: '学工号', aliases: ['学号', '工号', '学号/工号', '人员编号'], required: true, digits: true, width: 16, help: '本校内唯一；已有此学工号的人员会被更新，不会重复新增；字母、数字和 -，请以文本格式填写' },
  { key: 'kind', header: '类别', aliases: ['人员类别', '身份'], required: true, width: 10, help: `从下拉列表选择：${KIND_LABELS.labels().join('、')}` },
  { key: 'department', header: '院系部门', aliases: ['院系', '部门', '院系/部门', '所属部门', '单位'], width: 20, help: `最多 ${PERSON_LIMITS.department} 个字符` },
  { key: 'idNumber', header: '身份证号', aliases: ['证件号', '证件号码', '身份证号/护照号', '身份证号码'], digits: true, personal: true, width: 22, help: '18 位身份证号（校验末位）、15 位旧身份证号或护照号；请以文本格式填写；留空则保留原值' },
  { key: 'phone', header: '手机号', aliases: ['手机', '手机号码', '联系电话', '电话'], digits: true, personal: true, width: 14, help: '11 位手机号或带区号的固定电话（021-12345678）；留空则保留原值' },
  { key: 'card', header: '卡号', aliases: ['校园卡号', '一卡通卡号', '物理卡号'], digits: true, width: 16, help: '校园卡号（4–32 位十进制或十六进制）；本校有效卡中唯一；与该人员现有卡号不同时，旧卡注销、新卡生效' },
  { key: 'status', header: '状态', aliases: ['人员状态'], width: 10, help: `${STATUS_LABELS.labels().join('、')}；新增时留空为「${STATUS_LABELS.label('active')}」，更新时留空保留原值；「${STATUS_LABELS.label('left')}」注销其全部凭证` },
  { key: 'validUntil', header: '有效期至', aliases: ['有效期', '有效截止日期'], width: 12, help: '格式 YYYY-MM-DD（也接受 2028/6/30 和 Excel 日期）；留空则保留原值' },
];

const headerKey = (s: string) => fold(s).replace(/[*＊]+$/, '').replace(/\(必填\)$/, '');
const BY_HEADER = new Map<string, Column>();
for (const c of PEOPLE_COLUMNS) for (const h of [c.header, ...c.aliases]) BY_HEADER.set(headerKey(h), c);
const COLUMN_OF = new Map(PEOPLE_COLUMNS.map((c) => [c.key, c]));
const columnOrder = (header: string) => PEOPLE_COLUMNS.findIndex((c) => c.header === header);

interface ParsedPerson {
  row: number;
  values: Partial<Record<Exclude<Key, 'kind' | 'status'>, string>> & { kind?: PersonKind; status?: PersonStatus };
  problems: ImportProblem[];
}

function matchHeaders(cells: Cell[], headerRow: number) {
  const index = new Map<Key, number>();
  const problems: ImportProblem[] = [];
  const warnings: ImportProblem[] = [];
  cells.forEach((cell, i) => {
    const text = cellText(cell);
    if (!text) return;
    const col = BY_HEADER.get(headerKey(text));
    if (!col) warnings.push({ row: headerRow, column: text, field: null, rule: 'unknownColumn', reason: 'is not a column of the people register; ignored' });
    else if (index.has(col.key)) problems.push({ row: headerRow, column: text, field: col.key, rule: 'duplicateColumn', reason: `appears twice (also column ${index.get(col.key)! + 1})` });
    else index.set(col.key, i);
  });
  for (const c of PEOPLE_COLUMNS) if (c.required && !index.has(c.key)) problems.push({ row: headerRow, column: c.header, field: c.key, rule: 'missingColumn', reason: 'required column is missing' });
  return { index, problems, warnings };
}

function parsePersonRow(row: number, cells: Cell[], index: Map<Key, number>): ParsedPerson {
  const out: ParsedPerson = { row, values: {}, problems: [] };
  const fail = (c: Column, rule: string, reason: string, value?: string, params?: ImportProblem['params']) =>
    out.problems.push({ row, column: c.header, field: c.key, rule, reason, ...(value !== undefined && !c.personal ? { value } : {}), ...(params ? { params } : {}) });
  const take = (c: Column, checked: Checked<string>) => {
    if (checked.ok) return checked.value;
    fail(c, checked.problem.rule ?? 'format', checked.problem.reason);
    return undefined;
  };
  for (const c of PEOPLE_COLUMNS) {
    const i = index.get(c.key);
    const cell: Cell = i === undefined ? null : (cells[i] ?? null);
    const text = cellText(cell).replace(/\s*[\r\n]+\s*/g, ' ');
    if (!text) {
      if (c.required) fail(c, 'required', 'is required');
      continue;
    }
    if (c.digits && ((typeof cell === 'number' && !Number.isSafeInteger(cell)) || /^[1-9](\.\d+)?E\+\d{1,3}$/i.test(text))) {
      fail(c, 'gbNumber', 'was turned into a number by Excel and lost digits; format the column as text and enter it again', text);
      continue;
    }
    switch (c.key) {
      case 'kind':
      case 'status': {
        const list = c.key === 'kind' ? KIND_LABELS : STATUS_LABELS;
        const code = list.parse(text);
        if (!code) fail(c, 'enum', `"${text}" is not one of: ${list.labels().join(', ')}`, text, { allowed: list.labels().join('、') });
        else if (c.key === 'kind') out.values.kind = code as PersonKind;
        else out.values.status = code as PersonStatus;
        break;
      }
      case 'validUntil': {
        const d = parseDate(cell);
        if (!d) fail(c, 'date', `"${text}" is not a date (YYYY-MM-DD)`, text);
        else out.values.validUntil = d;
        break;
      }
      default: {
        const limit = c.key === 'name' ? PERSON_LIMITS.name : c.key === 'number' ? PERSON_LIMITS.number : c.key === 'department' ? PERSON_LIMITS.department : PERSON_LIMITS.credentialValue;
        if (text.length > limit) {
          fail(c, 'maxLength', `must be at most ${limit} characters`, undefined, { limit });
          break;
        }
        const checked =
          c.key === 'name' ? checkName(text, c.key)
          : c.key === 'number' ? checkNumber(text, c.key)
          : c.key === 'idNumber' ? checkIdNumber(text, c.key)
          : c.key === 'phone' ? checkPhone(text, c.key)
          : c.key === 'card' ? checkCredentialValue('card', text, c.key)
          : ({ ok: true, value: text } as const);
        const v = take(c, checked);
        if (v !== undefined) out.values[c.key] = v;
      }
    }
  }
  return out;
}

export interface PeopleImportOptions {
  body: Buffer;
  fileName: string;
  universityId?: string;
  mode: 'preview' | 'commit';
  onlyValid: boolean;
}

/** A commit refused because of invalid rows: answered 400 with the whole report. */
export class PeopleImportRejected extends AppError {
  constructor(
    message: string,
    readonly report: PeopleImportReport,
  ) {
    super('XIAOAN_VALIDATION_FAILED', message, report.problems.slice(0, 1000).map((p) => ({ field: `row ${p.row}: ${p.column}`, reason: p.reason, rule: p.rule })));
  }
}

/** What a commit writes. */
interface Plan {
  creates: PersonRecord[];
  updates: PersonRecord[];
  newCards: CredentialRecord[];
  revoke: string[];
}

export class PeopleImportService {
  constructor(
    private readonly db: ModuleDb<'people'>,
    private readonly repo: PeopleRepository,
    private readonly people: PeopleService,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  async importFile(actor: Actor, opts: PeopleImportOptions): Promise<PeopleImportReport> {
    const t0 = performance.now();
    const uni = await this.people.targetUniversity(actor, opts.universityId);
    const tRead = performance.now();
    const sheet = await readSheet(opts.body, opts.fileName, { preferredSheet: PEOPLE_SHEET, maxRows: MAX_PEOPLE_ROWS, rowNoun: 'person rows' });
    const t1 = performance.now();

    const header = matchHeaders(sheet.header, sheet.headerRow);
    const rows = sheet.rows.map(({ row, cells }) => parsePersonRow(row, cells, header.index));
    const existing = new Map((await this.repo.ofUniversity(this.db, uni.id)).map((p) => [p.number, p]));
    const activeCards = await this.repo.activeCredentialsOfKind(this.db, uni.id, 'card');
    const cardHolder = new Map(activeCards.map((c) => [c.value, c.personId]));
    const personById = new Map([...existing.values()].map((p) => [p.id, p]));
    this.checkUnique(rows, 'number');
    this.checkUnique(rows, 'card');
    for (const r of rows) {
      const card = r.values.card;
      if (!card || r.problems.some((p) => p.field === 'card')) continue;
      const holder = cardHolder.get(card);
      const self = r.values.number ? existing.get(r.values.number)?.id : undefined;
      if (holder && holder !== self) {
        const other = personById.get(holder);
        r.problems.push({ row: r.row, column: COLUMN_OF.get('card')!.header, field: 'card', rule: 'cardTaken', reason: `is the active card of another person (${other?.number ?? 'unknown'})`, value: card, params: { number: other?.number ?? '' } });
      }
    }

    const problems = [...header.problems];
    const valid: ParsedPerson[] = [];
    for (const r of rows) {
      if (r.problems.length) problems.push(...r.problems.sort((a, b) => columnOrder(a.column) - columnOrder(b.column)));
      else if (!header.problems.length) valid.push(r);
    }
    const plan = this.plan(uni.id, valid, existing, activeCards);
    const t2 = performance.now();

    const report: PeopleImportReport = {
      mode: opts.mode,
      fileName: opts.fileName,
      format: sheet.format,
      sheet: sheet.sheet,
      universityId: uni.id,
      universityName: uni.name,
      rows: rows.length,
      valid: valid.length,
      invalid: rows.length - valid.length,
      created: plan.creates.length,
      updated: plan.updates.length,
      cardsIssued: plan.newCards.length,
      onlyValid: opts.onlyValid,
      problems,
      warnings: header.warnings,
      timings: { parseMs: t1 - tRead, validateMs: tRead - t0 + (t2 - t1), writeMs: 0, totalMs: t2 - t0 },
    };
    if (opts.mode === 'preview') return report;

    if (!rows.length) throw new PeopleImportRejected('the file has no person rows; nothing was imported', report);
    if (report.invalid && !opts.onlyValid) throw new PeopleImportRejected(`${report.invalid} of ${report.rows} rows are invalid; nothing was imported (fix them, or import only the valid rows)`, report);
    if (!valid.length) throw new PeopleImportRejected(`none of the ${report.rows} rows is valid; nothing was imported`, report);

    try {
      await this.db.transaction().execute(async (trx) => {
        await this.repo.insertMany(trx, plan.creates);
        for (const p of plan.updates) await this.repo.update(trx, p);
        await this.repo.revokeCredentials(trx, plan.revoke, this.clock.nowIso());
        await this.repo.insertCredentials(trx, plan.newCards);
        await this.audit.record(trx, actor, {
          action: 'import',
          entityType: 'person',
          entityId: null,
          universityId: uni.id,
          after: { fileName: opts.fileName, format: sheet.format, sheet: sheet.sheet, rows: report.rows, created: report.created, updated: report.updated, cardsIssued: report.cardsIssued, cardsRevoked: plan.revoke.length, skippedInvalid: report.invalid, onlyValid: opts.onlyValid },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('a 学工号 or card number was registered while the file was being imported; nothing was imported, check the file again');
      throw e;
    }
    this.people.manyChanged(uni.id);
    if (plan.creates.length >= 1000) await this.repo.refreshStatistics(this.db);
    const t3 = performance.now();
    report.timings.writeMs = t3 - t2;
    report.timings.totalMs = t3 - t0;
    return report;
  }

  /** 学工号 and card numbers: each at most once in the file. */
  private checkUnique(rows: ParsedPerson[], key: 'number' | 'card') {
    const column = COLUMN_OF.get(key)!;
    const byValue = new Map<string, number[]>();
    for (const r of rows) {
      const v = r.values[key];
      if (v) byValue.set(v, [...(byValue.get(v) ?? []), r.row]);
    }
    for (const r of rows) {
      const v = r.values[key];
      const same = v ? byValue.get(v)! : [];
      if (same.length < 2) continue;
      const others = same.filter((n) => n !== r.row).join(', ');
      r.problems.push({ row: r.row, column: column.header, field: key, rule: 'duplicate', reason: `is also on row ${others} of the file`, value: v, params: { rows: others } });
    }
  }

  /** New people, changed people, and the cards to issue and revoke. Empty optional cells keep what is stored. */
  private plan(universityId: string, rows: ParsedPerson[], existing: Map<string, PersonRecord>, activeCards: CredentialRecord[]): Plan {
    const now = this.clock.nowIso();
    const cardsOf = new Map<string, CredentialRecord[]>();
    for (const c of activeCards) cardsOf.set(c.personId, [...(cardsOf.get(c.personId) ?? []), c]);
    const plan: Plan = { creates: [], updates: [], newCards: [], revoke: [] };
    for (const r of rows) {
      const v = r.values;
      const base = existing.get(v.number!);
      const next: PersonRecord = {
        id: base?.id ?? uuid7(),
        universityId,
        kind: v.kind!,
        name: v.name!,
        number: v.number!,
        department: v.department ?? base?.department ?? null,
        idNumber: v.idNumber ?? base?.idNumber ?? null,
        phone: v.phone ?? base?.phone ?? null,
        status: v.status ?? base?.status ?? 'active',
        validUntil: v.validUntil ?? base?.validUntil ?? null,
        createdAt: base?.createdAt ?? now,
        updatedAt: now,
      };
      if (!base) plan.creates.push(next);
      else if ((['kind', 'name', 'department', 'idNumber', 'phone', 'status', 'validUntil'] as const).some((k) => next[k] !== base[k])) plan.updates.push(next);
      const held = cardsOf.get(next.id) ?? [];
      if (next.status === 'left') {
        plan.revoke.push(...held.map((c) => c.id));
        continue;
      }
      if (v.card && !held.some((c) => c.value === v.card)) {
        // A new card replaces the old one: the card system issues one card per person.
        plan.revoke.push(...held.map((c) => c.id));
        plan.newCards.push({ id: uuid7(), universityId, personId: next.id, kind: 'card', value: v.card, status: 'active', createdAt: now, revokedAt: null });
      }
    }
    return plan;
  }

  /** xlsx with the headers, one example row, dropdowns and a 说明 sheet. */
  async template(): Promise<{ buffer: Buffer; fileName: string; asciiName: string }> {
    const wb = new (await loadExcelJS()).Workbook();
    wb.creator = 'xiaoan';
    const ws = wb.addWorksheet(PEOPLE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = PEOPLE_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width, style: { numFmt: '@' } }));
    const head = ws.getRow(1);
    head.font = { bold: true };
    head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } };
    PEOPLE_COLUMNS.forEach((c, i) => {
      if (c.required) head.getCell(i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
    });
    const example: Record<Key, string> = {
      name: '示例-张三',
      number: '2025000001',
      kind: KIND_LABELS.label('student'),
      department: '计算机科学与技术学院',
      idNumber: '11010519491231002X',
      phone: '13800138000',
      card: '3001234567',
      status: STATUS_LABELS.label('active'),
      validUntil: '2029-07-31',
    };
    const row = ws.addRow(PEOPLE_COLUMNS.map((c) => example[c.key]));
    row.font = { italic: true, color: { argb: 'FF7F7F7F' } };
    const last = MAX_PEOPLE_ROWS + 1;
    for (const [key, list] of [['kind', KIND_LABELS], ['status', STATUS_LABELS]] as const) {
      const i = PEOPLE_COLUMNS.findIndex((c) => c.key === key);
      const letter = ws.getColumn(i + 1).letter;
      (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${letter}2:${letter}${last}`, {
        type: 'list',
        allowBlank: key !== 'kind',
        formulae: [`"${list.labels().join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        error: `请从下拉列表选择：${list.labels().join('、')}`,
      });
    }
    const help = wb.addWorksheet('说明');
    help.columns = [
      { header: '列名', key: 'header', width: 12 },
      { header: '必填', key: 'required', width: 6 },
      { header: '说明', key: 'help', width: 90 },
    ];
    help.getRow(1).font = { bold: true };
    for (const c of PEOPLE_COLUMNS) help.addRow({ header: c.header, required: c.required ? '是' : '', help: c.help });
    help.addRow([]);
    const notes = [
      '填写规则',
      `1. 「${PEOPLE_SHEET}」工作表第 1 行为表头，从第 2 行起每行一人；第 2 行为示例，导入前请改写或删除。列的顺序不限，无法识别的列会被忽略。`,
      '2. 按学工号匹配：本校已有该学工号的人员会被更新（留空的选填列保留原值），没有的会新增；同一文件中学工号不得重复。',
      '3. 先校验后导入：存在错误行时可修改文件重新上传，或选择「仅导入有效行」。全部数据在一次事务中写入，并记入审计日志。',
      `4. 每个文件最多 ${MAX_PEOPLE_ROWS} 行、20 MB；支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。学工号、身份证号、卡号请保持文本格式。`,
      '5. 身份证号和手机号属于敏感个人信息：系统中脱敏显示，查看完整信息须填写理由并记入审计日志。人脸不通过本表导入。',
    ];
    for (const [i, text] of notes.entries()) {
      const r = help.addRow([text]);
      help.mergeCells(r.number, 1, r.number, 3);
      if (i === 0) r.font = { bold: true };
    }
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    return { buffer, fileName: '人员名单导入模板.xlsx', asciiName: 'people-template.xlsx' };
  }
}
