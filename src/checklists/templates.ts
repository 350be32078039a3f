// The two built-in checklists (domain.md: getting started; preparing an inspection visit). Step
// names follow the source documents; every title and guidance sentence is our own, in nl and en.
// dueOffsetDays: default due date relative to the step's anchor (negative: before it); the
// anchor is the target date unless the step names another (model.ts defaultDueDates).

export interface LocalText {
  nl: string;
  en: string;
}

export type StepLink = 'roles' | 'survey' | 'results';

/**
 * What a step's due date counts from. `start`: the target date (for an inspection the first
 * conversation with the board, the start of the investigation); `during`: the start, but never
 * after the end of the investigation; `end`: the end of the investigation (the last conversation,
 * after which the report follows).
 */
export type DueAnchor = 'start' | 'during' | 'end';

/** A document or piece of data a step usually asks for: ticked and linked as evidence on its own. */
export interface TemplateItem {
  key: string;
  title: LocalText;
  /** Only for schools of these sectors: left out for a school whose sector is known to be another. */
  sectors?: readonly ('po' | 'vo' | 'so' | 'mbo')[];
}

/** The kinds of inspection investigation (onderzoekskader): the inspection checklist asks which one. */
export const INVESTIGATION_TYPES = ['bestuur', 'herstel', 'ontwikkelpunten', 'goed'] as const;
export type InvestigationType = (typeof INVESTIGATION_TYPES)[number];

export function isInvestigationType(x: unknown): x is InvestigationType {
  return typeof x === 'string' && (INVESTIGATION_TYPES as readonly string[]).includes(x);
}

export interface TemplateStep {
  key: string;
  title: LocalText;
  guidance: LocalText;
  dueOffsetDays?: number;
  /** A step that Cadans itself helps with offers that feature's button. */
  link?: StepLink;
  /** What dueOffsetDays counts from (default: start). */
  anchor?: DueAnchor;
  /** Applies only to these investigation types; for the others it starts as n.v.t. with `notApplicableNote`. */
  onlyFor?: readonly InvestigationType[];
  notApplicableNote?: LocalText;
  /** Documents and data the step usually asks for, each ticked and linked apart. */
  items?: readonly TemplateItem[];
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
  /**
   * An inspection: starting asks the investigation type and the end of the investigation (the
   * target date is its start); due dates count from start and end.
   */
  investigation?: { endLabel: LocalText; defaultDays: Record<InvestigationType, number> };
}

