// Members, chairs and rules as stored (jsonb) and as forms send them, checked with zod on the way in
// and out: stored JSON is data, not trusted code.
import { z } from 'zod';
import { isRole, type Role } from '../people/feature.js';
import { RuleSchema, type Rule } from '../schedule/index.js';
import type { ChairSpec, MemberSpec } from './model.js';

export const MemberSpecSchema: z.ZodType<MemberSpec> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('role'), role: z.string().refine(isRole).transform((r) => r as Role), scope: z.enum(['tenant', 'school', 'any']) }).strict(),
  z.object({ kind: z.literal('person'), aadObjectId: z.string().min(1).max(64), name: z.string().max(256) }).strict(),
  z.object({ kind: z.literal('external'), name: z.string().min(1).max(120), email: z.string().email().max(254) }).strict(),
]) as unknown as z.ZodType<MemberSpec>;

export const ChairSpecSchema: z.ZodType<ChairSpec> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('role'), role: z.string().refine(isRole).transform((r) => r as Role) }).strict(),
  z.object({ kind: z.literal('person'), aadObjectId: z.string().min(1).max(64), name: z.string().max(256) }).strict(),
]) as unknown as z.ZodType<ChairSpec>;

/** Stored members, checked on the way out (stored JSON is data): unknown shapes are left out. */
export function toMembers(raw: unknown): MemberSpec[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((m) => {
    const r = MemberSpecSchema.safeParse(m);
    return r.success ? [r.data] : [];
  });
}

export function toChair(raw: unknown, fallback: ChairSpec): ChairSpec {
  const r = ChairSpecSchema.safeParse(raw);
  return r.success ? r.data : fallback;
}

export function toRule(raw: unknown): Rule | null {
  const r = RuleSchema.safeParse(raw);
  return r.success ? (r.data as Rule) : null;
}

