import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const root = '/nonexistent-cadans-root';
const prodBase = {
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
    loadConfig(env, root);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('starts in local mode on 127.0.0.1:3978 without authentication when nothing is set', () => {
    const c = loadConfig({}, root);
    expect(c).toMatchObject({ mode: 'local', host: '127.0.0.1', port: 3978, botAuth: null, databaseUrl: undefined });
    expect(c.playground.enabled).toBe(true);
  });

  it('refuses to listen beyond loopback in local mode, where nothing is authenticated', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([expect.stringMatching(/^HOST: .*127\.0\.0\.1/)]);
  });

  it('names every missing production variable at once', () => {
    const problems = problemsOf({ CADANS_MODE: 'production' });
    for (const name of ['MicrosoftAppId', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'DATABASE_URL', 'CADANS_BEHEERDERS', 'PUBLIC_BASE_URL']) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('refuses to start in production without PUBLIC_BASE_URL, naming it', () => {
    const { PUBLIC_BASE_URL: _drop, ...env } = prodBase;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^PUBLIC_BASE_URL: required in production/)]);
  });

  it('names a missing PUBLIC_BASE_URL also when another value is malformed', () => {
    const { PUBLIC_BASE_URL: _drop, ...env } = prodBase;
    expect(problemsOf({ ...env, PORT: 'x' })).toEqual([expect.stringMatching(/^PORT:/), 'PUBLIC_BASE_URL: required in production']);
  });

  it('does not need PUBLIC_BASE_URL in local mode, where links use the server\'s own address', () => {
    expect(loadConfig({}, root).exports.publicBaseUrl).toBeUndefined();
  });

  it('never falls back to no authentication in production when the secret is missing', () => {
    const { MicrosoftAppPassword: _drop, ...env } = prodBase;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^MicrosoftAppPassword:/)]);
  });

  it('accepts a user-assigned managed identity without a secret', () => {
    const { MicrosoftAppPassword: _drop, ...env } = prodBase;
    const c = loadConfig({ ...env, MicrosoftAppType: 'UserAssignedMsi' }, root);
    expect(c.botAuth).toMatchObject({ appType: 'UserAssignedMsi', password: undefined });
  });

  it('refuses MultiTenant, which new bot registrations cannot be', () => {
    expect(problemsOf({ ...prodBase, MicrosoftAppType: 'MultiTenant' })).toEqual([expect.stringMatching(/^MicrosoftAppType: MultiTenant/)]);
  });

  it('listens on all interfaces in production with the registration as configured', () => {
    const c = loadConfig(prodBase, root);
    expect(c.host).toBe('0.0.0.0');
    expect(c.playground.enabled).toBe(false);
    expect(c.botAuth?.tenantId).toBe(prodBase.MicrosoftAppTenantId);
    expect(c.beheerders).toEqual([prodBase.CADANS_BEHEERDERS]);
  });

  it('explains a bad value with the variable name', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: must be a number/)]);
    expect(problemsOf({ CADANS_MODE: 'prod' })).toEqual([expect.stringMatching(/^CADANS_MODE: must be 'local' or 'production'/)]);
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })).toEqual([expect.stringMatching(/^DATABASE_URL:/)]);
  });

  it('names a malformed value and the missing production variables together', () => {
    const problems = problemsOf({ CADANS_MODE: 'production', PORT: 'x' });
    expect(problems[0]).toMatch(/^PORT:/);
    expect(problems.some((p) => p.startsWith('MicrosoftAppId:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}, root))).toBe(true);
  });
});
