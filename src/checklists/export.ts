// A checklist with its evidence log as a file: .xlsx (two sheets) or CSV (two sections), in the
// checklist's language. What a quality officer hands to the inspectie or the board. Pure builders:
// the checklist and its events in, a file out; no I/O, no clock (the export time is passed in).
import ExcelJS from 'exceljs';
import type { Language } from '../config.js';
import type { Checklist, ChecklistEvent, Step, StepStatus } from './model.js';
import { BUILT_IN_TEMPLATES, type InvestigationType } from './templates.js';

// --- words ------------------------------------------------------------------------------------

interface ExportWords {
  stepsSheet: string;
  logSheet: string;
  checklist: string;
  school: string;
  noSchool: string;
  targetDate: string;
  visitDate: string;
  investigation: string;
  endDate: string;
  investigationTypes: Readonly<Record<InvestigationType, string>>;
  started: string;
  completed: string;
  notCompleted: string;
  exportedAt: string;
  steps: readonly [position: string, step: string, status: string, owner: string, due: string, note: string, evidence: string, changedBy: string, changedAt: string];
  log: readonly [when: string, who: string, step: string, what: string, oldValue: string, newValue: string];
  statuses: Readonly<Record<StepStatus, string>>;
  /** checklist_events.field in words; an unknown field is shown as it is stored. */
  fields: Readonly<Record<string, string>>;
}

/** Local to the export, so the card strings (shared with other work) stay untouched. */
const WORDS: Readonly<Record<Language, ExportWords>> = {
  nl: {
    stepsSheet: 'Stappen',
    logSheet: 'Logboek',
    checklist: 'Checklist',
    school: 'School',
    noSchool: 'Hele bestuur',
    targetDate: 'Streefdatum',
    visitDate: 'Datum van het bezoek',
    investigation: 'Soort onderzoek',
    endDate: 'Einde van het onderzoek',
    investigationTypes: {
      bestuur: 'Vierjaarlijks onderzoek bij bestuur en scholen',
      herstel: 'Herstelonderzoek',
      ontwikkelpunten: 'Onderzoek naar ontwikkelpunten',
      goed: 'Verzoek om het oordeel Goed',
    },
    started: 'Gestart',
    completed: 'Afgerond',
    notCompleted: 'Nog niet afgerond',
    exportedAt: 'Geëxporteerd',
    steps: ['Nr.', 'Stap', 'Status', 'Eigenaar', 'Uiterlijk', 'Notitie', 'Bewijslink', 'Laatst gewijzigd door', 'Laatst gewijzigd op'],
    log: ['Wanneer', 'Wie', 'Stap', 'Wat', 'Oude waarde', 'Nieuwe waarde'],
    statuses: { open: 'Open', bezig: 'Bezig', klaar: 'Klaar', nvt: 'Niet van toepassing' },
    fields: {
      status: 'Status',
      owner: 'Eigenaar',
      due: 'Uiterlijk',
      note: 'Notitie',
      evidence: 'Bewijslink',
      item: 'Document',
      started: 'Checklist gestart',
      completed: 'Checklist afgerond',
    },
  },
  en: {
    stepsSheet: 'Steps',
    logSheet: 'Log',
    checklist: 'Checklist',
    school: 'School',
    noSchool: 'Whole school board',
    targetDate: 'Target date',
    visitDate: 'Date of the visit',
    investigation: 'Kind of investigation',
    endDate: 'End of the investigation',
    investigationTypes: {
      bestuur: 'Four-yearly investigation of board and schools',
      herstel: 'Follow-up investigation',
      ontwikkelpunten: 'Investigation of points for development',
      goed: 'Request for the judgement Good',
    },
    started: 'Started',
    completed: 'Completed',
    notCompleted: 'Not completed yet',
    exportedAt: 'Exported',
    steps: ['No.', 'Step', 'Status', 'Owner', 'Due', 'Note', 'Evidence link', 'Last changed by', 'Last changed at'],
    log: ['When', 'Who', 'Step', 'What', 'Old value', 'New value'],
    statuses: { open: 'Open', bezig: 'In progress', klaar: 'Done', nvt: 'Not applicable' },
    fields: {
      status: 'Status',
      owner: 'Owner',
      due: 'Due date',
      note: 'Note',
      evidence: 'Evidence link',
      item: 'Document',
      started: 'Checklist started',
      completed: 'Checklist completed',
    },
  },
};

// --- cells ------------------------------------------------------------------------------------

/** A calendar date or a moment shown in Amsterdam time: text for CSV, a real date cell in xlsx. */
interface DateCell {
  kind: 'date' | 'dateTime';
  /** yyyy-mm-dd or yyyy-mm-dd HH:mm (Europe/Amsterdam). */
  text: string;
  /** The same wall-clock time as a UTC Date: Excel dates have no time zone. */
  wall: Date;
}
interface LinkCell {
  kind: 'link';
  url: string;
}
type Cell = string | number | DateCell | LinkCell | null;

