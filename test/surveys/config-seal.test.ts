// The survey settings: the sealing key production cannot start without (anonymous answers are sealed
// with it until a survey closes), the send hours, and the local key file that survives a restart.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadSealKey, open, seal, sealSize } from '../../src/surveys/seal.js';
import type { Question } from '../../src/surveys/model.js';

const prod = {
  CADANS_MODE: 'production',
  MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '66666666-7777-4888-9999-000000000000',
  MicrosoftAppPassword: 'not-a-real-secret',
  DATABASE_URL: 'postgresql://cadans@db.internal/cadans',
  CADANS_BEHEERDERS: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  EXPORT_SIGNING_SECRET: 'test-only-export-signing-secret-0123456789',
  SURVEY_SEAL_SECRET: 'test-only-survey-seal-secret-0123456789abcdef',
  PUBLIC_BASE_URL: 'https://cadans.example.org',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/nonexistent-cadans-root');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const questions: Question[] = [
  { id: 'q1', kind: 'likert', text: 'Stelling', required: true },
  { id: 'q2', kind: 'open', text: 'Open', required: false },
];

describe('survey configuration and sealing', () => {
  it('refuses to start in production without SURVEY_SEAL_SECRET, naming it', () => {
    const { SURVEY_SEAL_SECRET: _drop, ...env } = prod;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^SURVEY_SEAL_SECRET: required in production/)]);
    expect(problemsOf({ ...prod, SURVEY_SEAL_SECRET: 'short' })).toEqual([expect.stringMatching(/^SURVEY_SEAL_SECRET: must be at least 32 characters/)]);
  });

  it('reads the send hours and refuses nonsense', () => {
    expect(loadConfig({ ...prod, SURVEY_SEND_HOURS: '7-17' }, '/x').surveys.sendWindow).toEqual({ startHour: 7, endHour: 17 });
    expect(loadConfig(prod, '/x').surveys.sendWindow).toEqual({ startHour: 8, endHour: 18 });
    expect(loadConfig({ ...prod, SURVEY_SEND_HOURS: 'always' }, '/x').surveys.sendWindow).toBeNull();
    expect(problemsOf({ ...prod, SURVEY_SEND_HOURS: '18-8' })).toEqual([expect.stringMatching(/^SURVEY_SEND_HOURS:/)]);
  });

  it('keeps a local key in the data directory, the same after a restart, readable only by its owner', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cadans-seal-'));
    try {
      const first = loadSealKey(undefined, dir);
      const again = loadSealKey(undefined, dir);
      expect(again.equals(first)).toBe(true);
      expect(statSync(path.join(dir, 'survey-seal.key')).mode & 0o077).toBe(0);
      expect(readFileSync(path.join(dir, 'survey-seal.key'), 'utf8').length).toBeGreaterThan(30);
      const sealed = seal(first, 7, sealSize(questions), { day: '2026-12-05', school: null, perspective: null, answers: { q1: 4, q2: 'Meer overleg' } });
      expect(open(again, 7, sealed).answers).toEqual({ q1: 4, q2: 'Meer overleg' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pads every sealed answer to one size and refuses to open it for another survey or with another key', () => {
    const key = loadSealKey('x'.repeat(40), '/unused');
    const size = sealSize(questions);
    const short = seal(key, 1, size, { day: '2026-12-05', school: null, perspective: null, answers: { q1: 1 } });
    const long = seal(key, 1, size, { day: '2026-12-05', school: 3, perspective: 'bestuur', answers: { q1: 5, q2: '"\\'.repeat(500) + '\u{1F600}'.repeat(250) } });
    expect(short.length).toBe(long.length);
    expect(open(key, 1, long).answers.q2).toContain('\u{1F600}');
    expect(() => open(key, 2, short)).toThrow();
    expect(() => open(loadSealKey('y'.repeat(40), '/unused'), 1, short)).toThrow();
  });
});
