// Sealing anonymous answers until their survey closes (docs/surveys.md, "Anonymity").
//
// The transaction that accepts an anonymous answer marks the delivery answered and stores the
// answer sealed: AES-256-GCM under a key that is not in the database (SURVEY_SEAL_SECRET, or in
// local mode a key file in the data directory), with the survey's id as associated data (a sealed
// answer cannot be moved to another survey) and padded to one size per survey (its length says
// nothing about what was typed). Both rows share a transaction id, so the sealed row is linked to
// the person; it is unreadable without the key and deleted when the survey closes, when all of a
// survey's answers are opened and written in random order in one transaction.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SURVEY_LIMITS, type Answers, type Question } from './model.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What is sealed: the day answered, the segments that may be stored, the answers. */
export interface SealedAnswer {
  /** yyyy-mm-dd (Europe/Amsterdam): the only time kept. */
  day: string;
  school: number | null;
  perspective: string | null;
  answers: Answers;
}

export type SealKey = Buffer & { readonly __sealKey: unique symbol };

/** The AES key from a secret (HKDF-SHA256, so the secret's own form does not matter). */
export function sealKeyFrom(secret: string | Buffer): SealKey {
  return Buffer.from(hkdfSync('sha256', secret, 'cadans', 'survey answers v1', 32)) as SealKey;
}

/**
 * The key: SURVEY_SEAL_SECRET when set (production requires it); otherwise a random key kept in
 * `<dataDir>/survey-seal.key` (created once, mode 0600), so sealed answers survive a restart.
 */
export function loadSealKey(secret: string | undefined, dataDir: string): SealKey {
  if (secret) return sealKeyFrom(secret);
  const file = path.join(dataDir, 'survey-seal.key');
  try {
    return sealKeyFrom(readFileSync(file, 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
  }
  return sealKeyFrom(readFileSync(file, 'utf8').trim());
}

/**
 * The padded size of a survey's sealed answers: enough for the longest possible answer to every
 * question (an open answer of 1,000 characters, each escaped in JSON as at most 6 bytes), rounded
 * up to 1 KiB.
 */
export function sealSize(questions: readonly Question[]): number {
  let bytes = 160; // day, segments, keys
  for (const q of questions) {
    bytes += 24 + q.id.length;
    if (q.kind === 'open') bytes += SURVEY_LIMITS.openAnswerLength * 6 + 2;
    else if (q.kind === 'choice') bytes += (q.options?.length ?? 0) * 6 + 2;
    else bytes += 4;
  }
  return Math.ceil(bytes / 1024) * 1024;
}

export function seal(key: SealKey, surveyId: number, size: number, answer: SealedAnswer): Buffer {
  const json = Buffer.from(JSON.stringify({ d: answer.day, s: answer.school, p: answer.perspective, a: answer.answers }), 'utf8');
  if (json.length > size) throw new Error(`sealed answer of ${json.length} bytes exceeds the survey's size ${size}`);
  const plain = Buffer.alloc(size, 0x20);
  json.copy(plain);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`survey:${surveyId}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
}

export function open(key: SealKey, surveyId: number, sealed: Buffer): SealedAnswer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('not a sealed answer');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(`survey:${surveyId}`));
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  const o = JSON.parse(plain.toString('utf8').trimEnd()) as { d: string; s: number | null; p: string | null; a: Answers };
  return { day: o.d, school: o.s, perspective: o.p, answers: o.a };
}