const AMSTERDAM = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A moment as yyyy-mm-dd HH:mm in Europe/Amsterdam (summer and winter time). */
export function formatAmsterdamDateTime(at: Date): string {
  return toDateTimeCell(at).text;
}

function toDateTimeCell(at: Date): DateCell {
  const p: Record<string, string> = {};
  for (const part of AMSTERDAM.formatToParts(at)) p[part.type] = part.value;
  const [y, mo, d, h, mi] = [p.year, p.month, p.day, p.hour, p.minute].map(Number) as [number, number, number, number, number];
  return { kind: 'dateTime', text: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`, wall: new Date(Date.UTC(y, mo - 1, d, h, mi)) };
}

function toDateCell(iso: string): DateCell {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return { kind: 'date', text: iso, wall: new Date(Date.UTC(y, m - 1, d)) };
}

// Characters XML 1.0 cannot carry (an xlsx with them does not open); CSV gets the same text.
// eslint-disable-next-line no-control-regex
const UNSAFE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// A formula trigger (= + - @, their full-width forms, tab, CR, LF), also behind leading spaces or
// quotes: some spreadsheets trim those before they look, or a quote ends a field a reader misparses.
const FORMULA_START = /^[\s"']*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r\n]/;

/**
 * Text as a spreadsheet must show it: control characters removed, and a leading ' before anything
 * Excel or LibreOffice would take for a formula (=, +, -, @, tab, CR, LF, also after leading spaces
 * or quotes), so `=HYPERLINK(…)` in a note or a name stays text, also when the cell is edited or the
 * file is saved again as CSV.
 */
export function toSafeText(text: string): string {
  const clean = text.replace(UNSAFE_CONTROL, '');
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

// --- the document, the same for both formats ---------------------------------------------------

interface ExportDocument {
  words: ExportWords;
  info: [label: string, value: Cell][];
  steps: Cell[][];
  log: Cell[][];
}

export interface ExportOptions {
  /** When the file was made; shown in the header. */
  exportedAt?: Date;
}

function stepLabel(step: Step | undefined, position: number, language: Language): string {
  return step ? `${position}. ${step.title[language]}` : String(position);
}

function valueInWords(field: string, value: string | null, words: ExportWords): Cell {
  if (value === null || value === '') return null;
  if (field === 'status' && value in words.statuses) return words.statuses[value as StepStatus];
  return value;
}

function toDocument(c: Checklist, events: readonly ChecklistEvent[], language: Language, options: ExportOptions): ExportDocument {
  const words = WORDS[language];
  const template = BUILT_IN_TEMPLATES.find((t) => t.key === c.templateKey);
  const info: ExportDocument['info'] = [
    [words.checklist, c.title],
    [words.school, c.schoolName ?? words.noSchool],
    // An inspection checklist from before the kinds of investigation has the visit's date as its target.
    [template?.investigation && !c.investigationType ? words.visitDate : (template?.targetLabel[language] ?? words.targetDate), c.targetDate ? toDateCell(c.targetDate) : null],
    ...(c.investigationType ? [[words.investigation, words.investigationTypes[c.investigationType]] as [string, Cell]] : []),
    ...(c.endDate ? [[words.endDate, toDateCell(c.endDate)] as [string, Cell]] : []),
    [words.started, toDateTimeCell(c.createdAt)],
    [words.completed, c.completedAt ? toDateTimeCell(c.completedAt) : words.notCompleted],
  ];
  if (options.exportedAt) info.push([words.exportedAt, toDateTimeCell(options.exportedAt)]);

  // Steps store who changed them last as an Entra id; the log has the name as it was then.
  const lastActor = new Map<number, string>();
  for (const e of events) if (e.position !== null && e.actorName) lastActor.set(e.position, e.actorName);

  const steps = c.steps.flatMap((s): Cell[][] => [
    [
      s.position,
      s.title[language],
      words.statuses[s.status] ?? s.status,
      s.ownerName,
      s.dueDate ? toDateCell(s.dueDate) : null,
      s.note || null,
      s.evidenceUrl ? { kind: 'link', url: s.evidenceUrl } : null,
      s.updatedAt ? (lastActor.get(s.position) ?? null) : null,
      s.updatedAt ? toDateTimeCell(s.updatedAt) : null,
    ],
    // A step's items (the documents of step 3) under it, numbered 3.1, 3.2, …
    ...s.items.map((item, i): Cell[] => [
      `${s.position}.${i + 1}`,
      item.title[language],
      words.statuses[item.done ? 'klaar' : 'open'],
      null,
      null,
      null,
      item.evidenceUrl ? { kind: 'link', url: item.evidenceUrl } : null,
      null,
      null,
    ]),
  ]);

  const byPosition = new Map(c.steps.map((s) => [s.position, s]));
  const log = events.map((e): Cell[] => [
    toDateTimeCell(e.at),
    e.actorName || null,
    e.position === null ? null : stepLabel(byPosition.get(e.position), e.position, language),
    words.fields[e.field] ?? e.field,
    valueInWords(e.field, e.oldValue, words),
    valueInWords(e.field, e.newValue, words),
  ]);
  return { words, info, steps, log };
}

// --- xlsx -------------------------------------------------------------------------------------

const STEP_WIDTHS = [6, 45, 18, 24, 12, 60, 40, 24, 18];
const LOG_WIDTHS = [18, 24, 40, 20, 40, 40];

function setCell(cell: ExcelJS.Cell, value: Cell): void {
  if (value === null) return;
  if (typeof value === 'number') cell.value = value;
  else if (typeof value === 'string') cell.value = toSafeText(value);
  else if (value.kind === 'link') {
    const text = toSafeText(value.url);
    // Only plain https addresses become clickable (the model accepts nothing else anyway).
    cell.value = /^https:\/\/[^\s"]+$/.test(value.url) ? { text, hyperlink: value.url } : text;
    if (typeof cell.value === 'object') cell.font = { color: { argb: 'FF0563C1' }, underline: true };
  } else {
    cell.value = value.wall;
    cell.numFmt = value.kind === 'date' ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm';
  }
}

function addTable(ws: ExcelJS.Worksheet, headerRow: number, header: readonly string[], rows: Cell[][], widths: readonly number[], wrapColumns: readonly number[]): void {
  const h = ws.getRow(headerRow);
  header.forEach((text, i) => {
    const cell = h.getCell(i + 1);
    cell.value = text;
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    cell.alignment = { vertical: 'top' };
  });
  rows.forEach((values, r) => {
    const row = ws.getRow(headerRow + 1 + r);
    values.forEach((v, i) => setCell(row.getCell(i + 1), v));
    row.alignment = { vertical: 'top' };
    for (const col of wrapColumns) row.getCell(col).alignment = { vertical: 'top', wrapText: true };
  });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: header.length } };
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow }];
}

function addInfo(ws: ExcelJS.Worksheet, info: ExportDocument['info']): number {
  info.forEach(([label, value], i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = label;
    row.getCell(1).font = { bold: true };
    setCell(row.getCell(2), value);
    row.getCell(2).alignment = { horizontal: 'left' };
  });
  return info.length;
}

/** The checklist as an .xlsx workbook: sheet "Stappen"/"Steps" and sheet "Logboek"/"Log". */
export async function buildChecklistXlsx(checklist: Checklist, events: readonly ChecklistEvent[], language: Language, options: ExportOptions = {}): Promise<Buffer> {
  const doc = toDocument(checklist, events, language, options);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cadans';
  wb.created = options.exportedAt ?? checklist.createdAt;
  wb.modified = wb.created;
  wb.title = toSafeText(checklist.title);

  const steps = wb.addWorksheet(doc.words.stepsSheet);
  // The labels in column A share its width with the step numbers: wide enough for both.
  const infoRows = addInfo(steps, doc.info);
  addTable(steps, infoRows + 2, doc.words.steps, doc.steps, STEP_WIDTHS, [2, 6]);
  steps.getColumn(1).width = Math.max(STEP_WIDTHS[0]!, ...doc.info.map(([label]) => label.length + 2));

  const log = wb.addWorksheet(doc.words.logSheet);
  addInfo(log, doc.info.slice(0, 1));
  addTable(log, 3, doc.words.log, doc.log, LOG_WIDTHS, [3, 5, 6]);

  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

// --- CSV --------------------------------------------------------------------------------------

/**
 * The list separator Excel expects in the checklist's language: `;` for Dutch Excel (a comma is the
 * Dutch decimal sign), `,` for English Excel.
 */
export const CSV_SEPARATORS: Readonly<Record<Language, string>> = { nl: ';', en: ',' };
const BOM = '\uFEFF';

/**
 * One cell. Quoted when it holds any list separator (`;`, `,` or tab, whichever this file uses: a file
 * opened with another separator than it was written with still keeps every cell whole, so no text
 * after a separator starts a cell of its own), a quote, a line break, or spaces at either end.
 */
function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? toSafeText(value) : value.kind === 'link' ? toSafeText(value.url) : value.text;
  return /[";,\t\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The checklist as CSV for Excel: UTF-8 with a byte order mark (so Excel reads é and ë right), the
 * language's separator between cells (`;` Dutch, `,` English), CRLF between rows, cells quoted where
 * needed (quotes doubled, newlines kept inside the quotes). The header lines, a blank line, the
 * heading "Stappen"/"Steps" with the steps table, a blank line, the heading "Logboek"/"Log" with the
 * log table.
 */
export function buildChecklistCsv(checklist: Checklist, events: readonly ChecklistEvent[], language: Language, options: ExportOptions = {}): string {
  const doc = toDocument(checklist, events, language, options);
  const separator = CSV_SEPARATORS[language];
  const csvRow = (cells: readonly Cell[]) => cells.map(csvCell).join(separator);
  const lines = [
    ...doc.info.map(([label, value]) => csvRow([label, value])),
    '',
    csvRow([doc.words.stepsSheet]),
    csvRow([...doc.words.steps]),
    ...doc.steps.map(csvRow),
    '',
    csvRow([doc.words.logSheet]),
    csvRow([...doc.words.log]),
    ...doc.log.map(csvRow),
  ];
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
