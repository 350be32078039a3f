// The default tables' names and topics and the PDCA questions, in Dutch and English. The tables and
// their topics follow seed 001 ("aan tafel met") and seed 002 (school-level rhythms); the wording is ours.
import type { LocalText, TableKind } from './model.js';

export const TABLE_NAMES: Record<Exclude<TableKind, 'own'>, LocalText> = {
  staff: { nl: 'Stafcollega’s school en bestuur (HR, financiën, kwaliteit)', en: 'Staff colleagues of school and board (HR, finance, quality)' },
  boardDirectors: { nl: 'Bestuur met directeuren', en: 'Board with school directors' },
  directorQuality: { nl: 'Directeur en kwaliteitsmedewerker', en: 'Director and quality officer' },
  supervisoryBoard: { nl: 'Intern toezicht en bestuur', en: 'Supervisory board and board' },
  boardQuality: { nl: 'Bestuur en kwaliteitsmedewerker', en: 'Board and quality officer' },
  qualityTeam: { nl: 'Kwaliteitsteam', en: 'Quality team' },
  participationCouncil: { nl: 'Medezeggenschapsraad (MR)', en: 'Participation council (MR)' },
  schoolBoard: { nl: 'Gesprek school en bestuur', en: 'School and board conversation' },
  evaluationMidYear: { nl: 'Evaluatiedag met het team (halfjaar)', en: 'Evaluation day with the team (mid-year)' },
  evaluationYear: { nl: 'Evaluatiedag met het team (jaar)', en: 'Evaluation day with the team (end of year)' },
  satisfaction: { nl: 'Jaarlijkse tevredenheidspeilingen', en: 'Yearly satisfaction surveys' },
};

/** On every table (seed 001): news about the inspection framework and preparing inspection visits. */
export const EVERY_TABLE_TOPICS: LocalText[] = [
  { nl: 'Nieuwe eisen uit het onderzoekskader van de inspectie', en: 'New requirements of the inspection framework' },
  { nl: 'Voorbereiding van inspectiebezoeken', en: 'Preparing for inspection visits' },
];

export const TABLE_TOPICS: Record<Exclude<TableKind, 'own'>, LocalText[]> = {
  staff: [
    { nl: 'HR, financiën en kwaliteit op elkaar afstemmen rond de onderwijskwaliteit', en: 'Aligning HR, finance and quality around the quality of education' },
    { nl: 'Processen over de scholen heen verbinden', en: 'Connecting processes across the schools' },
  ],
  boardDirectors: [
    { nl: 'Ontwikkeling en opbrengsten van het onderwijs', en: 'Development and outcomes of education' },
    { nl: 'Kwaliteitsrapportages, gesprekken en schoolbezoeken', en: 'Quality reports, conversations and school visits' },
  ],
  directorQuality: [
    { nl: 'Ontwikkeling en opbrengsten van de school', en: 'Development and outcomes of the school' },
    { nl: 'Risico’s en hoe we ze aanpakken', en: 'Risks and how we tackle them' },
    { nl: 'Wat leraren en teamleiders signaleren', en: 'What teachers and team leaders report' },
  ],
  supervisoryBoard: [
    { nl: 'Presentatie van opbrengsten en resultaten', en: 'Presenting outcomes and results' },
    { nl: 'Veranderingen in het externe toezicht', en: 'Changes in external supervision' },
  ],
  boardQuality: [
    { nl: 'Data en kwaliteitsrapportages', en: 'Data and quality reports' },
    { nl: 'Ambities, doelen en succescriteria', en: 'Ambitions, goals and success criteria' },
    { nl: 'Voortgang, effecten en risico’s', en: 'Progress, effects and risks' },
    { nl: 'Borging', en: 'Safeguarding what works' },
  ],
  qualityTeam: [
    { nl: 'Data en afstemming', en: 'Data and alignment' },
    { nl: 'Kennis delen', en: 'Sharing knowledge' },
    { nl: 'Borging', en: 'Safeguarding what works' },
  ],
  participationCouncil: [
    { nl: 'Schoolplan, jaarplan en begroting', en: 'School plan, year plan and budget' },
    { nl: 'Uitkomsten van peilingen en wat de school ermee doet', en: 'Survey outcomes and what the school does with them' },
  ],
  schoolBoard: [
    { nl: 'Opbrengsten en ontwikkeling van de school', en: 'Outcomes and development of the school' },
    { nl: 'Afspraken uit het vorige gesprek', en: 'Agreements from the previous conversation' },
  ],
  evaluationMidYear: [
    { nl: 'Tussenstand van de doelen uit het jaarplan', en: 'Progress on the goals of the year plan' },
    { nl: 'Wat bijsturen we in het tweede halfjaar?', en: 'What do we adjust in the second half of the year?' },
  ],
  evaluationYear: [
    { nl: 'Evaluatie van het jaarplan', en: 'Evaluating the year plan' },
    { nl: 'Wat nemen we mee naar het nieuwe schooljaar?', en: 'What do we take into the new school year?' },
  ],
  satisfaction: [
    { nl: 'Tevredenheid van personeel, ouders en leerlingen peilen', en: 'Surveying the satisfaction of staff, parents and pupils' },
    { nl: 'Van uitkomst naar plan van aanpak', en: 'From outcome to plan of action' },
  ],
};

/** The thread of every conversation (rode draad, PDCA and borging). */
export const PDCA_QUESTIONS: { step: LocalText; question: LocalText }[] = [
  { step: { nl: 'Plan', en: 'Plan' }, question: { nl: 'Wat willen we bereiken, en wie is waarvoor verantwoordelijk?', en: 'What do we want to achieve, and who is responsible for what?' } },
  { step: { nl: 'Do', en: 'Do' }, question: { nl: 'Hoe gaat het, en wat gaat goed?', en: 'How is it going, and what is going well?' } },
  { step: { nl: 'Check', en: 'Check' }, question: { nl: 'Werkt het, en waaraan zien we dat?', en: 'Is it working, and how can we tell?' } },
  { step: { nl: 'Act', en: 'Act' }, question: { nl: 'Wat is de volgende stap, en wat houden we vast?', en: 'What is the next step, and what do we keep?' } },
  { step: { nl: 'Borging', en: 'Safeguarding' }, question: { nl: 'Hoe leggen we vast wat werkt, zodat het niet van één persoon afhangt?', en: 'How do we record what works, so it does not depend on one person?' } },
];

export function tableName(kind: TableKind, own: string | null, language: 'nl' | 'en'): string {
  if (own) return own;
  return kind === 'own' ? (language === 'nl' ? 'Overleg' : 'Meeting') : TABLE_NAMES[kind][language];
}

/** A table's topics in one language: its own, or its kind's defaults; then what is on every table. */
export function tableTopics(kind: TableKind, own: string[] | null, language: 'nl' | 'en'): string[] {
  const base = own ?? (kind === 'own' ? [] : TABLE_TOPICS[kind].map((t) => t[language]));
  return [...base, ...EVERY_TABLE_TOPICS.map((t) => t[language])];
}
