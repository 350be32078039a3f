// View-model and card for the roles card. Display-ready strings only.
import type { Translate, StringKey } from '../cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { MAX_PEOPLE_CHOICES, cardName, escapeMarkdown } from '../cards/text.js';
import type { Language } from '../config.js';
import { SCHOOL_HOLIDAYS, SCHOOL_YEARS_COVERED, schoolYearBounds, schoolYearOf, type ParseError } from '../schedule/index.js';
import { REGIONS, ROLES, SECTORS, type Region, type Role, type Sector } from './model.js';
import type { RolesOverview, SchoolCalendarOverview } from './service.js';

const ROLE_KEYS: Record<Role, StringKey> = {
  beheerder: 'roleBeheerder',
  bestuurder: 'roleBestuurder',
  directeur: 'roleDirecteur',
  kwaliteitsmedewerker: 'roleKwaliteitsmedewerker',
  medewerker: 'roleMedewerker',
  rvt: 'roleRvt',
  mr: 'roleMr',
};

/** Rows of the assignments list (the card says how many more there are); 30 keeps the card within Teams' size limit. */
const MAX_ASSIGNMENTS_SHOWN = 30;

export function roleLabel(t: Translate, role: Role): string {
  return t(ROLE_KEYS[role]);
}

export function scopeLabel(t: Translate, schoolName: string | null): string {
  return schoolName ?? t('rolesWholeBoard').toLowerCase();
}

export interface RolesCardInput {
  overview: RolesOverview;
  people: { aadObjectId: string; name: string }[];
  message?: { text: string; tone: 'good' | 'warning' };
  /** What the form held when a change failed: shown again, so nothing typed or picked is lost. */
  values?: { schoolName?: string; person?: string; role?: string; school?: string };
  /** After a revoke: give the same role back with one click. */
  undo?: { aadObjectId: string; role: Role; schoolId: number | null };
}

export function renderRolesCard(cards: CardRenderer, t: Translate, input: RolesCardInput): AdaptiveCard {
  const { overview } = input;
  const shown = overview.assignments.slice(0, MAX_ASSIGNMENTS_SHOWN);
  const hidden = overview.totalAssignments - shown.length;
  return cards.render('roles.manage', {
    title: t('rolesTitle'),
    intro: t('rolesIntro'),
    message: input.message?.text ?? '',
    messageStyle: input.message?.tone === 'warning' ? 'warning' : 'good',
    schoolNameValue: input.values?.schoolName ?? '',
    personValue: input.values?.person ?? '',
    roleValue: input.values?.role ?? 'medewerker',
    schoolValue: input.values?.school ?? 'all',
    undoLabel: input.undo ? t('rolesUndo') : '',
    undoPerson: input.undo?.aadObjectId ?? '',
    undoRole: input.undo?.role ?? '',
    undoSchool: input.undo ? (input.undo.schoolId === null ? 'all' : String(input.undo.schoolId)) : '',
    schoolsHeading: t('rolesSchoolsHeading'),
    noSchools: t('rolesNoSchools'),
    schools: overview.schools,
    schoolList: overview.schools.map((s) => escapeMarkdown(cardName(s.name))).join(' · '),
    newSchoolLabel: t('rolesNewSchoolLabel'),
    newSchoolPlaceholder: t('rolesNewSchoolPlaceholder'),
    addSchool: t('rolesAddSchool'),
    assignmentsHeading: t('rolesAssignmentsHeading'),
    noAssignments: t('rolesNoAssignments'),
    assignments: shown.map((a) => ({
      id: String(a.id),
      text: `**${escapeMarkdown(cardName(a.name))}**: ${roleLabel(t, a.role)}, ${escapeMarkdown(cardName(scopeLabel(t, a.schoolName)))}${a.setByConfiguration ? ` (${t('rolesSetByConfigurationNote')})` : ''}`,
      // A role from CADANS_BEHEERDERS is changed in the configuration: no revoke button.
      canRevoke: !a.setByConfiguration,
    })),
    more: hidden > 0 ? t('rolesMore', { n: hidden }) : '',
    revoke: t('rolesRevoke'),
    grantHeading: t('rolesGrantHeading'),
    personLabel: t('rolesPersonLabel'),
    personPlaceholder: t('rolesPersonPlaceholder'),
    people: input.people.slice(0, MAX_PEOPLE_CHOICES).map((p) => ({ id: p.aadObjectId, name: cardName(p.name) })),
    roleLabel: t('rolesRoleLabel'),
    roles: ROLES.map((r) => ({ title: roleLabel(t, r), value: r })),
    schoolLabel: t('rolesSchoolLabel'),
    scopes: [{ title: t('rolesWholeBoard'), value: 'all' }, ...overview.schools.map((s) => ({ title: cardName(s.name), value: String(s.id) }))],
    grant: t('rolesGrant'),
    calendarButton: t('calendarButton'),
  });
}

// --- The school year: the calendar card and one school's card -------------------------------------

