// The two built-in checklists (domain.md: getting started; preparing an inspection visit). Step
// names follow the source documents; every title and guidance sentence is our own, in nl and en.
// dueOffsetDays: default due date relative to the target date (negative: before it).

export interface LocalText {
  nl: string;
  en: string;
}

export type StepLink = 'roles' | 'survey' | 'results';

export interface TemplateStep {
  key: string;
  title: LocalText;
  guidance: LocalText;
  dueOffsetDays?: number;
  /** A step that Cadans itself helps with offers that feature's button. */
  link?: StepLink;
}

export interface ChecklistTemplate {
  key: string;
  title: LocalText;
  description: LocalText;
  targetLabel: LocalText;
  steps: TemplateStep[];
  /** What comes after, shown in the completion summary. */
  next: LocalText;
  /** Offered as the follow-up of another checklist only, not in the list of checklists to start. */
  followUpOnly?: boolean;
  /** The template the completion summary offers to start next. */
  followUp?: string;
}

export const ONBOARDING: ChecklistTemplate = {
  key: 'onboarding',
  title: { nl: 'Aan de slag met Cadans', en: 'Getting started with Cadans' },
  description: {
    nl: 'Tien stappen om een bestuur of school klaar te maken voor peilingen en de kwaliteitscyclus.',
    en: 'Ten steps to get a school board or school ready for surveys and the quality cycle.',
  },
  targetLabel: { nl: 'Eerste peiling uit op', en: 'First survey out on' },
  steps: [
    {
      key: 'connect-administration',
      title: { nl: 'Koppel de administratie', en: 'Connect the administration' },
      guidance: {
        nl: 'Zorg dat leerlingen, ouders en medewerkers bekend zijn: via de koppeling met SomToday, Magister of AFAS, of met een Excel-import. In Cadans komen medewerkers uit de leden van het team.',
        en: 'Make sure pupils, parents and staff are known: through the link with SomToday, Magister or AFAS, or with an Excel import. In Cadans, staff come from the members of the team.',
      },
      dueOffsetDays: -42,
    },
    {
      key: 'sign-in',
      title: { nl: 'Inloggen en tweestapsverificatie', en: 'Sign-in and two-step verification' },
      guidance: {
        nl: 'Iedereen die met de resultaten werkt, logt in met het schoolaccount en heeft tweestapsverificatie aan staan.',
        en: 'Everyone who works with the results signs in with their school account and has two-step verification switched on.',
      },
      dueOffsetDays: -42,
    },
    {
      key: 'mapping-tables',
      title: { nl: 'Controleer de koppeltabellen', en: 'Check the mapping tables' },
      guidance: {
        nl: 'Kijk na of geïmporteerde mensen bij de juiste school en rol horen, of wijs iemand aan die dat doet.',
        en: 'Check that imported people belong to the right school and role, or appoint someone to do it.',
      },
      dueOffsetDays: -35,
    },
    {
      key: 'browse-questionnaires',
      title: { nl: 'Bekijk de vragenlijsten', en: 'Look at the questionnaires' },
      guidance: {
        nl: 'Bekijk welke vragenlijsten en peilingen er zijn, en welke passen bij wat jullie willen weten.',
        en: 'See which questionnaires and pulse surveys there are, and which fit what you want to know.',
      },
      dueOffsetDays: -35,
    },
    {
      key: 'plan',
      title: { nl: 'Maak een (meerjaren)plan', en: 'Make a (multi-year) plan' },
      guidance: {
        nl: 'Kies vanuit de doelen van bestuur en school welke vragenlijsten wanneer uitgaan, zo nodig voor meerdere jaren.',
        en: 'Starting from the goals of board and school, choose which questionnaires go out when, over several years if needed.',
      },
      dueOffsetDays: -28,
    },
    {
      key: 'organise',
      title: { nl: 'Organiseer wie wat doet', en: 'Organise who does what' },
      guidance: {
        nl: 'Spreek met directie en ICT af wie welke rechten, taken en mandaten heeft, en wanneer.',
        en: 'Agree with management and IT who has which rights, tasks and mandates, and when.',
      },
      dueOffsetDays: -21,
    },
    {
      key: 'training',
      title: { nl: 'Regel scholing', en: 'Arrange training' },
      guidance: {
        nl: 'Bepaal wie uitleg nodig heeft over het uitzetten van peilingen en het lezen van resultaten.',
        en: 'Decide who needs training in sending out surveys and reading results.',
      },
      dueOffsetDays: -14,
    },
    {
      key: 'grant-rights',
      title: { nl: 'Geef anderen rechten', en: 'Grant rights to others' },
      guidance: {
        nl: 'Geef de mensen die meedoen de juiste rol, voor het hele bestuur of voor één school.',
        en: 'Give the people taking part the right role, for the whole board or for one school.',
      },
      dueOffsetDays: -14,
      link: 'roles',
    },
    {
      key: 'send-questionnaires',
      title: { nl: 'Zet de vragenlijsten uit', en: 'Send out the questionnaires' },
      guidance: {
        nl: 'Zet de eerste peiling of vragenlijst uit volgens het plan.',
        en: 'Send out the first pulse survey or questionnaire according to the plan.',
      },
      dueOffsetDays: 0,
      link: 'survey',
    },
    {
      key: 'evaluate',
      title: { nl: 'Bekijk de resultaten en evalueer', en: 'View the results and evaluate' },
      guidance: {
        nl: 'Bespreek de resultaten zodra de vragenlijsten gesloten zijn. Daarmee begint de PDCA-cyclus.',
        en: 'Discuss the results as soon as the questionnaires have closed. That is where the PDCA cycle begins.',
      },
      dueOffsetDays: 21,
      link: 'results',
    },
  ],
  next: {
    nl: 'Volgende stap: plan de eerste peilingen en de vaste kwaliteitsoverleggen.',
    en: 'Next: plan the first pulse surveys and the standing quality meetings.',
  },
};

