// View-model and card for the roles card. Display-ready strings only.
import type { Translate, StringKey } from '../cards/i18n.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { MAX_PEOPLE_CHOICES, cardName, escapeMarkdown } from '../cards/text.js';
import { ROLES, type Role } from './model.js';
import type { RolesOverview } from './service.js';

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
  });
}
