// People and roles: the feature's one public entry. Others use what it offers here, passed in by
// cadans.ts: the service as a port (grants, languages, schools, contacts), its routes for the verb
// table, and the SQL text that reads its tables inside another feature's single statement.
import type { Logger } from 'pino';
import { amsterdamDate, looksLikeHolidayCsv } from '../schedule/index.js';
import { createPeoplePersonalData } from './personal-data.js';
import { createPeopleRoutes } from './routes.js';
import { createPeopleService, type PeopleServiceOptions } from './service.js';

export type { PeopleService, SeedPerson, SchoolCalendarOverview } from './service.js';
export type { Contact, PersonContact, RoleHolder, School } from './store.js';
export type { Role, RoleGrant } from './model.js';
export { ROLES, REGIONS, SECTORS, hasRole, isRole } from './model.js';
export type { Region, Sector } from './model.js';
/** Whether a file sent in the personal chat is a vakantierooster (.ics, or a .csv of name;from;to): the people feature's, not a survey audience. */
export function isHolidayRosterFile(name: string, text: string | null): boolean {
  if (/\.ics$/i.test(name)) return true;
  if (!/\.csv$/i.test(name)) return false;
  return /vakantie|rooster|holiday/i.test(name) || (text !== null && looksLikeHolidayCsv(text));
}
export { roleAssignmentsJsonSql, schoolNameSql, teamsUserJoinSql } from './store.js';

export function createPeopleFeature(options: PeopleServiceOptions & { log?: Pick<Logger, 'info'> }) {
  const service = createPeopleService(options);
  return {
    service,
    routes: createPeopleRoutes(service, { today: () => amsterdamDate(new Date(options.now?.() ?? Date.now())) }),
    /** A school's calendar (null: the board's level) for the schedule module: own rooster, region, default region. */
    calendarOf: (tenantId: string, schoolId: number | null) => service.calendarOf(tenantId, schoolId),
    /** At start: configuration-granted beheerder roles of people no longer configured go. */
    reconcile: () => service.reconcileConfiguredBeheerders(options.log),
    /** Its part of a person's export and erase and of a tenant's deletion (docs/privacy.md): always last. */
    personalData: createPeoplePersonalData(options.db, options.beheerders),
  };
}
