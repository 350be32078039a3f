// The inspection visit as it really runs (issue 8): the kind of investigation, due dates from its
// start and end, steps 4 and 5 n.v.t. outside the board investigation, the documents of step 3
// ticked and linked, and the improvement plan counted from the report. Through the real HTTP path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let sanne: TeamsUser; // first person: beheerder in local mode
let joost: TeamsUser; // no role
let channel: TeamsChannel;

const text = (x: unknown) => JSON.stringify(x);

async function invoke(user: TeamsUser, verb: string, data: Record<string, unknown>) {
  const res = await postActivity(cadans.url, world.actionExecute(user, channel, verb, data));
  expect(res.status).toBe(200);
  return (res.body as { value: Record<string, unknown> }).value;
}

async function checklistByTitle(title: string) {
  const r = await cadans.db.query<{ id: string; public_id: string; investigation_type: string | null; end_date: string | null }>(
    "select id, public_id, investigation_type, to_char(end_date, 'YYYY-MM-DD') as end_date from checklists where title = $1",
    [title],
  );
  return r.rows[0];
}

async function stepsOf(id: string) {
  const r = await cadans.db.query<{ position: number; status: string; due: string | null; note: string; items: Array<{ key: string; done: boolean; evidenceUrl: string }> }>(
    "select position, status, to_char(due_date, 'YYYY-MM-DD') as due, note, items from checklist_steps where checklist_id = $1 order by position",
    [id],
  );
  return r.rows;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The posted channel card of a checklist, as Teams shows it now. */
async function channelCardOf(id: string): Promise<string> {
  let activityId: string | null = null;
  await waitUntil(async () => {
    activityId = (await cadans.db.query<{ card_activity_id: string | null }>('select card_activity_id from checklists where id = $1', [id])).rows[0]?.card_activity_id ?? null;
    return activityId !== null;
  });
  return text(connector.cardOf(connector.activity(activityId!)?.activity));
}

async function start(title: string, over: Record<string, unknown>) {
  return invoke(sanne, 'checklist.start', { v: 1, template: 'inspection', title, school: 'none', targetDate: '2027-03-09', ...over });
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  sanne = world.user({ name: 'Sanne de Vries' });
  joost = world.user({ name: 'Joost Bakker' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [sanne, joost] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  await postActivity(cadans.url, world.personalMessage(sanne, 'hulp')); // first person: beheerder
});
afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe('starting an inspection checklist', () => {
  it('asks the kind of investigation, the first conversation with the board and the end', async () => {
    const card = text(await invoke(sanne, 'checklist.new', { v: 1, template: 'inspection' }));
    expect(card).toContain('Soort onderzoek');
    for (const kind of ['Vierjaarlijks onderzoek bij bestuur en scholen (met verificatieonderzoeken)', 'Herstelonderzoek', 'Onderzoek naar ontwikkelpunten', 'Verzoek om het oordeel Goed']) expect(card).toContain(kind);
    expect(card).toContain('Eerste gesprek met het bestuur (start van het onderzoek)');
    expect(card).toContain('Einde van het onderzoek (als je het weet)');
    expect(card).toContain('"id":"endDate"');
  });

  // Per kind: every due date against its anchor. Start Tuesday 9 March 2027. Before the start:
  // steps 1, 2, 3, 5, 7, 10 (a weekend moves back to the Friday); during: 4 (a week in) and 6 (three
  // days in), never after the end; after: 8 (the end), 9 (a week after), 11 (five weeks after).
  const BEFORE = { 1: '2027-02-23', 2: '2027-02-02', 3: '2027-02-09', 5: '2027-03-02', 7: '2027-03-05', 10: '2027-03-05' } as const;
  const cases: Array<{ kind: string; end: string; title: string; dues: Record<number, string | null>; nvt: boolean }> = [
    {
      kind: 'bestuur',
      end: '2027-04-16',
      title: 'Vierjaarlijks onderzoek 2027',
      dues: { ...BEFORE, 4: '2027-03-16', 6: '2027-03-12', 8: '2027-04-16', 9: '2027-04-23', 11: '2027-05-21' },
      nvt: false,
    },
    // Without an end, a board investigation is taken to run six weeks (to Monday 19 April).
    { kind: 'bestuur', end: '', title: 'Vierjaarlijks zonder einde', dues: { ...BEFORE, 4: '2027-03-16', 6: '2027-03-12', 8: '2027-04-19', 9: '2027-04-26', 11: '2027-05-24' }, nvt: false },
    // Without an end, the other kinds are done on the day: "during" falls on the start itself.
    { kind: 'herstel', end: '', title: 'Herstelonderzoek rekenen', dues: { ...BEFORE, 5: null, 4: null, 6: '2027-03-09', 8: '2027-03-09', 9: '2027-03-16', 11: '2027-04-13' }, nvt: true },
    { kind: 'ontwikkelpunten', end: '2027-03-11', title: 'Ontwikkelpunten 2027', dues: { ...BEFORE, 5: null, 4: null, 6: '2027-03-11', 8: '2027-03-11', 9: '2027-03-18', 11: '2027-04-15' }, nvt: true },
    { kind: 'goed', end: '2027-03-10', title: 'Verzoek Goed', dues: { ...BEFORE, 5: null, 4: null, 6: '2027-03-10', 8: '2027-03-10', 9: '2027-03-17', 11: '2027-04-14' }, nvt: true },
  ];

  for (const c of cases) {
    it(`gives every step of a "${c.kind}" investigation${c.end ? '' : ' without an end'} its due date from the right anchor`, async () => {
      const card = text(await start(c.title, { investigation: c.kind, endDate: c.end }));
      expect(card).toContain('staat in het kanaal');
      const row = (await checklistByTitle(c.title))!;
      expect(row.investigation_type).toBe(c.kind);
      expect(row.end_date).toBe(c.end || null);
      const steps = await stepsOf(row.id);
      expect(steps).toHaveLength(11);
      expect(Object.fromEntries(steps.map((s) => [s.position, s.due]))).toEqual(c.dues);
      for (const s of steps.filter((x) => x.position === 4 || x.position === 5)) {
        expect(s.status).toBe(c.nvt ? 'nvt' : 'open');
        if (c.nvt) expect(s.note).toContain('vierjaarlijks onderzoek bij bestuur en scholen');
        else expect(s.note).toBe('');
      }
      expect(steps.filter((s) => s.position !== 4 && s.position !== 5).every((s) => s.status === 'open')).toBe(true);
      const shared = await channelCardOf(row.id);
      expect(shared).toContain(c.nvt ? '0 van 9 klaar · 2 n.v.t.' : '0 van 11 klaar');
      // The subtitle: the kind, the start (its brackets escaped for Markdown) and the end, if given.
      expect(shared).toMatch(/Eerste gesprek met het bestuur \\\\\(start van het onderzoek\\\\\): 9 maart 2027/);
      if (c.end) expect(shared).toContain(`Einde: ${c.end === '2027-04-16' ? '16 april' : c.end === '2027-03-11' ? '11 maart' : '10 maart'} 2027`);
      if (c.nvt) expect(shared).toContain('Houd elkaar op de hoogte van contact met de inspectie');
    });
  }

  it('shows the n.v.t. note when the step is opened', async () => {
    const row = (await checklistByTitle('Herstelonderzoek rekenen'))!;
    const card = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: row.public_id, position: 4 }));
    expect(card).toContain('N.v.t.');
    expect(card).toContain('Niet van toepassing: deze stap hoort bij het vierjaarlijks onderzoek bij bestuur en scholen');
  });

  it('refuses a forged kind of investigation or an end out of range, keeping the form and starting nothing', async () => {
    const before = Number((await cadans.db.query('select count(*) as n from checklists')).rows[0].n);
    const forged = text(await start('Vervalst soort', { investigation: 'alles-goed' }));
    expect(forged).toContain('Kies een soort onderzoek uit de lijst.');
    expect(forged).toContain('Vervalst soort'); // the form, with what was typed
    const early = text(await start('Einde te vroeg', { investigation: 'bestuur', endDate: '2027-03-08' }));
    expect(early).toContain('Het einde van het onderzoek ligt op of na de start');
    const far = text(await start('Einde te laat', { investigation: 'bestuur', endDate: '2028-06-01' }));
    expect(far).toContain('Het einde van het onderzoek ligt op of na de start');
    const unreal = text(await start('Einde bestaat niet', { investigation: 'goed', endDate: '2027-02-30' }));
    expect(unreal).toContain('Het einde van het onderzoek ligt op of na de start');
    const noStart = text(await start('Einde zonder start', { investigation: 'goed', targetDate: '', endDate: '2027-03-10' }));
    expect(noStart).toContain('Vul ook de datum van het eerste gesprek met het bestuur in');
    expect(Number((await cadans.db.query('select count(*) as n from checklists')).rows[0].n)).toBe(before);
  });

  it('starts a board investigation when an older form sends no kind', async () => {
    await start('Oud formulier', {});
    const row = (await checklistByTitle('Oud formulier'))!;
    expect(row.investigation_type).toBe('bestuur');
    expect((await stepsOf(row.id)).every((s) => s.status === 'open')).toBe(true);
  });
});

