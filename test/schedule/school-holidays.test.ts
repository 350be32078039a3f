import { describe, expect, it } from 'vitest';
import {
  REGIONS,
  SCHOOL_HOLIDAY_KINDS,
  SCHOOL_HOLIDAYS,
  SCHOOL_YEARS_COVERED,
  schoolHolidaysOf,
  type RegionalSchoolHoliday,
} from '../../src/schedule/data/school-holidays.js';
import { daysBetween, isIsoDate, weekdayOf } from '../../src/schedule/dates.js';

const days = (h: RegionalSchoolHoliday) => daysBetween(h.first, h.last) + 1;
const find = (year: string, region: string, kind: string) => SCHOOL_HOLIDAYS.find((h) => h.schoolYear === year && h.region === region && h.kind === kind)!;

describe('regional school holiday data', () => {
  it('has each of the five holidays exactly once per region and school year', () => {
    for (const year of SCHOOL_YEARS_COVERED) {
      for (const region of REGIONS) {
        const kinds = SCHOOL_HOLIDAYS.filter((h) => h.schoolYear === year && h.region === region).map((h) => h.kind);
        expect([...kinds].sort(), `${year} ${region}`).toEqual([...SCHOOL_HOLIDAY_KINDS].sort());
      }
    }
    expect(SCHOOL_HOLIDAYS).toHaveLength(SCHOOL_YEARS_COVERED.length * REGIONS.length * 5);
  });

  it('holds real dates, published Saturday to Sunday, with the usual lengths (a typo shows here)', () => {
    for (const h of SCHOOL_HOLIDAYS) {
      const label = `${h.schoolYear} ${h.region} ${h.kind}`;
      expect(isIsoDate(h.first) && isIsoDate(h.last), label).toBe(true);
      expect(weekdayOf(h.first), label).toBe(6);
      expect(weekdayOf(h.last), label).toBe(7);
      const expected = { herfstvakantie: 9, voorjaarsvakantie: 9, meivakantie: 9, kerstvakantie: 16, zomervakantie: 44 }[h.kind];
      expect(days(h), label).toBe(expected); // zomervakantie: six weeks plus the weekends around it
    }
  });

  it('keeps each holiday within its school year (the zomervakantie ends it and runs into August)', () => {
    for (const h of SCHOOL_HOLIDAYS) {
      const start = Number(h.schoolYear.slice(0, 4));
      const label = `${h.schoolYear} ${h.region} ${h.kind}`;
      expect(h.first >= `${start}-08-01` && h.first <= `${start + 1}-07-31`, label).toBe(true);
      if (h.kind === 'zomervakantie') {
        expect(h.first.slice(0, 7), label).toBe(`${start + 1}-07`);
        expect(h.last <= `${start + 1}-09-15`, label).toBe(true);
      } else expect(h.last <= `${start + 1}-07-31`, label).toBe(true);
    }
  });

  it('has no overlapping holidays within a region', () => {
    for (const region of REGIONS) {
      const list = schoolHolidaysOf(region);
      for (let i = 1; i < list.length; i++) expect(list[i]!.first > list[i - 1]!.last, `${region} ${list[i]!.first}`).toBe(true);
    }
  });

  it('marks herfst- and voorjaarsvakantie as advisory and the other three as set by the government', () => {
    for (const h of SCHOOL_HOLIDAYS) expect(h.advisory, h.kind).toBe(h.kind === 'herfstvakantie' || h.kind === 'voorjaarsvakantie');
  });

  it('gives kerst- and meivakantie to the whole country at once and staggers the zomervakantie by region', () => {
    for (const year of SCHOOL_YEARS_COVERED) {
      for (const kind of ['kerstvakantie', 'meivakantie']) {
        const firsts = new Set(REGIONS.map((r) => find(year, r, kind).first));
        expect(firsts.size, `${year} ${kind}`).toBe(1);
      }
      const summer = REGIONS.map((r) => find(year, r, 'zomervakantie').first).sort();
      expect(new Set(summer).size, year).toBe(3);
      expect(daysBetween(summer[0]!, summer[2]!), year).toBe(14); // a week apart each: four weeks overlap
    }
  });

  it('pairs midden once with noord and once with zuid for the herfst- and voorjaarsvakantie (OCW rule)', () => {
    for (const year of SCHOOL_YEARS_COVERED) {
      const partner = (kind: string) => (['noord', 'zuid'] as const).filter((r) => find(year, r, kind).first === find(year, 'midden', kind).first);
      expect([...partner('herfstvakantie'), ...partner('voorjaarsvakantie')].sort(), year).toEqual(['noord', 'zuid']);
    }
  });

  it('matches the government page for 2027–2028 (spot checks)', () => {
    expect(find('2027-2028', 'zuid', 'herfstvakantie')).toMatchObject({ first: '2027-10-23', last: '2027-10-31' });
    expect(find('2027-2028', 'noord', 'voorjaarsvakantie')).toMatchObject({ first: '2028-02-19', last: '2028-02-27' });
    expect(find('2027-2028', 'midden', 'zomervakantie')).toMatchObject({ first: '2028-07-08', last: '2028-08-20' });
    expect(find('2027-2028', 'zuid', 'zomervakantie')).toMatchObject({ first: '2028-07-22', last: '2028-09-03' });
    expect(find('2027-2028', 'noord', 'kerstvakantie')).toMatchObject({ first: '2027-12-25', last: '2028-01-09' });
  });

  it('names each holiday in Dutch and English', () => {
    expect(find('2026-2027', 'noord', 'voorjaarsvakantie').name).toEqual({ nl: 'voorjaarsvakantie', en: 'spring holiday' });
  });
});
