/**
 * Renders an alarm's case file (报警处置记录) as a PDF with pdfkit: a title, a summary table,
 * then the state log, the events, linkage rules and actions (with device acknowledgements), the
 * procedure, the guard dispatches and the photos; a running header, page numbers and a
 * "generated at … by …" footer on every page. Pure: data in, bytes out.
 */
import { inflateSync } from 'node:zlib';
import { beijingDateTime } from '../../../shared/beijing-time.ts';
import PDFDocument from 'pdfkit';
import type { AlarmsService } from '../alarms/index.ts';
import { eventKindLabel, label, payloadText, pdfT, zhT } from './case-file.labels.ts';
import { registerCjkFonts } from '../../util/cjk-fonts.ts';

export type AlarmRecord = Awaited<ReturnType<AlarmsService['record']>>;

export interface CaseFilePhoto {
  id: string;
  contentType: string;
  size: number;
  at: string;
  uploadedBy: string;
  /** The procedure step the photo was attached to, if any. */
  step: string | null;
  bytes: Buffer;
}

export interface CaseFileData {
  universityName: string;
  record: AlarmRecord;
  device: { id: string; name: string; kind: string; gbId: string | null } | null;
  place: { campus: string | null; building: string | null; floor: string | null; area: string | null };
  /** Names of devices (events, doors) by id, from the ledger. */
  deviceNames: Map<string, string>;
  /** `display name（username）` by user id. */
  personNames: Map<string, string>;
  photos: CaseFilePhoto[];
  /** Video evidence clips exported for the alarm, with their SHA-256. */
  clips: { deviceId: string; from: string; to: string; durationS: number; bytes: number; sha256: string; reason: string; createdBy: string; createdAt: string }[];
  generatedAt: string;
  generatedBy: string;
}

// ------------------------------------------------------------------------------------- time

/** `2025-03-04 14:05:09` in Beijing time; empty for no time. */
export function beijingTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return beijingDateTime(ms);
}

// ------------------------------------------------------------------------------------ layout

const PAGE = { size: 'A4' as const, margins: { top: 58, bottom: 58, left: 48, right: 48 } };
const COLOR = { text: '#1f1f1f', muted: '#666666', rule: '#b0b0b0', shade: '#f0f2f5', head: '#e6eaf0', accent: '#1d4e89' };
const FONT = { body: 8.6, small: 7.5, section: 12.5 };
const PAD = 3.5;

interface Cell {
  text: string;
  span?: number;
  shade?: boolean;
  bold?: boolean;
}
type Row = (Cell | string)[];

interface Column {
  header: string;
  /** Share of the content width. */
  width: number;
}

const cellOf = (c: Cell | string): Cell => (typeof c === 'string' ? { text: c } : c);
const dash = (s: string | null | undefined) => (s && s.trim() ? s : '—');

