// The four built-in survey templates. Every question is our own text, in nl and en; what the
// templates are about follows the sources:
// - the yearly staff satisfaction survey and its follow-up (domain.md, "Surveys and self-evaluation";
//   seed 002); the 0–10 recommend question is the usual employee Net Promoter Score question (eNPS:
//   % 9–10 minus % 0–6, see `enps` in model.ts);
// - a pulse is short: 3–5 closed questions and at most one open one (domain.md). The two staff
//   pulses keep to five questions in all, so their draft card does not warn about length
//   (SURVEY_LIMITS.pulseWarnAbove);
// - quality culture: the questions on the "Kwaliteitscultuur" slide of seed 001 (Project Leren
//   Verbeteren), one statement per theme;
// - the self-evaluation of the board's quality assurance from several perspectives follows the
//   idea of Caleido (seed 001, https://caleido.projectlerenverbeteren.nl/): board, school leaders,
//   quality officers and supervisors rate the same statements, ordered by the board standards of
//   the inspection framework (Inspectie van het Onderwijs, onderzoekskader: KA1 Visie, ambities en
//   doelen; KA2 Uitvoering en kwaliteitscultuur; KA3 Evaluatie, verantwoording en dialoog, here
//   BKA1–3). The statements are ours (Caleido's own are not used); they draw on the four marks of
//   strong quality assurance in the Handreiking sturen op onderwijskwaliteit
//   (https://www.projectlerenverbeteren.nl/kennis/handreiking-sturen-op-onderwijskwaliteit/):
//   work cyclically (PDCA), connect structure and culture, organise alignment, be aware of roles.
// Likert statements are answered from "helemaal oneens" to "helemaal eens", so they are phrased as
// statements (ending in a full stop); every other kind is a question.
import type { LocalText, SurveyTemplate } from './model.js';

/**
 * Why a self-evaluation by perspective is not anonymous by default (the built-in one, and an own
 * template with byPerspective that does not say anoniem: ja). A perspective below the minimum group
 * size is never labelled on an anonymous answer (`segmentMayBeStored` in model.ts).
 */
export const PERSPECTIVE_ANONYMITY_NOTE: LocalText = {
  nl: "Een zelfevaluatie per perspectief is standaard niet anoniem. Sommige perspectieven bestaan uit één tot drie mensen, zoals het bestuur en vaak ook het intern toezicht. Zo'n kleine groep haalt nooit de minimale groepsgrootte, dus anonimiteit zou schijn zijn. Zet je de peiling toch op anoniem, dan wordt een perspectief met te weinig mensen niet apart getoond.",
  en: 'A self-evaluation by perspective is not anonymous by default. Some perspectives consist of one to three people, such as the board and often the supervisory board. A group that small can never reach the minimum group size, so anonymity would only be a pretence. If you do make the survey anonymous, a perspective with too few people is not shown on its own.',
};

export const TEVREDENHEID: SurveyTemplate = {
  key: 'tevredenheid',
  kind: 'pulse',
  title: { nl: 'Tevredenheid personeel', en: 'Staff satisfaction' },
  description: {
    nl: 'Korte peiling onder medewerkers: hoe tevreden zijn ze over hun werk en over de school als werkgever? Met de aanraadvraag (eNPS) zie je van ronde tot ronde hoe het zich ontwikkelt.',
    en: 'A short survey among staff: how satisfied are they with their work and with the school as an employer? The recommend question (eNPS) shows how things develop from round to round.',
  },
  anonymous: true,
  questions: [
    {
      kind: 'likert',
      text: { nl: 'Ik ga meestal met plezier naar mijn werk.', en: 'I usually enjoy going to work.' },
    },
    {
      kind: 'likert',
      text: {
        nl: 'Ik voel me gewaardeerd om wat ik doe voor de leerlingen en de school.',
        en: 'I feel valued for what I do for the pupils and the school.',
      },
    },
    {
      kind: 'likert',
      text: {
        nl: 'Ik krijg de ruimte en de steun die ik nodig heb om mijn werk goed te doen.',
        en: 'I get the room and the support I need to do my work well.',
      },
    },
    {
      kind: 'scale10',
      text: {
        nl: 'Hoe waarschijnlijk is het dat je onze school als werkgever aanraadt?',
        en: 'How likely is it that you would recommend our school as an employer?',
      },
    },
    {
      kind: 'open',
      required: false,
      text: { nl: 'Wat zou je werk op onze school nog prettiger maken?', en: 'What would make your work at our school more enjoyable?' },
    },
  ],
};

