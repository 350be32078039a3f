import type { Language } from '../config.js';
import { en } from './strings-en.js';
import { nl, type StringKey } from './strings-nl.js';
import { fillText } from './text.js';

export type { StringKey };
export type Strings = Readonly<Record<StringKey, string>>;
export const STRINGS: Readonly<Record<Language, Strings>> = { nl, en };

/** nl-* locales get Dutch, every other locale English. */
export function toLanguage(locale: string | undefined | null, fallback: Language = 'en'): Language {
  if (!locale) return fallback;
  return /^nl(?:[-_]|$)/i.test(locale.trim()) ? 'nl' : 'en';
}

export type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

export function createTranslator(language: Language): Translate {
  const table = STRINGS[language];
  return (key, params) => {
    const text = table[key];
    if (!params) return text;
    return fillText(text, params);
  };
}
