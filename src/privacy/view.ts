// The privacy cards (docs/privacy.md), Dutch and English.
import type { Language } from '../config.js';
import type { AdaptiveCard, CardRenderer } from '../cards/render.js';
import { cardName, escapeMarkdown } from '../cards/text.js';

const MAX_PEOPLE_CHOICES = 100;

export function renderPrivacyHome(
  cards: CardRenderer,
  language: Language,
  o: { manage: boolean; people: { aadObjectId: string; name: string }[]; message?: string; personValue?: string; idValue?: string },
): AdaptiveCard {
  const nl = language === 'nl';
  return cards.render('privacy.home', {
    title: nl ? 'Privacy: jouw gegevens in Cadans' : 'Privacy: your data in Cadans',
    intro: nl
      ? 'Cadans bewaart alleen wat de kwaliteitscyclus nodig heeft: je naam en e-mailadres uit Teams, je rollen, wat je in checklists, overleggen en verbeteracties doet, en of je een peiling hebt beantwoord (anonieme antwoorden zijn aan niemand te koppelen). Hieronder download je alles wat Cadans over jou bewaart. Wil je dat iets gewist wordt? Vraag het een beheerder van Cadans.'
      : 'Cadans keeps only what the quality cycle needs: your name and email address from Teams, your roles, what you do in checklists, meetings and improvement actions, and whether you answered a survey (anonymous answers cannot be linked to anyone). Below you can download everything Cadans keeps about you. Want something erased? Ask a Cadans beheerder (administrator).',
    message: o.message ?? '',
    ownExport: nl ? 'Mijn gegevens downloaden' : 'Download my data',
    manage: o.manage,
    manageHeading: nl ? 'Een verzoek van iemand anders' : "Someone else's request",
    manageText: nl
      ? 'Als beheerder exporteer of wis je de gegevens van iemand die daarom vraagt (inzage of vergetelheid). Zoek de persoon op naam, of vul het Entra-object-id in van iemand die niet meer in de lijst staat.'
      : 'As a beheerder you export or erase the data of someone who asks for it (access or erasure). Search for the person by name, or enter the Entra object id of someone no longer in the list.',
    personLabel: nl ? 'Persoon' : 'Person',
    personPlaceholder: nl ? 'Zoek op naam' : 'Search by name',
    personValue: o.personValue ?? '',
    people: o.people.slice(0, MAX_PEOPLE_CHOICES).map((p) => ({ id: p.aadObjectId, name: cardName(p.name) })),
    idLabel: nl ? 'Of: Entra-object-id' : 'Or: Entra object id',
    idValue: o.idValue ?? '',
    emailLabel: nl ? 'E-mailadres (optioneel, om ook dat overal te vervangen)' : 'Email address (optional, to replace that everywhere too)',
    exportPerson: nl ? 'Gegevens exporteren' : 'Export data',
    erasePerson: nl ? 'Gegevens wissen…' : 'Erase data…',
  });
}

export function renderPrivacyLink(cards: CardRenderer, language: Language, o: { own: boolean; name: string; url: string }): AdaptiveCard {
  const nl = language === 'nl';
  const who = escapeMarkdown(o.name);
  return cards.render('privacy.link', {
    title: o.own ? (nl ? 'Jouw gegevens' : 'Your data') : nl ? `Gegevens van ${who}` : `Data of ${who}`,
    text: o.own
      ? nl
        ? 'Een JSON-bestand met alles wat Cadans over jou bewaart, per onderdeel. De link werkt 15 minuten; deel hem niet.'
        : 'A JSON file with everything Cadans keeps about you, per part. The link works for 15 minutes; do not share it.'
      : nl
        ? 'Een JSON-bestand met alles wat Cadans over deze persoon bewaart, per onderdeel. De link werkt 15 minuten: download het bestand en geef het via een veilige weg aan de persoon die erom vroeg. Deze export is vastgelegd.'
        : 'A JSON file with everything Cadans keeps about this person, per part. The link works for 15 minutes: download the file and hand it to the person who asked through a safe channel. This export has been recorded.',
    download: nl ? 'Downloaden (.json)' : 'Download (.json)',
    url: o.url,
    back: nl ? 'Terug' : 'Back',
  });
}