export const INSPECTION: ChecklistTemplate = {
  key: 'inspection',
  title: { nl: 'Voorbereiding inspectiebezoek', en: 'Preparing an inspection visit' },
  description: {
    nl: 'Tien stappen om bestuur en scholen samen goed voorbereid het inspectiebezoek in te laten gaan.',
    en: 'Ten steps so that board and schools go into the inspection visit well prepared, together.',
  },
  targetLabel: { nl: 'Datum van het bezoek', en: 'Date of the visit' },
  steps: [
    {
      key: 'story',
      title: { nl: 'Bepaal wat je wilt vertellen', en: 'Decide what you want to tell' },
      guidance: {
        nl: 'Wat is jullie verhaal over kwaliteit? Denk aan een korte presentatie voor de start van het bezoek.',
        en: 'What is your story about quality? Consider a short presentation for the start of the visit.',
      },
      dueOffsetDays: -42,
    },
    {
      key: 'involve',
      title: { nl: 'Betrek en informeer elkaar', en: 'Involve and inform each other' },
      guidance: {
        nl: 'Zorg dat Raad van Toezicht, bestuur en scholen weten wat er komt en wie wat doet.',
        en: 'Make sure the supervisory board, the board and the schools know what is coming and who does what.',
      },
      dueOffsetDays: -42,
    },
    {
      key: 'collect-data',
      title: { nl: 'Verzamel data en kwaliteitsdocumenten', en: 'Collect data and quality documents' },
      guidance: {
        nl: 'Zijn er zorgen over resultaten? Ken dan de data, heb een analyse, weet de oorzaken en heb een verbeterplan.',
        en: 'Are there concerns about results? Then know the data, have an analysis, know the causes and have an improvement plan.',
      },
      dueOffsetDays: -42,
    },
    {
      key: 'share-contacts',
      title: { nl: 'Deel contacten met de inspectie', en: 'Share contacts with the inspection' },
      guidance: {
        nl: 'Bestuur en scholen vertellen elkaar over gesprekken met de inspectie en de uitkomsten van bezoeken.',
        en: 'Board and schools tell each other about talks with the inspection and the outcomes of visits.',
      },
      dueOffsetDays: -35,
    },
    {
      key: 'align-verification-schools',
      title: { nl: 'Stem af met de verificatiescholen', en: 'Align with the verification schools' },
      guidance: {
        nl: 'Zorg dat wat het bestuur vertelt aansluit bij wat de scholen vertellen die de inspectie bezoekt, zodat iedereen weet wat de ander zegt.',
        en: 'Make sure what the board tells matches what the schools the inspection visits tell, so everyone knows what the others say.',
      },
      dueOffsetDays: -21,
    },
    {
      key: 'extra-documents',
      title: { nl: 'Stuur aanvullende documenten', en: 'Send additional documents' },
      guidance: {
        nl: 'Vraagt de inspectie om meer stukken? Stuur ze op tijd en houd bij wat er is verstuurd.',
        en: 'Does the inspection ask for more documents? Send them in time and keep track of what was sent.',
      },
      dueOffsetDays: -14,
    },
    {
      key: 'documents-at-hand',
      title: { nl: 'Zorg dat alles te vinden is', en: 'Make sure everything is easy to find' },
      guidance: {
        nl: 'Data en kwaliteitsdocumenten liggen op tafel of zijn snel te vinden, bijvoorbeeld in één map in Teams.',
        en: 'Data and quality documents are on the table or quick to find, for example in one folder in Teams.',
      },
      dueOffsetDays: -7,
    },
    {
      key: 'notes-during-visit',
      title: { nl: 'Maak aantekeningen tijdens het bezoek', en: 'Take notes during the visit' },
      guidance: {
        nl: 'Noteer feitelijk wat er gezegd wordt, zodat je meteen kunt handelen of kunt reageren op het rapport.',
        en: 'Write down factually what is said, so you can act at once or respond to the report.',
      },
      dueOffsetDays: 0,
    },
    {
      key: 'act-on-insufficient',
      title: { nl: 'Pak onvoldoendes meteen op', en: 'Act at once on anything insufficient' },
      guidance: {
        nl: 'Is iets als onvoldoende beoordeeld? Start direct: verbeterplan, plan van aanpak, projectorganisatie en monitoring.',
        en: 'Was something judged insufficient? Start straight away: improvement plan, plan of action, project organisation and monitoring.',
      },
      dueOffsetDays: 14,
    },
    {
      key: 'strengths',
      title: { nl: 'Ken je sterke punten', en: 'Know your strengths' },
      guidance: {
        nl: 'Wees je bewust van wat de school goed doet en van je eigen ambitie, en laat dat met vertrouwen zien.',
        en: 'Be aware of what the school does well and of your own ambition, and show it with confidence.',
      },
      dueOffsetDays: -3,
    },
  ],
  next: {
    nl: 'Volgende stap: is het rapport binnen, start dan een verbeterplan voor wat onvoldoende is, met eigenaren en deadlines.',
    en: 'Next: once the report is in, start an improvement plan for anything judged insufficient, with owners and due dates.',
  },
  followUp: 'improvement',
};

