// The cards of meeting cadences: `overleg` (the tables and whether their rhythm is kept), one table, the
// form to add or change a table, a member's 1:1 prep card, the chair's follow-up card, the quality
// officer's rhythm warning and the chair's notice that someone cannot come; and the prep text for
// members outside the tenant (an email, or the text the chair forwards).
//
// Display-ready strings in Dutch and English, written here. Names and texts people typed are escaped
// (cards/text.ts) where Teams renders Markdown (TextBlock, Fact); choice titles and input values are
// plain text and go in as written. No ids on the cards but in the buttons' data and choice values.
// Dates and times are Europe/Amsterdam (luxon). Pure: no clock, `now` comes in with the input.
import { DateTime } from 'luxon';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { cardName, escapeMarkdown, fillText } from '../cards/text.js';
import type { Language } from '../config.js';
import { describeRule, ZONE, type Rule } from '../schedule/index.js';
import { TABLE_LIMITS, type ChairSpec, type LocalText, type MemberSpec, type RhythmState } from './model.js';
import type {
  CannotComeInput,
  ExternalPrepInput,
  FollowUpInput,
  OverviewInput,
  PrepInput,
  PrepPack,
  RhythmWarningInput,
  TableFormInput,
  TableInput,
  TableRow,
} from './view-model.js';

type Params = Record<string, string | number>;
const fill = (text: string, params: Params = {}) => fillText(text, params);