export function renderEraseConfirm(cards: CardRenderer, language: Language, o: { name: string; aadObjectId: string; email: string }): AdaptiveCard {
  const nl = language === 'nl';
  const who = o.name ? escapeMarkdown(o.name) : nl ? 'deze persoon' : 'this person';
  return cards.render('privacy.confirm', {
    title: nl ? `Gegevens van ${who} wissen?` : `Erase the data of ${who}?`,
    text: nl ? 'Dit gebeurt er, in één keer:' : 'This happens, all at once:',
    bullets: nl
      ? [
          '- de persoon, de rollen, de persoonlijke chat met Cadans en wat nog verstuurd moest worden, verdwijnen;',
          '- waar de geschiedenis leesbaar moet blijven (wie stap 3 afvinkte, wie een verbeteractie heeft), staat voortaan "verwijderde gebruiker" en een willekeurige code die niet naar de persoon terugleidt; kaarten in kanalen worden bijgewerkt;',
          '- niet-anonieme antwoorden op peilingen worden gewist; anonieme antwoorden blijven, want die zijn aan niemand te koppelen;',
          '- komt de persoon later weer in Teams bij Cadans, dan begint die als nieuw.',
        ].join('\n')
      : [
          '- the person, their roles, their personal chat with Cadans and whatever was still to be sent to them go;',
          '- where history must stay readable (who ticked step 3, who owns an improvement action) it says "deleted user" from now on, with a random code that does not lead back to the person; cards in channels are updated;',
          '- non-anonymous survey answers are erased; anonymous answers stay, as they cannot be linked to anyone;',
          '- if the person uses Cadans in Teams again later, they start afresh.',
        ].join('\n'),
    warning: nl ? 'Dit kan niet ongedaan worden gemaakt. Exporteer eerst als de persoon ook om inzage vroeg.' : 'This cannot be undone. Export first if the person also asked for a copy.',
    confirm: nl ? 'Definitief wissen' : 'Erase for good',
    cancel: nl ? 'Annuleren' : 'Cancel',
    person: o.aadObjectId,
    email: o.email,
    emailNote: o.email
      ? nl
        ? `Ook het e-mailadres ${escapeMarkdown(o.email)} wordt overal vervangen (adreslijsten van peilingen, externe leden van overleggen, notities).`
        : `The email address ${escapeMarkdown(o.email)} is replaced everywhere too (survey address lists, external meeting members, notes).`
      : nl
        ? 'Geen e-mailadres opgegeven: staat de persoon met een e-mailadres in een adreslijst van een peiling of als extern lid bij een overleg, ga dan terug en vul het in.'
        : 'No email address given: if the person is in a survey address list or an external meeting member by email, go back and fill it in.',
  });
}

const SECTION_NAMES: Record<string, { nl: string; en: string }> = {
  people: { nl: 'Persoon, rollen en logboek', en: 'Person, roles and audit log' },
  checklists: { nl: 'Checklists', en: 'Checklists' },
  improvementActions: { nl: 'Verbeteracties', en: 'Improvement actions' },
  surveys: { nl: 'Peilingen', en: 'Surveys' },
  meetings: { nl: 'Overleggen', en: 'Meetings' },
  outbox: { nl: 'Te versturen en verstuurde berichten', en: 'Messages to send and sent' },
  conversations: { nl: 'Gesprekken met Cadans', en: 'Conversations with Cadans' },
  jobs: { nl: 'Geplande taken', en: 'Scheduled jobs' },
};

export function renderEraseDone(cards: CardRenderer, language: Language, counts: Record<string, number>): AdaptiveCard {
  const nl = language === 'nl';
  return cards.render('privacy.done', {
    title: nl ? 'Gegevens gewist' : 'Data erased',
    text: nl
      ? 'Alles van deze persoon is verwijderd, of vervangen door "verwijderde gebruiker" waar de geschiedenis leesbaar moet blijven. Het wissen is in het logboek vastgelegd, zonder naam. Aantal gewijzigde of verwijderde regels per onderdeel:'
      : 'Everything of this person has been removed, or replaced by "deleted user" where history must stay readable. The erasure is in the audit log, without a name. Rows changed or removed per part:',
    counts: Object.entries(counts).map(([section, n]) => ({ title: SECTION_NAMES[section]?.[language] ?? section, value: String(n) })),
    back: nl ? 'Terug' : 'Back',
  });
}
