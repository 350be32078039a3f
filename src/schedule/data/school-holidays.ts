// The regional school holidays (schoolvakanties) of primary and secondary schools in the Netherlands,
// regions noord, midden and zuid, for the school years 2025–2026, 2026–2027 and 2027–2028.
// Data, not code: every date below comes from a source named here; nothing is derived or guessed.
//
// Sources (looked up 2026; re-check before relying on a year that is more than a year away):
// - 2027–2028, all dates, read from the government's own page:
//   https://rijksoverheid.nl/onderwerpen/schoolvakanties/overzicht-schoolvakanties-per-schooljaar/overzicht-schoolvakanties-2027-2028
// - 2025–2026 and 2026–2027: the government publishes them at the same place
//   (…/overzicht-schoolvakanties-2025-2026 and …/overzicht-schoolvakanties-2026-2027), but those two
//   pages were not in the reference corpus we could search. The dates were taken from the OpenHolidays
//   data set, which copies the government's dates (github.com/openpotato/openholidaysapi.data,
//   src/nl/holidays/holidays.school.csv, commit dd3dfa8 of 2026-01-21), and cross-checked per date
//   against schools' and regional sites that cite the Rijksoverheid (schoolvakanties.org
//   "Herfstvakanties 2025 2026 2027", deepsea.nl "Wanneer herfstvakantie", mkkm.nl kerstvakantie
//   2025–2026, and the published vakantieroosters of primary schools in each region). Where
//   OpenHolidays and those pages agree we took the date; the one place they did not is marked
//   below (voorjaarsvakantie zuid 2027).
// - Which holidays are fixed and which are advice: the government sets the dates of the
//   kerstvakantie, the zomervakantie and one week meivakantie (Regeling vaststelling schoolvakanties
//   2025–2030, announced at https://www.vosabb.nl/vakantiedata-2025-2030-vastgesteld-po-vo/); for the herfstvakantie and the voorjaarsvakantie it gives adviesdata (advisory dates),
//   from which a school may deviate with its MR's consent. Sources: the rijksoverheid 2027–2028 page
//   above ("OCW geeft adviesdata voor de voorjaarsvakantie en de herfstvakantie. Uw school mag hier
//   van afwijken"), and the Rijksoverheid question "Hoe bepaalt de overheid de data voor
//   schoolvakanties?" (http://ocw.rijksopenheid.nl/7136/hoe-bepaalt-de-overheid-de-data-voor-schoolvakanties):
//   "De overheid stelt de data voor de volgende vakanties landelijk vast: kerstvakantie;
//   zomervakantie; 1 week meivakantie … De overheid geeft adviesdata voor … herfstvakantie,
//   voorjaarsvakantie". This holds for primary (po) and secondary (vo) schools alike.
// - Not included: the optional second week of the meivakantie (the government gives an
//   "adviesweek"; many schools take it) and a school's own study days. A school that deviates gives
//   its own vakantierooster (CalendarOptions.ownHolidays), which then replaces these dates.
//
// Dates are the published ones: Saturday to Sunday, first and last day inclusive. The zomervakantie
// belongs to the school year it ends (as the government lists it) and runs into August of the next.
//
// Adding a school year: see docs/schedule.md, "Adding the next school year".

export type Region = 'noord' | 'midden' | 'zuid';
export const REGIONS: readonly Region[] = ['noord', 'midden', 'zuid'];

export type SchoolHolidayKind = 'herfstvakantie' | 'kerstvakantie' | 'voorjaarsvakantie' | 'meivakantie' | 'zomervakantie';
export const SCHOOL_HOLIDAY_KINDS: readonly SchoolHolidayKind[] = ['herfstvakantie', 'kerstvakantie', 'voorjaarsvakantie', 'meivakantie', 'zomervakantie'];

/** The holidays' names as Dutch schools and parents say them, and in English. */
export const SCHOOL_HOLIDAY_NAMES: Readonly<Record<SchoolHolidayKind, { nl: string; en: string }>> = {
  herfstvakantie: { nl: 'herfstvakantie', en: 'autumn holiday' },
  kerstvakantie: { nl: 'kerstvakantie', en: 'Christmas holiday' },
  voorjaarsvakantie: { nl: 'voorjaarsvakantie', en: 'spring holiday' },
  meivakantie: { nl: 'meivakantie', en: 'May holiday' },
  zomervakantie: { nl: 'zomervakantie', en: 'summer holiday' },
};

/** The herfst- and voorjaarsvakantie are advisory dates (adviesdata); the other three are fixed. */
export const ADVISORY_KINDS: ReadonlySet<SchoolHolidayKind> = new Set(['herfstvakantie', 'voorjaarsvakantie']);