describe('step 3: the documents the inspection usually asks for', () => {
  const DOCUMENTS = [
    'Schoolplan of strategisch beleidsplan',
    'Jaarverslag of bestuursverslag',
    'Jaarplannen',
    'Zelfevaluaties per standaard',
    'Kwaliteitsrapportages',
    'Analyses van de resultaten',
    'Tevredenheidsonderzoeken en de monitor sociale veiligheid',
    'Schoolgids',
    'Schoolondersteuningsprofiel',
    'PTA (alleen vo)',
    'Examenreglement (alleen vo)',
  ];

  it('lists each document with a tick and a link field', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const card = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: row.public_id, position: 3 }));
    expect(card).toContain('Wat de inspectie meestal vraagt (0 van 11 stukken klaar)');
    for (const [i, d] of DOCUMENTS.entries()) {
      expect(card).toContain(d);
      expect(card).toContain(`"id":"itemDone${i + 1}"`);
      expect(card).toContain(`"id":"itemUrl${i + 1}"`);
    }
  });

  it('ticks and links documents, logs them, and shows the count on the shared card', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const card = text(
      await invoke(sanne, 'checklist.saveStep', {
        v: 2,
        checklist: row.public_id,
        position: 3,
        itemDone1: 'true',
        itemUrl1: 'https://stichting.sharepoint.com/sites/kwaliteit/strategisch-beleidsplan.pdf',
        itemDone8: 'true',
        itemUrl8: '',
        itemDone2: 'false',
      }),
    );
    expect(card).toContain('Opgeslagen.');
    expect(card).toContain('Wat de inspectie meestal vraagt (2 van 11 stukken klaar)');
    const step3 = (await stepsOf(row.id))[2]!;
    expect(step3.items.filter((i) => i.done).map((i) => i.key)).toEqual(['schoolplan', 'schoolgids']);
    expect(step3.items[0]!.evidenceUrl).toBe('https://stichting.sharepoint.com/sites/kwaliteit/strategisch-beleidsplan.pdf');
    const log = await cadans.db.query<{ new_value: string }>("select new_value from checklist_events where checklist_id = $1 and field = 'item' order by id", [row.id]);
    expect(log.rows.map((r) => r.new_value)).toEqual(['Schoolplan of strategisch beleidsplan: klaar https://stichting.sharepoint.com/sites/kwaliteit/strategisch-beleidsplan.pdf', 'Schoolgids: klaar']);
    await waitUntil(async () => (await channelCardOf(row.id)).includes('2 van 11 stukken klaar'));
  });

  it('leaves PTA and examenreglement out for a primary school, keeps them for a secondary school and where the sector is not known', async () => {
    const school = async (name: string, sector: string | null) =>
      Number((await cadans.db.query<{ id: string }>('insert into schools (tenant_id, name, sector) values ($1, $2, $3) returning id', [world.tenantId, name, sector])).rows[0]!.id);
    const keysFor = async (title: string, schoolId: number | 'none') => {
      await start(title, { school: schoolId, investigation: 'herstel' });
      return (await stepsOf((await checklistByTitle(title))!.id))[2]!.items.map((i) => i.key);
    };
    const po = await keysFor('Herstelonderzoek De Klimop', await school('De Klimop', 'po'));
    expect(po).toHaveLength(9);
    expect(po).not.toContain('pta');
    expect(po).not.toContain('examenreglement');
    expect(await keysFor('Herstelonderzoek Het Lyceum', await school('Het Lyceum', 'vo'))).toContain('examenreglement');
    expect(await keysFor('Herstelonderzoek De Esch', await school('De Esch', null))).toHaveLength(11);
  });

  it('exports the kind, the end and each document under its step', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const card = text(await invoke(sanne, 'checklist.export', { v: 2, checklist: row.public_id }));
    const csvUrl = /"(https?:\/\/[^"]+\/exports\/[^"]+)"/g;
    const urls = [...card.matchAll(csvUrl)].map((m) => m[1]!);
    const csv = await Promise.all(urls.map(async (u) => (await fetch(u)).text())).then((bodies) => bodies.find((b) => b.includes('Soort onderzoek')));
    expect(csv).toBeDefined();
    expect(csv).toContain('Vierjaarlijks onderzoek bij bestuur en scholen');
    expect(csv).toContain('Einde van het onderzoek');
    expect(csv).toMatch(/3\.1;Schoolplan of strategisch beleidsplan;Klaar;;;;https:\/\/stichting\.sharepoint\.com\/sites\/kwaliteit\/strategisch-beleidsplan\.pdf/);
    expect(csv).toMatch(/3\.3;Jaarplannen;Open/);
  });

  it('refuses a link that is not https and changes nothing', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const before = (await stepsOf(row.id))[2]!.items;
    const card = text(await invoke(sanne, 'checklist.saveStep', { v: 2, checklist: row.public_id, position: 3, itemDone3: 'true', itemUrl3: 'javascript:alert(1)' }));
    expect(card).toContain('De link bij een document moet een https-adres zijn');
    expect((await stepsOf(row.id))[2]!.items).toEqual(before);
  });

  it('lets only editors tick documents: a team member without a role reads the list', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const before = (await stepsOf(row.id))[2]!.items;
    const refused = text(await invoke(joost, 'checklist.saveStep', { v: 2, checklist: row.public_id, position: 3, itemDone5: 'true' }));
    expect(refused).not.toContain('Opgeslagen.');
    expect((await stepsOf(row.id))[2]!.items).toEqual(before);
    const read = text(await invoke(joost, 'checklist.step', { v: 2, checklist: row.public_id, position: 3 }));
    expect(read).toContain('✓ Schoolplan of strategisch beleidsplan');
    expect(read).toContain('○ Jaarplannen');
    expect(read).not.toContain('"id":"itemDone1"');
  });

  it('keeps a checklist from before items and investigation kinds working', async () => {
    await start('Van vorig jaar', {});
    const row = (await checklistByTitle('Van vorig jaar'))!;
    // As an earlier release left it: no kind, no end, steps without items.
    await cadans.db.query('update checklists set investigation_type = null, end_date = null where id = $1', [row.id]);
    await cadans.db.query("update checklist_steps set items = '[]'::jsonb where checklist_id = $1", [row.id]);
    const card = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: row.public_id, position: 3 }));
    expect(card).not.toContain('Wat de inspectie meestal vraagt');
    const saved = text(await invoke(sanne, 'checklist.saveStep', { v: 2, checklist: row.public_id, position: 3, note: 'Alles staat in de map.' }));
    expect(saved).toContain('Opgeslagen.');
    expect((await stepsOf(row.id))[2]).toMatchObject({ note: 'Alles staat in de map.', items: [] });
    const shared = text(await invoke(sanne, 'checklist.view', { v: 2, checklist: row.public_id }));
    expect(shared).toContain('Van vorig jaar');
    expect(shared).toContain('Datum van het bezoek: 9 maart 2027'); // what its date meant then
    expect(shared).not.toContain('Vierjaarlijks onderzoek bij bestuur en scholen');
  });
});