class Layout {
  readonly doc: PDFKit.PDFDocument;
  readonly left = PAGE.margins.left;
  readonly width: number;

  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    this.width = doc.page.width - PAGE.margins.left - PAGE.margins.right;
  }

  get bottom() {
    return this.doc.page.height - PAGE.margins.bottom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  font(weight: 'regular' | 'bold', size: number, color = COLOR.text) {
    this.doc.font(weight).fontSize(size).fillColor(color);
    return this;
  }

  section(title: string) {
    this.ensure(70);
    const { doc } = this;
    doc.moveDown(0.8);
    const y = doc.y;
    doc.rect(this.left, y + 1, 3, FONT.section + 1).fill(COLOR.accent);
    this.font('bold', FONT.section, COLOR.accent);
    doc.text(title, this.left + 9, y, { width: this.width - 9 });
    doc.moveDown(0.35);
    doc.x = this.left;
  }

  paragraph(text: string, color = COLOR.muted, size = FONT.body) {
    this.font('regular', size, color);
    this.doc.text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** A bordered table; the header row repeats on each new page. Rows taller than a page flow as text. */
  table(columns: Column[] | null, rows: Row[], shares?: number[]) {
    const { doc } = this;
    const widths = (columns ? columns.map((c) => c.width) : shares!).map((s) => s * this.width);
    const header = columns ? columns.map((c) => ({ text: c.header, bold: true, shade: true })) : null;
    const drawRow = (cells: Cell[], fill: string | null) => {
      const geometry = this.geometry(cells, widths);
      const height = Math.max(...geometry.map((g) => g.height));
      const y = doc.y;
      for (const g of geometry) {
        if (g.cell.shade || fill) doc.rect(g.x, y, g.width, height).fill(g.cell.shade ? (fill ?? COLOR.shade) : fill!);
        doc.lineWidth(0.5).rect(g.x, y, g.width, height).stroke(COLOR.rule);
        this.font(g.cell.bold ? 'bold' : 'regular', FONT.body);
        doc.text(g.cell.text, g.x + PAD, y + PAD, { width: g.width - 2 * PAD, lineGap: 1 });
      }
      doc.x = this.left;
      doc.y = y + height;
    };
    const usable = this.bottom - PAGE.margins.top - 40;
    if (header) {
      // The header never stands alone: with the first row, or the start of one that flows over pages.
      const first = this.rowHeight(rows[0]?.map(cellOf) ?? header, widths);
      this.ensure(this.rowHeight(header, widths) + (first > usable ? 80 : first));
      drawRow(header, COLOR.head);
    }
    for (const raw of rows) {
      const cells = raw.map(cellOf);
      const height = this.rowHeight(cells, widths);
      if (height > usable) {
        // A note of several pages: no borders, the text flows over pages with its column names.
        for (const [i, c] of cells.entries()) {
          const name = header?.[i]?.text;
          this.font('regular', FONT.body);
          doc.text(name ? `${name}：${c.text}` : c.text, this.left + PAD, doc.y + 2, { width: this.width - 2 * PAD, lineGap: 1 });
        }
        doc.moveDown(0.5);
        continue;
      }
      if (doc.y + height > this.bottom) {
        doc.addPage();
        if (header) drawRow(header, COLOR.head);
      }
      drawRow(cells, null);
    }
    doc.moveDown(0.4);
  }

  private geometry(cells: Cell[], widths: number[]) {
    let col = 0;
    let x = this.left;
    return cells.map((cell) => {
      const span = cell.span ?? 1;
      const width = widths.slice(col, col + span).reduce((a, b) => a + b, 0);
      col += span;
      const g = { cell, x, width, height: 0 };
      x += width;
      this.font(cell.bold ? 'bold' : 'regular', FONT.body);
      g.height = this.doc.heightOfString(cell.text || ' ', { width: width - 2 * PAD, lineGap: 1 }) + 2 * PAD;
      return g;
    });
  }

  private rowHeight(cells: Cell[], widths: number[]) {
    return Math.max(...this.geometry(cells, widths).map((g) => g.height));
  }
}

// ----------------------------------------------------------------------------------- content

function closedBy(record: AlarmRecord): string {
  const final = [...record.log].reverse().find((l) => l.toState === 'closed' || l.toState === 'false_alarm');
  if (!final) return pdfT('notClosed');
  return `${final.actorName ?? pdfT('system')}（${beijingTime(final.at)}）`;
}

function summary(l: Layout, d: CaseFileData) {
  const { alarm } = d.record;
  const L = (key: string): Cell => ({ text: pdfT(`field.${key}`), shade: true, bold: true });
  const place = [d.place.campus, d.place.building, d.place.floor, d.place.area].filter(Boolean).join(' / ');
  const coords = alarm.lon !== null && alarm.lat !== null ? zhT('alarms.coordinates', { lon: alarm.lon.toFixed(6), lat: alarm.lat.toFixed(6) }) : '—';
  const device = d.device
    ? `${d.device.name}（${label('enum.deviceKind', d.device.kind)}）\n${d.device.gbId ? `${pdfT('field.gbId')}：${d.device.gbId}\n` : ''}${pdfT('field.deviceId')}：${d.device.id}`
    : alarm.deviceId;
  const state = `${label('alarms.state', alarm.state)}${alarm.latched ? `，${zhT('alarms.latched')}` : ''}${alarm.escalationLevel > 0 ? `，${zhT('alarms.escalated', { level: alarm.escalationLevel })}` : ''}`;
  const cameras = alarm.linkedCameras.length ? alarm.linkedCameras.map((c) => `${c.name}（${zhT('alarms.distance', { m: Math.round(c.distanceM) })}）`).join('、') : '—';
  l.table(
    null,
    [
      [L('caseNo'), d.record.caseNo, L('alarmId'), alarm.id],
      [L('title'), { text: alarm.title, span: 3 }],
      [L('type'), label('alarms.type', alarm.type), L('priority'), zhT(`alarms.priorityLevel.${alarm.priority}`)],
      [L('device'), { text: device, span: 3 }],
      [L('location'), { text: dash(place), span: 3 }],
      [L('coordinates'), coords, L('eventCount'), String(alarm.eventCount)],
      [L('firstAt'), beijingTime(alarm.firstAt), L('lastAt'), beijingTime(alarm.lastAt)],
      [L('state'), state, L('closedBy'), closedBy(d.record)],
      [L('cameras'), { text: cameras, span: 3 }],
    ],
    [0.15, 0.35, 0.15, 0.35],
  );
}

function timeline(l: Layout, d: CaseFileData) {
  l.section(pdfT('section.timeline'));
  if (!d.record.log.length) return l.paragraph(pdfT('none'));
  l.table(
    [
      { header: pdfT('col.time'), width: 0.18 },
      { header: pdfT('col.actor'), width: 0.14 },
      { header: pdfT('col.action'), width: 0.14 },
      { header: pdfT('col.stateChange'), width: 0.16 },
      { header: pdfT('col.note'), width: 0.38 },
    ],
    d.record.log.map((e) => {
      const action = label('alarms.logAction', e.action); // dotted codes too: guard.accept, action.door_command
      const change = e.toState && e.toState !== e.fromState ? `${label('alarms.state', e.fromState) || '—'} → ${label('alarms.state', e.toState)}` : '';
      // Linkage actions log their status as the note and their result as data.
      const note = e.action.startsWith('action.') ? [label('alarms.trace.status', e.note), resultText(e.data, d.deviceNames)].filter(Boolean).join('：') : (e.note ?? '');
      return [beijingTime(e.at), e.actorName ?? pdfT('system'), action, change, note];
    }),
  );
}

function events(l: Layout, d: CaseFileData) {
  const { events: list, alarm } = d.record;
  l.section(pdfT('section.events'));
  if (!list.length) return l.paragraph(pdfT('none'));
  if (alarm.eventCount > list.length) l.paragraph(pdfT('eventsShown', { shown: list.length, total: alarm.eventCount }));
  l.table(
    [
      { header: pdfT('col.time'), width: 0.18 },
      { header: pdfT('col.kind'), width: 0.12 },
      { header: pdfT('col.severity'), width: 0.07 },
      { header: pdfT('col.device'), width: 0.17 },
      { header: pdfT('col.content'), width: 0.24 },
      { header: pdfT('col.eventId'), width: 0.22 },
    ],
    list.map((e) => [beijingTime(e.occurredAt), eventKindLabel(e.kind), label('events.severity', e.severity), d.deviceNames.get(e.deviceId) ?? e.deviceId, payloadText(e.payload, beijingTime), e.id]),
  );
}

interface DoorOutcome {
  doorId: string;
  name?: string;
  status: string;
  ackMs?: number;
  reason?: string;
}

function resultText(result: unknown, names: Map<string, string>): string {
  if (!result || typeof result !== 'object') return '';
  const r = result as { doors?: DoorOutcome[]; cameras?: (Omit<DoorOutcome, 'doorId'> & { cameraId: string })[]; preset?: number; dispatched?: { name: string | null; distanceM: number | null }[]; reason?: string; status?: number; ms?: number };
  // Doors and PTZ cameras answer a command the same way: one acknowledgement per device.
  const devices = r.doors ?? r.cameras?.map((c) => ({ ...c, doorId: c.cameraId }));
  if (devices)
    return [...(r.preset !== undefined ? [zhT('alarms.trace.preset', { preset: r.preset })] : []), ...devices
      .map((door) => {
        const ack = door.ackMs !== undefined ? ` ${zhT('alarms.trace.ackMs', { ms: door.ackMs })}` : '';
        return `${door.name ?? names.get(door.doorId) ?? door.doorId}：${label('alarms.trace.door', door.status)}${ack}${door.reason ? `（${door.reason}）` : ''}`;
      })]
      .join('\n');
  if (r.dispatched) return r.dispatched.map((g) => `${g.name ?? '—'}${g.distanceM !== null ? `（${zhT('alarms.distance', { m: Math.round(g.distanceM) })}）` : ''}`).join('、');
  if (r.reason) return r.reason;
  if (r.status !== undefined) return zhT('alarms.trace.http', { status: r.status, ms: r.ms ?? 0 });
  return '';
}

function linkage(l: Layout, d: CaseFileData) {
  const { ruleRuns, actions } = d.record;
  l.section(pdfT('section.linkage'));
  if (!ruleRuns.length && !actions.length) return l.paragraph(zhT('alarms.trace.none'));
  if (ruleRuns.length) {
    l.table(
      [
        { header: pdfT('col.time'), width: 0.18 },
        { header: pdfT('col.rule'), width: 0.22 },
        { header: pdfT('col.outcome'), width: 0.14 },
        { header: pdfT('col.actions'), width: 0.46 },
      ],
      ruleRuns.map((run) => {
        const trace = (run.trace ?? {}) as {
          rule?: { name: string; version: number };
          outcome?: string;
          actions?: { type: string; status: string; detail?: string; code?: string; params?: Record<string, string | number> }[];
        };
        const rule = trace.rule ? `${trace.rule.name}（v${trace.rule.version}）` : run.ruleId;
        const acts = (trace.actions ?? [])
          .map((a) => {
            const detail = a.code ? zhT(`alarms.traceDetail.${a.code}`, a.params, a.detail) : a.detail;
            return `${label('alarms.actionType', a.type)}：${label('alarms.trace.status', a.status)}${detail ? ` — ${detail}` : ''}`;
          })
          .join('\n');
        return [beijingTime(run.at), rule, label('alarms.trace.outcomes', trace.outcome), acts];
      }),
    );
  }
  if (actions.length) {
    l.table(
      [
        { header: pdfT('col.action'), width: 0.14 },
        { header: pdfT('col.status'), width: 0.09 },
        { header: pdfT('col.createdAt'), width: 0.18 },
        { header: pdfT('col.doneAt'), width: 0.18 },
        { header: pdfT('col.result'), width: 0.41 },
      ],
      actions.map((a) => {
        const action = (a.action ?? {}) as { type?: string };
        return [label('alarms.actionType', action.type), label('alarms.trace.status', a.status), beijingTime(a.createdAt), beijingTime(a.doneAt), resultText(a.result, d.deviceNames)];
      }),
    );
  }
}

function procedure(l: Layout, d: CaseFileData) {
  l.section(pdfT('section.sop'));
  const steps = d.record.sop;
  if (!steps.length) return l.paragraph(pdfT('none'));
  const photoNo = new Map(d.photos.map((p, i) => [p.id, i + 1]));
  l.table(
    [
      { header: pdfT('col.no'), width: 0.05 },
      { header: pdfT('col.step'), width: 0.27 },
      { header: pdfT('col.mandatory'), width: 0.06 },
      { header: pdfT('col.doneBy'), width: 0.14 },
      { header: pdfT('col.doneAt'), width: 0.18 },
      { header: pdfT('col.notePhoto'), width: 0.3 },
    ],
    steps.map((s) => {
      const photo = s.photoId ? pdfT('photoRef', { n: photoNo.get(s.photoId) ?? '?' }) : '';
      return [String(s.idx + 1), s.title, s.mandatory ? zhT('common.yes') : zhT('common.no'), s.doneAt ? dash(s.doneBy) : pdfT('notDone'), beijingTime(s.doneAt), [s.note, photo].filter(Boolean).join('\n')];
    }),
  );
}

function dispatches(l: Layout, d: CaseFileData) {
  l.section(pdfT('section.dispatch'));
  const list = d.record.dispatches;
  if (!list.length) return l.paragraph(zhT('alarms.dispatch.none'));
  l.table(
    [
      { header: pdfT('col.guard'), width: 0.12 },
      { header: pdfT('col.status'), width: 0.09 },
      { header: pdfT('col.distance'), width: 0.07 },
      { header: pdfT('col.dispatchedAt'), width: 0.18 },
      { header: pdfT('col.acceptedAt'), width: 0.18 },
      { header: pdfT('col.arrivedAt'), width: 0.18 },
      { header: pdfT('col.finishedAt'), width: 0.18 },
    ],
    list.flatMap((g): Row[] => [
      [
        g.guardName ?? d.personNames.get(g.guardId) ?? g.guardId,
        label('alarms.dispatchState', g.state),
        g.distanceM === null ? '—' : zhT('alarms.distance', { m: Math.round(g.distanceM) }),
        beijingTime(g.createdAt),
        beijingTime(g.acceptedAt),
        beijingTime(g.arrivedAt),
        beijingTime(g.finishedAt),
      ],
      ...(g.note ? [[{ text: pdfT('col.note'), shade: true, bold: true, span: 2 }, { text: g.note, span: 5 }]] : []),
    ]),
  );
}

/** pdfkit's parsed image (`openImage`, missing from @types/pdfkit); `image()` takes it as its source. */
interface PdfImage {
  width: number;
  height: number;
}
const openImage = (doc: PDFKit.PDFDocument, src: Buffer) => (doc as unknown as { openImage(src: Buffer): PdfImage }).openImage(src);

/** The photo as pdfkit can draw it, or why not (WebP, or bytes that are not a valid JPEG/PNG). */
function openPhoto(doc: PDFKit.PDFDocument, p: CaseFilePhoto): PdfImage | null {
  const b = p.bytes;
  const jpeg = b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const png = b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (!jpeg && !png) return null;
  try {
    const img = openImage(doc, b);
    // pdfkit inflates some PNGs (alpha, interlaced) asynchronously and throws there, out of
    // reach of any catch: check the compressed data here, where a bad photo is only skipped.
    if (png) inflateSync((img as unknown as { image: { imgData: Uint8Array } }).image.imgData);
    if (!(img.width > 0 && img.height > 0)) return null;
    return img;
  } catch {
    return null;
  }
}

function photos(l: Layout, d: CaseFileData) {
  l.section(pdfT('section.photos'));
  if (!d.photos.length) return l.paragraph(pdfT('noPhotos'));
  const { doc } = l;
  const maxHeight = 330;
  for (const [i, p] of d.photos.entries()) {
    const caption = pdfT('photoCaption', { n: i + 1, who: p.uploadedBy, at: beijingTime(p.at), kb: Math.max(1, Math.round(p.size / 1024)) }) + (p.step ? ` · ${pdfT('photoStep', { step: p.step })}` : '');
    const img = openPhoto(doc, p);
    const scale = img ? Math.min(1, l.width / img.width, maxHeight / img.height) : 0;
    const w = img ? img.width * scale : 0;
    const h = img ? img.height * scale : 0;
    l.ensure(h + 34);
    l.font('bold', FONT.body);
    doc.text(caption, l.left, doc.y, { width: l.width });
    doc.moveDown(0.2);
    if (img) {
      const y = doc.y;
      doc.image(img as unknown as Buffer, l.left + (l.width - w) / 2, y, { width: w, height: h });
      doc.lineWidth(0.5).rect(l.left + (l.width - w) / 2, y, w, h).stroke(COLOR.rule);
      doc.x = l.left;
      doc.y = y + h + 10;
    } else {
      l.paragraph(pdfT('photoUnreadable', { type: p.contentType, id: p.id }));
      doc.moveDown(0.4);
    }
  }
}

/** The exported video clips: a court or the police can check a copy against its SHA-256. */
function evidence(l: Layout, d: CaseFileData) {
  l.section(pdfT('section.evidence'));
  if (!d.clips.length) return l.paragraph(pdfT('noClips'));
  l.table(
    [
      { header: pdfT('col.camera'), width: 0.2 },
      { header: pdfT('col.span'), width: 0.25 },
      { header: pdfT('col.exported'), width: 0.2 },
      { header: pdfT('col.sha256'), width: 0.35 },
    ],
    d.clips.map((c) => [
      d.deviceNames.get(c.deviceId) ?? c.deviceId,
      `${beijingTime(c.from)} – ${beijingTime(c.to).slice(11)}（${Math.round(c.durationS)} s，${Math.max(1, Math.round(c.bytes / 1024))} KB）`,
      `${beijingTime(c.createdAt)} ${c.createdBy}\n${c.reason}`,
      c.sha256,
    ]),
  );
}

/** Running header (from page 2), page numbers and who generated the file, on every page. */
/** Lines to sign on paper: the operator who handled the alarm and the duty leader who reviewed it. */
function signatures(l: Layout) {
  const { doc } = l;
  l.ensure(90);
  doc.moveDown(2);
  const y = doc.y;
  const half = l.width / 2;
  l.font('regular', FONT.body);
  for (const [i, key] of (['operator', 'leader'] as const).entries()) {
    const x = l.left + i * half;
    doc.text(`${pdfT(`sign.${key}`)}：`, x, y, { lineBreak: false });
    doc.lineWidth(0.5).moveTo(x + 70, y + 14).lineTo(x + half - 24, y + 14).stroke(COLOR.rule);
    doc.text(`${pdfT('sign.date')}：`, x, y + 30, { lineBreak: false });
    doc.lineWidth(0.5).moveTo(x + 70, y + 44).lineTo(x + half - 24, y + 44).stroke(COLOR.rule);
  }
  doc.x = l.left;
  doc.y = y + 56;
}

function decorate(l: Layout, d: CaseFileData) {
  const { doc } = l;
  const range = doc.bufferedPageRange();
  const footer = pdfT('footer', { at: beijingTime(d.generatedAt), by: d.generatedBy });
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    const y = doc.page.height - 38;
    doc.lineWidth(0.5).moveTo(l.left, y - 6).lineTo(l.left + l.width, y - 6).stroke(COLOR.rule);
    l.font('regular', FONT.small, COLOR.muted);
    doc.text(footer, l.left, y, { width: l.width * 0.75, lineBreak: false });
    doc.text(pdfT('page', { n: i + 1, total: range.count }), l.left, y, { width: l.width, align: 'right', lineBreak: false });
    if (i > range.start) {
      doc.text(`${d.universityName} · ${pdfT('title')} · ${d.record.caseNo}`, l.left, 32, { width: l.width, lineBreak: false });
      doc.lineWidth(0.5).moveTo(l.left, 44).lineTo(l.left + l.width, 44).stroke(COLOR.rule);
    }
    doc.page.margins.bottom = bottom;
  }
}

