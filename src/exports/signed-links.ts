// Signed, expiring download tokens. A token names a tenant, a download kind (registered by a
// feature: `checklist`, later surveys and privacy exports), that kind's params, a format and when it
// expires, and carries an HMAC-SHA256 over exactly those bytes: whoever holds the link may download
// that one file until it expires, and nobody can change what it points at. The payload is readable
// (base64url JSON), so it holds no secrets and names no person: only ids.
//
//   <payload>.<signature>
//   payload   = base64url({"v":2,"tid":…,"k":<kind>,"p":{<params>},"fmt":"xlsx","exp":<unix s>,"n":<random>})
//   n         : 8 random bytes, so every link is a link of its own (downloads are counted per link)
//   signature = base64url(HMAC-SHA256(secret, "cadans.export.v1." + payload))
//
// Links made before kinds existed (v 1: {"v":1,"tid":…,"cid":<checklist id>,"fmt":…,"exp":…,"n":…})
// still verify for their 15 minutes: they come back with `kind: null` and `params: { cid }`, and the
// service hands them to the kind that says it answers them (service.ts, `v1Params`). The context
// string stays "cadans.export.v1." for both: the version inside the signed payload tells them apart.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a link works when nobody says otherwise. */
export const DEFAULT_LINK_LIFETIME_MS = 15 * 60 * 1000;
export const MIN_SECRET_LENGTH = 32;

/** A kind's name: `checklist`, `survey-results`, `privacy.export`. */
export const KIND_NAME = /^[a-z][a-z0-9.-]{0,39}$/;
/** A format: a short lowercase word (`xlsx`, `csv`, `zip`), also what the kind's file is. */
export const FORMAT_NAME = /^[a-z0-9]{1,10}$/;

export interface ExportClaims {
  tenantId: string;
  /** The download kind; null for a link made before kinds (v 1), whose params are `{ cid }`. */
  kind: string | null;
  /** The kind's params as signed (plain JSON); the kind's schema checks them before use. */
  params: Readonly<Record<string, unknown>>;
  format: string;
  expiresAt: Date;
}

/** What a new link names: always a kind. */
export type LinkClaims = Omit<ExportClaims, 'kind'> & { kind: string };

export type TokenCheck = { ok: true; claims: ExportClaims } | { ok: false; reason: 'malformed' | 'badSignature' | 'expired' };

const VERSION = 2;
const CONTEXT = 'cadans.export.v1.';
/** Longer tokens are refused unread; linkFor refuses to make one (params are a few ids, not data). */
export const MAX_TOKEN_LENGTH = 600;
// The signature: 32 bytes, 43 base64url characters unpadded.
const TOKEN_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest();
}

function checkSecret(secret: string): void {
  // A programming error, not a user's: config.ts refuses shorter secrets at start-up.
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) throw new Error(`the export signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Throws for a programming error (bad kind name, params that are not a JSON object, a token too long). */
export function createExportToken(secret: string, claims: LinkClaims): string {
  checkSecret(secret);
  if (typeof claims.tenantId !== 'string' || claims.tenantId.length === 0 || claims.tenantId.length > 100) throw new Error('tenantId must be a short non-empty string');
  if (typeof claims.kind !== 'string' || !KIND_NAME.test(claims.kind)) throw new Error(`download kind ${String(claims.kind)} is not a kind name`);
  if (typeof claims.format !== 'string' || !FORMAT_NAME.test(claims.format)) throw new Error(`download format ${String(claims.format)} is not a format name`);
  if (!isPlainObject(claims.params)) throw new Error('download params must be an object');
  const exp = Math.floor(claims.expiresAt.getTime() / 1000);
  if (!Number.isFinite(exp)) throw new Error('expiresAt must be a valid date');
  const json = { v: VERSION, tid: claims.tenantId, k: claims.kind, p: claims.params, fmt: claims.format, exp, n: randomBytes(8).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
  const token = `${payload}.${sign(secret, payload).toString('base64url')}`;
  if (token.length > MAX_TOKEN_LENGTH) throw new Error(`a ${claims.kind} download token would be ${token.length} characters (at most ${MAX_TOKEN_LENGTH}): params are ids, not data`);
  return token;
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
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null; // signed by us, so this does not happen; still no exception for a visitor
  }
  if (!isPlainObject(o)) return null;
  if (typeof o.tid !== 'string' || o.tid.length === 0) return null;
  if (typeof o.fmt !== 'string' || !FORMAT_NAME.test(o.fmt)) return null;
  if (typeof o.exp !== 'number' || !Number.isFinite(o.exp)) return null;
  const expiresAt = new Date(o.exp * 1000);
  if (o.v === 1) {
    // Made before kinds: tenant, checklist id, format (until every such link has expired).
    if (typeof o.cid !== 'number' || !Number.isSafeInteger(o.cid) || o.cid <= 0) return null;
    return { tenantId: o.tid, kind: null, params: { cid: o.cid }, format: o.fmt, expiresAt };
  }
  if (o.v !== VERSION) return null;
  if (typeof o.k !== 'string' || !KIND_NAME.test(o.k) || !isPlainObject(o.p)) return null;
  return { tenantId: o.tid, kind: o.k, params: o.p, format: o.fmt, expiresAt };
}