/** Every sentence of these cards, in both languages. */
export const TEXT = {
  // The overview (`overleg`)
  overviewTitle: { nl: 'Vaste overleggen', en: 'Standing meetings' },
  overviewIntroManage: {
    nl: 'De vaste overleggen van het bestuur en de scholen: wanneer ze weer zijn en of het ritme gehouden wordt. Open een overleg om de datum, de mensen aan tafel of het ritme aan te passen.',
    en: 'The standing meetings of the board and the schools: when they meet next and whether the rhythm is kept. Open a meeting to change its date, who sits at the table or its rhythm.',
  },
  overviewIntro: {
    nl: 'De vaste overleggen die jij kunt zien: wanneer ze weer zijn en of het ritme gehouden wordt.',
    en: 'The standing meetings you can see: when they meet next and whether the rhythm is kept.',
  },
  overviewNone: { nl: 'Er zijn nog geen vaste overleggen die jij kunt zien.', en: 'There are no standing meetings that you can see yet.' },
  overviewNoneManage: { nl: 'Er zijn nog geen vaste overleggen. Voeg er een toe met de knop hieronder.', en: 'There are no standing meetings yet. Add one with the button below.' },
  overviewNoneFiltered: { nl: 'Bij {school} zijn geen vaste overleggen die jij kunt zien.', en: '{school} has no standing meetings that you can see.' },
  overviewFiltered: { nl: 'Je ziet de overleggen van {school}.', en: 'Showing the meetings of {school}.' },
  overviewMore: { nl: 'En nog {more} overleggen die hier niet passen. Kies een school om ze te zien.', en: 'And {more} more meetings that do not fit here. Pick a school to see them.' },
  overviewMoreNoFilter: { nl: 'En nog {more} overleggen die hier niet passen.', en: 'And {more} more meetings that do not fit here.' },
  filterLabel: { nl: 'Toon de overleggen van', en: 'Show the meetings of' },
  filterAll: { nl: 'Alle scholen en het bestuur', en: 'All schools and the board' },
  filterButton: { nl: 'Tonen', en: 'Show' },
  boardLevel: { nl: 'Bestuursniveau', en: 'Board level' },
  nextConfirmed: { nl: 'Volgende: {when}', en: 'Next: {when}' },
  nextProposed: { nl: 'Voorstel: {when} (nog niet bevestigd)', en: 'Proposed: {when} (not confirmed yet)' },
  noDate: { nl: 'Nog geen datum', en: 'No date yet' },
  noMeetingPaused: { nl: 'Er is geen overleg gepland', en: 'No meeting is planned' },
  openButton: { nl: 'Openen', en: 'Open' },
  addTable: { nl: 'Overleg toevoegen', en: 'Add a meeting' },

  // The rhythm, as a short word and as a sentence
  rhythmOnTrack: { nl: 'op ritme', en: 'on track' },
  rhythmNeedsDate: { nl: 'datum nodig', en: 'date needed' },
  rhythmOverdue: { nl: 'achter', en: 'behind' },
  rhythmPaused: { nl: 'gepauzeerd', en: 'paused' },
  rhythmLineOnTrack: { nl: 'Op ritme: het overleg wordt gehouden zoals afgesproken.', en: 'On track: the meeting is held as agreed.' },
  rhythmLineNeedsDateWindow: {
    nl: 'Datum nodig: volgens het ritme hoort het volgende overleg tussen {start} en {end}, en er staat nog geen datum vast.',
    en: 'Date needed: by the rhythm the next meeting is due between {start} and {end}, and no date has been set.',
  },
  rhythmLineNeedsDate: { nl: 'Datum nodig: er staat nog geen datum vast voor het volgende overleg.', en: 'Date needed: no date has been set for the next meeting.' },
  rhythmLineOverdueEnd: {
    nl: 'Achter op het ritme: het overleg had uiterlijk {end} moeten plaatsvinden.',
    en: 'Behind the rhythm: the meeting was due by {end}.',
  },
  rhythmLineOverdue: { nl: 'Achter op het ritme: het overleg had al moeten plaatsvinden.', en: 'Behind the rhythm: the meeting should already have taken place.' },
  rhythmLinePaused: {
    nl: 'Gepauzeerd: er gaan geen voorbereidingen of waarschuwingen uit tot het overleg weer wordt hervat.',
    en: 'Paused: no prep cards or warnings go out until the meeting is resumed.',
  },

  // One table
  tableKicker: { nl: 'Vast overleg · {place}', en: 'Standing meeting · {place}' },
  factRule: { nl: 'Ritme', en: 'Rhythm' },
  factNext: { nl: 'Volgende overleg', en: 'Next meeting' },
  factTime: { nl: 'Tijd', en: 'Time' },
  factPrep: { nl: 'Voorbereiding', en: 'Prep card' },
  factChair: { nl: 'Voorzitter', en: 'Chair' },
  factLast: { nl: 'Laatst gehouden', en: 'Last held' },
  factOutlook: { nl: 'Outlook', en: 'Outlook' },
  outlookLinked: { nl: 'gekoppeld aan een reeks in de agenda van de voorzitter', en: 'linked to a series in the chair’s calendar' },
  outlookHeading: { nl: 'Outlook', en: 'Outlook' },
  outlookIntroSeries: {
    nl: 'Zet dit overleg als reeks in de Outlook-agenda van de voorzitter, met alle leden uitgenodigd. Cadans volgt daarna Outlook: wie een keer verzet of afzegt, verzet ook de voorbereidingskaart.',
    en: 'Put this meeting as a series in the chair’s Outlook calendar, with every member invited. Cadans then follows Outlook: moving or cancelling a meeting there moves the prep card too.',
  },
  outlookIntroSingle: {
    nl: 'Zet het volgende overleg in de Outlook-agenda van de voorzitter, met alle leden uitgenodigd; Cadans maakt daarna steeds het volgende aan en volgt wat er in Outlook verzet of afgezegd wordt.',
    en: 'Put the next meeting in the chair’s Outlook calendar, with every member invited; Cadans then creates each next one and follows what is moved or cancelled in Outlook.',
  },
  outlookCreateButton: { nl: 'Zet in Outlook', en: 'Add to Outlook' },
  outlookLinkButton: { nl: 'Bestaande reeks koppelen', en: 'Link an existing series' },
  outlookEventLabel: { nl: 'Link naar de afspraak in Outlook (of het id)', en: 'Link to the meeting in Outlook (or its id)' },
  outlookEventPlaceholder: { nl: 'https://outlook.office.com/calendar/item/…', en: 'https://outlook.office.com/calendar/item/…' },
  outlookEventError: { nl: 'Plak de link naar de afspraak.', en: 'Paste the link to the meeting.' },
  outlookLinkSubmit: { nl: 'Koppelen', en: 'Link' },
  notYet: { nl: 'nog niet', en: 'not yet' },
  timeAndLength: { nl: '{time}–{end} ({duration})', en: '{time}–{end} ({duration})' },
  nextFactProposed: { nl: '{when} (voorstel, nog niet bevestigd)', en: '{when} (proposed, not confirmed yet)' },
  prepSameDay: { nl: 'op de dag zelf', en: 'on the day itself' },
  prepOneDay: { nl: '1 werkdag vooraf', en: '1 working day ahead' },
  prepDays: { nl: '{days} werkdagen vooraf', en: '{days} working days ahead' },
  membersHeading: { nl: 'Aan tafel', en: 'At the table' },
  membersNone: { nl: 'Er zit nog niemand aan tafel.', en: 'Nobody sits at this table yet.' },
  topicsHeading: { nl: 'Op tafel', en: 'On the table' },
  historyHeading: { nl: 'Eerdere overleggen', en: 'Earlier meetings' },
  historyHeld: { nl: '{date}: gehouden', en: '{date}: held' },
  historyNotHeld: { nl: '{date}: niet doorgegaan', en: '{date}: did not take place' },
  historyCancelled: { nl: '{date}: geannuleerd', en: '{date}: cancelled' },
  setNextHeading: { nl: 'Volgende overleg vastleggen', en: 'Set the next meeting' },
  setNextProposed: {
    nl: 'Cadans stelt volgens het ritme {when} voor. Past dat, leg het dan vast; anders kies je een andere datum of tijd.',
    en: 'By the rhythm Cadans proposes {when}. If that suits, set it; otherwise pick another date or time.',
  },
  setNextConfirmed: { nl: 'Is het overleg verzet? Kies de nieuwe datum en tijd.', en: 'Has the meeting moved? Pick the new date and time.' },
  setNextEmpty: { nl: 'Kies de datum en tijd van het volgende overleg.', en: 'Pick the date and time of the next meeting.' },
  dateLabel: { nl: 'Datum', en: 'Date' },
  timeLabel: { nl: 'Tijd', en: 'Time' },
  dateError: { nl: 'Kies een datum.', en: 'Pick a date.' },
  timeError: { nl: 'Vul een tijd in, bijvoorbeeld 09:30.', en: 'Enter a time, for example 09:30.' },
  setNextButton: { nl: 'Datum vastleggen', en: 'Set the date' },
  editButton: { nl: 'Wijzigen', en: 'Edit' },
  pauseButton: { nl: 'Pauzeren', en: 'Pause' },
  resumeButton: { nl: 'Hervatten', en: 'Resume' },
  removeButton: { nl: 'Verwijderen', en: 'Remove' },
  removeConfirm: {
    nl: 'Weet je het zeker? Het overleg verdwijnt uit het overzicht en de leden krijgen er geen voorbereiding meer voor. Wil je het alleen een tijd stilzetten, kies dan Pauzeren.',
    en: 'Are you sure? The meeting disappears from the overview and its members get no more prep cards for it. To stop it for a while only, choose Pause.',
  },
  removeSubmit: { nl: 'Ja, verwijderen', en: 'Yes, remove it' },
  backToOverview: { nl: 'Alle overleggen', en: 'All meetings' },

  // The form
  formNewTitle: { nl: 'Nieuw vast overleg', en: 'New standing meeting' },
  formEditTitle: { nl: 'Overleg wijzigen', en: 'Edit the meeting' },
  formIntro: {
    nl: 'Leg vast wie er aan tafel zitten, wat er op tafel ligt en hoe vaak jullie samenkomen. Cadans plant de data, stuurt de leden vooraf een voorbereiding en waarschuwt als het ritme dreigt te breken.',
    en: 'Set who sits at the table, what is on it and how often you meet. Cadans plans the dates, sends the members a prep card beforehand and warns when the rhythm is about to break.',
  },
  notSaved: { nl: 'Nog niet opgeslagen: kijk bij de velden met een melding.', en: 'Not saved yet: check the fields with a message.' },
  nameLabel: { nl: 'Naam van het overleg', en: 'Name of the meeting' },
  namePlaceholder: { nl: 'Bijvoorbeeld: Kwaliteitsoverleg onderbouw', en: 'For example: Quality meeting, lower years' },
  schoolLabel: { nl: 'Voor welke school?', en: 'For which school?' },
  schoolBoard: { nl: 'Geen school: op bestuursniveau', en: 'No school: board level' },
  ruleLabel: { nl: 'Hoe vaak?', en: 'How often?' },
  ruleHint: { nl: 'Vul daarna alleen de velden in die bij je keuze horen.', en: 'Then fill in only the fields that go with your choice.' },
  ruleEveryNWeeks: { nl: 'Elke zoveel weken', en: 'Every so many weeks' },
  ruleWindow: { nl: 'Binnen een venster, bijvoorbeeld elke 4 tot 6 weken', en: 'Within a window, for example every 4 to 6 weeks' },
  rulePerSchoolYear: { nl: 'Een aantal keer per schooljaar, verspreid over het jaar', en: 'A number of times per school year, spread over the year' },
  ruleYearly: { nl: 'Jaarlijks, in bepaalde maanden', en: 'Yearly, in certain months' },
  ruleDates: { nl: 'Op vaste data', en: 'On set dates' },
  weeksLabel: { nl: 'Elke zoveel weken: hoeveel weken?', en: 'Every so many weeks: how many weeks?' },
  minWeeksLabel: { nl: 'Venster: minstens hoeveel weken na het vorige overleg?', en: 'Window: at least how many weeks after the last meeting?' },
  maxWeeksLabel: { nl: 'Venster: uiterlijk hoeveel weken na het vorige overleg?', en: 'Window: at most how many weeks after the last meeting?' },
  timesLabel: { nl: 'Hoe vaak per schooljaar?', en: 'How many times per school year?' },
  monthsLabel: { nl: 'Jaarlijks: in welke maanden? (maanden die op elkaar volgen)', en: 'Yearly: in which months? (months in a row)' },
  monthsPlaceholder: { nl: 'Kies een of meer maanden', en: 'Pick one or more months' },
  datesLabel: { nl: 'Vaste data (jjjj-mm-dd, gescheiden door komma’s)', en: 'Set dates (yyyy-mm-dd, separated by commas)' },
  datesPlaceholder: { nl: 'Bijvoorbeeld: 2027-01-12, 2027-03-09', en: 'For example: 2027-01-12, 2027-03-09' },
  startTimeLabel: { nl: 'Begintijd', en: 'Start time' },
  durationLabel: { nl: 'Duur in minuten', en: 'Length in minutes' },
  prepDaysLabel: { nl: 'Voorbereiding: hoeveel werkdagen vooraf krijgen de leden die?', en: 'Prep card: how many working days ahead do members get it?' },
  topicsLabel: { nl: 'Onderwerpen (één per regel)', en: 'Topics (one per line)' },
  topicsPlaceholder: { nl: 'Bijvoorbeeld: Opbrengsten van de school', en: 'For example: Outcomes of the school' },
  topicsHint: {
    nl: 'Nieuwe eisen uit het onderzoekskader van de inspectie en de voorbereiding van inspectiebezoeken staan altijd op tafel; die hoef je niet in te vullen.',
    en: 'New requirements of the inspection framework and preparing for inspection visits are always on the table; there is no need to add them.',
  },
  membersLabel: { nl: 'Wie zitten er aan tafel?', en: 'Who sits at the table?' },
  rolesLabel: { nl: 'Mensen met een rol', en: 'People with a role' },
  rolesPlaceholder: { nl: 'Kies een of meer rollen', en: 'Pick one or more roles' },
  peopleLabel: { nl: 'Mensen met naam', en: 'People by name' },
  peoplePlaceholder: { nl: 'Kies een of meer mensen', en: 'Pick one or more people' },
  externalsLabel: { nl: 'Van buiten de organisatie (één per regel: naam en e-mailadres)', en: 'From outside the organisation (one per line: name and email address)' },
  externalsPlaceholder: { nl: 'Bijvoorbeeld: Fatima Bakker <f.bakker@voorbeeld.nl>', en: 'For example: Fatima Baker <f.baker@example.org>' },
  externalsHint: {
    nl: 'Zij krijgen de voorbereiding per e-mail, of de voorzitter krijgt de tekst om door te sturen.',
    en: 'They get the preparation by email, or the chair gets the text to forward.',
  },
  chairLabel: { nl: 'Voorzitter', en: 'Chair' },
  chairRole: { nl: 'Wie de rol {role} heeft', en: 'Whoever holds the role {role}' },
  unknownPerson: { nl: 'Iemand die niet meer in de lijst staat', en: 'Someone no longer in the list' },
  nextLabel: { nl: 'Eerstvolgende overleg (niet verplicht)', en: 'Next meeting (optional)' },
  nextHint: { nl: 'Leeg: Cadans stelt een datum voor volgens het ritme.', en: 'Empty: Cadans proposes a date by the rhythm.' },
  save: { nl: 'Opslaan', en: 'Save' },
  cancel: { nl: 'Annuleren', en: 'Cancel' },

  // The prep card
  prepKicker: { nl: 'Voorbereiding overleg', en: 'Meeting preparation' },
  prepKickerSchool: { nl: 'Voorbereiding overleg · {school}', en: 'Meeting preparation · {school}' },
  prepIntro: {
    nl: 'Hieronder staat wat er op tafel ligt en wat Cadans al weet. Laat even weten of je voorbereid bent, of dat je er niet bij kunt zijn.',
    en: 'Below is what is on the table and what Cadans already knows. Let us know whether you are prepared, or that you cannot attend.',
  },
  factWhen: { nl: 'Wanneer', en: 'When' },
  factWith: { nl: 'Met', en: 'With' },
  whenLine: { nl: '{when}–{end} ({duration})', en: '{when}–{end} ({duration})' },
  markChair: { nl: '{name} (voorzitter)', en: '{name} (chair)' },
  markExternal: { nl: '{name} (extern)', en: '{name} (external)' },
  markChairExternal: { nl: '{name} (voorzitter, extern)', en: '{name} (chair, external)' },
  andMore: { nl: 'en nog {more}', en: 'and {more} more' },
  stateCancelled: { nl: 'Dit overleg gaat niet door. Je hoeft niets voor te bereiden.', en: 'This meeting has been cancelled. There is nothing to prepare.' },
  stateOver: { nl: 'Dit overleg is voorbij.', en: 'This meeting is over.' },
  mePrepared: { nl: 'Je hebt aangegeven dat je voorbereid bent.', en: 'You have said that you are prepared.' },
  meCannotCome: { nl: 'Je kunt er niet bij zijn. De voorzitter weet het.', en: 'You cannot attend. The chair knows.' },
  meCannotComeChair: { nl: 'Je kunt er niet bij zijn.', en: 'You cannot attend.' },
  remindToday: { nl: 'We herinneren je vandaag om {time}.', en: 'We will remind you today at {time}.' },
  remindTomorrow: { nl: 'We herinneren je morgen om {time}.', en: 'We will remind you tomorrow at {time}.' },
  remindOn: { nl: 'We herinneren je op {when}.', en: 'We will remind you on {when}.' },
  chairHeading: { nl: 'Voor jou als voorzitter', en: 'For you as chair' },
  chairPrepared: { nl: 'Voorbereid: {names}', en: 'Prepared: {names}' },
  chairPreparedNobody: { nl: 'Voorbereid: nog niemand', en: 'Prepared: nobody yet' },
  chairCannotCome: { nl: 'Kan er niet bij zijn:', en: 'Cannot attend:' },
  chairReason: { nl: '{name}: {reason}', en: '{name}: {reason}' },
  chairNoReason: { nl: '{name} (geen reden opgegeven)', en: '{name} (no reason given)' },
  chairNoAnswer: { nl: 'Nog niet gereageerd: {names}', en: 'Not answered yet: {names}' },
  pdcaHeading: { nl: 'De rode draad van het gesprek', en: 'The thread of the conversation' },
  packHeading: { nl: 'Wat Cadans al weet', en: 'What Cadans already knows' },
  packEmpty: {
    nl: 'Er lopen geen checklists, peilingen of verbeteracties die bij dit overleg horen.',
    en: 'There are no running checklists, surveys or improvement actions that go with this meeting.',
  },
  packChecklists: { nl: 'Lopende checklists', en: 'Running checklists' },
  packChecklist: { nl: '{title}: {done} van {total} klaar · {na} n.v.t. · {open} open', en: '{title}: {done} of {total} done · {na} n/a · {open} open' },
  packChecklistOverdue: { nl: '{line} · {overdue} te laat', en: '{line} · {overdue} overdue' },
  packSurveys: { nl: 'Recente peilingen', en: 'Recent surveys' },
  packSurvey: { nl: '{title} (gesloten op {date})', en: '{title} (closed on {date})' },
  packSurveyRate: { nl: '{title} (gesloten op {date}) · respons {rate}%', en: '{title} (closed on {date}) · response {rate}%' },
  packActions: { nl: 'Verbeteracties', en: 'Improvement actions' },
  packActionCounts: { nl: '{open} open, waarvan {overdue} te laat', en: '{open} open, {overdue} of them overdue' },
  packAction: { nl: '{title} · {owner} · klaar op {date}', en: '{title} · {owner} · due {date}' },
  packActionOverdue: { nl: '{title} · {owner} · te laat sinds {date}', en: '{title} · {owner} · overdue since {date}' },
  packMore: { nl: 'En nog {more}.', en: 'And {more} more.' },
  agendaHeading: { nl: 'Agendapunten', en: 'Agenda items' },
  agendaNone: { nl: 'Nog geen agendapunten. Wil je iets bespreken? Voeg het toe.', en: 'No agenda items yet. Something to discuss? Add it.' },
  agendaBy: { nl: 'van {name}', en: 'from {name}' },
  agendaMine: { nl: 'jouw punt', en: 'your item' },
  agendaMore: { nl: 'En nog {more} agendapunten.', en: 'And {more} more agenda items.' },
  preparedButton: { nl: 'Ik ben voorbereid', en: 'I am prepared' },
  addAgendaButton: { nl: 'Agendapunt toevoegen', en: 'Add an agenda item' },
  agendaLabel: { nl: 'Wat wil je bespreken?', en: 'What would you like to discuss?' },
  agendaPlaceholder: { nl: 'Iedereen aan tafel ziet je punt, met je naam erbij.', en: 'Everyone at the table sees your item, with your name.' },
  agendaError: { nl: 'Schrijf kort op wat je wilt bespreken.', en: 'Write briefly what you want to discuss.' },
  agendaSubmit: { nl: 'Toevoegen', en: 'Add' },
  remindButton: { nl: 'Herinner me morgen', en: 'Remind me tomorrow' },
  cannotComeButton: { nl: 'Ik kan niet', en: 'I cannot attend' },
  cannotComeIntro: { nl: 'De voorzitter krijgt bericht dat je er niet bij bent. Een reden is niet verplicht.', en: 'The chair is told that you cannot attend. A reason is optional.' },
  cannotComeIntroChair: { nl: 'De anderen aan tafel zien dat je er niet bij bent. Een reden is niet verplicht.', en: 'The others at the table see that you cannot attend. A reason is optional.' },
  reasonLabel: { nl: 'Reden (niet verplicht)', en: 'Reason (optional)' },
  cannotComeSubmit: { nl: 'Laat het weten', en: 'Let them know' },
  startSurveyButton: { nl: 'Peiling starten', en: 'Start the survey' },
  startSurveyIntro: {
    nl: 'Bij dit moment horen de tevredenheidspeilingen. Start ze in het kanaal waar de resultaten moeten komen: typ daar **@Cadans peiling** en kies *Tevredenheid personeel*. Je kunt alles nakijken voordat de peiling uitgaat.',
    en: 'The satisfaction surveys belong to this moment. Start them in the channel where the results should go: type **@Cadans survey** there and choose *Staff satisfaction*. You can check everything before the survey goes out.',
  },
  icsButton: { nl: 'Zet in mijn agenda (.ics)', en: 'Add to my calendar (.ics)' },
  refreshLabel: { nl: 'Bijwerken', en: 'Refresh' },

  // The follow-up card
  followUpKicker: { nl: 'Na het overleg', en: 'After the meeting' },
  followUpKickerSchool: { nl: 'Na het overleg · {school}', en: 'After the meeting · {school}' },
  followUpIntro: {
    nl: 'Het overleg is voorbij. Leg kort vast hoe het ging: Cadans bewaart de besluiten, legt de verbeteracties bij hun eigenaar neer en plant het volgende overleg.',
    en: 'The meeting is over. Record briefly how it went: Cadans keeps the decisions, hands the improvement actions to their owners and plans the next meeting.',
  },
  notRecorded: { nl: 'Nog niet vastgelegd: kijk bij de velden met een melding.', en: 'Not recorded yet: check the fields with a message.' },
  heldLabel: { nl: 'Is het overleg doorgegaan?', en: 'Did the meeting take place?' },
  heldYes: { nl: 'Ja', en: 'Yes' },
  heldNo: { nl: 'Nee, het ging niet door', en: 'No, it did not take place' },
  heldError: { nl: 'Kies ja of nee.', en: 'Choose yes or no.' },
  decisionsLabel: { nl: 'Besluiten en afspraken', en: 'Decisions and agreements' },
  decisionsPlaceholder: { nl: 'Wat is er besloten, en wie doet wat?', en: 'What was decided, and who does what?' },
  followUpAgenda: { nl: 'Op de agenda', en: 'On the agenda' },
  nextHeading: { nl: 'Volgende overleg', en: 'Next meeting' },
  nextHintProposed: { nl: 'Voorgesteld volgens het ritme. Hebben jullie iets anders afgesproken, pas het dan aan.', en: 'Proposed by the rhythm. If you agreed on something else, change it.' },
  actionsHeading: { nl: 'Nieuwe verbeteracties (niet verplicht)', en: 'New improvement actions (optional)' },
  actionsIntro: { nl: 'Tot drie acties. De eigenaar krijgt er een bericht over.', en: 'Up to three. Each owner gets a message about theirs.' },
  actionN: { nl: 'Actie {n}', en: 'Action {n}' },
  actionTitleLabel: { nl: 'Wat gaan we doen?', en: 'What will we do?' },
  actionOwnerLabel: { nl: 'Eigenaar', en: 'Owner' },
  actionOwnerPlaceholder: { nl: 'Kies de eigenaar', en: 'Choose the owner' },
  actionDueLabel: { nl: 'Klaar op', en: 'Done by' },
  recordButton: { nl: 'Vastleggen', en: 'Record' },
  recordedBy: { nl: 'Vastgelegd door {name}.', en: 'Recorded by {name}.' },
  recHeld: { nl: 'Doorgegaan', en: 'Took place' },
  recHeldYes: { nl: 'ja', en: 'yes' },
  recHeldNo: { nl: 'nee', en: 'no' },
  recDecisions: { nl: 'Besluiten en afspraken', en: 'Decisions and agreements' },
  recActions: { nl: 'Nieuwe verbeteracties', en: 'New improvement actions' },
  recNone: { nl: 'geen', en: 'none' },
  reopenButton: { nl: 'Formulier weer openen', en: 'Reopen the form' },

  // The rhythm warning
  warningKicker: { nl: 'Het ritme dreigt te breken', en: 'The rhythm is about to break' },
  warningWindow: {
    nl: 'Er staat nog geen datum vast voor het volgende overleg. Volgens het ritme ({rule}) hoort het tussen {start} en {end}.',
    en: 'No date has been set for the next meeting. By the rhythm ({rule}) it is due between {start} and {end}.',
  },
  warningEnd: { nl: 'Er staat nog geen datum vast voor het volgende overleg. Volgens het ritme ({rule}) hoort het uiterlijk {end}.', en: 'No date has been set for the next meeting. By the rhythm ({rule}) it is due by {end}.' },
  warningPlain: { nl: 'Er staat nog geen datum vast voor het volgende overleg ({rule}).', en: 'No date has been set for the next meeting ({rule}).' },
  warningLastHeld: { nl: 'Het laatste overleg was op {date}.', en: 'The last meeting was on {date}.' },
  warningNeverHeld: { nl: 'Er is nog geen overleg vastgelegd.', en: 'No meeting has been recorded yet.' },
  warningProposed: { nl: 'Cadans stelt {when} voor. Past dat, leg het dan vast; anders kies je een andere datum.', en: 'Cadans proposes {when}. If that suits, set it; otherwise pick another date.' },
  openTableButton: { nl: 'Overleg openen', en: 'Open the meeting' },

  // The chair's notice
  cannotComeTitle: { nl: '{person} kan er niet bij zijn', en: '{person} cannot attend' },
  cannotComeLine: { nl: '{table}, {when}', en: '{table}, {when}' },
  cannotComeReason: { nl: 'Reden: {reason}', en: 'Reason: {reason}' },
  cannotComeNoReason: { nl: 'Er is geen reden opgegeven.', en: 'No reason was given.' },
  whoComesButton: { nl: 'Wie komen er?', en: 'Who is coming?' },

  // The text for members outside the tenant
  extSubject: { nl: 'Voorbereiding: {table}, {when}', en: 'Preparation: {table}, {when}' },
  extGreetingOne: { nl: 'Beste {name},', en: 'Dear {name},' },
  extGreetingMany: { nl: 'Beste allen,', en: 'Dear all,' },
  extIntro: {
    nl: 'Op {when} is het overleg ‘{table}’. Het duurt {duration}. Hieronder staat wat er op tafel ligt, zodat je je kunt voorbereiden.',
    en: 'The meeting ‘{table}’ takes place on {when}. It lasts {duration}. Below is what is on the table, so you can prepare.',
  },
  extIntroSchool: {
    nl: 'Op {when} is het overleg ‘{table}’ van {school}. Het duurt {duration}. Hieronder staat wat er op tafel ligt, zodat je je kunt voorbereiden.',
    en: 'The meeting ‘{table}’ of {school} takes place on {when}. It lasts {duration}. Below is what is on the table, so you can prepare.',
  },
  extAgendaItem: { nl: '{text} (van {author})', en: '{text} (from {author})' },
  extClosing: { nl: 'Kun je er niet bij zijn? Laat het de voorzitter weten.', en: 'Cannot attend? Please let the chair know.' },
} satisfies Record<string, LocalText>;
export type TextKey = keyof typeof TEXT;

