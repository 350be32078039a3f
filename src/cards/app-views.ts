// View-models for the app-level cards: welcome, help and the generic notice.
import type { Translate } from './i18n.js';
import type { AdaptiveCard, CardRenderer } from './render.js';

export function renderWelcomeCard(cards: CardRenderer, t: Translate, scope: 'personal' | 'team'): AdaptiveCard {
  return cards.render('app.welcome', {
    title: t('welcomeTitle'),
    intro: scope === 'team' ? t('welcomeTeamIntro') : t('welcomeIntro'),
    features: [
      { name: t('featureCadencesTitle'), text: t('featureCadencesText') },
      { name: t('featureChecklistsTitle'), text: t('featureChecklistsText') },
      { name: t('featureSurveysTitle'), text: t('featureSurveysText') },
      { name: t('featureResultsTitle'), text: t('featureResultsText') },
    ],
    next: t('welcomeNext'),
    buttonHelp: t('buttonHelp'),
  });
}

export function renderHelpCard(cards: CardRenderer, t: Translate): AdaptiveCard {
  return cards.render('app.help', {
    title: t('helpTitle'),
    intro: t('helpIntro'),
    commands: [
      { command: t('commandHelp'), text: t('commandHelpText') },
      { command: t('commandChecklist'), text: t('commandChecklistText') },
      { command: t('commandSurvey'), text: t('commandSurveyText') },
      { command: t('commandMeetings'), text: t('commandMeetingsText') },
      { command: t('commandResults'), text: t('commandResultsText') },
      { command: t('commandRoles'), text: t('commandRolesText') },
      { command: t('commandPrivacy'), text: t('commandPrivacyText') },
    ],
    channelHint: t('helpChannelHint'),
    // Buttons only for what works; features still being built are marked "komt eraan" above.
    buttons: {
      checklist: t('buttonChecklist'),
      survey: t('buttonSurvey'),
      meetings: t('buttonMeetings'),
      roles: t('buttonRoles'),
    },
  });
}

export interface Notice {
  title: string;
  text: string;
  tone?: 'default' | 'warning' | 'attention';
  reference?: string;
  withHelpButton?: boolean;
  /** "Rollen beheren": opens the roles card for the person who clicks only (an invoke answer). */
  withRolesButton?: boolean;
  /** "Schooljaar en vakanties": the calendar card (a directeur, from their roles). */
  withCalendarButton?: boolean;
}

export function renderNoticeCard(cards: CardRenderer, t: Translate, n: Notice): AdaptiveCard {
  return cards.render('app.notice', {
    title: n.title,
    text: n.text,
    color: n.tone === 'attention' ? 'Attention' : n.tone === 'warning' ? 'Warning' : 'Default',
    reference: n.reference ?? '',
    buttonHelp: n.withHelpButton ? t('buttonHelp') : '',
    buttonRoles: n.withRolesButton ? t('rolesManageButton') : '',
    buttonCalendar: n.withCalendarButton ? t('calendarButton') : '',
  });
}