export async function renderCaseFile(d: CaseFileData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margins,
    bufferPages: true,
    info: { Title: `${d.universityName} ${pdfT('title')} ${d.record.caseNo}`, Author: d.generatedBy, Subject: d.record.alarm.title, Creator: 'xiaoan 校安', CreationDate: new Date(d.generatedAt) },
    lang: 'zh-CN',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerCjkFonts(doc);
  const l = new Layout(doc);

  // Title block.
  l.font('bold', 17);
  doc.text(d.universityName, l.left, doc.y, { width: l.width, align: 'center' });
  doc.moveDown(0.15);
  l.font('bold', 15);
  doc.text(d.record.alarm.drillId ? `${pdfT('drillMark')} · ${pdfT('title')}` : pdfT('title'), { width: l.width, align: 'center' });
  l.font('regular', FONT.small, COLOR.muted);
  // 演练: a drill's case file says so under its title, so nobody takes it for a real incident.
  if (d.record.alarm.drillId) doc.text(pdfT('drillNote'), { width: l.width, align: 'center' });
  doc.text(pdfT('subtitle', { time: pdfT('timeZone') }), { width: l.width, align: 'center' });
  doc.moveDown(0.8);
  summary(l, d);
  timeline(l, d);
  events(l, d);
  linkage(l, d);
  procedure(l, d);
  dispatches(l, d);
  photos(l, d);
  evidence(l, d);
  signatures(l);
  decorate(l, d);
  doc.end();
  return done;
}