const REGION_KEYS: Record<Region, StringKey> = { noord: 'calendarRegionNoord', midden: 'calendarRegionMidden', zuid: 'calendarRegionZuid' };
const SECTOR_KEYS: Record<Sector, StringKey> = { po: 'calendarSectorPo', vo: 'calendarSectorVo', so: 'calendarSectorSo', mbo: 'calendarSectorMbo' };

export const regionLabel = (t: Translate, region: Region): string => t(REGION_KEYS[region]);

/** A holiday as people read it: "za 17 okt. 2026 t/m zo 25 okt. 2026". */
function periodText(first: string, last: string, language: Language): string {
  const f = (d: string) =>
    new Date(`${d}T12:00:00Z`).toLocaleDateString(language === 'nl' ? 'nl-NL' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return first === last ? f(first) : `${f(first)} ${language === 'nl' ? 't/m' : 'to'} ${f(last)}`;
}

/** Stored periods as the lines the card's text field takes ("naam;van;tot", dd-mm-jjjj). */
export function periodsAsLines(periods: readonly { name: string; first: string; last: string }[]): string {
  const dmy = (d: string) => `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}`;
  return periods.map((p) => `${p.name.replace(/[;\r\n]/g, ' ').replace(/^"+/, '')};${dmy(p.first)};${dmy(p.last)}`).join('\n');
}

type Message = { text: string; tone: 'good' | 'warning' };

/** The choice "no region" / "unknown sector" (a choice's value may not be empty). */
export const NONE = 'none';

function messageFields(message: Message | undefined, errors: readonly string[] = []) {
  return { message: message?.text ?? '', messageStyle: message?.tone === 'warning' ? 'warning' : 'good', errors: errors.map((text) => ({ text })) };
}

export interface CalendarCardInput {
  overview: SchoolCalendarOverview;
  message?: Message;
}

export function renderCalendarCard(cards: CardRenderer, t: Translate, input: CalendarCardInput): AdaptiveCard {
  const { overview } = input;
  const board = overview.defaultRegion;
  return cards.render('roles.calendar', {
    title: t('calendarTitle'),
    intro: t('calendarIntro'),
    ...messageFields(input.message),
    boardHeading: t('calendarBoardHeading'),
    boardText: t('calendarBoardText'),
    canSetRegion: overview.canSetRegion,
    boardRegion: t('calendarBoardRegion', { region: board ? regionLabel(t, board) : t('calendarRegionNone').toLowerCase() }),
    regionLabel: t('calendarRegionLabel'),
    defaultRegionValue: board ?? NONE,
    regions: regionChoices(t),
    save: t('calendarSave'),
    schoolsHeading: t('calendarSchoolsHeading'),
    noSchools: t('calendarNoSchools'),
    schools: overview.schools.slice(0, MAX_SCHOOLS_SHOWN).map((s) => ({
      id: String(s.id),
      text: `**${escapeMarkdown(cardName(s.name))}**: ${[
        s.region ? t('calendarSchoolRegion', { region: regionLabel(t, s.region) }) : board ? t('calendarSchoolDefaultRegion', { region: regionLabel(t, board) }) : t('calendarSchoolNoRegion'),
        s.sector ? s.sector : null,
        s.roster ? t('calendarSchoolOwn', { n: s.roster.periods.length }) : null,
      ]
        .filter((x) => x !== null)
        .join(' · ')}`,
    })),
    more: overview.schools.length > MAX_SCHOOLS_SHOWN ? t('rolesMore', { n: overview.schools.length - MAX_SCHOOLS_SHOWN }) : '',
    open: t('calendarOpenSchool'),
    uploadHint: t('calendarUploadHint'),
    back: t('calendarBackToRoles'),
  });
}

/** Schools listed on the calendar card (60 fit within Teams' size limit with every name at its longest). */
const MAX_SCHOOLS_SHOWN = 60;

function regionChoices(t: Translate) {
  return [{ title: t('calendarRegionNone'), value: NONE }, ...REGIONS.map((r) => ({ title: regionLabel(t, r), value: r }))];
}

export interface SchoolCardInput {
  language: Language;
  /** Today in Amsterdam: the school year shown. */
  today: string;
  canSetRegion: boolean;
  defaultRegion: Region | null;
  school: SchoolCalendarOverview['schools'][number];
  message?: Message;
  /** Problems of a rooster that was not saved, and the text as it was typed (kept). */
  errors?: readonly ParseError[];
  holidaysValue?: string;
}

export function renderSchoolCalendarCard(cards: CardRenderer, t: Translate, input: SchoolCardInput): AdaptiveCard {
  const { school, language } = input;
  const year = schoolYearOf(input.today);
  const bounds = schoolYearBounds(Number(year.slice(0, 4)));
  const region = school.region ?? input.defaultRegion;
  const own = school.roster?.periods ?? null;
  type Row = { text: string };
  let rows: Row[];
  let source: string;
  let advisory = false;
  if (own) {
    source = t('calendarSourceOwn');
    rows = own.filter((p) => p.last >= bounds.first && p.first <= bounds.last).map((p) => ({ text: `${escapeMarkdown(cardName(p.name))}: ${periodText(p.first, p.last, language)}` }));
  } else if (region) {
    source = t('calendarSourceRegion', { region: regionLabel(t, region) });
    const regional = SCHOOL_HOLIDAYS.filter((h) => h.region === region && h.schoolYear === year);
    advisory = regional.some((h) => h.advisory);
    rows = regional.map((h) => ({ text: `${h.name[language]}: ${periodText(h.first, h.last, language)}${h.advisory ? ` (${t('calendarAdvisory')})` : ''}` }));
    if (!SCHOOL_YEARS_COVERED.includes(year)) source = `${source} ${t('calendarNotCovered')}`;
  } else {
    source = t('calendarSourceNone');
    rows = [];
  }
  const hidden = rows.length - MAX_PERIODS_SHOWN;
  if (hidden > 0) rows = [...rows.slice(0, MAX_PERIODS_SHOWN), { text: t('rolesMore', { n: hidden }) }];
  // The messages quote what was typed: escaped, so it cannot format the card.
  const errors = (input.errors ?? []).map((e) => escapeMarkdown(e.line === null ? e.message[language] : t('calendarErrorLine', { line: e.line, message: e.message[language] })));
  return cards.render('roles.school', {
    title: escapeMarkdown(cardName(school.name)),
    ...messageFields(input.errors?.length ? { text: t('calendarErrorsTitle'), tone: 'warning' } : input.message, errors),
    school: String(school.id),
    canSetRegion: input.canSetRegion,
    regionLabel: t('calendarRegionLabel'),
    sectorLabel: t('calendarSectorLabel'),
    regionValue: school.region ?? NONE,
    sectorValue: school.sector ?? NONE,
    regions: regionChoices(t),
    sectors: [{ title: t('calendarSectorNone'), value: NONE }, ...SECTORS.map((s) => ({ title: t(SECTOR_KEYS[s]), value: s }))],
    regionText: `${t('calendarRegionLabel')}: ${school.region ? regionLabel(t, school.region) : t('calendarRegionNone').toLowerCase()} · ${t('calendarSectorLabel')}: ${school.sector ? t(SECTOR_KEYS[school.sector]) : t('calendarSectorNone').toLowerCase()}`,
    saveRegion: t('calendarSaveRegion'),
    periodsHeading: t('calendarPeriodsHeading', { year: year.replace('-', '–') }),
    source,
    periods: rows,
    noPeriods: region || own ? t('calendarNoPeriods') : '',
    advisoryNote: advisory ? t('calendarAdvisoryNote') : '',
    ownHeading: t('calendarOwnHeading'),
    ownText: t('calendarOwnText'),
    holidaysValue: input.holidaysValue ?? (own ? periodsAsLines(own) : ''),
    holidaysPlaceholder: t('calendarOwnPlaceholder'),
    saveHolidays: t('calendarSaveHolidays'),
    removeHolidays: own ? t('calendarRemoveHolidays') : '',
    uploadHint: t('calendarUploadHint'),
    back: t('calendarBack'),
  });
}

/** Holidays listed on a card (a school year has about ten; the text field holds them all). */
const MAX_PERIODS_SHOWN = 30;

/** The own rooster typed on a card (the template's maxLength): 100 lines of a name and two dates fit within this. */
export const HOLIDAYS_TEXT_MAX = 12_000;

export interface HolidaysFileCardInput {
  language: Language;
  fileName: string;
  source: 'ics' | 'csv';
  periods: readonly { name: string; first: string; last: string }[];
  schools: readonly { id: number; name: string }[];
}

/** The file's holidays listed before the choice of school (all of them are saved; the school's card then shows them). */
const MAX_FILE_PERIODS_SHOWN = 12;

/** A rooster sent as a file by someone who keeps several schools: which school is it for? */
export function renderHolidaysFileCard(cards: CardRenderer, t: Translate, input: HolidaysFileCardInput): AdaptiveCard {
  return cards.render('roles.holidaysFile', {
    title: t('calendarOwnHeading'),
    text: t('calendarFileRead', { name: escapeMarkdown(cardName(input.fileName)), n: input.periods.length }),
    periods: [
      ...input.periods.slice(0, MAX_FILE_PERIODS_SHOWN).map((p) => ({ text: `${escapeMarkdown(cardName(p.name))}: ${periodText(p.first, p.last, input.language)}` })),
      ...(input.periods.length > MAX_FILE_PERIODS_SHOWN ? [{ text: t('rolesMore', { n: input.periods.length - MAX_FILE_PERIODS_SHOWN }) }] : []),
    ],
    schoolLabel: t('calendarPickSchoolLabel'),
    schoolValue: input.schools[0] ? String(input.schools[0].id) : '',
    schools: input.schools.map((s) => ({ title: cardName(s.name), value: String(s.id) })),
    holidaysValue: periodsAsLines(input.periods),
    source: input.source,
    saveHolidays: t('calendarSaveHolidays'),
  });
}
