// Action data as cards send it: every Action.Execute carries a version `v`. Cards in channels
// outlive releases, so a verb keeps parsers for the versions still out there; an unknown version is
// a stale card, anything else malformed is invalid input. Neither changes anything.
import { z } from 'zod';
import { invalidInput, staleCard } from './errors.js';

export function parseActionData<T extends z.ZodTypeAny>(schema: T, data: unknown, versions: readonly number[] = [1]): z.output<T> {
  const v = (data as { v?: unknown } | null)?.v;
  if (typeof v !== 'number' || !versions.includes(v)) throw staleCard(`action data version ${String(v)}`);
  const r = schema.safeParse(data);
  if (!r.success) throw invalidInput(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

/** A whole number in a card's data (a number, or digits as text), within bounds the database can hold. */
export function boundedInt(min: number, max: number) {
  return z.union([z.number(), z.string().regex(/^\d{1,16}$/).transform(Number)]).pipe(z.number().int().min(min).max(max));
}

/** Database ids (bigserial) as cards carry them: 1 up to 2^53 - 1, beyond which JavaScript numbers are not exact. */
export const dbId = boundedInt(1, Number.MAX_SAFE_INTEGER);