export const text = (language: Language, key: TextKey, params?: Params): string => fill(TEXT[key][language], params);

/** The overview shows at most this many tables; the rest is counted (`more`) and found by school. */
export const MAX_OVERVIEW_ROWS = 40;
/** From this many tables (and more than one school), the overview offers a filter by school. */
export const FILTER_FROM_TABLES = 10;
/**
 * Owner choices each new action's picker carries on the follow-up card (the service lists the table's
 * members first); typing searches everyone, as the improvement-action form's picker does (dataset
 * "people"). Three pickers of MAX_PEOPLE_CHOICES names would take about 70 KB of the 80 KB a card may use.
 */
export const FOLLOW_UP_OWNER_CHOICES = 25;
/** Names listed on a prep card: who is at the table, and each of the chair's lists. */
const MAX_NAMES = 20;
const MAX_CHAIR_NAMES = 20;
/** Who cannot come, with their reason, on the chair's prep card (the chair also got each one as a notice). */
const MAX_CANNOT_COME = 10;
/**
 * People offered by name on the table form (those chosen first): as many as may sit at a table. The
 * service lists the likely ones first (role holders); everyone else joins through a role.
 */
export const FORM_PEOPLE_CHOICES = TABLE_LIMITS.members;
/** Lines per part of the prep pack. */
const MAX_PACK_LINES = 5;
/**
 * Characters of agenda text a card shows in all: with many items each is shortened (never below
 * AGENDA_MIN), so thirty items of Markdown characters still fit. The follow-up form lists them as a
 * reminder only (the chair saw them whole on the prep card).
 */
