// Signed download tokens: who holds one gets that one file until it expires, and nothing else.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createExportToken, DEFAULT_LINK_LIFETIME_MS, MAX_TOKEN_LENGTH, verifyExportToken, type LinkClaims } from '../../src/exports/signed-links.js';

const SECRET = 'test-only-export-signing-secret-0123456789';
const NOW = new Date('2027-03-01T10:00:00Z');
const TENANT_A = '11111111-2222-4333-8444-555555555555';
const TENANT_B = '99999999-8888-4777-8666-555555555555';

const claims = (over: Partial<LinkClaims> = {}): LinkClaims => ({
  tenantId: TENANT_A,
  kind: 'checklist',
  params: { checklistId: 7 },
  format: 'xlsx',
  expiresAt: new Date(NOW.getTime() + DEFAULT_LINK_LIFETIME_MS),
  ...over,
});

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
const withPayload = (token: string, payload: unknown) => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${token.split('.')[1]}`;
/** A token as Cadans made them before download kinds (v 1), signed with the same context. */
function v1Token(secret: string, payload: Record<string, unknown>): string {
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${p}.${createHmac('sha256', secret).update('cadans.export.v1.').update(p).digest('base64url')}`;
}

describe('signed export links', () => {
  it('opens the file the link was made for', () => {
    const token = createExportToken(SECRET, claims());
    expect(verifyExportToken(SECRET, token, NOW)).toEqual({ ok: true, claims: { ...claims(), expiresAt: new Date('2027-03-01T10:15:00Z') } });
  });

  it('works for fifteen minutes and then says it has expired', () => {
    const token = createExportToken(SECRET, claims());
    expect(DEFAULT_LINK_LIFETIME_MS).toBe(15 * 60_000);
    expect(verifyExportToken(SECRET, token, new Date('2027-03-01T10:14:59Z')).ok).toBe(true);
    expect(verifyExportToken(SECRET, token, new Date('2027-03-01T10:15:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link whose params, kind, tenant, format or expiry was changed', () => {
    const token = createExportToken(SECRET, claims());
    const p = payloadOf(token);
    for (const changed of [{ ...p, p: { checklistId: 8 } }, { ...p, k: 'survey' }, { ...p, tid: TENANT_B }, { ...p, fmt: 'csv' }, { ...p, exp: p.exp + 86_400 }]) {
      expect(verifyExportToken(SECRET, withPayload(token, changed), NOW)).toEqual({ ok: false, reason: 'badSignature' });
    }
  });

  it("cannot be made for another tenant's checklist without the secret", () => {
    // Someone who knows the token format and a checklist id of another school board signs with a guess.
    const forged = createExportToken('a-guess-at-the-secret-that-is-long-enough', claims({ tenantId: TENANT_B, params: { checklistId: 1 } }));
    expect(verifyExportToken(SECRET, forged, NOW)).toEqual({ ok: false, reason: 'badSignature' });
    // Nor by signing the payload without the context the real signature includes.
    const payload = Buffer.from(JSON.stringify({ v: 2, tid: TENANT_B, k: 'checklist', p: { checklistId: 1 }, fmt: 'xlsx', exp: 2_000_000_000 })).toString('base64url');
    const bare = `${payload}.${createHmac('sha256', 'not-the-secret-but-long-enough-000000').update(payload).digest('base64url')}`;
    expect(verifyExportToken(SECRET, bare, NOW)).toEqual({ ok: false, reason: 'badSignature' });
  });

  it('stops working everywhere once the secret is changed', () => {
    const token = createExportToken(SECRET, claims());
    expect(verifyExportToken(`${SECRET}-rotated`, token, NOW)).toEqual({ ok: false, reason: 'badSignature' });
  });

  it('makes every link a link of its own, also for the same file in the same second', () => {
    const a = createExportToken(SECRET, claims());
    const b = createExportToken(SECRET, claims());
    expect(a).not.toBe(b);
    expect(payloadOf(a).n).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(verifyExportToken(SECRET, b, NOW)).toMatchObject({ ok: true });
  });

  it('names no person and carries nothing secret: only the kind and its ids, the format, the expiry and a random link id', () => {
    const token = createExportToken(SECRET, claims());
    expect(Object.keys(payloadOf(token)).sort()).toEqual(['exp', 'fmt', 'k', 'n', 'p', 'tid', 'v']);
    expect(payloadOf(token)).toMatchObject({ v: 2, tid: TENANT_A, k: 'checklist', p: { checklistId: 7 }, fmt: 'xlsx' });
    expect(token).not.toContain(SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['nothing', ''],
    ['a word', 'garbage'],
    ['two dots', 'a.b.c'],
    ['a short signature', 'eyJ2IjoxfQ.abc'],
    ['padding', `eyJ2IjoxfQ.${'A'.repeat(42)}=`],
    ['stray bits in the last signature character', `eyJ2IjoxfQ.${'A'.repeat(42)}B`],
    ['something very long', `${'A'.repeat(5_000)}.${'A'.repeat(43)}`],
    ['not a string', 42],
  ])('calls %s malformed without throwing', (_name, token) => {
    expect(verifyExportToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls a correctly signed but unreadable payload malformed', () => {
    // Only someone with the secret could make this; still an answer, not an exception.
    const payload = Buffer.from('{"v":1,"tid":').toString('base64url');
    const token = `${payload}.${createHmac('sha256', SECRET).update('cadans.export.v1.').update(payload).digest('base64url')}`;
    expect(verifyExportToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('still opens a link made before download kinds, as a link without a kind carrying the checklist id', () => {
    const token = v1Token(SECRET, { v: 1, tid: TENANT_A, cid: 7, fmt: 'csv', exp: NOW.getTime() / 1000 + 900, n: 'AAAAAAAAAAA' });
    expect(verifyExportToken(SECRET, token, NOW)).toEqual({
      ok: true,
      claims: { tenantId: TENANT_A, kind: null, params: { cid: 7 }, format: 'csv', expiresAt: new Date('2027-03-01T10:15:00Z') },
    });
  });

  it('calls a correctly signed payload of an unknown version, or without a kind, malformed', () => {
    const exp = NOW.getTime() / 1000 + 900;
    for (const payload of [
      { v: 3, tid: TENANT_A, k: 'checklist', p: { checklistId: 7 }, fmt: 'csv', exp },
      { v: 2, tid: TENANT_A, p: { checklistId: 7 }, fmt: 'csv', exp },
      { v: 2, tid: TENANT_A, k: 'Checklist!', p: {}, fmt: 'csv', exp },
      { v: 2, tid: TENANT_A, k: 'checklist', p: [7], fmt: 'csv', exp },
      { v: 1, tid: TENANT_A, cid: -7, fmt: 'csv', exp },
    ]) {
      expect(verifyExportToken(SECRET, v1Token(SECRET, payload), NOW), JSON.stringify(payload)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses to make a link whose params make it longer than a link may be', () => {
    expect(() => createExportToken(SECRET, claims({ params: { ids: Array.from({ length: 200 }, (_, i) => i) } }))).toThrow(new RegExp(`at most ${MAX_TOKEN_LENGTH}`));
  });

  it('refuses to sign with a secret shorter than 32 characters', () => {
    expect(() => createExportToken('short', claims())).toThrow(/at least 32/);
  });
});
