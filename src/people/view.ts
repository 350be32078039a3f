// View-model and card for the roles card. Display-ready strings only.
import type { Translate, StringKey } from '../cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { ROLES, type Role } from './model.js';
import type { RolesOverview } from './service.js';

const ROLE_KEYS: Record<Role, StringKey> = {
  beheerder: 'roleBeheerder',
  bestuurder: 'roleBestuurder',
  directeur: 'roleDirecteur',
  kwaliteitsmedewerker: 'roleKwaliteitsmedewerker',
  medewerker: 'roleMedewerker',
  rvt: 'roleRvt',
};

/** Roster choices shown in the card; beyond this the card would outgrow Teams' size budget. */
export const MAX_PEOPLE_CHOICES = 100;
const MAX_ASSIGNMENTS_SHOWN = 60;

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
    schoolsHeading: t('rolesSchoolsHeading'),
    noSchools: t('rolesNoSchools'),
    schools: overview.schools,
    schoolList: overview.schools.map((s) => s.name).join(' · '),
    newSchoolLabel: t('rolesNewSchoolLabel'),
    newSchoolPlaceholder: t('rolesNewSchoolPlaceholder'),
    addSchool: t('rolesAddSchool'),
    assignmentsHeading: t('rolesAssignmentsHeading'),
    noAssignments: t('rolesNoAssignments'),
    assignments: shown.map((a) => ({
      id: String(a.id),
      text: `**${escapeMarkdown(a.name)}**: ${roleLabel(t, a.role)}, ${escapeMarkdown(scopeLabel(t, a.schoolName))}${a.setByConfiguration ? ` (${t('rolesSetByConfigurationNote')})` : ''}`,
      // A role from CADANS_BEHEERDERS is changed in the configuration: no revoke button.
      canRevoke: !a.setByConfiguration,
    })),
    more: hidden > 0 ? t('rolesMore', { n: hidden }) : '',
    revoke: t('rolesRevoke'),
    grantHeading: t('rolesGrantHeading'),
    personLabel: t('rolesPersonLabel'),
    personPlaceholder: t('rolesPersonPlaceholder'),
    people: input.people.slice(0, MAX_PEOPLE_CHOICES).map((p) => ({ id: p.aadObjectId, name: p.name })),
    roleLabel: t('rolesRoleLabel'),
    roles: ROLES.map((r) => ({ title: roleLabel(t, r), value: r })),
    schoolLabel: t('rolesSchoolLabel'),
    scopes: [{ title: t('rolesWholeBoard'), value: 'all' }, ...overview.schools.map((s) => ({ title: s.name, value: String(s.id) }))],
    grant: t('rolesGrant'),
  });
}

/** Names come from Teams and people: they must not format the card. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_`[\]()#>~|])/g, '\\$1');
}
