// Baseline for a survey answer (issue 9): a bare teams-ai 1.7 bot on restify whose only handler is
// an Action.Execute `survey.answer` that, in one transaction, marks the person's delivery answered
// (only if it was not: a second answer is refused) and inserts the answer as JSON, then returns a
// small card. pg, a pool of Cadans' size over the same Unix socket to the same PostgreSQL server, in
// a database of its own (bench/scenarios/survey-answer.ts makes it). What someone would write
// without anonymity: the answer row is written next to the person's mark, in plain text, at once.
// Run as a child process with BENCH_DATABASE_URL set; prints "READY <url>" when listening.
import pg from 'pg';
import { bareTeamsAiApp, serveOnRestify } from './teams-ai-server.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is not set');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10) });
pool.on('error', (err) => process.stderr.write(`idle database connection failed: ${err.message}\n`));

const { adapter, app } = bareTeamsAiApp();

const card = (title: string, text: string) => ({
  type: 'AdaptiveCard' as const,
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium' },
    { type: 'TextBlock', text, wrap: true },
  ],
});

app.adaptiveCards.actionExecute<Record<string, unknown> & { survey?: string }>('survey.answer', async (context, _state, data) => {
  const person = context.activity.from.aadObjectId ?? context.activity.from.id;
  const answers: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (k.startsWith('a_') && typeof v === 'string' && v !== '') answers[k.slice(2)] = v;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const marked = await client.query('update survey_deliveries set answered_at = now() where survey_id = $1 and aad_object_id = $2 and answered_at is null', [data.survey, person]);
    if (marked.rowCount !== 1) {
      await client.query('rollback');
      return card('Al ingevuld', 'Je hebt deze peiling al ingevuld.');
    }
    await client.query('insert into survey_answers (survey_id, answers) values ($1, $2)', [data.survey, JSON.stringify(answers)]);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return card('Bedankt voor het invullen', 'Je antwoorden zijn opgeslagen.');
});

serveOnRestify('teams-ai-survey-answer', adapter, app);
