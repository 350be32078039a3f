import type { StringKey } from './cards/i18n.js';

/** An expected failure with a safe message for the user. Becomes a friendly card, never a stack trace. */
export type DomainErrorKind = 'notAllowed' | 'invalid' | 'stale' | 'notFound' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly titleKey: StringKey,
    readonly textKey: StringKey,
    readonly params: Record<string, string | number> = {},
    detail?: string,
  ) {
    super(detail ?? kind);
    this.name = 'DomainError';
  }
}

export const notAllowed = (detail?: string) => new DomainError('notAllowed', 'notAllowedTitle', 'notAllowedText', {}, detail);
export const invalidInput = (detail?: string) => new DomainError('invalid', 'invalidTitle', 'invalidText', {}, detail);
export const staleCard = (detail?: string) => new DomainError('stale', 'staleTitle', 'staleText', {}, detail);