describe('after the visit', () => {
  it('ends with the response to the draft report, its deadline set from the letter', async () => {
    const row = (await checklistByTitle('Vierjaarlijks onderzoek 2027'))!;
    const card = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: row.public_id, position: 11 }));
    expect(card).toContain('Stap 11: Reageer op het conceptrapport');
    expect(card).toContain('zienswijze');
    expect(card).toContain('termijn uit de brief van de inspectie');
    const saved = text(await invoke(sanne, 'checklist.saveStep', { v: 2, checklist: row.public_id, position: 11, dueDate: '2027-05-14' }));
    expect(saved).toContain('Opgeslagen.');
    expect((await stepsOf(row.id))[10]!.due).toBe('2027-05-14');
  });

  it('starts the improvement plan from the report date, naming the herstelopdracht', async () => {
    const form = text(await invoke(sanne, 'checklist.new', { v: 1, template: 'improvement' }));
    expect(form).toContain('herstelopdracht');
    expect(form).toContain('Datum van het inspectierapport');
    expect(form).not.toContain('Soort onderzoek');
    await invoke(sanne, 'checklist.start', { v: 1, template: 'improvement', title: 'Verbeterplan rekenen', school: 'none', targetDate: '2027-05-03' });
    const row = (await checklistByTitle('Verbeterplan rekenen'))!;
    expect(row.investigation_type).toBeNull();
    // Start at once: analysis a week after the report, the plan two weeks later, evaluation before the follow-up investigation.
    expect((await stepsOf(row.id)).map((s) => s.due)).toEqual(['2027-05-10', '2027-05-24', '2027-05-31', '2027-06-07', '2027-10-29', '2028-02-25']);
  });
});

describe('getting started', () => {
  it('says what Cadans really does with staff, names the school systems, and puts the processing agreement first', async () => {
    const form = text(await invoke(sanne, 'checklist.new', { v: 1, template: 'onboarding' }));
    expect(form).toContain('verwerkersovereenkomst');
    await invoke(sanne, 'checklist.start', { v: 1, template: 'onboarding', title: 'Aan de slag', school: 'none', targetDate: '' });
    const row = (await checklistByTitle('Aan de slag'))!;
    const card = text(await invoke(sanne, 'checklist.step', { v: 2, checklist: row.public_id, position: 1 }));
    for (const word of ['verwerkersovereenkomst', 'leden van het team', 'ParnasSys', 'ESIS', 'SomToday', 'Magister', 'AFAS']) expect(card).toContain(word);
    expect(card).toContain('leerlingen en ouders doen niet mee');
  });
});