export const WERKDRUK: SurveyTemplate = {
  key: 'werkdruk',
  kind: 'pulse',
  title: { nl: 'Werkdruk en welzijn', en: 'Workload and wellbeing' },
  description: {
    nl: 'Korte peiling naar de werkdruk en het welzijn van medewerkers. Herhaal hem elke paar weken, dan zie je of het beter of slechter gaat.',
    en: 'A short survey of the workload and wellbeing of staff. Repeat it every few weeks to see whether things are getting better or worse.',
  },
  anonymous: true,
  questions: [
    {
      kind: 'likert',
      text: { nl: 'Mijn werk is goed te doen in de tijd die ik ervoor heb.', en: 'My work can be done well in the time I have for it.' },
    },
    {
      kind: 'likert',
      text: { nl: 'Ik heb de afgelopen weken genoeg energie gehad voor mijn werk.', en: 'In recent weeks I have had enough energy for my work.' },
    },
    {
      kind: 'likert',
      text: {
        nl: 'Als het me te veel wordt, kan ik dat bespreken met mijn leidinggevende.',
        en: 'When it gets too much for me, I can talk about it with my manager.',
      },
    },
    {
      kind: 'choice',
      text: { nl: 'Wat kost je op dit moment de meeste energie?', en: 'What takes up most of your energy at the moment?' },
      options: [
        { nl: 'Lessen voorbereiden en nakijken', en: 'Preparing lessons and marking' },
        { nl: 'Administratie en registratie', en: 'Administration and record-keeping' },
        { nl: 'Vergaderingen en overleg', en: 'Meetings' },
        { nl: 'Contact met ouders', en: 'Contact with parents' },
        { nl: 'Leerlingen die extra ondersteuning nodig hebben', en: 'Pupils who need extra support' },
        { nl: 'Iets anders', en: 'Something else' },
      ],
      multiple: false,
    },
    {
      kind: 'open',
      required: false,
      text: { nl: 'Wat zou je werkdruk het meest verlichten?', en: 'What would ease your workload the most?' },
    },
  ],
};

export const KWALITEITSCULTUUR: SurveyTemplate = {
  key: 'kwaliteitscultuur',
  kind: 'pulse',
  title: { nl: 'Kwaliteitscultuur', en: 'Quality culture' },
  description: {
    nl: 'Stellingen over samen werken aan kwaliteit: weten we waar we naartoe werken, wanneer het goed genoeg is, wie wat doet en wat er van ieder verwacht wordt?',
    en: 'Statements about working on quality together: do we know where we are heading, when it is good enough, who does what and what is expected of each of us?',
  },
  anonymous: true,
  questions: [
    // "Collectief eigenaarschap ervaren voor het verbeteren en verantwoorden van de onderwijskwaliteit"
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: "Ik voel me samen met mijn collega's verantwoordelijk voor de kwaliteit van ons onderwijs.",
        en: 'Together with my colleagues, I feel responsible for the quality of our education.',
      },
    },
    // "Kwaliteitseisen: wanneer doen we het goed (genoeg)? Wat is 'goed'?"
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'Het is mij duidelijk wanneer we het goed genoeg doen, en wat we onder "goed" verstaan.',
        en: 'It is clear to me when we are doing well enough, and what we mean by "good".',
      },
    },
    // "Gedeelde doorleefde visie: waar werken we naartoe en wat doen we om dat te realiseren"
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'Ik weet waar we naartoe werken, en ik zie die visie terug in wat we dagelijks doen.',
        en: 'I know what we are working towards, and I see that vision in what we do every day.',
      },
    },
    // "Wie doet wat en wanneer? Wie is verantwoordelijk? Aan wie verantwoord ik me? Wie stuurt mij aan?"
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Het is duidelijk wie wat doet, wie mij aanstuurt en aan wie ik verantwoording afleg.',
        en: 'It is clear who does what, who directs my work and to whom I am accountable.',
      },
    },
    // "Met wie heb ik deze klus te klaren? Wie is mijn team? Wanneer zien we elkaar? Met wie stem ik af?"
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Ik weet met wie ik mijn werk samen doe, en we zien elkaar vaak genoeg om af te stemmen.',
        en: 'I know who I do my work with, and we meet often enough to coordinate.',
      },
    },
    // "Wat is mijn rol ...? Wat wordt er van mij verwacht? Wat is mijn opdracht? Binnen welke kaders?"
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Ik weet wat mijn rol en mijn opdracht zijn, wat er van mij verwacht wordt en binnen welke kaders ik werk.',
        en: 'I know what my role and my task are, what is expected of me and within which boundaries I work.',
      },
    },
    // "Welke informatie heb ik nodig om goed te kunnen evalueren?"
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: 'Ik heb de informatie die ik nodig heb om ons werk goed te kunnen evalueren.',
        en: 'I have the information I need to evaluate our work properly.',
      },
    },
    {
      kind: 'open',
      required: false,
      text: { nl: 'Wat zou ons helpen om samen beter aan kwaliteit te werken?', en: 'What would help us work better together on quality?' },
    },
  ],
};