/** After an inspection: what was judged insufficient, improved in a planned way (seed 001, step 9). */
export const IMPROVEMENT: ChecklistTemplate = {
  key: 'improvement',
  followUpOnly: true,
  title: { nl: 'Verbeterplan na de inspectie', en: 'Improvement plan after the inspection' },
  description: {
    nl: 'Wat als onvoldoende is beoordeeld, planmatig verbeteren: met eigenaren, deadlines en monitoring.',
    en: 'Improve what was judged insufficient in a planned way: with owners, due dates and monitoring.',
  },
  targetLabel: { nl: 'Datum van het herstelonderzoek', en: 'Date of the follow-up inspection' },
  steps: [
    {
      key: 'analyse',
      title: { nl: 'Analyseer wat onvoldoende is', en: 'Analyse what is insufficient' },
      guidance: { nl: 'Wat zegt het rapport precies, en wat zijn de oorzaken?', en: 'What exactly does the report say, and what are the causes?' },
      dueOffsetDays: -150,
    },
    {
      key: 'improvement-plan',
      title: { nl: 'Stel een verbeterplan op', en: 'Draw up an improvement plan' },
      guidance: { nl: 'Welke doelen, met welke succescriteria, zodat je ziet of het werkt?', en: 'Which goals, with which success criteria, so you can see whether it works?' },
      dueOffsetDays: -130,
    },
    {
      key: 'plan-of-action',
      title: { nl: 'Maak een plan van aanpak', en: 'Make a plan of action' },
      guidance: { nl: 'Wie doet wat, wanneer, en wat is ervoor nodig?', en: 'Who does what, when, and what is needed?' },
      dueOffsetDays: -120,
    },
    {
      key: 'project-organisation',
      title: { nl: 'Richt de projectorganisatie in', en: 'Set up the project organisation' },
      guidance: { nl: 'Leg rollen, mandaten en overlegmomenten vast.', en: 'Record roles, mandates and meeting moments.' },
      dueOffsetDays: -110,
    },
    {
      key: 'monitor',
      title: { nl: 'Monitor de verbetering', en: 'Monitor the improvement' },
      guidance: { nl: 'Bespreek de voortgang op vaste momenten aan tafel met bestuur en school.', en: 'Discuss progress at fixed moments with the board and the school.' },
      dueOffsetDays: -30,
    },
    {
      key: 'evaluate-and-safeguard',
      title: { nl: 'Evalueer en borg', en: 'Evaluate and safeguard' },
      guidance: { nl: 'Is het doel bereikt? Leg vast wat werkt, zodat het blijft, ook als mensen wisselen.', en: 'Was the goal reached? Record what works so it lasts, also when people change.' },
      dueOffsetDays: -7,
    },
  ],
  next: {
    nl: 'Volgende stap: neem de uitkomsten mee in de kwaliteitsrapportage en het gesprek met de Raad van Toezicht.',
    en: 'Next: take the outcomes into the quality report and the conversation with the supervisory board.',
  },
};

export const BUILT_IN_TEMPLATES: readonly ChecklistTemplate[] = [ONBOARDING, INSPECTION, IMPROVEMENT];
