// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): where the CPU time went, by
// package and by function (self time).
//   npx tsx bench/profile-summary.ts bench/results/profiles/cadans-….cpuprofile --results=bench/results/<run>.json
// --results keeps only the samples inside that run's measured windows (monotonic microseconds, the
// clock of both process.hrtime and V8's profiler), so start-up and warm-up do not count.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internals)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0] ?? url;
  }
  const src = url.match(/\/(src|bench|test)\/(.*)$/);
  if (src) return `${src[1]}/${src[2]?.split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

export interface ProfileSummary {
  totalMs: number;
  byPackage: Array<{ name: string; ms: number; share: number }>;
  /** Self time, with node internals and native code charged to the nearest package up the stack. */
  byCaller: Array<{ name: string; ms: number; share: number }>;
  byFunction: Array<{ name: string; where: string; ms: number; share: number }>;
}

export function summarise(profile: CpuProfile, opts: { windows?: Array<[number, number]>; top?: number } = {}): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  const inWindow = (t: number) => !opts.windows || opts.windows.some(([from, to]) => t >= from && t <= to);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (!inWindow(t)) continue;
    // The time until the next sample is charged to this one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const pkg = new Map<string, number>();
  const caller = new Map<string, number>();
  const fn = new Map<string, { where: string; us: number }>();
  /** The nearest frame up the stack that belongs to a package or to our code (not node or native). */
  const callerOf = (id: number): string => {
    let cur: number | undefined = id;
    while (cur !== undefined) {
      const f = nodes.get(cur)?.callFrame;
      if (f && f.url && !f.url.startsWith('node:')) return packageOf(f.url, f.functionName);
      cur = parent.get(cur);
    }
    const f = nodes.get(id)?.callFrame;
    return f ? packageOf(f.url, f.functionName) : '?';
  };
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const p = packageOf(url, functionName);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
    const c = functionName.startsWith('(') ? functionName : callerOf(id);
    caller.set(c, (caller.get(c) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    const f = fn.get(key) ?? { where, us: 0 };
    f.us += us;
    fn.set(key, f);
  }
  const top = opts.top ?? 25;
  return {
    totalMs: total / 1000,
    byPackage: [...pkg.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000, share: us / total })),
    byCaller: [...caller.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: us / 1000, share: us / total })),
    byFunction: [...fn.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([key, v]) => ({ name: key.slice(0, key.length - v.where.length).trim(), where: v.where, ms: v.us / 1000, share: v.us / total })),
  };
}

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { results: { type: 'string' }, server: { type: 'string' }, top: { type: 'string' }, phase: { type: 'string' }, scenario: { type: 'string' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  let windows: Array<[number, number]> | undefined;
  if (values.results) {
    type Rounds = Array<{ monoUs: [number, number] }>;
    type Levels = { levels: Array<{ server: string; byRound?: Rounds; updateLatencyMs?: { byRound?: Rounds } }> };
    const results = JSON.parse(readFileSync(values.results, 'utf8')) as { help?: Levels; firstMessage?: Levels; checklist?: Levels };
    // Profile directories are named after the server's script: the two database-backed baselines are 'teams-ai+pg'.
    const server = values.server ?? (/teams-ai-(db-click|first-message)-/.test(file) ? 'teams-ai+pg' : file.match(/(cadans|teams-ai|restify)-/)?.[1] ?? '');
    // The measured windows of every scenario in the run (help round trip, first message, checklist
    // invokes; --scenario=help|first-message|checklist for one), or with --phase=update those of the
    // checklist's card-update phase.
    const pickScenario = (name: string, l: Levels | undefined) => (!values.scenario || values.scenario === name ? (l?.levels ?? []) : []);
    const levels = [...pickScenario('help', results.help), ...pickScenario('first-message', results.firstMessage), ...pickScenario('checklist', results.checklist)].filter((l) => l.server === server);
    windows = levels.flatMap((l) => ((values.phase === 'update' ? l.updateLatencyMs?.byRound : l.byRound) ?? []).map((r) => r.monoUs));
    if (windows.length === 0) throw new Error(`no measured windows for server '${server}' in ${values.results}`);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const s = summarise(profile, { ...(windows ? { windows } : {}), top: values.top ? Number(values.top) : 25 });
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const out: string[] = [`${file}: ${s.totalMs.toFixed(0)} ms of CPU${windows ? ` in ${windows.length} measured window(s)` : ''} (idle excluded)`, ''];
  out.push('Self time by package:');
  for (const p of s.byPackage) out.push(`  ${pct(p.share)}  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
  out.push('', 'Self time, node internals charged to the nearest package up the stack:');
  for (const p of s.byCaller) out.push(`  ${pct(p.share)}  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
  out.push('', 'Self time by function:');
  for (const f of s.byFunction) out.push(`  ${pct(f.share)}  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const USAGE = `usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--results=bench/results/<run>.json [--server=cadans] [--scenario=…]] [--top=25]
  --results: keep only the samples of that run's measured windows for the server (default: from the file name)
  --scenario=help|first-message|checklist: only that scenario's windows (default: all in the run)
  --phase=update: the checklist scenario's card-update phase instead of the invoke windows`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) main();
