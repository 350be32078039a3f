// The export settings: a signing secret production cannot start without, and where links point.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { registerChecklistDownloads } from '../../src/checklists/downloads.js';
import { createDownloads } from '../../src/exports/service.js';
import { verifyExportToken } from '../../src/exports/signed-links.js';

const root = '/nonexistent-cadans-root';
const SECRET = 'test-only-export-signing-secret-0123456789';
const prod = {
  CADANS_MODE: 'production',
  MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '66666666-7777-4888-9999-000000000000',
  MicrosoftAppPassword: 'not-a-real-secret',
  DATABASE_URL: 'postgresql://cadans@db.internal/cadans',
  CADANS_BEHEERDERS: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  EXPORT_SIGNING_SECRET: SECRET,
  SURVEY_SEAL_SECRET: 'test-only-survey-seal-secret-0123456789abcdef',
  PUBLIC_BASE_URL: 'https://cadans.example.org',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, root);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const links = (publicBaseUrl: string | undefined) =>
  // linkFor reads no database; serve is tested over HTTP in download.test.ts.
  registerChecklistDownloads(
    createDownloads({ secret: SECRET, baseUrl: publicBaseUrl, now: () => new Date('2027-03-01T10:00:00Z') }),
    { query: () => Promise.reject(new Error('no database here')) } as never,
  );

describe('export configuration', () => {
  it('refuses to start in production without EXPORT_SIGNING_SECRET, naming it', () => {
    const { EXPORT_SIGNING_SECRET: _drop, ...env } = prod;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^EXPORT_SIGNING_SECRET: required in production/)]);
  });

  it('names a missing EXPORT_SIGNING_SECRET together with the other missing production settings', () => {
    const problems = problemsOf({ CADANS_MODE: 'production', PORT: 'x' });
    expect(problems.some((p) => p.startsWith('EXPORT_SIGNING_SECRET:'))).toBe(true);
  });

  it('refuses a signing secret shorter than 32 characters', () => {
    expect(problemsOf({ ...prod, EXPORT_SIGNING_SECRET: 'too-short' })).toEqual([expect.stringMatching(/^EXPORT_SIGNING_SECRET: must be at least 32 characters/)]);
  });

  it('uses the configured secret in production', () => {
    expect(loadConfig(prod, root).exports).toEqual({ signingSecret: SECRET, signingSecretIsEphemeral: false, publicBaseUrl: 'https://cadans.example.org' });
  });

  it('makes up a random secret in local mode, so links work until the process stops', () => {
    const a = loadConfig({}, root).exports;
    const b = loadConfig({}, root).exports;
    expect(a.signingSecretIsEphemeral).toBe(true);
    expect(a.signingSecret.length).toBeGreaterThanOrEqual(32);
    expect(a.signingSecret).not.toBe(b.signingSecret);
  });

  it('wants PUBLIC_BASE_URL to be https in production and a plain address everywhere', () => {
    expect(problemsOf({ ...prod, PUBLIC_BASE_URL: 'http://cadans.example.org' })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: must be an https/)]);
    expect(problemsOf({ PUBLIC_BASE_URL: 'https://cadans.example.org/?x=1' })).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL:/)]);
    expect(loadConfig({ ...prod, PUBLIC_BASE_URL: 'https://cadans.example.org/' }, root).exports.publicBaseUrl).toBe('https://cadans.example.org');
  });

  it('gives links on PUBLIC_BASE_URL that open the file for fifteen minutes', () => {
    const link = links('https://cadans.example.org').linkFor('66666666-7777-4888-9999-000000000000', 12, 'csv');
    const token = link.replace(/^https:\/\/cadans\.example\.org\/exports\//, '');
    expect(token).not.toBe(link);
    expect(verifyExportToken(SECRET, token, new Date('2027-03-01T10:14:00Z'))).toMatchObject({ ok: true, claims: { kind: 'checklist', params: { checklistId: 12 }, format: 'csv' } });
    expect(verifyExportToken(SECRET, token, new Date('2027-03-01T10:15:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('gives a path when no address is known', () => {
    expect(links(undefined).linkFor('t', 12, 'xlsx')).toMatch(/^\/exports\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });
});
