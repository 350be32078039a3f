-- The participation council as a role (issue 10): 'mr' for one school's MR, held tenant-wide for the
-- GMR. Only widens the check of role_assignments (001 named it role_assignments_role_check).
alter table role_assignments drop constraint role_assignments_role_check;
alter table role_assignments add constraint role_assignments_role_check
  check (role in ('beheerder', 'bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt', 'mr'));
