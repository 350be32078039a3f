// Baseline for the checklist click, database-backed: a bare teams-ai 1.7 bot on restify whose only
// handler is an Action.Execute `checklist.setStatus` that, in one transaction, updates the step's
// row and inserts one log row (pg, a pool of Cadans' size over the same Unix socket to the same
// PostgreSQL server, in a database of its own: bench/lib/database.ts), then answers with a small
// Adaptive Card. What someone would write instead of Cadans for the same click. Run as a child
// process by the benchmark with BENCH_DATABASE_URL set; prints "READY <url>" when listening.
import pg from 'pg';
import { bareTeamsAiApp, serveOnRestify } from './teams-ai-server.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is not set');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10) });
pool.on('error', (err) => process.stderr.write(`idle database connection failed: ${err.message}\n`));

const { adapter, app } = bareTeamsAiApp();

app.adaptiveCards.actionExecute<{ checklistId?: number; position?: number; status?: string }>('checklist.setStatus', async (context, _state, data) => {
  const actor = context.activity.from.aadObjectId ?? context.activity.from.id;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const updated = await client.query(
      'update steps set status = $3, updated_by = $4, updated_at = now() where checklist_id = $1 and position = $2',
      [data.checklistId, data.position, data.status, actor],
    );
    if (updated.rowCount !== 1) throw new Error(`no step ${String(data.position)} in checklist ${String(data.checklistId)}`);
    await client.query('insert into step_log (checklist_id, position, actor_aad, status) values ($1, $2, $3, $4)', [data.checklistId, data.position, actor, data.status]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: `Stap ${String(data.position ?? '?')}`, weight: 'Bolder', size: 'Medium' },
      { type: 'TextBlock', text: `Status: ${String(data.status ?? '?')}`, wrap: true },
      { type: 'TextBlock', text: 'Opgeslagen', color: 'Good' },
    ],
  };
});

serveOnRestify('teams-ai-db-click', adapter, app);