export interface RegionalSchoolHoliday {
  /** '2025-2026': the school year (1 August – 31 July) the holiday belongs to. */
  schoolYear: string;
  region: Region;
  kind: SchoolHolidayKind;
  name: { nl: string; en: string };
  /** First and last day, inclusive, 'YYYY-MM-DD'. */
  first: string;
  last: string;
  /** true: advisory dates (adviesdata) from which a school may deviate; false: dates set by the government. */
  advisory: boolean;
}

/** The school years this file holds; a date outside them has no regional school holidays here. */
export const SCHOOL_YEARS_COVERED: readonly string[] = ['2025-2026', '2026-2027', '2027-2028'];

type Row = readonly [SchoolHolidayKind, readonly Region[], string, string];

const ALL: readonly Region[] = REGIONS;

const ROWS: Readonly<Record<string, readonly Row[]>> = {
  '2025-2026': [
    ['herfstvakantie', ['noord', 'midden'], '2025-10-18', '2025-10-26'],
    ['herfstvakantie', ['zuid'], '2025-10-11', '2025-10-19'],
    ['kerstvakantie', ALL, '2025-12-20', '2026-01-04'],
    ['voorjaarsvakantie', ['noord'], '2026-02-21', '2026-03-01'],
    ['voorjaarsvakantie', ['midden', 'zuid'], '2026-02-14', '2026-02-22'],
    ['meivakantie', ALL, '2026-04-25', '2026-05-03'],
    ['zomervakantie', ['noord'], '2026-07-04', '2026-08-16'],
    ['zomervakantie', ['midden'], '2026-07-18', '2026-08-30'],
    ['zomervakantie', ['zuid'], '2026-07-11', '2026-08-23'],
  ],
  '2026-2027': [
    ['herfstvakantie', ['noord'], '2026-10-10', '2026-10-18'],
    ['herfstvakantie', ['midden', 'zuid'], '2026-10-17', '2026-10-25'],
    ['kerstvakantie', ALL, '2026-12-19', '2027-01-03'],
    ['voorjaarsvakantie', ['noord', 'midden'], '2027-02-20', '2027-02-28'],
    // OpenHolidays lists zuid as 2027-02-13 … 2027-03-21, a five-week "week": a typing error for
    // 2027-02-21 (every voorjaarsvakantie runs Saturday to the Sunday eight days later; OCW noted
    // that zuid's advisory week in 2026–2027 does not coincide with carnaval, 6–9 February 2027).
    // Check against the rijksoverheid 2026–2027 page when it can be read.
    ['voorjaarsvakantie', ['zuid'], '2027-02-13', '2027-02-21'],
    ['meivakantie', ALL, '2027-04-24', '2027-05-02'],
    ['zomervakantie', ['noord'], '2027-07-10', '2027-08-22'],
    ['zomervakantie', ['midden'], '2027-07-17', '2027-08-29'],
    ['zomervakantie', ['zuid'], '2027-07-24', '2027-09-05'],
  ],
  '2027-2028': [
    ['herfstvakantie', ['noord', 'midden'], '2027-10-16', '2027-10-24'],
    ['herfstvakantie', ['zuid'], '2027-10-23', '2027-10-31'],
    ['kerstvakantie', ALL, '2027-12-25', '2028-01-09'],
    ['voorjaarsvakantie', ['noord'], '2028-02-19', '2028-02-27'],
    ['voorjaarsvakantie', ['midden', 'zuid'], '2028-02-26', '2028-03-05'],
    ['meivakantie', ALL, '2028-04-29', '2028-05-07'],
    ['zomervakantie', ['noord'], '2028-07-15', '2028-08-27'],
    ['zomervakantie', ['midden'], '2028-07-08', '2028-08-20'],
    ['zomervakantie', ['zuid'], '2028-07-22', '2028-09-03'],
  ],
};

export const SCHOOL_HOLIDAYS: readonly RegionalSchoolHoliday[] = Object.entries(ROWS).flatMap(([schoolYear, rows]) =>
  rows.flatMap(([kind, regions, first, last]) =>
    regions.map((region) => ({ schoolYear, region, kind, name: SCHOOL_HOLIDAY_NAMES[kind], first, last, advisory: ADVISORY_KINDS.has(kind) })),
  ),
);

/** The regional school holidays of one region, in date order. */
export function schoolHolidaysOf(region: Region): readonly RegionalSchoolHoliday[] {
  return SCHOOL_HOLIDAYS.filter((h) => h.region === region).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}
