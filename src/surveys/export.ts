// A closed survey's results as a file (.xlsx or CSV): exactly the figures the result card may show
// (results.ts applies the thresholds first), one row per question and value, per shown segment, and
// the open answers above the threshold. Aggregates only: no row names or points to a person, for
// anonymous and named surveys alike. Pure builders: a summary in, a file out.
import ExcelJS from 'exceljs';
import type { ResultSummary } from './results.js';

type Language = 'nl' | 'en';

const W = {
  nl: {
    sheet: 'Resultaten',
    open: 'Open antwoorden',
    head: ['Groep', 'Vraag', 'Nr.', 'Antwoord', 'Aantal', 'Procent', 'Gemiddelde', 'eNPS', '% ja', 'Standaard'],
    openHead: ['Vraag', 'Antwoord'],
    all: 'Iedereen',
    responded: (n: number, total: number) => `${n} van de ${total} gereageerd`,
    hidden: 'Te weinig antwoorden om te tonen: alleen het aantal reacties staat in dit bestand.',
    partSent: (n: number, school: string) => `De peiling ging naar ${n === 1 ? '1 persoon' : `${n} mensen`} van ${school}`,
    partHidden: (school: string, protects: boolean, min: number) =>
      `De uitkomsten van ${school} worden niet getoond: ${protects ? 'anders zijn de antwoorden van een kleinere groep terug te rekenen' : `te weinig antwoorden (minder dan ${min})`}.`,
    likert: ['Helemaal oneens', 'Oneens', 'Neutraal', 'Eens', 'Helemaal eens'],
    yes: 'Ja',
    no: 'Nee',
    perspectives: { bestuur: 'Bestuur', schoolleiding: 'Schoolleiding', kwaliteit: 'Kwaliteitsmedewerkers', toezicht: 'Intern toezicht' } as Record<string, string>,
  },
  en: {
    sheet: 'Results',
    open: 'Open answers',
    head: ['Group', 'Question', 'No.', 'Answer', 'Count', 'Percent', 'Mean', 'eNPS', '% yes', 'Standard'],
    openHead: ['Question', 'Answer'],
    all: 'Everyone',
    responded: (n: number, total: number) => `${n} of ${total} responded`,
    hidden: 'Too few answers to show: only the number of responses is in this file.',
    partSent: (n: number, school: string) => `The survey went to ${n === 1 ? '1 person' : `${n} people`} of ${school}`,
    partHidden: (school: string, protects: boolean, min: number) =>
      `The results of ${school} are not shown: ${protects ? 'otherwise the answers of a smaller group could be worked out' : `too few responses (fewer than ${min})`}.`,
    likert: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
    yes: 'Yes',
    no: 'No',
    perspectives: { bestuur: 'Board', schoolleiding: 'School leaders', kwaliteit: 'Quality officers', toezicht: 'Supervisory board' } as Record<string, string>,
  },
} as const;

type Row = (string | number | null)[];

function valueLabel(q: ResultSummary['questions'][number], value: number, language: Language): string {
  const w = W[language];
  if (q.kind === 'likert') return w.likert[value - 1] ?? String(value);
  if (q.kind === 'yesno') return value === 1 ? w.yes : w.no;
  if (q.kind === 'choice') return q.options[value] ?? String(value);
  return String(value);
}

/**
 * The rows: a header line, then per group (everyone, each shown segment) per question per value.
 * `part`: one school's part of a board-wide survey (results-card.ts, schoolSummary), by its name.
 */
export function resultRows(summary: ResultSummary, title: string, language: Language, part?: string): { rows: Row[]; open: Row[] } {
  const w = W[language];
  if (part !== undefined && summary.hidden) {
    return { rows: [[title], [w.partSent(summary.recipients, part)], [w.partHidden(part, summary.hidden === 'protectsSmallerGroup', summary.minGroupSize)]], open: [] };
  }
  const rows: Row[] = [[title], [w.responded(summary.respondents, summary.recipients)]];
  if (summary.hidden) {
    rows.push([w.hidden]);
    return { rows, open: [] };
  }
  rows.push([], [...w.head]);
  const groups: { name: string; figures: (qid: string) => ResultSummary['questions'][number] | undefined | { distribution: { value: number; count: number; percent: number }[]; mean: number | null; enps: number | null; yesPercent: number | null } }[] = [
    { name: part ?? w.all, figures: (qid) => summary.questions.find((q) => q.id === qid) },
  ];
  for (const d of summary.dimensions) {
    for (const seg of d.segments) {
      if (!seg.shown) continue;
      const name = d.dimension === 'perspective' ? (w.perspectives[seg.key] ?? seg.name ?? seg.key) : (seg.name ?? seg.key);
      groups.push({ name, figures: (qid) => seg.questions.find((x) => x.questionId === qid) });
    }
  }
  for (const g of groups) {
    summary.questions.forEach((q, i) => {
      if (q.kind === 'open') return;
      const f = g.figures(q.id);
      if (!f) return;
      for (const v of f.distribution) {
        rows.push([g.name, q.text, i + 1, valueLabel(q, v.value, language), v.count, v.percent, f.mean, f.enps, f.yesPercent, q.standard]);
      }
    });
  }
  const open: Row[] = [];
  for (const q of summary.questions) for (const t of q.openTexts ?? []) open.push([q.text, t]);
  return { rows, open };
}

/** CSV with a byte order mark (Excel reads UTF-8 then), ; as separator (Dutch Excel), fields quoted. */
export function buildResultsCsv(summary: ResultSummary, title: string, language: Language, part?: string): Buffer {
  const { rows, open } = resultRows(summary, title, language, part);
  const all = open.length ? [...rows, [], [W[language].open], [...W[language].openHead], ...open] : rows;
  const cell = (c: string | number | null) => {
    if (c === null) return '';
    const s = typeof c === 'number' ? (language === 'nl' ? String(c).replace('.', ',') : String(c)) : c;
    // A leading =, +, - or @ would be a formula in a spreadsheet: quoted with a ' first.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return `"${safe.replace(/"/g, '""')}"`;
  };
  return Buffer.from('\uFEFF' + all.map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n', 'utf8');
}

export async function buildResultsXlsx(summary: ResultSummary, title: string, language: Language, part?: string): Promise<Buffer> {
  const { rows, open } = resultRows(summary, title, language, part);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(W[language].sheet);
  for (const r of rows) sheet.addRow(r); // exceljs writes strings as text, never as formulas
  sheet.getColumn(2).width = 60;
  sheet.getColumn(4).width = 30;
  if (open.length) {
    const o = book.addWorksheet(W[language].open);
    o.addRow([...W[language].openHead]);
    for (const r of open) o.addRow(r);
    o.getColumn(1).width = 40;
    o.getColumn(2).width = 100;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
