// The compiled runtime for the benchmark: what production runs (`npm run build && node dist/main.js`),
// and the baselines compiled the same way (TypeScript's own transpiler), so every server runs as
// plain JavaScript without a loader. With --runtime=tsx everything runs under `node --import tsx`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type Runtime = 'dist' | 'tsx';

/** Directory (git-ignored) for the compiled baselines and probe. */
export const BENCH_BUILD_DIR = 'bench/.build';

/** Builds dist/ (as `npm run build`) and transpiles the baselines and the import probe; returns ms. */
export function buildForBench(root: string): number {
  const t0 = performance.now();
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
  cpSync(path.join(root, 'src/db/migrations'), path.join(root, 'dist/db/migrations'), { recursive: true });
  const out = path.join(root, BENCH_BUILD_DIR);
  mkdirSync(out, { recursive: true });
  const files: Array<[string, (js: string) => string]> = [
    ['bench/baselines/teams-ai-server.ts', (js) => js],
    ['bench/baselines/teams-ai-echo.ts', (js) => js.replace("'./teams-ai-server.js'", "'./teams-ai-server.mjs'")],
    ['bench/baselines/teams-ai-checklist.ts', (js) => js.replace("'./teams-ai-server.js'", "'./teams-ai-server.mjs'")],
    ['bench/baselines/teams-ai-db-click.ts', (js) => js.replace("'./teams-ai-server.js'", "'./teams-ai-server.mjs'")],
    ['bench/baselines/teams-ai-first-message.ts', (js) => js.replace("'./teams-ai-server.js'", "'./teams-ai-server.mjs'")],
    ['bench/baselines/teams-ai-survey-answer.ts', (js) => js.replace("'./teams-ai-server.js'", "'./teams-ai-server.mjs'")],
    // The survey result probe runs Cadans' compiled modules.
    ['bench/scenarios/survey-results-probe.ts', (js) => js.replaceAll("'../../src/", "'../../dist/")],
    ['bench/baselines/bare-restify.ts', (js) => js],
    // The probe imports Cadans' compiled module graph instead of the sources.
    ['bench/scenarios/import-probe.ts', (js) => js.replace("'../../src/cadans.js'", "'../../dist/cadans.js'")],
  ];
  for (const [file, fix] of files) {
    const source = readFileSync(path.join(root, file), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: file }).outputText;
    writeFileSync(path.join(out, path.basename(file).replace(/\.ts$/, '.mjs')), fix(js));
  }
  return performance.now() - t0;
}

/**
 * The node arguments of production's start command, `npm run serve` in package.json (e.g.
 * `--max-old-space-size=256 dist/main.js`): the benchmark runs Cadans exactly so.
 */
export function serveArgs(root: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.serve ?? 'node dist/main.js').trim().split(/\s+/);
  if (words[0] !== 'node' || !words.includes('dist/main.js')) throw new Error(`package.json's serve script is not "node [flags] dist/main.js": ${pkg.scripts?.serve}`);
  return words.slice(1);
}

/** node arguments to run a TypeScript entry point (path relative to the repository) in a runtime. */
export function entryArgs(runtime: Runtime, tsPath: string, root = process.cwd()): string[] {
  if (runtime === 'tsx') return ['--import', 'tsx', tsPath];
  if (tsPath === 'src/main.ts') return serveArgs(root);
  return [path.join(BENCH_BUILD_DIR, path.basename(tsPath).replace(/\.ts$/, '.mjs'))];
}
