// Baseline for the checklist scenario: a bare teams-ai 1.7 bot on restify whose only handler is an
// Action.Execute `checklist.setStatus` that answers with a small Adaptive Card (no database, no
// state). Run as a child process by the benchmark; prints "READY <url>" when listening.
//   node --import tsx bench/baselines/teams-ai-checklist.ts
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { MemoryStorage } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';

const adapter = new TeamsAdapter({}); // no app id: no authentication either way, as Cadans in local mode
const app = new Application({
  storage: new MemoryStorage(),
  adapter,
  startTypingTimer: false,
  longRunningMessages: false,
});

app.adaptiveCards.actionExecute<{ checklistId?: number; position?: number; status?: string }>('checklist.setStatus', async (_context, _state, data) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: `Stap ${String(data.position ?? '?')}`, weight: 'Bolder', size: 'Medium' },
    { type: 'TextBlock', text: `Status: ${String(data.status ?? '?')}`, wrap: true },
    { type: 'TextBlock', text: 'Opgeslagen', color: 'Good' },
  ],
}));

const server = restify.createServer({ name: 'teams-ai-checklist' });
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
  await adapter.process(req, res, async (context) => {
    await app.run(context);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
