// The replacement of an erased person's identifiers and name in texts and JSON that stay (src/privacy/scrub.ts).
import { describe, expect, it } from 'vitest';
import { likePatterns, mentions, personScrub, scrubJson, scrubText } from '../../src/privacy/scrub.js';

const jan = personScrub({
  aadObjectId: '7eae56fa-789a-482d-87fb-305372d18109',
  teamsUserId: '29:1-abc_DEF',
  name: 'Jan de Vries',
  email: 'jan.devries@school.example',
  pseudonym: 'verwijderd-0123456789abcdef',
  label: 'verwijderde gebruiker',
});

describe('scrub', () => {
  it.each([
    ['Gedaan door Jan de Vries', 'Gedaan door verwijderde gebruiker'],
    ['gedaan door JAN DE VRIES.', 'gedaan door verwijderde gebruiker.'],
    ['Jan de Vriesland is iemand anders', 'Jan de Vriesland is iemand anders'],
    ['mail jan.devries@school.example', 'mail verwijderde gebruiker'],
    ['owner:7eae56fa-789a-482d-87fb-305372d18109:due', 'owner:verwijderd-0123456789abcdef:due'],
    ['user:t1:29:1-abc_DEF', 'user:t1:verwijderd-0123456789abcdef'],
    ['29:1-abc_DEFG is another id', '29:1-abc_DEFG is another id'],
  ])('%s', (input, output) => {
    expect(scrubText(input, jan)).toBe(output);
  });

  it('walks every string of a JSON value, keys too, and leaves other values', () => {
    const v = { owner: { id: '7eae56fa-789a-482d-87fb-305372d18109', name: 'Jan de Vries', n: 3, ok: true }, members: ['Jan de Vries', 'Piet'], ['29:1-abc_DEF']: null };
    expect(scrubJson(v, jan)).toEqual({ owner: { id: 'verwijderd-0123456789abcdef', name: 'verwijderde gebruiker', n: 3, ok: true }, members: ['verwijderde gebruiker', 'Piet'], 'verwijderd-0123456789abcdef': null });
    expect(mentions(JSON.stringify(v), jan)).toBe(true);
    expect(mentions('Piet', jan)).toBe(false);
  });

  it('finds candidate rows with LIKE patterns (lower case, wildcards escaped)', () => {
    expect(likePatterns(jan)).toEqual(expect.arrayContaining(['%jan de vries%', '%29:1-abc\\_def%', '%jan.devries@school.example%']));
  });

  it('skips needles shorter than two characters', () => {
    const x = personScrub({ aadObjectId: 'a1', teamsUserId: null, name: 'J', email: null, pseudonym: 'p', label: 'l' });
    expect(scrubText('J and a1', x)).toBe('J and p');
  });
});
