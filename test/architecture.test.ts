// The dependency rules of docs/architecture.md, checked on the source text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from './support/harness.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SRC = path.join(ROOT_DIR, 'src');
const files = filesUnder(SRC).map((p) => ({ rel: path.relative(SRC, p), text: readFileSync(p, 'utf8') }));
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);

describe('architecture', () => {
  it('keeps botbuilder, teams-ai and the connector inside src/teams/', () => {
    const offenders = files.filter((f) => !f.rel.startsWith('teams/') && importsOf(f.text).some((i) => /^(botbuilder|botframework-|@microsoft\/teams-ai)/.test(i)));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  it('keeps msal-node and the Graph client inside src/graph/', () => {
    const offenders = files.filter((f) => !f.rel.startsWith('graph/') && importsOf(f.text).some((i) => /^(@azure\/msal-node|@microsoft\/microsoft-graph-client)/.test(i)));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  it('reads process.env only in config.ts (main.ts hands it over; child processes inherit it)', () => {
    const offenders = files.filter((f) => f.rel !== 'config.ts' && f.rel !== 'main.ts' && /process\.env\b/.test(f.text.replace(/\/\/.*$/gm, '')) && !/env: \{\s*\.\.\.process\.env/.test(f.text));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  it('keeps feature models pure: no imports from outside the feature, no clock, no I/O', () => {
    const models = files.filter((f) => f.rel.endsWith('/model.ts'));
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) {
      const outside = importsOf(m.text).filter((i) => !i.startsWith('./'));
      expect(outside, m.rel).toEqual([]);
      expect(m.text, m.rel).not.toMatch(/Date\.now\(|new Date\(\)|process\./);
    }
  });

  it('keeps src/exports/ a service for every feature: it imports no feature folder, only itself, top-level modules and db/', () => {
    const exportsFiles = files.filter((f) => f.rel.startsWith('exports/'));
    expect(exportsFiles.length).toBeGreaterThan(0);
    const offenders = exportsFiles.flatMap((f) =>
      importsOf(f.text)
        .filter((i) => i.startsWith('.'))
        .map((i) => path.relative(SRC, path.resolve(SRC, path.dirname(f.rel), i)))
        .filter((target) => target.includes(path.sep) && !target.startsWith(`exports${path.sep}`) && !target.startsWith(`db${path.sep}`))
        .map((target) => `${f.rel} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('has no empty catch blocks', () => {
    const offenders = files.filter((f) => /catch\s*(\([^)]*\))?\s*\{\s*\}/.test(f.text));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });
});
