// The shared schedule module: working days, send windows, recurrence rules and calendar files for
// pulse surveys and meeting cadences. Pure (no clock, no I/O); see docs/schedule.md.
export {
  addWorkingDays,
  holidayOn,
  isWorkingDay,
  nextWorkingDay,
  previousWorkingDay,
  publicHolidays,
  schoolHolidayDataCovers,
  workingDaysBetween,
  type CalendarOptions,
  type Holiday,
  type Period,
  type Region,
} from './calendar.js';
export { amsterdamDate, atAmsterdamTime, isClockTime, isIsoDate, schoolYearBounds, schoolYearOf, ZONE, type IsoDate, type LocalText } from './dates.js';
export { looksLikeHolidayCsv, meetingIcs, OWN_HOLIDAY_LIMITS, parseOwnHolidays, type MeetingIcsInput, type ParseError, type ParseResult, type Person } from './ics.js';
export { describeRule, nextOccurrence, RULE_LIMITS, RuleSchema, type Occurrence, type OccurrenceOptions, type Rule, type Weekday } from './rules.js';
export { isWithinSendWindow, nextSendMoment, type SendWindowOptions } from './send-window.js';
export {
  REGIONS,
  SCHOOL_HOLIDAY_KINDS,
  SCHOOL_HOLIDAY_NAMES,
  SCHOOL_HOLIDAYS,
  SCHOOL_YEARS_COVERED,
  schoolHolidaysOf,
  type RegionalSchoolHoliday,
  type SchoolHolidayKind,
} from './data/school-holidays.js';
