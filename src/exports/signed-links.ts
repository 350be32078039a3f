// Signed, expiring download tokens. A token names a tenant, a checklist, a format and when it
// expires, and carries an HMAC-SHA256 over exactly those bytes: whoever holds the link may download
// that one file until it expires, and nobody can change what it points at. The payload is readable
// (base64url JSON), so it holds no secrets and names no person: only ids.
//
//   <payload>.<signature>   payload = base64url({"v":1,"tid":…,"cid":…,"fmt":"xlsx","exp":<unix s>,"n":<random>})
//   n: 8 random bytes, so every link is a link of its own (downloads are counted per link).
//                           signature = base64url(HMAC-SHA256(secret, "cadans.export.v1." + payload))
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** How long a link works when nobody says otherwise. */
export const DEFAULT_LINK_LIFETIME_MS = 15 * 60 * 1000;
export const MIN_SECRET_LENGTH = 32;

export interface ExportClaims {
  tenantId: string;
  checklistId: number;
  format: ExportFormat;
  expiresAt: Date;
}

export type TokenCheck = { ok: true; claims: ExportClaims } | { ok: false; reason: 'malformed' | 'badSignature' | 'expired' };

const VERSION = 1;
const CONTEXT = 'cadans.export.v1.';
const MAX_TOKEN_LENGTH = 600;
// The signature: 32 bytes, 43 base64url characters unpadded.
const TOKEN_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

export function isExportFormat(x: unknown): x is ExportFormat {
  return typeof x === 'string' && (EXPORT_FORMATS as readonly string[]).includes(x);
}

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest();
}

function checkSecret(secret: string): void {
  // A programming error, not a user's: config.ts refuses shorter secrets at start-up.
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) throw new Error(`the export signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
}

export function createExportToken(secret: string, claims: ExportClaims): string {
  checkSecret(secret);
  if (!Number.isSafeInteger(claims.checklistId) || claims.checklistId <= 0) throw new Error('checklistId must be a positive integer');
  if (typeof claims.tenantId !== 'string' || claims.tenantId.length === 0 || claims.tenantId.length > 100) throw new Error('tenantId must be a short non-empty string');
  if (!isExportFormat(claims.format)) throw new Error(`unknown export format ${String(claims.format)}`);
  const exp = Math.floor(claims.expiresAt.getTime() / 1000);
  if (!Number.isFinite(exp)) throw new Error('expiresAt must be a valid date');
  const payload = Buffer.from(JSON.stringify({ v: VERSION, tid: claims.tenantId, cid: claims.checklistId, fmt: claims.format, exp, n: randomBytes(8).toString('base64url') }), 'utf8').toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** Never throws for what a visitor sends: a bad token is a reason, not an exception. */
export function verifyExportToken(secret: string, token: unknown, now: Date): TokenCheck {
  checkSecret(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const m = TOKEN_SHAPE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = m as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  // 43 base64url characters decode to 32 bytes, or the last character had stray bits.
  if (given.length !== 32 || given.toString('base64url') !== signature) return { ok: false, reason: 'malformed' };
  if (!timingSafeEqual(given, sign(secret, payload))) return { ok: false, reason: 'badSignature' };
  const claims = parseClaims(payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function parseClaims(payload: string): ExportClaims | null {
  let x: unknown;
  try {
    x = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null; // signed by us, so this does not happen; still no exception for a visitor
  }
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (o.v !== VERSION || typeof o.tid !== 'string' || o.tid.length === 0) return null;
  if (typeof o.cid !== 'number' || !Number.isSafeInteger(o.cid) || o.cid <= 0) return null;
  if (!isExportFormat(o.fmt) || typeof o.exp !== 'number' || !Number.isFinite(o.exp)) return null;
  return { tenantId: o.tid, checklistId: o.cid, format: o.fmt, expiresAt: new Date(o.exp * 1000) };
}