export const ZELFEVALUATIE_BKA: SurveyTemplate = {
  key: 'zelfevaluatie-bka',
  kind: 'selfEvaluation',
  title: { nl: 'Zelfevaluatie bestuurlijke kwaliteitszorg', en: "Self-evaluation of the board's quality assurance" },
  description: {
    nl: 'Bestuur, schoolleiding, kwaliteitsmedewerkers en intern toezicht beoordelen dezelfde stellingen over de kwaliteitszorg van het bestuur, geordend naar de standaarden BKA1 tot en met BKA3. De uitkomsten per perspectief naast elkaar zijn het begin van het gesprek: het gaat om inzicht, niet om wie er gelijk heeft.',
    en: "The board, school leaders, quality officers and the supervisory board rate the same statements about the board's quality assurance, ordered by the standards BKA1 to BKA3. Setting the outcomes of each perspective side by side starts the conversation: it is about insight, not about who is right.",
  },
  anonymous: false,
  anonymityNote: PERSPECTIVE_ANONYMITY_NOTE,
  byPerspective: true,
  questions: [
    // BKA1 Visie, ambities en doelen
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'Het bestuur heeft een heldere visie op onderwijskwaliteit die de scholen kennen.',
        en: 'The board has a clear vision of educational quality that the schools know.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'Schoolleiders, medewerkers en het intern toezicht zijn betrokken bij het bepalen van de visie en de ambities.',
        en: 'School leaders, staff and the supervisory board are involved in setting the vision and the ambitions.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'De ambities en doelen van het bestuur zijn terug te vinden in de schoolplannen van de scholen.',
        en: "The board's ambitions and goals can be found in the schools' school plans.",
      },
    },
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'Bestuur en scholen hebben samen vastgelegd wanneer de kwaliteit goed genoeg is.',
        en: 'The board and the schools have agreed together, in writing, when quality is good enough.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA1',
      text: {
        nl: 'De doelen van het bestuur zijn zo concreet dat na te gaan is of ze gehaald worden.',
        en: "The board's goals are concrete enough to check whether they are being met.",
      },
    },
    // BKA2 Uitvoering en kwaliteitscultuur
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Het bestuur werkt cyclisch aan kwaliteit (plannen, uitvoeren, nagaan, bijstellen), en de scholen doen dat ook.',
        en: 'The board works on quality in cycles (plan, do, check, act), and so do the schools.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Rollen, verantwoordelijkheden en bevoegdheden in de kwaliteitszorg zijn voor iedereen duidelijk.',
        en: 'Roles, responsibilities and mandates in quality assurance are clear to everyone.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Het bestuur geeft heldere kaders en handelt voorspelbaar en in verhouding tot wat er speelt.',
        en: 'The board sets clear frameworks and acts predictably and in proportion to the situation.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Afspraken over kwaliteit worden vastgelegd en nagekomen.',
        en: 'Agreements about quality are recorded and kept.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Vanuit een duidelijke structuur werkt het bestuur aan een cultuur waarin iedereen zich verantwoordelijk voelt voor kwaliteit.',
        en: 'Starting from a clear structure, the board builds a culture in which everyone feels responsible for quality.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA2',
      text: {
        nl: 'Het bestuur geeft zelf het goede voorbeeld in hoe het met kwaliteit omgaat.',
        en: 'The board itself sets a good example in how it deals with quality.',
      },
    },
    // BKA3 Evaluatie, verantwoording en dialoog
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: 'Het bestuur volgt en analyseert de kwaliteit van het onderwijs op de scholen, en doet iets met die analyses.',
        en: 'The board monitors and analyses the quality of education at the schools, and acts on those analyses.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: "Bestuur en scholen houden elkaar op tijd op de hoogte van ontwikkelingen, risico's en resultaten.",
        en: 'The board and the schools keep each other informed in good time about developments, risks and results.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: 'Over kwaliteit wordt geregeld gesproken tussen alle lagen: bestuur, schoolleiding, teams en intern toezicht.',
        en: 'Quality is discussed regularly between all levels: board, school leadership, teams and supervisory board.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: 'Het bestuur legt binnen en buiten de organisatie open verantwoording af over de kwaliteit van het onderwijs.',
        en: 'The board gives an open account of the quality of education, inside and outside the organisation.',
      },
    },
    {
      kind: 'likert',
      standard: 'BKA3',
      text: {
        nl: 'Evaluaties leiden tot zichtbare verbeteringen, en wat goed werkt wordt zo vastgelegd dat het niet van personen afhangt.',
        en: 'Evaluations lead to visible improvements, and what works well is recorded so that it does not depend on individual people.',
      },
    },
  ],
};

/** In the order the card offers them: the staff pulses first, the board's self-evaluation last. */
export const SURVEY_TEMPLATES: readonly SurveyTemplate[] = [TEVREDENHEID, WERKDRUK, KWALITEITSCULTUUR, ZELFEVALUATIE_BKA];

export const templateByKey = (key: string): SurveyTemplate | undefined => SURVEY_TEMPLATES.find((t) => t.key === key);
