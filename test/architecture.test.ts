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
      // Types carry no code; the shared schedule module is pure itself (no clock, no I/O: `now` is an argument).
      const outside = importsOf(m.text.replace(/^\s*import type [^;]*;/gm, '')).filter((i) => !i.startsWith('./') && i !== '../schedule/index.js');
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

  // Features use each other only through what another feature's feature.ts offers; so does the
  // rest of the app (wiring, the Teams layer, infrastructure).
  const FEATURES = ['people', 'checklists', 'home', 'exports', 'surveys', 'actions', 'meetings'];
  const featureOf = (rel: string) => FEATURES.find((f) => rel.startsWith(`${f}/`));

  it('has one public entry per feature folder: feature.ts', () => {
    for (const f of FEATURES) expect(files.some((x) => x.rel === `${f}/feature.ts`), f).toBe(true);
  });

  it("lets code use a feature only through that feature's feature.ts", () => {
    const offenders: string[] = [];
    for (const f of files) {
      const own = featureOf(f.rel);
      for (const i of importsOf(f.text)) {
        if (!i.startsWith('.')) continue;
        const target = path.relative(SRC, path.resolve(path.dirname(path.join(SRC, f.rel)), i)).replace(/\\/g, '/');
        const other = featureOf(target);
        if (other && other !== own && !target.endsWith(`${other}/feature.js`)) offenders.push(`${f.rel} -> ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  // Only stores run SQL. Infrastructure that must speak to the database itself is named, with why.
  const SQL_ALLOWED = new Set([
    'db/pool.ts', // transactions
    'db/migrate.ts', // migrations under an advisory lock
    'db/embedded.ts', // creating the local database
    'jobs/boss.ts', // pg-boss's statements on our pool
    'readiness.ts', // /readyz's select 1
  ]);

  it('runs SQL only in stores (and the named infrastructure)', () => {
    const offenders = files.filter((f) => /\.query(<[^>]*>)?\(/.test(f.text) && !f.rel.endsWith('store.ts') && !SQL_ALLOWED.has(f.rel));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  // Every table has one owning store: only it names the table in SQL. (A feature that needs another
  // feature's table in its own statement composes SQL text the owner's store writes.)
  const OWNERS: Record<string, string> = {
    tenants: 'people/store.ts',
    people: 'people/store.ts',
    schools: 'people/store.ts',
    role_assignments: 'people/store.ts',
    audit_events: 'people/store.ts',
    school_holiday_rosters: 'people/store.ts',
    conversation_refs: 'teams/store.ts',
    outbox_messages: 'outbox/store.ts',
    outbox_send_log: 'outbox/store.ts',
    checklists: 'checklists/store.ts',
    checklist_steps: 'checklists/store.ts',
    checklist_events: 'checklists/store.ts',
    checklist_templates: 'checklists/store.ts',
    checklist_views: 'checklists/store.ts',
    surveys: 'surveys/store.ts',
    survey_deliveries: 'surveys/store.ts',
    survey_sealed: 'surveys/store.ts',
    survey_responses: 'surveys/store.ts',
    survey_answers: 'surveys/store.ts',
    survey_templates: 'surveys/store.ts',
    improvement_actions: 'actions/store.ts',
    meeting_tables: 'meetings/store.ts',
    meetings: 'meetings/store.ts',
    meeting_attendance: 'meetings/store.ts',
    meeting_agenda_items: 'meetings/store.ts',
    tenant_deletions: 'privacy/tenant-store.ts',
  };

  it('gives every table created by a migration exactly one owning store', () => {
    const migrations = readdirSync(path.join(SRC, 'db/migrations')).map((f) => readFileSync(path.join(SRC, 'db/migrations', f), 'utf8')).join('\n');
    const tables = [...migrations.matchAll(/create table (\w+)/g)].map((m) => m[1]!);
    expect(tables.sort()).toEqual(Object.keys(OWNERS).sort());
  });

  it("names a table in SQL only in its owner's store", () => {
    const offenders: string[] = [];
    for (const f of files.filter((x) => x.rel.endsWith('store.ts'))) {
      const sql = [...f.text.matchAll(/`[^`]*`|'[^'\n]*'/g)].map((m) => m[0]).join('\n');
      for (const m of sql.matchAll(/\b(?:from|join|into|update|table)\s+(\w+)/gi)) {
        const owner = OWNERS[m[1]!];
        if (owner && owner !== f.rel) offenders.push(`${f.rel}: ${m[1]}`);
      }
    }
    expect([...new Set(offenders)]).toEqual([]);
  });
});