const AGENDA_CHARS = 2_500;
const AGENDA_CHARS_FOLLOW_UP = 2_000;
const AGENDA_MIN = 60;
/** A decision in a table's history, a reason someone cannot come and a survey's headline, as a card shows them. */
const HISTORY_DECISIONS = 200;
const REASON_IN_CARD = 100;
const HEADLINE = 150;
const HISTORY_ROWS = 5;
/** Titles in lists (pack lines). */
const LIST_TITLE = 100;
/** Lengths of what the cards' inputs accept (the service checks them again). */
const REASON_MAX = 300;
/** The externals field: room for some seventy lines of "Naam <e-mailadres>". */
const EXTERNALS_MAX = 3_000;
/** People by name the chair can be chosen from on the form (whoever chairs now, then those named at the table). */
const MAX_CHAIR_PEOPLE = 30;

// ---------------------------------------------------------------------------------------------------
// Dates and small words

const LOCALE: Record<Language, string> = { nl: 'nl', en: 'en-GB' };
const inAmsterdam = (date: Date, language: Language) => DateTime.fromJSDate(date, { zone: ZONE }).setLocale(LOCALE[language]);

/** "di 15 december 2026, 09:00" / "Tue 15 December 2026, 09:00", in Amsterdam time. */
export function formatMeetingMoment(date: Date, language: Language): string {
  return inAmsterdam(date, language).toFormat('ccc d MMMM yyyy, HH:mm');
}

/** "di 15 december 2026" / "Tue 15 December 2026". */
function formatDay(date: Date, language: Language): string {
  return inAmsterdam(date, language).toFormat('ccc d MMMM yyyy');
}

/** A calendar date 'yyyy-mm-dd' as "15 december 2026"; anything else as it came ('' stays ''). */
function formatIsoDay(iso: string, language: Language): string {
  const d = DateTime.fromISO(iso, { zone: ZONE });
  return d.isValid ? d.setLocale(LOCALE[language]).toFormat('d MMMM yyyy') : iso;
}

