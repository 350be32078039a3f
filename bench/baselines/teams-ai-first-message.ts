// Baseline for a first message, database-backed: a bare teams-ai 1.7 bot on restify that, for every
// message, upserts the person and the conversation reference in one transaction (pg, a pool of
// Cadans' size over the same Unix socket to the same PostgreSQL server, in a database of its own:
// bench/lib/database.ts) and answers with a small Adaptive Card. What someone would write instead of
// Cadans to remember who wrote and where. Run as a child process by the benchmark with
// BENCH_DATABASE_URL set; prints "READY <url>" when listening.
import pg from 'pg';
import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { bareTeamsAiApp, serveOnRestify } from './teams-ai-server.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error('BENCH_DATABASE_URL is not set');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10) });
pool.on('error', (err) => process.stderr.write(`idle database connection failed: ${err.message}\n`));

const { adapter, app } = bareTeamsAiApp();

app.activity('message', async (context) => {
  const a = context.activity;
  const tenantId = a.conversation.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? '';
  const aad = a.from.aadObjectId ?? a.from.id;
  const reference = TurnContext.getConversationReference(a);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into people (tenant_id, aad_object_id, teams_user_id, name, locale) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, aad_object_id) do update set teams_user_id = excluded.teams_user_id, name = excluded.name, locale = excluded.locale, updated_at = now()`,
      [tenantId, aad, a.from.id, a.from.name ?? '', a.locale ?? null],
    );
    await client.query(
      `insert into conversation_refs (tenant_id, scope, key, conversation_id, service_url, reference) values ($1, 'personal', $2, $3, $4, $5)
       on conflict (tenant_id, scope, key) do update set conversation_id = excluded.conversation_id, service_url = excluded.service_url, reference = excluded.reference, updated_at = now()`,
      [tenantId, aad, a.conversation.id, a.serviceUrl, JSON.stringify(reference)],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  await context.sendActivity(
    MessageFactory.attachment(
      CardFactory.adaptiveCard({
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: `Welkom, ${a.from.name ?? ''}`, weight: 'Bolder', size: 'Medium' },
          { type: 'TextBlock', text: a.text ?? '', wrap: true },
        ],
      }),
    ),
  );
});

serveOnRestify('teams-ai-first-message', adapter, app);