export const ONBOARDING: ChecklistTemplate = {
  key: 'onboarding',
  title: { nl: 'Aan de slag met Cadans', en: 'Getting started with Cadans' },
  description: {
    nl: 'Tien stappen om een bestuur of school klaar te maken voor peilingen en de kwaliteitscyclus. Host een leverancier Cadans voor jullie bestuur? Sluit dan vóór stap 1 de verwerkersovereenkomst met die leverancier.',
    en: 'Ten steps to get a school board or school ready for surveys and the quality cycle. Does a supplier host Cadans for your board? Then sign the processing agreement with that supplier before step 1.',
  },
  targetLabel: { nl: 'Eerste peiling uit op', en: 'First survey out on' },
  steps: [
    {
      key: 'connect-administration',
      title: { nl: 'Zorg dat de medewerkers bekend zijn', en: 'Make sure the staff are known' },
      guidance: {
        nl: 'Host een leverancier Cadans voor het bestuur, regel dan eerst de verwerkersovereenkomst met die leverancier. Cadans kent medewerkers via de leden van het team in Teams: wie lid is, kan rollen krijgen, stappen oppakken en peilingen invullen. Een koppeling met de administratie (ParnasSys of ESIS in het primair onderwijs, SomToday of Magister in het voortgezet onderwijs, AFAS voor personeel) is er niet, en leerlingen en ouders doen niet mee. Zet de juiste mensen in het team; in stap 8 krijgen ze hun rol.',
        en: 'If a supplier hosts Cadans for the board, first arrange the processing agreement with that supplier. Cadans knows staff through the members of the team in Teams: whoever is a member can be given roles, take steps and answer surveys. There is no link with the administration (ParnasSys or ESIS in primary schools, SomToday or Magister in secondary schools, AFAS for staff), and pupils and parents do not take part. Put the right people in the team; in step 8 they get their role.',
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

const BOARD_ONLY_NOTE: LocalText = {
  nl: 'Niet van toepassing: deze stap hoort bij het vierjaarlijks onderzoek bij bestuur en scholen, waarin de inspectie ook scholen bezoekt (verificatieonderzoeken).',
  en: 'Not applicable: this step belongs to the four-yearly investigation of board and schools, in which the inspection also visits schools (verification investigations).',
};

/** What the inspection usually asks for before an investigation (step 3). */
export const INSPECTION_DOCUMENTS: readonly TemplateItem[] = [
  { key: 'schoolplan', title: { nl: 'Schoolplan of strategisch beleidsplan', en: 'School plan or strategic policy plan' } },
  { key: 'jaarverslag', title: { nl: 'Jaarverslag of bestuursverslag', en: 'Annual report or board report' } },
  { key: 'jaarplannen', title: { nl: 'Jaarplannen', en: 'Annual plans' } },
  { key: 'zelfevaluaties', title: { nl: 'Zelfevaluaties per standaard', en: 'Self-evaluations per standard' } },
  { key: 'kwaliteitsrapportages', title: { nl: 'Kwaliteitsrapportages', en: 'Quality reports' } },
  { key: 'analyses-resultaten', title: { nl: 'Analyses van de resultaten', en: 'Analyses of the results' } },
  { key: 'tevredenheid', title: { nl: 'Tevredenheidsonderzoeken en de monitor sociale veiligheid', en: 'Satisfaction surveys and the social safety monitor' } },
  { key: 'schoolgids', title: { nl: 'Schoolgids', en: 'School guide' } },
  { key: 'sop', title: { nl: 'Schoolondersteuningsprofiel', en: 'School support profile' } },
  { key: 'pta', title: { nl: 'PTA (alleen vo)', en: 'PTA, testing and assessment programme (secondary only)' }, sectors: ['vo'] },
  { key: 'examenreglement', title: { nl: 'Examenreglement (alleen vo)', en: 'Examination regulations (secondary only)' }, sectors: ['vo'] },
];

export const INSPECTION: ChecklistTemplate = {
  key: 'inspection',
  title: { nl: 'Voorbereiding inspectiebezoek', en: 'Preparing an inspection visit' },
  description: {
    nl: 'Tien stappen om bestuur en scholen samen goed voorbereid het inspectieonderzoek in te laten gaan, en daarna de reactie op het conceptrapport.',
    en: 'Ten steps so that board and schools go into the inspection investigation well prepared, together, and then the response to the draft report.',
  },
  targetLabel: { nl: 'Eerste gesprek met het bestuur (start van het onderzoek)', en: 'First conversation with the board (start of the investigation)' },
  investigation: {
    endLabel: { nl: 'Einde van het onderzoek (als je het weet)', en: 'End of the investigation (if you know it)' },
    // Without an end date: a board investigation spans weeks, the others are usually done in a day or two.
    defaultDays: { bestuur: 42, herstel: 1, ontwikkelpunten: 1, goed: 1 },
  },
  steps: [
    {
      key: 'story',
      title: { nl: 'Bepaal wat je wilt vertellen', en: 'Decide what you want to tell' },
      guidance: {
        nl: 'Wat is jullie verhaal over kwaliteit? Denk aan een korte presentatie voor het eerste gesprek.',
        en: 'What is your story about quality? Consider a short presentation for the first conversation.',
      },
      dueOffsetDays: -14,
    },
    {
      key: 'involve',
      title: { nl: 'Betrek en informeer elkaar', en: 'Involve and inform each other' },
      guidance: {
        nl: 'Zorg dat intern toezicht, bestuur en scholen weten wat er komt en wie wat doet.',
        en: 'Make sure the internal supervisors, the board and the schools know what is coming and who does what.',
      },
      dueOffsetDays: -35,
    },
    {
      key: 'collect-data',
      title: { nl: 'Verzamel data en kwaliteitsdocumenten', en: 'Collect data and quality documents' },
      guidance: {
        nl: 'Vink af wat klaarligt en zet er de link naar het document bij. Zijn er zorgen over resultaten? Ken dan de data, heb een analyse, weet de oorzaken en heb een verbeterplan.',
        en: 'Tick what is ready and add the link to the document. Are there concerns about results? Then know the data, have an analysis, know the causes and have an improvement plan.',
      },
      dueOffsetDays: -28,
      items: INSPECTION_DOCUMENTS,
    },
    {
      key: 'share-contacts',
      title: { nl: 'Houd elkaar op de hoogte van contact met de inspectie', en: 'Keep each other informed about contact with the inspection' },
      guidance: {
        nl: 'Heeft een school of het bestuur contact gehad met de inspectie, of heeft de inspectie een school bezocht? Vertel het elkaar meteen, met de uitkomst, zolang het onderzoek loopt.',
        en: 'Has a school or the board been in contact with the inspection, or has the inspection visited a school? Tell each other at once, with the outcome, while the investigation runs.',
      },
      anchor: 'during',
      dueOffsetDays: 7,
      onlyFor: ['bestuur'],
      notApplicableNote: BOARD_ONLY_NOTE,
    },
    {
      key: 'align-verification-schools',
      title: { nl: 'Stem af met de verificatiescholen', en: 'Align with the verification schools' },
      guidance: {
        nl: 'Zorg dat wat het bestuur vertelt aansluit bij wat de scholen vertellen die de inspectie bezoekt, zodat iedereen weet wat de ander zegt.',
        en: 'Make sure what the board tells matches what the schools the inspection visits tell, so everyone knows what the others say.',
      },
      dueOffsetDays: -7,
      onlyFor: ['bestuur'],
      notApplicableNote: BOARD_ONLY_NOTE,
    },
    {
      key: 'extra-documents',
      title: { nl: 'Stuur aanvullende documenten', en: 'Send additional documents' },
      guidance: {
        nl: 'Vraagt de inspectie om meer stukken? Stuur ze op tijd en houd bij wat er is verstuurd.',
        en: 'Does the inspection ask for more documents? Send them in time and keep track of what was sent.',
      },
      anchor: 'during',
      dueOffsetDays: 3,
    },
    {
      key: 'documents-at-hand',
      title: { nl: 'Zorg dat alles te vinden is', en: 'Make sure everything is easy to find' },
      guidance: {
        nl: 'Data en kwaliteitsdocumenten liggen op tafel of zijn snel te vinden, bijvoorbeeld in één map in Teams.',
        en: 'Data and quality documents are on the table or quick to find, for example in one folder in Teams.',
      },
      dueOffsetDays: -3,
    },
    {
      key: 'notes-during-visit',
      title: { nl: 'Maak aantekeningen tijdens het bezoek', en: 'Take notes during the visit' },
      guidance: {
        nl: 'Noteer feitelijk wat er gezegd wordt, zodat je meteen kunt handelen of kunt reageren op het rapport.',
        en: 'Write down factually what is said, so you can act at once or respond to the report.',
      },
      anchor: 'end',
      dueOffsetDays: 0,
    },
    {
      key: 'act-on-insufficient',
      title: { nl: 'Pak onvoldoendes meteen op', en: 'Act at once on anything insufficient' },
      guidance: {
        nl: 'Is iets als onvoldoende beoordeeld? Start direct: verbeterplan, plan van aanpak, projectorganisatie en monitoring.',
        en: 'Was something judged insufficient? Start straight away: improvement plan, plan of action, project organisation and monitoring.',
      },
      anchor: 'end',
      dueOffsetDays: 7,
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
    {
      key: 'draft-report',
      title: { nl: 'Reageer op het conceptrapport', en: 'Respond to the draft report' },
      guidance: {
        nl: 'Lees het conceptrapport met bestuur en scholen en stuur, als jullie dat willen, een zienswijze: wat feitelijk niet klopt of anders gezien wordt. Zet de termijn uit de brief van de inspectie bij deze stap als deadline.',
        en: 'Read the draft report with the board and the schools and, if you want to, send a response (zienswijze): what is factually wrong or seen differently. Set the deadline from the inspection\'s letter as this step\'s due date.',
      },
      anchor: 'end',
      dueOffsetDays: 35,
    },
  ],
  next: {
    nl: 'Volgende stap: is het rapport binnen, start dan meteen een verbeterplan voor wat onvoldoende is, met eigenaren en deadlines.',
    en: 'Next: once the report is in, start an improvement plan at once for anything judged insufficient, with owners and due dates.',
  },
  followUp: 'improvement',
};

/** After an inspection: what was judged insufficient, improved in a planned way (seed 001, step 9). */
export const IMPROVEMENT: ChecklistTemplate = {
  key: 'improvement',
  followUpOnly: true,
  title: { nl: 'Verbeterplan na de inspectie', en: 'Improvement plan after the inspection' },
  description: {
    nl: 'Wat de inspectie onvoldoende vond en in de herstelopdracht zette, planmatig verbeteren: meteen na het rapport beginnen, met eigenaren, deadlines en monitoring, tot het herstelonderzoek.',
    en: 'Improve what the inspection judged insufficient and put in its remedial order (herstelopdracht) in a planned way: start as soon as the report is in, with owners, due dates and monitoring, up to the follow-up investigation.',
  },
  targetLabel: { nl: 'Datum van het inspectierapport', en: 'Date of the inspection report' },
  steps: [
    {
      key: 'analyse',
      title: { nl: 'Analyseer wat onvoldoende is', en: 'Analyse what is insufficient' },
      guidance: { nl: 'Wat staat er precies in het rapport en in de herstelopdracht, en wat zijn de oorzaken? Begin meteen.', en: 'What exactly do the report and the remedial order say, and what are the causes? Start at once.' },
      dueOffsetDays: 7,
    },
    {
      key: 'improvement-plan',
      title: { nl: 'Stel een verbeterplan op', en: 'Draw up an improvement plan' },
      guidance: { nl: 'Welke doelen, met welke succescriteria, zodat je ziet of het werkt?', en: 'Which goals, with which success criteria, so you can see whether it works?' },
      dueOffsetDays: 21,
    },
    {
      key: 'plan-of-action',
      title: { nl: 'Maak een plan van aanpak', en: 'Make a plan of action' },
      guidance: { nl: 'Wie doet wat, wanneer, en wat is ervoor nodig?', en: 'Who does what, when, and what is needed?' },
      dueOffsetDays: 28,
    },
    {
      key: 'project-organisation',
      title: { nl: 'Richt de projectorganisatie in', en: 'Set up the project organisation' },
      guidance: { nl: 'Leg rollen, mandaten en overlegmomenten vast.', en: 'Record roles, mandates and meeting moments.' },
      dueOffsetDays: 35,
    },
    {
      key: 'monitor',
      title: { nl: 'Monitor de verbetering', en: 'Monitor the improvement' },
      guidance: { nl: 'Bespreek de voortgang op vaste momenten aan tafel met bestuur en school.', en: 'Discuss progress at fixed moments with the board and the school.' },
      dueOffsetDays: 180,
    },
    {
      key: 'evaluate-and-safeguard',
      title: { nl: 'Evalueer en borg', en: 'Evaluate and safeguard' },
      guidance: { nl: 'Is het doel bereikt, vóór het herstelonderzoek? Leg vast wat werkt, zodat het blijft, ook als mensen wisselen.', en: 'Was the goal reached, before the follow-up investigation? Record what works so it lasts, also when people change.' },
      dueOffsetDays: 300,
    },
  ],
  next: {
    nl: 'Volgende stap: neem de uitkomsten mee in de kwaliteitsrapportage en het gesprek met de Raad van Toezicht.',
    en: 'Next: take the outcomes into the quality report and the conversation with the supervisory board.',
  },
};

export const BUILT_IN_TEMPLATES: readonly ChecklistTemplate[] = [ONBOARDING, INSPECTION, IMPROVEMENT];