/** 'HH:MM' plus minutes, as 'HH:MM' on a 24-hour clock (a table's time and duration: when it ends). */
function clockPlus(time: string, minutes: number): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!m) return time;
  const total = (((Number(m[1]) * 60 + Number(m[2]) + minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

const clockTime = (date: Date): string => DateTime.fromJSDate(date, { zone: ZONE }).toFormat('HH:mm');
const isoDay = (date: Date): string => DateTime.fromJSDate(date, { zone: ZONE }).toFormat('yyyy-MM-dd');

/** "60 minuten", "1 uur", "1,5 uur", "2 uur en 15 minuten" / "60 minutes", "1 hour", … */
export function durationText(minutes: number, language: Language): string {
  const nl = language === 'nl';
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return nl ? `${m} ${m === 1 ? 'minuut' : 'minuten'}` : `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const hours = nl ? `${h} uur` : `${h} ${h === 1 ? 'hour' : 'hours'}`;
  if (rest === 0) return hours;
  if (rest === 30) return nl ? `${h},5 uur` : `${h}.5 hours`;
  return nl ? `${hours} en ${rest} minuten` : `${hours} ${rest} minutes`;
}

const RHYTHM_WORDS: Record<RhythmState, TextKey> = { onTrack: 'rhythmOnTrack', needsDate: 'rhythmNeedsDate', overdue: 'rhythmOverdue', paused: 'rhythmPaused' };
const RHYTHM_COLORS: Record<RhythmState, 'Good' | 'Warning' | 'Attention' | 'Default'> = { onTrack: 'Good', needsDate: 'Warning', overdue: 'Attention', paused: 'Default' };

/** The rhythm as one short word: "op ritme", "datum nodig", "achter", "gepauzeerd". */
export function describeRhythm(state: RhythmState, language: Language): string {
  return text(language, RHYTHM_WORDS[state]);
}

/** The rhythm as a sentence, for the table's own card. */
function rhythmSentence(row: TableRow, language: Language): string {
  switch (row.rhythm) {
    case 'onTrack':
      return text(language, 'rhythmLineOnTrack');
    case 'needsDate': {
      const w = row.next;
      return w?.windowStart && w.windowEnd
        ? text(language, 'rhythmLineNeedsDateWindow', { start: formatIsoDay(w.windowStart, language), end: formatIsoDay(w.windowEnd, language) })
        : text(language, 'rhythmLineNeedsDate');
    }
    case 'overdue':
      return row.next?.windowEnd ? text(language, 'rhythmLineOverdueEnd', { end: formatIsoDay(row.next.windowEnd, language) }) : text(language, 'rhythmLineOverdue');
    case 'paused':
      return text(language, 'rhythmLinePaused');
  }
}

/** Who holds a role, at a scope: "schoolleiders van de school". */
const ROLE_GROUPS: Record<string, Record<'tenant' | 'school' | 'any', LocalText>> = {
  bestuurder: {
    tenant: { nl: 'bestuurders', en: 'board members' },
    school: { nl: 'bestuurders van de school', en: 'board members of the school' },
    any: { nl: 'bestuurders van het bestuur en alle scholen', en: 'board members of the board and all schools' },
  },
  directeur: {
    tenant: { nl: 'schoolleiders op bestuursniveau', en: 'school leaders at board level' },
    school: { nl: 'de schoolleiding van de school', en: 'the school’s leaders' },
    any: { nl: 'schoolleiders van alle scholen', en: 'school leaders of all schools' },
  },
  kwaliteitsmedewerker: {
    tenant: { nl: 'kwaliteitsmedewerkers van het bestuur', en: 'quality officers of the board' },
    school: { nl: 'kwaliteitsmedewerkers van de school', en: 'quality officers of the school' },
    any: { nl: 'kwaliteitsmedewerkers van het bestuur en alle scholen', en: 'quality officers of the board and all schools' },
  },
  medewerker: {
    tenant: { nl: 'medewerkers van het bestuursbureau', en: 'staff of the board office' },
    school: { nl: 'het team van de school', en: 'the school’s team' },
    any: { nl: 'medewerkers van het bestuur en alle scholen', en: 'staff of the board and all schools' },
  },
  rvt: {
    tenant: { nl: 'intern toezicht (RvT)', en: 'supervisory board' },
    school: { nl: 'intern toezicht van de school', en: 'supervisors of the school' },
    any: { nl: 'intern toezicht van het bestuur en alle scholen', en: 'supervisors of the board and all schools' },
  },
  mr: {
    tenant: { nl: 'leden van de GMR', en: 'members of the joint participation council (GMR)' },
    school: { nl: 'leden van de MR van de school', en: 'members of the school’s participation council (MR)' },
    any: { nl: 'leden van de GMR en van de MR van alle scholen', en: 'members of the GMR and of every school’s MR' },
  },
  beheerder: {
    tenant: { nl: 'beheerders', en: 'administrators' },
    school: { nl: 'beheerders van de school', en: 'administrators of the school' },
    any: { nl: 'beheerders van het bestuur en alle scholen', en: 'administrators of the board and all schools' },
  },
};
/** The roles the form offers for members and chair, in this order (beheerder only when already chosen). */
const FORM_ROLES = ['bestuurder', 'directeur', 'kwaliteitsmedewerker', 'medewerker', 'rvt', 'mr'] as const;
const SCOPES = ['tenant', 'school', 'any'] as const;

/** One role as a word, for the chair: "bestuurder". */
const ROLE_WORDS: Record<string, LocalText> = {
  bestuurder: { nl: 'bestuurder', en: 'board member' },
  directeur: { nl: 'schoolleider', en: 'school leader' },
  kwaliteitsmedewerker: { nl: 'kwaliteitsmedewerker', en: 'quality officer' },
  medewerker: { nl: 'medewerker', en: 'staff member' },
  rvt: { nl: 'intern toezicht (RvT)', en: 'supervisory board' },
  mr: { nl: 'MR', en: 'participation council (MR)' },
  beheerder: { nl: 'beheerder', en: 'administrator' },
};

const roleGroup = (role: string, scope: 'tenant' | 'school' | 'any', language: Language): string => ROLE_GROUPS[role]?.[scope][language] ?? role;
const roleWord = (role: string, language: Language): string => ROLE_WORDS[role]?.[language] ?? role;
const capital = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

const MONTHS: Record<Language, string[]> = {
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** A name from Teams or typed, safe and short for a TextBlock. */
const nameText = (name: string): string => escapeMarkdown(cardName(name));
/** Text cut to `max` characters, with an ellipsis when cut. */
function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}
const typedText = (value: string, max: number): string => escapeMarkdown(shorten(value, max));

/** A list of names in one line, the first `max`, then "en nog N". */
function nameList(names: string[], language: Language, max = MAX_NAMES): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} ${text(language, 'andMore', { more: names.length - max })}` : shown;
}

/** How long each agenda item may be on a card, so that 30 of them still fit. */
const agendaLength = (count: number, budget: number): number => Math.max(AGENDA_MIN, Math.min(TABLE_LIMITS.agendaItem, Math.floor(budget / Math.max(1, count))));

const messageOf = (m: { text: string; tone: 'good' | 'warning' } | undefined) => ({ message: m?.text ?? '', messageStyle: m?.tone === 'good' ? 'good' : 'warning' });

// ---------------------------------------------------------------------------------------------------
// The overview

function nextLine(row: TableRow, language: Language): string {
  if (!row.next) return text(language, row.paused ? 'noMeetingPaused' : 'noDate');
  const when = formatMeetingMoment(row.next.startsAt, language);
  return text(language, row.next.confirmed ? 'nextConfirmed' : 'nextProposed', { when });
}

/** `overleg`: one row per table (name, school, rule, next date, rhythm word, Openen). */
export function renderOverview(cards: CardRenderer, input: OverviewInput): AdaptiveCard {
  const lang = input.language;
  const rows = input.tables.slice(0, MAX_OVERVIEW_ROWS);
  const more = (input.more ?? 0) + (input.tables.length - rows.length);
  const filter = input.schoolFilter ?? null;
  const showFilter = input.schools.length > 1 && (filter !== null || more > 0 || input.tables.length >= FILTER_FROM_TABLES);
  const empty =
    rows.length > 0
      ? ''
      : filter
        ? text(lang, 'overviewNoneFiltered', { school: nameText(filter.name) })
        : text(lang, input.canManage ? 'overviewNoneManage' : 'overviewNone');
  return cards.render('meetings.overview', {
    title: text(lang, 'overviewTitle'),
    intro: text(lang, input.canManage ? 'overviewIntroManage' : 'overviewIntro'),
    ...messageOf(input.message),
    filtered: filter && rows.length > 0 ? text(lang, 'overviewFiltered', { school: nameText(filter.name) }) : '',
    showFilter,
    filterLabel: text(lang, 'filterLabel'),
    filterValue: filter ? String(filter.id) : 'all',
    filterChoices: showFilter ? [{ title: text(lang, 'filterAll'), value: 'all' }, ...input.schools.map((s) => ({ title: cardName(s.name), value: String(s.id) }))] : [],
    filterButton: text(lang, 'filterButton'),
    empty,
    rows: rows.map((r) => ({
      id: r.publicId,
      name: nameText(r.name),
      rhythm: capital(describeRhythm(r.rhythm, lang)),
      rhythmColor: RHYTHM_COLORS[r.rhythm],
      place: `${r.schoolName ? nameText(r.schoolName) : text(lang, 'boardLevel')} · ${describeRule(r.rule, lang)}`,
      next: nextLine(r, lang),
    })),
    openLabel: text(lang, 'openButton'),
    more: more > 0 ? text(lang, showFilter ? 'overviewMore' : 'overviewMoreNoFilter', { more }) : '',
    canManage: input.canManage,
    addLabel: text(lang, 'addTable'),
  });
}

// ---------------------------------------------------------------------------------------------------
// One table

function chairText(chair: ChairSpec, language: Language): string {
  return chair.kind === 'person' ? nameText(chair.name || '?') : capital(roleWord(chair.role, language));
}

function memberLines(members: MemberSpec[], chair: ChairSpec, language: Language): string[] {
  return members.map((m) => {
    if (m.kind === 'role') return capital(roleGroup(m.role, m.scope, language));
    if (m.kind === 'external') return text(language, 'markExternal', { name: nameText(m.name) });
    const name = nameText(m.name || '?');
    return chair.kind === 'person' && chair.aadObjectId === m.aadObjectId ? text(language, 'markChair', { name }) : name;
  });
}

function nextFact(row: TableRow, language: Language): string {
  if (!row.next) return text(language, row.paused ? 'noMeetingPaused' : 'noDate');
  const when = formatMeetingMoment(row.next.startsAt, language);
  return row.next.confirmed ? when : text(language, 'nextFactProposed', { when });
}

function prepDaysText(days: number, language: Language): string {
  return days === 0 ? text(language, 'prepSameDay') : days === 1 ? text(language, 'prepOneDay') : text(language, 'prepDays', { days });
}

const HISTORY_KEYS = { held: 'historyHeld', notHeld: 'historyNotHeld', cancelled: 'historyCancelled' } as const satisfies Record<string, TextKey>;

/** One table: rhythm, rule, next meeting, who sits there, topics, the last meetings; managing for a kwaliteitsmedewerker or beheerder. */
export function renderTable(cards: CardRenderer, input: TableInput): AdaptiveCard {
  const lang = input.language;
  const t = input.table;
  const facts = [
    { title: text(lang, 'factRule'), value: capital(describeRule(t.rule, lang)) },
    { title: text(lang, 'factNext'), value: nextFact(t, lang) },
    { title: text(lang, 'factTime'), value: text(lang, 'timeAndLength', { time: t.time, end: clockPlus(t.time, t.durationMinutes), duration: durationText(t.durationMinutes, lang) }) },
    { title: text(lang, 'factPrep'), value: prepDaysText(t.prepDays, lang) },
    { title: text(lang, 'factChair'), value: chairText(t.chair, lang) },
    { title: text(lang, 'factLast'), value: t.lastHeld ? formatDay(t.lastHeld, lang) : text(lang, 'notYet') },
  ];
  if (t.outlookLinked) facts.push({ title: text(lang, 'factOutlook'), value: text(lang, 'outlookLinked') });
  const canRun = input.canRun ?? input.canManage;
  const canSetNext = canRun && !t.paused;
  const offerOutlook = canRun && !t.paused && !t.outlookLinked && input.outlookAvailable === true;
  const next = t.next;
  return cards.render('meetings.table', {
    id: t.publicId,
    kicker: text(lang, 'tableKicker', { place: t.schoolName ? nameText(t.schoolName) : text(lang, 'boardLevel').toLowerCase() }),
    title: escapeMarkdown(t.name),
    ...messageOf(input.message),
    rhythm: rhythmSentence(t, lang),
    rhythmColor: RHYTHM_COLORS[t.rhythm],
    facts,
    membersHeading: text(lang, 'membersHeading'),
    members: (t.members.length ? memberLines(t.members, t.chair, lang) : [text(lang, 'membersNone')]).map((line) => ({ line })),
    topicsHeading: text(lang, 'topicsHeading'),
    topics: t.topics.map((x) => ({ line: escapeMarkdown(x) })),
    historyHeading: input.history.length ? text(lang, 'historyHeading') : '',
    history: input.history.slice(0, HISTORY_ROWS).map((h) => ({
      line: text(lang, HISTORY_KEYS[h.status], { date: formatDay(h.startsAt, lang) }),
      decisions: h.decisions ? typedText(h.decisions, HISTORY_DECISIONS) : '',
    })),
    canSetNext,
    setNextHeading: text(lang, 'setNextHeading'),
    setNextIntro: next ? (next.confirmed ? text(lang, 'setNextConfirmed') : text(lang, 'setNextProposed', { when: formatMeetingMoment(next.startsAt, lang) })) : text(lang, 'setNextEmpty'),
    dateLabel: text(lang, 'dateLabel'),
    timeLabel: text(lang, 'timeLabel'),
    dateError: text(lang, 'dateError'),
    timeError: text(lang, 'timeError'),
    nextDate: next ? isoDay(next.startsAt) : '',
    nextTime: next ? clockTime(next.startsAt) : t.time,
    setNextButton: text(lang, 'setNextButton'),
    offerOutlook,
    outlookHeading: text(lang, 'outlookHeading'),
    outlookIntro: text(lang, t.rule.kind === 'everyNWeeks' ? 'outlookIntroSeries' : 'outlookIntroSingle'),
    outlookCreateButton: text(lang, 'outlookCreateButton'),
    outlookLinkButton: text(lang, 'outlookLinkButton'),
    outlookEventLabel: text(lang, 'outlookEventLabel'),
    outlookEventPlaceholder: text(lang, 'outlookEventPlaceholder'),
    outlookEventError: text(lang, 'outlookEventError'),
    outlookLinkSubmit: text(lang, 'outlookLinkSubmit'),
    canManage: input.canManage,
    editButton: text(lang, 'editButton'),
    pauseButton: text(lang, t.paused ? 'resumeButton' : 'pauseButton'),
    pauseTo: !t.paused,
    removeButton: text(lang, 'removeButton'),
    removeConfirm: text(lang, 'removeConfirm'),
    removeSubmit: text(lang, 'removeSubmit'),
    backButton: text(lang, 'backToOverview'),
  });
}

// ---------------------------------------------------------------------------------------------------
// The form

const RULE_KINDS: { kind: Rule['kind']; key: TextKey }[] = [
  { kind: 'everyNWeeks', key: 'ruleEveryNWeeks' },
  { kind: 'window', key: 'ruleWindow' },
  { kind: 'perSchoolYear', key: 'rulePerSchoolYear' },
  { kind: 'yearlyInMonths', key: 'ruleYearly' },
  { kind: 'dates', key: 'ruleDates' },
];

/** The form's input ids, in the order of the form: a problem for one of these shows under its field. */
export const TABLE_FORM_FIELDS = [
  'name',
  'school',
  'ruleKind',
  'weeks',
  'minWeeks',
  'maxWeeks',
  'times',
  'months',
  'dates',
  'time',
  'duration',
  'prepDays',
  'topics',
  'roles',
  'people',
  'externals',
  'chair',
  'nextDate',
  'nextTime',
] as const;

const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** A number input's value: the number typed, or nothing (an Input.Number holds no text). */
const numberValue = (value: string): number | null => (/^\s*\d{1,6}\s*$/.test(value) ? Number(value) : null);

/** Problems by field, and the ones for no field of this form (shown at the top). */
function problemsByField<F extends string>(problems: { field: string; text: string }[] | undefined, fields: readonly F[]) {
  const by = Object.fromEntries(fields.map((f) => [f, ''])) as Record<F, string>;
  const other: string[] = [];
  for (const p of problems ?? []) {
    if ((fields as readonly string[]).includes(p.field)) by[p.field as F] = by[p.field as F] ? `${by[p.field as F]} ${p.text}` : p.text;
    else other.push(p.text);
  }
  return { by, other };
}

/**
 * Person choices: the chosen ones first (named, also when no longer in the roster), then the roster
 * until there are `max` (the chosen are always all there).
 */
function personChoices(people: { aadObjectId: string; name: string }[], chosen: string[], max: number, language: Language, prefix = '') {
  const byId = new Map(people.map((p) => [p.aadObjectId, p.name]));
  const first = chosen.map((id) => ({ title: cardName(byId.get(id) || text(language, 'unknownPerson')), value: prefix + id }));
  const picked = new Set(chosen);
  const rest = people
    .filter((p) => !picked.has(p.aadObjectId))
    .slice(0, Math.max(0, max - first.length))
    .map((p) => ({ title: cardName(p.name), value: prefix + p.aadObjectId }));
  return [...first, ...rest];
}

/** Add or change a table. Typed values stay after a failed save; each problem shows under its field. */
export function renderTableForm(cards: CardRenderer, input: TableFormInput): AdaptiveCard {
  const lang = input.language;
  const v = input.values;
  const { by, other } = problemsByField(input.problems, TABLE_FORM_FIELDS);
  const chosenRoles = splitList(v.roles);
  const roleChoices = FORM_ROLES.flatMap((role) => SCOPES.map((scope) => ({ title: capital(roleGroup(role, scope, lang)), value: `${role}:${scope}` })));
  for (const r of chosenRoles) {
    const [role = '', scope = ''] = r.split(':');
    if (!roleChoices.some((c) => c.value === r) && ROLE_GROUPS[role] && (SCOPES as readonly string[]).includes(scope)) {
      roleChoices.push({ title: capital(roleGroup(role, scope as (typeof SCOPES)[number], lang)), value: r });
    }
  }
  const chosenPeople = splitList(v.people);
  const chairPerson = v.chair.startsWith('person:') ? v.chair.slice('person:'.length) : '';
  const chairRoles = [...FORM_ROLES, ...(v.chair === 'role:beheerder' ? ['beheerder'] : [])];
  // The chair is a role, or one of the people named at the table (or whoever chairs now).
  const chairChoices = [
    ...chairRoles.map((role) => ({ title: text(lang, 'chairRole', { role: roleWord(role, lang) }), value: `role:${role}` })),
    ...personChoices(input.people, [...new Set([...(chairPerson ? [chairPerson] : []), ...chosenPeople])].slice(0, MAX_CHAIR_PEOPLE), 0, lang, 'person:'),
  ];
  return cards.render('meetings.tableForm', {
    table: input.tablePublicId ?? '',
    isNew: input.tablePublicId === null,
    title: text(lang, input.tablePublicId === null ? 'formNewTitle' : 'formEditTitle'),
    intro: text(lang, 'formIntro'),
    problemsHeading: input.problems?.length ? text(lang, 'notSaved') : '',
    otherProblems: other.map((line) => ({ line })),
    p: by,
    labels: {
      name: text(lang, 'nameLabel'),
      namePlaceholder: text(lang, 'namePlaceholder'),
      school: text(lang, 'schoolLabel'),
      rule: text(lang, 'ruleLabel'),
      ruleHint: text(lang, 'ruleHint'),
      weeks: text(lang, 'weeksLabel'),
      minWeeks: text(lang, 'minWeeksLabel'),
      maxWeeks: text(lang, 'maxWeeksLabel'),
      times: text(lang, 'timesLabel'),
      months: text(lang, 'monthsLabel'),
      monthsPlaceholder: text(lang, 'monthsPlaceholder'),
      dates: text(lang, 'datesLabel'),
      datesPlaceholder: text(lang, 'datesPlaceholder'),
      time: text(lang, 'startTimeLabel'),
      duration: text(lang, 'durationLabel'),
      prepDays: text(lang, 'prepDaysLabel'),
      topics: text(lang, 'topicsLabel'),
      topicsPlaceholder: text(lang, 'topicsPlaceholder'),
      topicsHint: text(lang, 'topicsHint'),
      members: text(lang, 'membersLabel'),
      roles: text(lang, 'rolesLabel'),
      rolesPlaceholder: text(lang, 'rolesPlaceholder'),
      people: text(lang, 'peopleLabel'),
      peoplePlaceholder: text(lang, 'peoplePlaceholder'),
      externals: text(lang, 'externalsLabel'),
      externalsPlaceholder: text(lang, 'externalsPlaceholder'),
      externalsHint: text(lang, 'externalsHint'),
      chair: text(lang, 'chairLabel'),
      next: text(lang, 'nextLabel'),
      nextHint: text(lang, 'nextHint'),
      date: text(lang, 'dateLabel'),
      clock: text(lang, 'timeLabel'),
      save: text(lang, 'save'),
      cancel: text(lang, 'cancel'),
    },
    name: v.name,
    school: v.schoolId || 'board',
    schoolChoices: [{ title: text(lang, 'schoolBoard'), value: 'board' }, ...input.schools.map((s) => ({ title: cardName(s.name), value: String(s.id) }))],
    ruleKind: v.ruleKind,
    ruleChoices: RULE_KINDS.map((r) => ({ title: text(lang, r.key), value: r.kind })),
    weeks: numberValue(v.weeks),
    minWeeks: numberValue(v.minWeeks),
    maxWeeks: numberValue(v.maxWeeks),
    times: numberValue(v.times),
    months: splitList(v.months).join(','),
    monthChoices: MONTHS[lang].map((m, i) => ({ title: m, value: String(i + 1) })),
    dates: v.dates,
    time: v.time,
    duration: numberValue(v.durationMinutes),
    prepDays: numberValue(v.prepDays),
    topics: v.topics,
    roles: chosenRoles.join(','),
    roleChoices,
    people: chosenPeople.join(','),
    peopleChoices: personChoices(input.people, chosenPeople, FORM_PEOPLE_CHOICES, lang),
    externals: v.externals,
    chair: v.chair,
    chairChoices,
    nextDate: v.nextDate,
    nextTime: v.nextTime,
    limits: { name: TABLE_LIMITS.name, topics: TABLE_LIMITS.topics * (TABLE_LIMITS.topic + 1), prepDays: TABLE_LIMITS.prepDays, externals: EXTERNALS_MAX },
  });
}

// ---------------------------------------------------------------------------------------------------
// The prep card

function withLine(people: PrepInput['with'], language: Language): string {
  const names = people.map((p) => {
    const name = nameText(p.name);
    if (p.chair && p.external) return text(language, 'markChairExternal', { name });
    if (p.chair) return text(language, 'markChair', { name });
    if (p.external) return text(language, 'markExternal', { name });
    return name;
  });
  // The chair first: the one to tell things to.
  const chairFirst = [...names.filter((_, i) => people[i]!.chair), ...names.filter((_, i) => !people[i]!.chair)];
  return nameList(chairFirst, language);
}

function remindLine(at: Date, now: Date, language: Language): string {
  const day = DateTime.fromJSDate(at, { zone: ZONE }).startOf('day');
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const time = DateTime.fromJSDate(at, { zone: ZONE }).toFormat('H:mm');
  if (day.hasSame(today, 'day')) return text(language, 'remindToday', { time });
  if (day.hasSame(today.plus({ days: 1 }), 'day')) return text(language, 'remindTomorrow', { time });
  return text(language, 'remindOn', { when: formatMeetingMoment(at, language) });
}

function packParts(pack: PrepPack, language: Language) {
  const checklists = pack.checklists.slice(0, MAX_PACK_LINES).map((c) => {
    const open = Math.max(0, c.total - c.done - c.notApplicable);
    const line = text(language, 'packChecklist', { title: typedText(c.title, LIST_TITLE), done: c.done, total: c.total, na: c.notApplicable, open });
    return { line: c.overdue > 0 ? text(language, 'packChecklistOverdue', { line, overdue: c.overdue }) : line, color: c.overdue > 0 ? 'Attention' : 'Default' };
  });
  const surveys = pack.surveys.slice(0, MAX_PACK_LINES).map((s) => {
    const params = { title: typedText(s.title, LIST_TITLE), date: formatDay(s.closedAt, language) };
    return {
      line: s.responseRate === null ? text(language, 'packSurvey', params) : text(language, 'packSurveyRate', { ...params, rate: Math.round(s.responseRate) }),
      headline: s.headline ? typedText(s.headline, HEADLINE) : '',
    };
  });
  const actions = pack.actions.slice(0, MAX_PACK_LINES).map((a) => {
    const params = { title: typedText(a.title, LIST_TITLE), owner: nameText(a.ownerName || '?'), date: formatIsoDay(a.dueDate, language) };
    return { line: text(language, a.overdue ? 'packActionOverdue' : 'packAction', params), color: a.overdue ? 'Attention' : 'Default' };
  });
  const openActions = pack.actionCounts?.open ?? pack.actions.length;
  const more = (total: number, shown: number) => (total > shown ? text(language, 'packMore', { more: total - shown }) : '');
  return {
    checklists,
    checklistsMore: more(pack.checklists.length, checklists.length),
    surveys,
    surveysMore: more(pack.surveys.length, surveys.length),
    actions,
    actionCounts: pack.actionCounts ? text(language, 'packActionCounts', { open: pack.actionCounts.open, overdue: pack.actionCounts.overdue }) : '',
    actionCountsColor: pack.actionCounts && pack.actionCounts.overdue > 0 ? 'Attention' : 'Default',
    actionsMore: more(openActions, actions.length),
    showActions: actions.length > 0 || (pack.actionCounts?.open ?? 0) > 0,
  };
}

function agendaLines(agenda: { text: string; author: string; mine?: boolean }[], language: Language, budget: number) {
  const shown = agenda.slice(0, TABLE_LIMITS.agendaItems);
  const max = agendaLength(shown.length, budget);
  return {
    items: shown.map((a) => ({ line: typedText(a.text, max), by: a.mine ? text(language, 'agendaMine') : text(language, 'agendaBy', { name: nameText(a.author || '?') }) })),
    more: agenda.length > shown.length ? text(language, 'agendaMore', { more: agenda.length - shown.length }) : '',
  };
}

/** A member's 1:1 prep card for one meeting (and the chair's, with who is prepared and who cannot come). */
export function renderPrep(cards: CardRenderer, input: PrepInput): AdaptiveCard {
  const lang = input.language;
  const live = !input.state;
  const me = input.me;
  const end = new Date(input.startsAt.getTime() + input.durationMinutes * 60_000);
  const facts = [
    { title: text(lang, 'factWhen'), value: text(lang, 'whenLine', { when: formatMeetingMoment(input.startsAt, lang), end: clockTime(end), duration: durationText(input.durationMinutes, lang) }) },
    { title: text(lang, 'factWith'), value: withLine(input.with, lang) },
  ];
  const mine: { line: string; color: string }[] = [];
  if (live) {
    if (me.prepared) mine.push({ line: text(lang, 'mePrepared'), color: 'Good' });
    if (me.cannotCome) mine.push({ line: text(lang, me.isChair ? 'meCannotComeChair' : 'meCannotCome'), color: 'Warning' });
    if (me.remindAt && !me.prepared && !me.cannotCome) mine.push({ line: remindLine(me.remindAt, input.now, lang), color: 'Default' });
  }
  const chair = input.chairView && live ? input.chairView : null;
  const cannot = chair?.cannotCome ?? [];
  const pack = packParts(input.pack, lang);
  const packEmpty = pack.checklists.length === 0 && pack.surveys.length === 0 && !pack.showActions;
  const agenda = agendaLines(input.agenda, lang, AGENDA_CHARS);
  const card = cards.render('meetings.prep', {
    meeting: input.meetingPublicId,
    refreshUserId: input.refreshUserId ?? '',
    refreshLabel: text(lang, 'refreshLabel'),
    kicker: input.schoolName ? text(lang, 'prepKickerSchool', { school: nameText(input.schoolName) }) : text(lang, 'prepKicker'),
    title: escapeMarkdown(input.tableName),
    state: input.state === 'cancelled' ? text(lang, 'stateCancelled') : input.state === 'over' ? text(lang, 'stateOver') : '',
    ...messageOf(input.message),
    intro: live && !me.prepared && !me.cannotCome ? text(lang, 'prepIntro') : '',
    facts,
    mine,
    showChair: chair !== null,
    chairHeading: text(lang, 'chairHeading'),
    chairPrepared: chair ? (chair.prepared.length ? text(lang, 'chairPrepared', { names: nameList(chair.prepared.map(nameText), lang, MAX_CHAIR_NAMES) }) : text(lang, 'chairPreparedNobody')) : '',
    chairCannotHeading: cannot.length ? text(lang, 'chairCannotCome') : '',
    chairCannot: cannot.slice(0, MAX_CANNOT_COME).map((c) => ({
      line: c.reason ? text(lang, 'chairReason', { name: nameText(c.name), reason: typedText(c.reason, REASON_IN_CARD) }) : text(lang, 'chairNoReason', { name: nameText(c.name) }),
    })),
    chairCannotMore: cannot.length > MAX_CANNOT_COME ? text(lang, 'packMore', { more: cannot.length - MAX_CANNOT_COME }) : '',
    chairNoAnswer: chair && chair.noAnswer.length ? text(lang, 'chairNoAnswer', { names: nameList(chair.noAnswer.map(nameText), lang, MAX_CHAIR_NAMES) }) : '',
    topicsHeading: text(lang, 'topicsHeading'),
    topics: input.topics.map((x) => ({ line: escapeMarkdown(x) })),
    pdcaHeading: text(lang, 'pdcaHeading'),
    pdca: input.pdca.map((p) => ({ title: p.step, value: p.question })),
    packHeading: text(lang, 'packHeading'),
    packEmpty: packEmpty ? text(lang, 'packEmpty') : '',
    checklistsHeading: text(lang, 'packChecklists'),
    surveysHeading: text(lang, 'packSurveys'),
    actionsHeading: text(lang, 'packActions'),
    ...pack,
    agendaHeading: agenda.items.length || live ? text(lang, 'agendaHeading') : '',
    agendaNone: agenda.items.length || !live ? '' : text(lang, 'agendaNone'),
    agenda: agenda.items,
    agendaMore: agenda.more,
    live,
    showPrepared: live && !me.prepared && !me.cannotCome,
    showRemind: live && !me.prepared && !me.cannotCome && !me.remindAt,
    showCannotCome: live && !me.cannotCome,
    showSurvey: live && !!input.startSurvey,
    surveyTemplate: input.startSurvey?.template ?? '',
    showIcs: live && !!input.icsUrl,
    icsUrl: input.icsUrl ?? '',
    labels: {
      prepared: text(lang, 'preparedButton'),
      addAgenda: text(lang, 'addAgendaButton'),
      agenda: text(lang, 'agendaLabel'),
      agendaPlaceholder: text(lang, 'agendaPlaceholder'),
      agendaError: text(lang, 'agendaError'),
      agendaSubmit: text(lang, 'agendaSubmit'),
      remind: text(lang, 'remindButton'),
      cannotCome: text(lang, 'cannotComeButton'),
      cannotComeIntro: text(lang, me.isChair ? 'cannotComeIntroChair' : 'cannotComeIntro'),
      reason: text(lang, 'reasonLabel'),
      cannotComeSubmit: text(lang, 'cannotComeSubmit'),
      survey: text(lang, 'startSurveyButton'),
      surveyIntro: text(lang, 'startSurveyIntro'),
      ics: text(lang, 'icsButton'),
    },
    limits: { agenda: TABLE_LIMITS.agendaItem, reason: REASON_MAX },
  });
  // The refresh only for the member the card is for (Teams refreshes a card for the users listed).
  if (!input.refreshUserId) delete card.refresh;
  return card;
}

// ---------------------------------------------------------------------------------------------------
// The follow-up card

/** The follow-up form's input ids: a problem for one of these shows under its field. */
export const FOLLOW_UP_FIELDS = ['held', 'decisions', 'nextDate', 'nextTime', 'a1Title', 'a1Owner', 'a1Due', 'a2Title', 'a2Owner', 'a2Due', 'a3Title', 'a3Owner', 'a3Due'] as const;

/** The chair's card after the meeting: the form (held, decisions, next date, up to three actions), or what was recorded. */
export function renderFollowUp(cards: CardRenderer, input: FollowUpInput): AdaptiveCard {
  const lang = input.language;
  const v = input.values;
  const { by, other } = problemsByField(input.problems, FOLLOW_UP_FIELDS);
  const agenda = agendaLines(input.agenda, lang, AGENDA_CHARS_FOLLOW_UP);
  const r = input.recorded;
  const field = (id: string): string => (by as Record<string, string>)[id] ?? '';
  const actions = Array.from({ length: TABLE_LIMITS.followUpActions }, (_, i) => {
    const n = i + 1;
    const a = v?.actions[i] ?? { title: '', owner: '', due: '' };
    const key = `a${n}` as const;
    return {
      n,
      heading: text(lang, 'actionN', { n }),
      titleId: `${key}Title`,
      ownerId: `${key}Owner`,
      dueId: `${key}Due`,
      title: a.title,
      owner: a.owner,
      due: a.due,
      choices: personChoices(input.people, a.owner ? [a.owner] : [], FOLLOW_UP_OWNER_CHOICES, lang),
      titleProblem: field(`${key}Title`),
      ownerProblem: field(`${key}Owner`),
      dueProblem: field(`${key}Due`),
    };
  });
  return cards.render('meetings.followUp', {
    meeting: input.meetingPublicId,
    kicker: input.schoolName ? text(lang, 'followUpKickerSchool', { school: nameText(input.schoolName) }) : text(lang, 'followUpKicker'),
    title: escapeMarkdown(input.tableName),
    when: formatMeetingMoment(input.startsAt, lang),
    recorded: !!r,
    form: !r,
    intro: text(lang, 'followUpIntro'),
    problemsHeading: input.problems?.length ? text(lang, 'notRecorded') : '',
    otherProblems: other.map((line) => ({ line })),
    p: by,
    heldLabel: text(lang, 'heldLabel'),
    heldError: text(lang, 'heldError'),
    held: v?.held ?? '',
    heldChoices: [
      { title: text(lang, 'heldYes'), value: 'yes' },
      { title: text(lang, 'heldNo'), value: 'no' },
    ],
    decisionsLabel: text(lang, 'decisionsLabel'),
    decisionsPlaceholder: text(lang, 'decisionsPlaceholder'),
    decisions: v?.decisions ?? '',
    decisionsMax: TABLE_LIMITS.decisions,
    agendaHeading: agenda.items.length ? text(lang, 'followUpAgenda') : '',
    agenda: agenda.items,
    agendaMore: agenda.more,
    nextHeading: text(lang, 'nextHeading'),
    nextHint: input.proposedNext ? text(lang, 'nextHintProposed') : text(lang, 'nextHint'),
    dateLabel: text(lang, 'dateLabel'),
    timeLabel: text(lang, 'timeLabel'),
    nextDate: v?.nextDate ?? input.proposedNext?.date ?? '',
    nextTime: v?.nextTime ?? input.proposedNext?.time ?? '',
    actionsHeading: text(lang, 'actionsHeading'),
    actionsIntro: text(lang, 'actionsIntro'),
    actionTitleLabel: text(lang, 'actionTitleLabel'),
    actionOwnerLabel: text(lang, 'actionOwnerLabel'),
    actionOwnerPlaceholder: text(lang, 'actionOwnerPlaceholder'),
    actionDueLabel: text(lang, 'actionDueLabel'),
    actions,
    recordLabel: text(lang, 'recordButton'),
    // What was recorded.
    recordedBy: r ? text(lang, 'recordedBy', { name: nameText(r.by || '?') }) : '',
    recordedFacts: r
      ? [
          { title: text(lang, 'recHeld'), value: text(lang, r.held ? 'recHeldYes' : 'recHeldNo') },
          { title: text(lang, 'nextHeading'), value: r.next ? formatMeetingMoment(r.next, lang) : text(lang, 'noDate') },
        ]
      : [],
    recDecisionsHeading: text(lang, 'recDecisions'),
    recDecisions: r ? (r.decisions ? escapeMarkdown(r.decisions) : text(lang, 'recNone')) : '',
    recActionsHeading: r && r.actions.length ? text(lang, 'recActions') : '',
    recActions: (r?.actions ?? []).map((x) => ({ line: escapeMarkdown(x) })),
    reopenLabel: text(lang, 'reopenButton'),
  });
}

// ---------------------------------------------------------------------------------------------------
// The rhythm warning and the chair's notice

/** The quality officer's warning that a table's rhythm is about to break, with the date to set. */
export function renderRhythmWarning(cards: CardRenderer, input: RhythmWarningInput): AdaptiveCard {
  const lang = input.language;
  const rule = describeRule(input.rule, lang);
  const situation =
    input.windowStart && input.windowEnd
      ? text(lang, 'warningWindow', { rule, start: formatIsoDay(input.windowStart, lang), end: formatIsoDay(input.windowEnd, lang) })
      : input.windowEnd
        ? text(lang, 'warningEnd', { rule, end: formatIsoDay(input.windowEnd, lang) })
        : text(lang, 'warningPlain', { rule });
  return cards.render('meetings.rhythmWarning', {
    table: input.tablePublicId,
    kicker: text(lang, 'warningKicker'),
    title: escapeMarkdown(input.tableName),
    place: input.schoolName ? nameText(input.schoolName) : text(lang, 'boardLevel'),
    situation,
    lastHeld: input.lastHeld ? text(lang, 'warningLastHeld', { date: formatDay(input.lastHeld, lang) }) : text(lang, 'warningNeverHeld'),
    proposal: input.proposed ? text(lang, 'warningProposed', { when: formatMeetingMoment(input.proposed, lang) }) : text(lang, 'setNextEmpty'),
    dateLabel: text(lang, 'dateLabel'),
    timeLabel: text(lang, 'timeLabel'),
    dateError: text(lang, 'dateError'),
    timeError: text(lang, 'timeError'),
    nextDate: input.proposed ? isoDay(input.proposed) : '',
    nextTime: input.proposed ? clockTime(input.proposed) : '',
    setLabel: text(lang, 'setNextButton'),
    openLabel: text(lang, 'openTableButton'),
  });
}

/** The chair's notice that a member cannot come, with their reason. */
export function renderCannotCome(cards: CardRenderer, input: CannotComeInput): AdaptiveCard {
  const lang = input.language;
  return cards.render('meetings.cannotCome', {
    meeting: input.meetingPublicId,
    title: text(lang, 'cannotComeTitle', { person: nameText(input.person) }),
    line: text(lang, 'cannotComeLine', { table: escapeMarkdown(input.tableName), when: formatMeetingMoment(input.startsAt, lang) }),
    reason: input.reason ? text(lang, 'cannotComeReason', { reason: typedText(input.reason, REASON_MAX) }) : text(lang, 'cannotComeNoReason'),
    whoLabel: text(lang, 'whoComesButton'),
  });
}

// ---------------------------------------------------------------------------------------------------
// The text for members outside the tenant

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
/** One line of plain text: no line breaks smuggled in from a name or an item. */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * The prep as an email to members outside the tenant (Mail.Send), or the text the chair forwards when
 * Graph cannot mail: subject, an HTML body and the same in plain text. Nothing from Cadans itself (no
 * links, no ids): the reader is not in the tenant.
 */
export function externalPrepText(input: ExternalPrepInput): { subject: string; html: string; plain: string } {
  const lang = input.language;
  const when = formatMeetingMoment(input.startsAt, lang);
  const table = oneLine(input.tableName);
  const one = input.recipients.length === 1 ? input.recipients[0]! : null;
  const greeting = one ? text(lang, 'extGreetingOne', { name: oneLine(one.name) }) : text(lang, 'extGreetingMany');
  const introParams = { when, table, duration: durationText(input.durationMinutes, lang), school: oneLine(input.schoolName ?? '') };
  const intro = input.schoolName ? text(lang, 'extIntroSchool', introParams) : text(lang, 'extIntro', introParams);
  const topics = input.topics.map(oneLine);
  const pdca = input.pdca.map((p) => `${oneLine(p.step)}: ${oneLine(p.question)}`);
  const agenda = input.agenda.map((a) => text(lang, 'extAgendaItem', { text: oneLine(a.text), author: oneLine(a.author) }));
  const sections: { heading: string; items: string[] }[] = [
    { heading: text(lang, 'topicsHeading'), items: topics },
    { heading: text(lang, 'pdcaHeading'), items: pdca },
    ...(agenda.length ? [{ heading: text(lang, 'agendaHeading'), items: agenda }] : []),
  ];
  const closing = text(lang, 'extClosing');
  const plain = [greeting, '', intro, ...sections.flatMap((s) => ['', `${s.heading}:`, ...s.items.map((i) => `- ${i}`)]), '', closing, ''].join('\n');
  const body = [
    `<p>${html(greeting)}</p>`,
    `<p>${html(intro)}</p>`,
    ...sections.map((s) => `<p><strong>${html(s.heading)}</strong></p><ul>${s.items.map((i) => `<li>${html(i)}</li>`).join('')}</ul>`),
    `<p>${html(closing)}</p>`,
  ].join('\n');
  return { subject: text(lang, 'extSubject', { table, when }), html: `<html><body>\n${body}\n</body></html>`, plain };
}
